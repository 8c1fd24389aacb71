"""What the contract documents per operation, and which of it a run exercised.

Four dimensions per operation: documented response keys (a status seen is matched the way OpenAPI
does, 3.0 §4.7.16: the exact code, then its range '4XX', then 'default'), response media types
(per response key), parameters (by location and name) and links (as Schemathesis names a
transition: `SOURCE -> [STATUS] NAME -> TARGET`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from accord import openapi
from accord.contract_tests.report import Dimension, StatusCoverage


@dataclass(frozen=True, slots=True)
class DocumentedOperation:
    label: str  # "GET /v1/models/{model_id}", as Schemathesis labels it
    operation_id: str | None
    responses: tuple[str, ...]
    media_types: tuple[str, ...] = ()  # "200 application/json"
    parameters: tuple[str, ...] = ()  # "query page_token"
    links: tuple[str, ...] = ()  # "POST /jobs -> [202] GetJob -> GET /jobs/{id}"


def documented_operations(document: Mapping[str, Any]) -> list[DocumentedOperation]:
    """Every operation of the document, in document order."""
    found_ops = list(openapi.operations(document))
    by_id = {op.operation.get("operationId"): op.label for op in found_ops if op.operation.get("operationId")}
    result = []
    for found in found_ops:
        responses = openapi.deref(document, found.operation.get("responses")) or {}
        media: list[str] = []
        links: list[str] = []
        for key, response in responses.items():
            response = openapi.deref(document, response) or {}
            media += [f"{key} {name}" for name in (response.get("content") or {})]
            for name, link in (response.get("links") or {}).items():
                link = openapi.deref(document, link) or {}
                target = by_id.get(link.get("operationId"))
                if target is not None:
                    links.append(f"{found.label} -> [{key}] {name} -> {target}")
        params: dict[str, None] = {}
        for raw in [*(found.path_item.get("parameters") or []), *(found.operation.get("parameters") or [])]:
            param = openapi.deref(document, raw) or {}
            if "in" in param and "name" in param:
                name = param["name"].lower() if param["in"] == "header" else param["name"]  # RFC 9110 §5.1
                params[f"{param['in']} {name}"] = None
        result.append(DocumentedOperation(found.label, found.operation.get("operationId"),
                                          tuple(str(key) for key in responses), tuple(media), tuple(params),
                                          tuple(links)))
    return result


def documenting_key(status: int, responses: tuple[str, ...]) -> str | None:
    """The response key documenting `status`, or None."""
    by_upper = {key.upper(): key for key in responses}
    for candidate in (str(status), f"{status // 100}XX", "DEFAULT"):
        if candidate in by_upper:
            return by_upper[candidate]
    return None


def documents_success(responses: tuple[str, ...]) -> bool:
    """Whether the response keys document a success: a 2xx or 3xx code or range (a `default` alone
    does not say which answer is the success; Spectral's operation-success-response reads it so)."""
    return any(key[:1] in ("2", "3") for key in responses)


def status_coverage(operation: DocumentedOperation, seen: Mapping[int, int]) -> StatusCoverage:
    exercised: set[str] = set()
    undocumented: set[int] = set()
    for status in seen:
        key = documenting_key(status, operation.responses)
        if key is None:
            undocumented.add(status)
        else:
            exercised.add(key)
    return StatusCoverage(
        documented=operation.responses,
        exercised=tuple(k for k in operation.responses if k in exercised),
        missing=tuple(k for k in operation.responses if k not in exercised),
        undocumented=tuple(sorted(undocumented)),
    )


def media_seen(operation: DocumentedOperation, responses: Iterable[tuple[int, str]]) -> set[str]:
    """The documented "KEY media" entries that (status, content type) pairs exercised."""
    seen = set()
    for status, content_type in responses:
        key = documenting_key(status, operation.responses)
        media = content_type.split(";", 1)[0].strip().lower()
        if key is not None and media:
            seen.add(f"{key} {media}")
    return seen


def dimension(documented: tuple[str, ...], seen: Iterable[str]) -> Dimension:
    reached = set(seen)
    return Dimension(documented=documented, exercised=tuple(d for d in documented if d in reached))
