"""The media type of an error answer: what the document declares for that operation and status.

The kit renders every error as an RFC 9457 problem. Its media type is `application/problem+json`
unless the operation's response for the status (the exact code, else its range `4XX`, else
`default`) declares JSON bodies and none of them is a problem type: a contract whose errors are
`application/json` gets `application/json`, so the answer carries a content type the document
declares. A status the operation does not document, or a path no operation serves, keeps
`application/problem+json`. Swagger 2.0: the operation's `produces` (else the document's).
"""

from __future__ import annotations

import re
from typing import Any

from accord import openapi

PROBLEM_JSON = "application/problem+json"


def _is_json(media_type: str) -> bool:
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


def _media_of(document: dict[str, Any], operation: dict[str, Any], response: Any) -> str:
    """The error media type for one Response Object of `operation`."""
    response = openapi.deref(document, response)
    if not isinstance(response, dict):
        return PROBLEM_JSON
    if "swagger" in document:
        if "schema" not in response:
            return PROBLEM_JSON
        produces = operation.get("produces", document.get("produces")) or []
        return media_type_for([str(m) for m in produces])
    content = response.get("content")
    return media_type_for([str(m) for m in content] if isinstance(content, dict) else [])


def media_type_for(declared: list[str]) -> str:
    """problem+json when declared (or when nothing JSON is), else the first JSON type declared."""
    json_types = [m for m in declared if _is_json(m)]
    if not json_types or any("problem" in m.lower() for m in json_types):
        return PROBLEM_JSON
    return json_types[0]


def _choices(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, str]:
    """Response key ("404", "4XX", "default") -> the error media type, for the error keys whose
    type is not problem+json."""
    responses = openapi.deref(document, operation.get("responses"))
    if not isinstance(responses, dict):
        return {}
    chosen = {}
    for key, response in responses.items():
        key = str(key).upper()
        if key == "DEFAULT" or key[:1] in ("4", "5"):
            media = _media_of(document, operation, response)
            chosen[key.lower() if key == "DEFAULT" else key] = media
    return chosen


class ErrorMediaTypes:
    """(method, request path, status) -> the media type of the error answer, from the document."""

    def __init__(self, document: dict[str, Any], base: str) -> None:
        entries: list[tuple[int, re.Pattern[str], str, dict[str, str]]] = []
        for op in openapi.operations(document):
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(base + op.path))
            entries.append((op.path.count("{"), re.compile(f"^{pattern}/?$"), op.method.upper(),
                            _choices(document, op.operation)))
        # Literal segments win over templated ones (/pets/mine before /pets/{id}), as routing does.
        self._routes = [(pattern, method, chosen) for _, pattern, method, chosen in
                        sorted(entries, key=lambda entry: entry[0])]
        #: Whether any operation declares an error type other than problem+json (else nothing to look up).
        self.any = any(media != PROBLEM_JSON for _, _, chosen in self._routes for media in chosen.values())

    def media_type(self, method: str, path: str, status: int) -> str:
        if not self.any:
            return PROBLEM_JSON
        for pattern, route_method, chosen in self._routes:
            if route_method == method and pattern.match(path):
                code = str(status)
                for key in (code, f"{code[0]}XX", "default"):
                    if key in chosen:
                        return chosen[key]
                return PROBLEM_JSON
        return PROBLEM_JSON
