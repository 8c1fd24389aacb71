"""accord/consumer/matching.py: Pact-style type matching, lenient on extras, located by pointer."""

from __future__ import annotations

import orjson
import pytest

from accord.consumer.contract import Body, Response
from accord.consumer.matching import Actual, check_response, evaluate, field_paths

GOT = {"id": "j1", "progress": {"total": 2, "completed": 0}, "finished_at": None,
       "items": [{"label": "setosa", "p": 0.9}]}


def _expected(body: object = GOT, status: int = 200, headers: dict | None = None) -> Response:
    return Response(status, headers or {"Content-Type": ["application/json"]}, Body(body, "application/json"))


def _actual(body: object, status: int = 200, headers: dict | None = None) -> Actual:
    return Actual(status, headers or {"content-type": "application/json"}, orjson.dumps(body))


def test_same_types_other_values_and_extra_fields_pass() -> None:
    actual = {"id": "j2", "progress": {"total": 9, "completed": 9, "extra": True}, "finished_at": "2025-01-01",
              "items": [{"label": "virginica", "p": 1}, {"label": "setosa", "p": 0.1, "more": []}], "new": 1}
    assert check_response(_expected(), _actual(actual)) == []


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        (lambda b: b.pop("id"), "/id", "missing"),
        (lambda b: b["progress"].pop("total"), "/progress/total", "missing"),
        (lambda b: b["progress"].update(total="2"), "/progress/total", "a string, the consumer got a number"),
        (lambda b: b["items"][0].pop("label"), "/items/0/label", "missing"),
        (lambda b: b.update(items={}), "/items", "an object, the consumer got an array"),
    ],
)
def test_what_the_consumer_got_must_be_there(change, pointer: str, words: str) -> None:
    body = orjson.loads(orjson.dumps(GOT))
    change(body)
    (mismatch,) = check_response(_expected(), _actual(body))
    assert mismatch.where == "body" and mismatch.pointer == pointer and words in mismatch.message
    assert mismatch.location.pointer == "/response/body/content" + pointer


def test_status_content_type_and_headers() -> None:
    assert [m.where for m in check_response(_expected(), _actual(GOT, status=201))] == ["status"]
    wrong_type = check_response(_expected(), _actual(GOT, headers={"content-type": "text/plain"}))
    assert [m.where for m in wrong_type] == ["content-type"]
    with_location = _expected(headers={"Content-Type": ["application/json"], "Location": ["/v1/jobs/j1"]})
    (missing,) = check_response(with_location, _actual(GOT))
    assert (missing.where, missing.name) == ("header", "Location")
    assert missing.location.pointer == "/response/headers/Location"
    located = _actual(GOT, headers={"content-type": "application/json", "location": "/x"})
    assert check_response(with_location, located) == []


def test_non_json_body() -> None:
    assert check_response(_expected(), Actual(200, {"content-type": "application/json"}, b"{nope"))[0].where == "body"


def test_runtime_expressions() -> None:
    body = {"id": "j1", "n": 3, "ok": True, "nested": {"a/b": "x"}}
    headers = {"location": "/v1/jobs/j1"}
    assert evaluate("$response.body#/id", 202, headers, body) == "j1"
    assert evaluate("$response.body#/n", 202, headers, body) == "3"
    assert evaluate("$response.body#/ok", 202, headers, body) == "true"
    assert evaluate("$response.body#/nested/a~1b", 202, headers, body) == "x"
    assert evaluate("$response.body#/nope", 202, headers, body) is None
    assert evaluate("$response.body#/nested", 202, headers, body) is None
    assert evaluate("$response.header.Location", 202, headers, body) == "/v1/jobs/j1"
    assert evaluate("$statusCode", 202, headers, body) == "202"
    assert evaluate("$request.path.id", 202, headers, body) is None


def test_field_paths() -> None:
    assert set(field_paths(GOT)) == {("id",), ("progress",), ("progress", "total"), ("progress", "completed"),
                                     ("finished_at",), ("items",), ("items", "[]"), ("items", "[]", "label"),
                                     ("items", "[]", "p")}
