"""RFC 9457 problem details: one table of problem types, one exception, one renderer.

`type` is `https://ml.example.com/problems/<name>`; every body carries `request_id`, and body or
parameter errors go in `errors[]` as `{pointer, detail}` or `{parameter, in, detail}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

PROBLEM_BASE = "https://ml.example.com/problems/"  # the catalogue published in spec/openapi.yaml
PROBLEM_JSON = "application/problem+json"
MAX_ERRORS = 50

#: name → (status, title). The catalogue the contract publishes (ml_serving.md §6.4).
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "validation-error": (400, "Request failed validation"),
    "invalid-page-token": (400, "Invalid page token"),
    "unauthorized": (401, "Missing or invalid API key"),
    "forbidden": (403, "Forbidden"),
    "not-found": (404, "Not found"),
    "model-not-found": (404, "Model not found"),
    "model-version-not-found": (404, "Model version not found"),
    "job-not-found": (404, "Prediction job not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "not-acceptable": (406, "Not acceptable"),
    "job-not-finished": (409, "Prediction job has not finished"),
    "job-already-finished": (409, "Prediction job has already finished"),
    "idempotency-key-in-use": (409, "Idempotency-Key is in use by a request still in progress"),
    "job-results-expired": (410, "Prediction job results have expired"),
    "payload-too-large": (413, "Request body too large"),
    "unsupported-media-type": (415, "Unsupported media type"),
    "capability-not-supported": (422, "Capability not supported by this model"),
    "idempotency-key-reused": (422, "Idempotency-Key reused with a different request"),
    "rate-limited": (429, "Too many requests"),
    "internal-error": (500, "Internal server error"),
    "not-implemented": (501, "Not implemented"),
    "model-not-ready": (503, "Model not ready"),
    "service-not-ready": (503, "Service not ready"),
    "job-store-unavailable": (503, "Job store unavailable"),
}

#: Fallback names for statuses raised by the framework without a name of ours.
NAME_FOR_STATUS: dict[int, str] = {
    400: "validation-error", 401: "unauthorized", 403: "forbidden", 404: "not-found",
    405: "method-not-allowed", 406: "not-acceptable", 409: "job-not-finished", 413: "payload-too-large",
    415: "unsupported-media-type", 422: "capability-not-supported", 429: "rate-limited",
    500: "internal-error", 501: "not-implemented", 503: "model-not-ready",
}


def problem_body(name: str, status: int | None = None, *, detail: str, title: str | None = None,
                 instance: str | None = None, request_id: str | None = None,
                 errors: Sequence[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    default_status, default_title = PROBLEM_TYPES.get(name, (status or 500, name.replace("-", " ").capitalize()))
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + name,
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


class ProblemError(Exception):
    """Raised by handlers (and our validators) to answer with a problem; rendered by impl.errors."""

    def __init__(self, name: str, detail: str, *, status: int | None = None,
                 errors: Sequence[Mapping[str, Any]] | None = None,
                 headers: Mapping[str, str] | None = None, title: str | None = None) -> None:
        super().__init__(detail)
        self.name = name
        self.status = status or PROBLEM_TYPES.get(name, (500, ""))[0]
        self.detail = detail
        self.errors = list(errors or [])
        self.headers = dict(headers or {})
        self.title = title


def render(body: Mapping[str, Any]) -> bytes:
    return orjson.dumps(body)
