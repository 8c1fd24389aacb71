"""problem_json_errors: what makes an error response a proper problem."""

from __future__ import annotations

import pytest

from accord.contract_tests.checks import problem_violations

GOOD = {"type": "https://x/problems/t", "title": "T", "status": 404, "request_id": "r1"}


def test_success_responses_are_not_judged() -> None:
    assert problem_violations(200, "text/plain", None, None) == []


def test_a_proper_problem_passes() -> None:
    assert problem_violations(404, "application/problem+json; charset=utf-8", GOOD, "r1") == []


@pytest.mark.parametrize(("content_type", "body", "header", "expected"), [
    ("application/json", GOOD, None, "not application/problem+json"),
    ("", None, None, "without Content-Type"),
    ("application/problem+json", ["x"], None, "not a JSON object"),
    ("application/problem+json", {k: v for k, v in GOOD.items() if k != "title"}, None, "lacks `title`"),
    ("application/problem+json", {**GOOD, "status": 400}, None, "status` is 400"),
    ("application/problem+json", {k: v for k, v in GOOD.items() if k != "request_id"}, None, "lacks `request_id`"),
    ("application/problem+json", GOOD, "other", "differs from X-Request-ID"),
])
def test_violations(content_type: str, body: object, header: str | None, expected: str) -> None:
    violations = problem_violations(404, content_type, body, header)
    assert any(expected in v for v in violations), violations
