"""accord's own check: every error response is an RFC 9457 problem with a request id.

Registered with Schemathesis on import, so every run (engine or pytest) applies it next to the
built-in checks. It holds the contract's promise for errors that the response schemas alone may
not pin down: the media type, the three members RFC 9457 makes useful, and the `request_id` the
contract adds (it must match the `X-Request-ID` response header when both are present).
"""

from __future__ import annotations

from typing import Any

import schemathesis

from accord.contract_tests.asynchronous import CHECK_NAME as ASYNC_CHECK  # registers async_completion

PROBLEM_JSON = "application/problem+json"
REQUIRED_MEMBERS = ("type", "title", "status")
CHECK_NAME = "problem_json_errors"
#: accord's own checks, each a convention of some contracts (or, for async_completion, a cost):
#: they run only when a project turns them on ([tool.accord] checks, ACCORD_CHECKS) or names them
#: (--checks).
ACCORD_CHECKS = (CHECK_NAME, ASYNC_CHECK)


def problem_violations(status: int, content_type: str, body: Any, header_request_id: str | None) -> list[str]:
    """What is wrong with one error response (empty when it is a proper problem)."""
    if status < 400:
        return []
    media = content_type.split(";", 1)[0].strip().lower()
    if media != PROBLEM_JSON:
        return [f"{status} response is {media or 'without Content-Type'}, not {PROBLEM_JSON}"]
    if not isinstance(body, dict):
        return [f"{status} problem body is not a JSON object"]
    problems = [f"problem lacks `{name}`" for name in REQUIRED_MEMBERS if name not in body]
    if "status" in body and body["status"] != status:
        problems.append(f"problem `status` is {body['status']!r} but the response status is {status}")
    request_id = body.get("request_id")
    if not isinstance(request_id, str) or not request_id:
        problems.append("problem lacks `request_id`")
    elif header_request_id is not None and request_id != header_request_id:
        problems.append(f"problem `request_id` {request_id!r} differs from X-Request-ID {header_request_id!r}")
    return problems


@schemathesis.check
def problem_json_errors(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx/5xx is application/problem+json with type, title, status and request_id."""
    if response.status_code < 400 or case.method.upper() == "HEAD":  # HEAD answers carry no body
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    body: Any = None
    if content_type.split(";", 1)[0].strip().lower() == PROBLEM_JSON:
        try:
            body = response.json()
        except Exception:  # any parse error means "not a JSON problem"
            body = None
    header = (response.headers.get("x-request-id") or [None])[0]
    violations = problem_violations(response.status_code, content_type, body, header)
    if violations:
        raise AssertionError("Error response is not a problem+json with request_id: " + "; ".join(violations))
    return True
