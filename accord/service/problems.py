"""RFC 9457 problem details: a catalogue of problem types, one exception, one renderer.

A problem is named (`not-found`, `validation-error`…); the catalogue turns a name into its
status, title and `type` URI. The kit's catalogue is generic and its `type` is `about:blank`
(RFC 9457 §4.2.1) unless the app publishes a base URI for its types (`ProblemCatalogue.extend`,
from its `setup`). Body or parameter errors go in `errors[]` as `{pointer, detail}` or
`{parameter, in, detail}`; `request_id` is added when the settings say so (on by default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from accord.service.context import service_var

PROBLEM_JSON = "application/problem+json"
ABOUT_BLANK = "about:blank"
MAX_ERRORS = 50

#: name → (status, title): what any HTTP service can answer.
GENERIC_TYPES: dict[str, tuple[int, str]] = {
    "validation-error": (400, "Request failed validation"),
    "unauthorized": (401, "Missing or invalid credentials"),
    "forbidden": (403, "Forbidden"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "not-acceptable": (406, "Not acceptable"),
    "conflict": (409, "Conflict"),
    "payload-too-large": (413, "Request body too large"),
    "unsupported-media-type": (415, "Unsupported media type"),
    "unprocessable-content": (422, "Unprocessable content"),
    "rate-limited": (429, "Too many requests"),
    "internal-error": (500, "Internal server error"),
    "not-implemented": (501, "Not implemented"),
    "service-unavailable": (503, "Service unavailable"),
}

#: Names for statuses the framework raises without a name of ours.
GENERIC_NAME_FOR_STATUS: dict[int, str] = {
    400: "validation-error", 401: "unauthorized", 403: "forbidden", 404: "not-found",
    405: "method-not-allowed", 406: "not-acceptable", 409: "conflict", 413: "payload-too-large",
    415: "unsupported-media-type", 422: "unprocessable-content", 429: "rate-limited",
    500: "internal-error", 501: "not-implemented", 503: "service-unavailable",
}


@dataclass(frozen=True, slots=True)
class ProblemCatalogue:
    """The problem types a service answers with: `base` + name is the `type` URI."""

    base: str = ABOUT_BLANK
    types: Mapping[str, tuple[int, str]] = field(default_factory=lambda: dict(GENERIC_TYPES))
    name_for_status: Mapping[int, str] = field(default_factory=lambda: dict(GENERIC_NAME_FOR_STATUS))

    def extend(self, *, base: str | None = None, types: Mapping[str, tuple[int, str]] | None = None,
               name_for_status: Mapping[int, str] | None = None) -> ProblemCatalogue:
        """This catalogue with the app's own base URI, types and fallback names added."""
        return replace(self, base=self.base if base is None else base,
                       types={**self.types, **(types or {})},
                       name_for_status={**self.name_for_status, **(name_for_status or {})})

    def type_uri(self, name: str) -> str:
        return ABOUT_BLANK if self.base == ABOUT_BLANK else self.base + name

    def status_of(self, name: str) -> int:
        return self.types.get(name, (500, ""))[0]

    def name_of(self, status: int) -> str:
        return self.name_for_status.get(status, "internal-error" if status >= 500 else "validation-error")

    def body(self, name: str, status: int | None = None, *, detail: str, title: str | None = None,
             instance: str | None = None, request_id: str | None = None,
             errors: Sequence[Mapping[str, Any]] | None = None) -> dict[str, Any]:
        default_status, default_title = self.types.get(name, (status or 500, name.replace("-", " ").capitalize()))
        body: dict[str, Any] = {
            "type": self.type_uri(name),
            "title": title or default_title,
            "status": status or default_status,
            "detail": detail,
        }
        if instance is not None:
            body["instance"] = instance
        if request_id is not None:
            body["request_id"] = request_id
        if errors:
            body["errors"] = [dict(e) for e in list(errors)[:MAX_ERRORS]]
        return body


DEFAULT_CATALOGUE = ProblemCatalogue()


def current_catalogue() -> ProblemCatalogue:
    """The catalogue of the service answering this request; the generic one outside a request."""
    service = service_var.get(None)
    return service.problems if service is not None else DEFAULT_CATALOGUE


def problem_body(name: str, status: int | None = None, *, detail: str, title: str | None = None,
                 instance: str | None = None, request_id: str | None = None,
                 errors: Sequence[Mapping[str, Any]] | None = None,
                 catalogue: ProblemCatalogue | None = None) -> dict[str, Any]:
    """A problem body, typed by `catalogue` (default: the running service's)."""
    return (catalogue or current_catalogue()).body(name, status, detail=detail, title=title, instance=instance,
                                                   request_id=request_id, errors=errors)


class ProblemError(Exception):
    """Raised by handlers (and the kit's validators) to answer with a problem.

    `status` defaults to the status the running service's catalogue gives `name`."""

    def __init__(self, name: str, detail: str, *, status: int | None = None,
                 errors: Sequence[Mapping[str, Any]] | None = None,
                 headers: Mapping[str, str] | None = None, title: str | None = None) -> None:
        super().__init__(detail)
        self.name = name
        self._status = status
        self.detail = detail
        self.errors = list(errors or [])
        self.headers = dict(headers or {})
        self.title = title

    @property
    def status(self) -> int:
        return self._status or current_catalogue().status_of(self.name)

    def body(self, catalogue: ProblemCatalogue, *, instance: str | None,
             request_id: str | None) -> dict[str, Any]:
        """This problem's body as `catalogue` types it (its status, unless one was given)."""
        return catalogue.body(self.name, self._status or catalogue.status_of(self.name), detail=self.detail,
                              title=self.title, instance=instance, request_id=request_id, errors=self.errors)


def render(body: Mapping[str, Any]) -> bytes:
    return orjson.dumps(body)
