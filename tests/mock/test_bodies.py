"""mock/bodies.py: media types and parsers."""

from __future__ import annotations

import pytest

from accord.mock.bodies import (
    BodyContext,
    BodyError,
    find_declared,
    parser_for,
    split_media_type,
)
from accord.mock.parameters import shape_of

SHAPE = shape_of(
    {},
    {
        "type": "object",
        "properties": {"n": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "integer"}}},
    },
)


def ctx(content_type: str = "application/json", **kw) -> BodyContext:
    return BodyContext(content_type, SHAPE, **kw)


def test_split_media_type():
    assert split_media_type("Application/JSON; charset=UTF-8") == ("application/json", {"charset": "UTF-8"})


def test_find_declared_prefers_exact_then_wildcards():
    declared = {"application/json": "application/json", "text/*": "text/*", "*/*": "*/*"}
    assert find_declared("application/json", declared) == "application/json"
    assert find_declared("text/csv", declared) == "text/*"
    assert find_declared("image/png", declared) == "*/*"
    assert find_declared("image/png", {"application/json": "application/json"}) is None


@pytest.mark.parametrize("raw", [b"NaN", b"Infinity", b'{"a": 1,}', b"\xff", b"[" * 2000 + b"]" * 2000])
def test_json_rejects_what_json_does_not_allow(raw):
    with pytest.raises(BodyError):
        parser_for("application/json")(raw, ctx())


def test_json_family_and_big_integers():
    assert parser_for("application/problem+json") is parser_for("application/json")
    assert parser_for("application/json")(b"123456789012345678901234567890", ctx()) == 123456789012345678901234567890


def test_form_coerces_by_property_types():
    value = parser_for("application/x-www-form-urlencoded")(b"n=3&tags=1&tags=2&other=x", ctx())
    assert value == {"n": 3, "tags": [1, 2], "other": "x"}


def test_multipart():
    body = (
        b'--B\r\nContent-Disposition: form-data; name="n"\r\n\r\n7\r\n'
        b'--B\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\x00\x01\r\n"
        b"--B--\r\n"
    )
    value = parser_for("multipart/form-data")(body, ctx("multipart/form-data; boundary=B"))
    assert value == {"n": 7, "f": "\x00\x01"}


def test_multipart_without_boundary():
    with pytest.raises(BodyError):
        parser_for("multipart/form-data")(b"x", ctx("multipart/form-data"))


def test_opaque_media_types_are_not_parsed():
    assert parser_for("application/octet-stream") is None
    assert parser_for("text/csv")(b"a,b", ctx("text/csv")) == "a,b"
