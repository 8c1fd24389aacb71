"""mock/problems.py: problem bodies and the sl-violations header."""

from __future__ import annotations

import json
from http import HTTPStatus

from accord.mock.problems import (
    SL_VIOLATIONS_LIMIT,
    Violation,
    candidate_statuses,
    problem,
    sl_violations,
    summary,
)

BODY = Violation("body", "", ("instances", 0, "a/b"), "type", "must be a number")
QUERY = Violation("query", "limit", (), "maximum", "too big")


def test_error_entries_carry_pointer_or_parameter():
    assert BODY.error_entry() == {"pointer": "#/instances/0/a~1b", "in": "body", "detail": "must be a number"}
    assert QUERY.error_entry() == {"parameter": "limit", "in": "query", "detail": "too big"}


def test_problem_shape():
    body = problem(422, summary([BODY, QUERY]), instance="/x", request_id="r1", violations=[BODY, QUERY])
    assert body["type"] == "about:blank" and body["title"] == HTTPStatus(422).phrase
    assert body["status"] == 422 and body["request_id"] == "r1" and len(body["errors"]) == 2
    assert body["detail"] == "2 errors in the query parameters and request body"


def test_candidates_by_kind():
    security = Violation("header", "X", (), "401", "m", kind="security")
    content = Violation("body", "", (), "415", "m", kind="content-type")
    assert candidate_statuses([BODY, security]) == (401,)
    assert candidate_statuses([BODY, content]) == (415, 400, 422)
    assert candidate_statuses([BODY]) == (400, 422)


def test_sl_violations_in_prism_shape():
    header = json.loads(sl_violations([BODY, QUERY]))
    assert header[0] == {
        "location": ["request", "body", "instances", 0, "a/b"],
        "severity": "Error",
        "code": "type",
        "message": "must be a number",
    }
    assert header[1]["location"] == ["request", "query", "limit"]


def test_sl_violations_is_ascii_and_truncated():
    many = [Violation("body", "", (str(i),), "type", "é" * 200) for i in range(200)]
    value = sl_violations(many)
    assert value.isascii()
    assert value.startswith(b"Too many violations! ") and len(value) <= SL_VIOLATIONS_LIMIT
