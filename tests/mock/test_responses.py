"""mock/responses.py: serialisers, served content types and header values."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from accord.mock.responses import header_text, serialiser_for, served_type
from accord.mock.testing import serve_mock


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
    assert serialiser_for("text/plain")({"a": 1}) == b'{"a":1}'  # a structure under text/*: its JSON text
    assert serialiser_for("application/octet-stream")([1, {"b": None}]) == b'[1,{"b":null}]'
    assert serialiser_for("application/xml")({"a": [1]}).endswith(b"<xml><a>1</a></xml>")
    assert serialiser_for("application/octet-stream")("bytes") == b"bytes"


HEADERS = Path(__file__).resolve().parents[1] / "fixtures" / "mock-headers" / "openapi.yaml"
SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
IRIS_ROW = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}


def test_static_headers_are_the_required_ones_and_those_the_document_gives_a_value(make_client):
    headers = make_client(HEADERS).get("/things").headers
    assert headers["x-always"].isdigit()  # required: generated when the document gives no value
    assert headers["x-shown"] == "shown"
    assert "x-sometimes" not in headers  # optional, no value: a made-up one would say its case holds


@pytest.mark.parametrize("example", [None, "first", "second"])
@pytest.mark.parametrize("sent", [None, "client-42"])
def test_a_static_body_repeats_the_request_id_of_its_header(make_client, example, sent):
    request = {**({"X-Request-ID": sent} if sent else {}), **({"Prefer": f"example={example}"} if example else {})}
    response = make_client(HEADERS).get("/things", headers=request)
    body = response.json()
    assert body["request_id"] == response.headers["x-request-id"] != "doc-id"
    if sent:
        assert body["request_id"] == sent
    assert body["nested"]["request_id"] == "doc-id"  # only the top-level member is the request's id


def test_a_body_whose_schema_would_refuse_another_id_is_left_as_documented(make_client):
    response = make_client(HEADERS).get("/strict", headers={"X-Request-ID": "client-42"})
    assert response.headers["x-request-id"] == "client-42"
    assert response.json() == {"request_id": "doc-id"}


def test_the_contracts_static_prediction_is_a_current_healthy_call(make_client):
    """No Deprecation/Sunset (those are for deprecated versions), and one request id in header and body."""
    client = make_client(SPEC, api_keys=["accord-dev-key"])
    response = client.post("/v1/models/iris-classifier/predict", json={"instances": [IRIS_ROW]},
                           headers={"X-API-Key": "accord-dev-key"})
    assert response.status_code == 200
    assert "deprecation" not in response.headers and "sunset" not in response.headers
    assert response.json()["request_id"] == response.headers["x-request-id"]


NEGOTIATION = Path(__file__).resolve().parents[1] / "fixtures" / "mock-negotiation"


@pytest.mark.parametrize(
    ("document", "path", "expected"),
    [
        ("openapi.yaml", "/ping", {"x-build": "2024.11.3", "x-region": "eu-west-1"}),
        ("swagger.yaml", "/status", {"x-checked-by": "night-shift"}),  # a 2.0 header's `default`
    ],
)
def test_a_header_schemas_own_example_or_default_is_its_value_on_a_head(document, path, expected):
    with serve_mock(NEGOTIATION / document) as mock:
        answer = httpx.head(mock.url + path)
    assert answer.status_code == 200 and answer.content == b""
    assert {name: answer.headers.get(name) for name in expected} == expected
    assert "x-mode" not in answer.headers  # optional, only an enum: no value given, left out


def test_framing_and_encoding_headers_a_document_declares_are_not_copied(make_client, tmp_path):
    # Headers captured from a real answer (Content-Encoding: gzip, Connection…): the mock's body
    # is plain and framed by its server, so a client must be able to read it.
    declared = {name: {"schema": {"type": "string", "example": value}} for name, value in
                {"Content-Encoding": "gzip", "Connection": "keep-alive", "Transfer-Encoding": "chunked",
                 "Content-Length": "999", "X-Served-By": "cache-1"}.items()}
    doc = tmp_path / "openapi.json"
    doc.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/track": {"get": {
        "responses": {"200": {"description": "ok", "headers": declared, "content": {"application/json": {
            "schema": {"type": "object"}, "example": {"distance": 2.2}}}}}}}}}))
    answer = make_client(doc).get("/track")
    assert answer.json() == {"distance": 2.2}
    assert answer.headers["x-served-by"] == "cache-1"
    assert "content-encoding" not in answer.headers and answer.headers.get("connection") != "keep-alive"
