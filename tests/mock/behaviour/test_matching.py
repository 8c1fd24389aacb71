"""mock/behaviour/matching.py: conditions on path, query, header and body values."""

from __future__ import annotations

import re

import orjson
import pytest

from accord.mock.behaviour.matching import RequestView, holds
from accord.mock.behaviour.model import Condition


def _view(body: object = None, *, content_type: str = "application/json") -> RequestView:
    raw = orjson.dumps(body) if body is not None else b""
    return RequestView({"model_id": "iris"}, [("version", "2"), ("flag", "true")], {"x-tenant": "acme-eu"},
                       raw, content_type)


BODY = {"instances": [{"petal_length_cm": 5.5}], "options": {"explain": True, "top_k": 3}, "name": "x"}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("path", "model_id", equals="iris", has_equals=True), True),
        (Condition("path", "model_id", equals="wine", has_equals=True), False),
        (Condition("query", "version", equals=2, has_equals=True), True),  # a number matches its text
        (Condition("query", "version", equals=3, has_equals=True), False),
        (Condition("query", "flag", equals=True, has_equals=True), True),
        (Condition("query", "version", minimum=1, maximum=2), True),
        (Condition("query", "version", minimum=3), False),
        (Condition("query", "missing", present=False), True),
        (Condition("query", "missing", present=True), False),
        (Condition("query", "version", present=False), False),
        (Condition("header", "x-tenant", regex=re.compile("^acme-")), True),
        (Condition("header", "x-tenant", regex=re.compile("^globex")), False),
        (Condition("body", "/instances/0/petal_length_cm", minimum=5), True),
        (Condition("body", "/instances/0/petal_length_cm", maximum=5), False),
        (Condition("body", "/options/explain", equals=True, has_equals=True), True),
        (Condition("body", "/options/top_k", equals=True, has_equals=True), False),  # 3 is not true
        (Condition("body", "/options/top_k", present=True), True),
        (Condition("body", "/instances/7", present=True), False),
        (Condition("body", "/name", minimum=0), False),  # not a number
        (Condition("body", "/options", regex=re.compile('"explain":true')), True),  # JSON text of a non-string
    ],
)
def test_condition(condition: Condition, expected: bool) -> None:
    assert holds(condition, _view(BODY)) is expected


def test_a_body_that_is_not_json_has_no_values() -> None:
    view = RequestView({}, [], {}, b"{not json", "application/json")
    assert holds(Condition("body", "/a", present=False), view)
    assert not holds(Condition("body", "", present=True), view)
    text = RequestView({}, [], {}, b'{"a": 1}', "text/plain")
    assert not holds(Condition("body", "/a", present=True), text)
