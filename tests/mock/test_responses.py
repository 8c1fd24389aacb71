"""mock/responses.py: serialisers, served content types and header values."""

from __future__ import annotations

import pytest

from accord.mock.responses import header_text, serialiser_for, served_type


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (3, "3"),
        ("a b", "a b"),
        ([1, "x"], "1,x"),
        ({"a": 1}, "a,1"),
        ("é", None),
        ("a\r\nb", None),
        (" a", None),
        (None, None),
    ],
)
def test_header_text(value, text):
    assert header_text(value) == text


def test_served_type():
    assert served_type("*/*") == "application/json"
    assert served_type("text/*") == "text/plain"
    assert served_type("application/problem+json") == "application/problem+json"


def test_serialisers():
    assert serialiser_for("application/json")({"a": 1}) == b'{"a":1}'
    assert serialiser_for("application/json")(2**70) is None
    assert serialiser_for("text/plain")(3) == b"3"
    assert serialiser_for("text/plain")({"a": 1}) is None
    assert serialiser_for("application/xml")({"a": [1]}).endswith(b"<xml><a><item>1</item></a></xml>")
    assert serialiser_for("application/octet-stream")("bytes") == b"bytes"
