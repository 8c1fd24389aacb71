"""mock/problems.py: problem bodies and the sl-violations header."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest

from accord.mock.problems import (
    MAX_VIOLATIONS,
    SL_VIOLATIONS_LIMIT,
    Violation,
    candidate_statuses,
    deciding_kind,
    error_entries,
    listed_detail,
    problem,
    render_violations,
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
    # Prism's rule: the prefix, then the first SL_VIOLATIONS_LIMIT characters of the whole list
    whole = json.dumps([v.sl_entry() for v in many], separators=(",", ":")).encode("ascii")
    assert value == b"Too many violations! " + whole[:SL_VIOLATIONS_LIMIT]


_LONG = "x" * 400
_SETS = {
    "body and query": [BODY, QUERY],
    "a warning among errors": [Violation("header", "X-Old", (), "deprecated", "deprecated", severity="Warning"), BODY],
    "a parameter with a pointer": [Violation("query", "filter", ("a~b", 3), "type", "must be a string")],
    "content type, long": [Violation("body", "", (), "415", "Content-Type " + _LONG, kind="content-type"), BODY],
    "malformed, long": [QUERY, Violation("body", "", (), "parse", _LONG, kind="malformed")],
    "security": [Violation("header", "X-API-Key", (), "security", "missing", kind="security"), QUERY],
    "more than listed": [Violation("body", "", ("items", i), "type", f"bad {i}") for i in range(MAX_VIOLATIONS + 5)],
    "escaped tokens": [Violation("body", "", ("a/b", "c~d", "", 0), "required", "is a required property")],
    "a deep path": [Violation("body", "", tuple(range(20)), "type", "must be a string")],
    "body errors only: at the root, words clipped, not ASCII, a missing property's parent": [
        Violation("body", "", ("name",), "required", "is a required property",
                  prism="must have required property 'name'"),
        Violation("body", "", ("a/b", 0, "ü"), "maxLength", _LONG, prism=_LONG + "é"),
        Violation("body", "", (), "type", "must be an object", prism="must be object"),
        Violation("body", "", ("x~y",), "required", "is a required property"),
    ],
    "more than listed, a warning first": [
        Violation("header", "X-Old", (), "deprecated", "deprecated", severity="Warning"),
        *(Violation("query", f"q{i}", (), "type", f"bad {i}") for i in range(MAX_VIOLATIONS + 1)),
    ],
}


@pytest.mark.parametrize("name", list(_SETS))
def test_one_pass_rendering_says_what_the_separate_renderings_say(name: str) -> None:
    violations = _SETS[name]
    errors = [v for v in violations if v.severity == "Error"]
    rendered = render_violations(violations)
    assert rendered.kind == deciding_kind(errors)
    assert rendered.detail == listed_detail(summary(errors), len(errors))
    assert rendered.entries == error_entries(errors)
    assert rendered.sl == sl_violations(violations)
    assert render_violations(violations).sl == sl_violations(violations)  # the header alone (Petstore's answer)


def test_pointers_escape_what_rfc_6901_escapes() -> None:
    escaped = Violation("body", "", ("a/b", "c~d", "", 0, "plain"), "required", "is a required property")
    assert escaped.pointer == "/a~1b/c~0d//0/plain"
    assert render_violations([escaped]).entries[0]["pointer"] == "#/a~1b/c~0d//0/plain"
    assert Violation("body", "", (), "type", "must be an object").pointer == ""
