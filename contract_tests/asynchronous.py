"""Asynchronous operations: a 202 with `Location` is followed to its end, within a bound.

RFC 9110 §15.3.3: 202 Accepted means the work is not done; `Location` names where to look and
`Retry-After` (§10.2.3) how long to wait. The `async_completion` check polls `GET Location` (the
operation of the document that path matches, with the credentials of the original request),
honouring Retry-After, while the answer is another 202 or still carries Retry-After, and fails
when the work does not end within `MAX_FOLLOW_SECONDS`, when Location names no operation of the
document, or when a polled answer breaks the contract. It is one of accord's checks: it runs when
named (`--checks async_completion`) or configured (`[tool.accord] checks`), since polling every
accepted job of a long run costs time.

(429 Too Many Requests is retried after its Retry-After by Schemathesis itself: accord's runs set
Schemathesis's `rate-limit = "auto"`.)
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

import schemathesis

CHECK_NAME = "async_completion"
#: One wait, whatever Retry-After says (a value beyond it is clamped).
MAX_WAIT_SECONDS = 5.0
#: The whole follow of one 202.
MAX_FOLLOW_SECONDS = 30.0
#: Request headers not carried to the polls (they describe the original body).
_BODY_HEADERS = frozenset({"content-type", "content-length", "idempotency-key", "transfer-encoding"})


def _header(response: Any, name: str) -> str | None:
    values = response.headers.get(name.lower()) or response.headers.get(name)
    if isinstance(values, list):
        return values[0] if values else None
    return values


def retry_after(response: Any) -> float:
    """Seconds to wait before the next poll: Retry-After's delay-seconds, clamped to [0, MAX_WAIT]."""
    value = _header(response, "retry-after")
    try:
        seconds = float(value) if value is not None else 0.0
    except ValueError:  # an HTTP-date: poll at the bound rather than parse a clock we do not share
        seconds = MAX_WAIT_SECONDS
    return max(0.0, min(MAX_WAIT_SECONDS, seconds))


def _path_parameters(template: str, path: str) -> dict[str, str] | None:
    pattern = "^" + re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
    try:
        found = re.match(pattern, path)
    except re.error:  # a parameter name that is not a group name: match by position instead
        return None
    return found.groupdict() if found else None


def _poll_target(case: Any, location: str) -> tuple[Any, dict[str, str]]:
    """The GET operation of the document at `location`, and its path parameters."""
    schema = case.operation.schema
    path = urlsplit(location).path
    base = schema.base_path.rstrip("/")
    if base and path.startswith(base + "/"):
        path = path[len(base):]
    operation = schema.find_operation_by_path("GET", path)
    if operation is None:
        raise AssertionError(f"202 Location {location} names no GET operation of the document")
    params = _path_parameters(operation.path, path)
    if params is None:
        raise AssertionError(f"202 Location {location} does not match {operation.path}")
    return operation, params


@schemathesis.check
def async_completion(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 202 with Location ends (a non-202 answer without Retry-After) within MAX_FOLLOW_SECONDS."""
    if response.status_code != 202:
        return None
    location = _header(response, "location")
    if not location:
        return None
    operation, params = _poll_target(case, location)
    sent = dict(response.request.headers) if getattr(response, "request", None) is not None else {}
    headers = {k: v for k, v in sent.items() if k.lower() not in _BODY_HEADERS}
    poll = operation.Case(path_parameters=params, headers=headers)
    deadline = time.monotonic() + MAX_FOLLOW_SECONDS
    current = response
    polls = 0
    while True:
        wait = retry_after(current)
        if time.monotonic() + wait > deadline:
            raise AssertionError(f"202 from {case.operation.label}: GET {location} had not finished after "
                                 f"{polls} poll(s) in {MAX_FOLLOW_SECONDS:g} s (last answer {current.status_code})")
        time.sleep(wait)
        current = poll.call()
        polls += 1
        status = current.status_code
        if status not in _documented(operation):
            raise AssertionError(f"GET {location} (polling a 202 from {case.operation.label}) answered {status}, "
                                 f"which {operation.label} does not document")
        if status == 202 or (200 <= status < 300 and _header(current, "retry-after") is not None):
            continue
        return True


def _documented(operation: Any) -> set[int]:
    """The status codes an operation documents (ranges and default expanded)."""
    keys = [str(k).upper() for k in (operation.definition.raw.get("responses") or {})]
    if "DEFAULT" in keys:
        return set(range(100, 600))
    codes: set[int] = set()
    for key in keys:
        if key.endswith("XX") and key[0].isdigit():
            codes |= set(range(int(key[0]) * 100, int(key[0]) * 100 + 100))
        elif key.isdigit():
            codes.add(int(key))
    return codes
