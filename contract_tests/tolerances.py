"""Narrow exceptions to `positive_data_acceptance`, each a documented semantic rejection.

Schemathesis generates schema-valid requests and expects them accepted. This contract documents
a few rejections that no schema can express, each with its own problem type: an opaque
`page_token` that was never issued (400 invalid-page-token), `top_k`/`explain` on a model without
that capability (422 capability-not-supported, PredictOptions is shared by every model), and an
`Idempotency-Key` reused with another body (422 idempotency-key-reused). A rejection is tolerated
only when the response is that exact problem type AND the request carries the input that causes
it; any other rejection of valid data still fails. Tolerated rejections are counted and reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PROBLEM_BASE = "https://ml.example.com/problems/"


def _has_query(name: str) -> Callable[[Any], bool]:
    return lambda case: bool(case.query) and name in case.query


def _has_header(name: str) -> Callable[[Any], bool]:
    return lambda case: any(key.lower() == name.lower() for key in (case.headers or {}))


def _has_capability_option(case: Any) -> bool:
    body = case.body if isinstance(case.body, dict) else {}
    options = found if isinstance(found := body.get("options"), dict) else {}
    return "top_k" in options or options.get("explain") is True


@dataclass(frozen=True, slots=True)
class Tolerance:
    check: str
    status: int
    problem_type: str
    applies: Callable[[Any], bool]
    reason: str


TOLERANCES: tuple[Tolerance, ...] = (
    Tolerance("positive_data_acceptance", 400, "invalid-page-token", _has_query("page_token"),
              "schema-valid page_token that the server never issued (opaque cursor)"),
    Tolerance("positive_data_acceptance", 422, "capability-not-supported", _has_capability_option,
              "PredictOptions is shared; top_k/explain on a model without that capability is a documented 422"),
    Tolerance("positive_data_acceptance", 422, "idempotency-key-reused", _has_header("Idempotency-Key"),
              "the generator reused an Idempotency-Key with a different body: a documented 422"),
)


def tolerated(check: str, case: Any, response: Any) -> str | None:
    """The reason this failure is a documented semantic rejection, or None (a real failure)."""
    if response is None:
        return None
    candidates = [t for t in TOLERANCES if t.check == check and t.status == response.status_code]
    if not candidates:
        return None
    try:
        body = response.json()
    except Exception:  # not JSON: not one of our problems
        return None
    problem_type = body.get("type") if isinstance(body, dict) else None
    for tolerance in candidates:
        if problem_type == PROBLEM_BASE + tolerance.problem_type and tolerance.applies(case):
            return f"{tolerance.problem_type}: {tolerance.reason}"
    return None
