"""Form and multipart bodies checked as the document says: `format: byte`, `allowReserved`,
Swagger 2.0 formData, and the status for a media type the operation does not take."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from conftest import FIXTURES

from accord.mock.bodies import reserved_in_form
from accord.mock.testing import mock_client

DOC = FIXTURES / "mock-forms" / "openapi.yaml"
SWAGGER = FIXTURES / "mock-forms" / "swagger.yaml"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
BYTE_ENTRIES = [
    {"location": ["body", "content"], "severity": "Error", "code": "pattern",
     "message": 'Request body property content must match pattern "^[\\w\\d+\\/=]*$"'},
    {"location": ["body", "content"], "severity": "Error", "code": "format",
     "message": 'Request body property content must match format "byte"'},
]


@pytest.fixture(scope="module")
def attachments() -> Iterator[httpx.Client]:
    with mock_client(DOC) as client:
        yield client


def test_byte_is_base64_in_every_media_type(attachments: httpx.Client):
    good = base64.b64encode(b"\x00\xffhello").decode()
    assert attachments.post("/attachments", json={"content": good}).status_code == 201
    assert attachments.post("/attachments", data={"content": good}).status_code == 201
    for bad in ("hello world", "abc", "QUJD=="):  # a space; not a multiple of 4; wrong padding
        answer = attachments.post("/attachments", json={"content": bad})
        assert answer.status_code == 422, bad
        assert [e["code"] for e in answer.json()["validation"]][-1] == "format"
    # Outside the base64 alphabet: Prism's pattern entry, then the format's.
    assert attachments.post("/attachments", json={"content": "%"}).json()["validation"] == BYTE_ENTRIES
    multipart = attachments.post("/attachments", files={"content": (None, "?")})
    assert multipart.status_code == 422
    assert multipart.json()["validation"] == BYTE_ENTRIES


def test_reserved_characters_must_be_percent_encoded_where_the_encoding_says_so(attachments: httpx.Client):
    raw = attachments.post("/attachments", content=b"folder=/photos/2024&caption=a/b", headers=FORM)
    assert raw.status_code == 422
    assert raw.json()["validation"] == [
        {"location": ["body", "folder"], "severity": "Error", "message": "Reserved characters used in request body"}]
    encoded = attachments.post("/attachments", content=b"folder=%2Fphotos%2F2024&caption=a/b", headers=FORM)
    assert encoded.status_code == 201  # caption allows them raw
    spaces = attachments.post("/attachments", content=b"folder=summer+2024", headers=FORM)
    assert spaces.status_code == 201  # `+` is a space in a form body, not a reserved character
    # allowReserved means nothing outside url-encoded bodies (OpenAPI 3.0.3 Encoding Object).
    parts = attachments.post("/attachments", files={"folder": (None, "/photos/2024")})
    assert parts.status_code == 201


def test_reserved_in_form_reads_the_values_as_sent():
    fields = {"a": b"", "b c": b"", "list": b","}
    assert reserved_in_form(b"a=x%2Fy&b+c=1&other=/", fields) == []
    assert reserved_in_form(b"b%20c=(1)&a=x=y&a=z/", fields) == ["b c", "a"]
    assert reserved_in_form(b"a&a=", fields) == []
    assert reserved_in_form(b"list=red,blue", fields) == []  # the non-exploded array's own delimiter
    assert reserved_in_form(b"list=red,bl/ue", fields) == ["list"]


def test_swagger_formdata():
    with mock_client(SWAGGER) as labels:
        # Fields the operation does not list are accepted: 2.0 formData parameters, like query
        # parameters, describe the fields used and forbid none; an absent optional array is fine.
        extra = labels.post("/labels", content=b"colours=red,blue&size=big", headers=FORM)
        assert extra.status_code == 200
        assert labels.post("/labels", content=b"a%2Fb%2Fc", headers=FORM).status_code == 200
        bad = labels.post("/labels", content=b"stamp=%25", headers=FORM)
        assert bad.status_code == 422
        assert [e["code"] for e in bad.json()["validation"]] == ["pattern", "format"]
        assert labels.post("/labels/batch", files={"stamp": (None, "aGk=")}).status_code == 200
        assert labels.post("/labels/batch", files={"stamp": (None, "hi!")}).status_code == 422


def test_a_media_type_the_operation_does_not_take_is_415_when_a_range_documents_it(attachments: httpx.Client):
    answer = attachments.post("/comments", content=b"hello", headers={"Content-Type": "text/plain"})
    assert answer.status_code == 415  # documented by 4XX, and more precise than the exact 400
    assert attachments.post("/comments", json={"text": 1}).status_code == 400
