"""The mock serves Swagger 2.0 documents: converted once at load, findings located in the 2.0 source."""

from __future__ import annotations

import httpx
import pytest
from conftest import FIXTURES

from accord.mock.testing import mock_client

SWAGGER2 = FIXTURES / "mock-swagger2" / "openapi.yaml"


@pytest.fixture
def books() -> httpx.Client:
    with mock_client(SWAGGER2) as client:
        yield client


def test_example_served_and_query_parameters_validated(books: httpx.Client):
    ok = books.get("/books", params={"limit": "3", "tags": "a|b"})
    assert ok.status_code == 200
    assert ok.json() == [{"isbn": "978-0", "title": "Dune", "subtitle": None}]
    bad = books.get("/books", params={"limit": "0"})
    assert bad.status_code == 422  # documents neither 400 nor 422: Prism's generic answer
    assert bad.json()["validation"] == [{"location": ["query", "limit"], "severity": "Error", "code": "minimum",
                                         "message": "Request query parameter limit must be >= 1"}]


def test_body_parameter_and_security(books: httpx.Client):
    assert books.post("/books", json={"isbn": "1", "title": "x"}).status_code == 401
    created = books.post("/books", json={"isbn": "1", "title": "x"}, headers={"X-Key": "k"})
    assert created.status_code == 201
    assert set(created.json()) >= {"isbn", "title"}
    # The 2.0 header is converted (a schema of its own) and its x-example, 2.0's usual header
    # example, becomes the 3.0 example the static answer sends.
    served = books.get("/__accord/openapi.json").json()
    header = served["paths"]["/books"]["post"]["responses"]["201"]["headers"]["X-Rate"]
    assert header == {"schema": {"type": "integer"}, "example": 100}
    assert created.headers["x-rate"] == "100"
    missing = books.post("/books", json={"isbn": "1"}, headers={"X-Key": "k"})
    assert missing.status_code == 422
    assert missing.json()["validation"][0]["location"] == ["body"]
    assert missing.json()["validation"][0]["message"] == "Request body must have required property 'title'"


def test_form_data_with_a_file(books: httpx.Client):
    stored = books.put("/books/1/cover", files={"image": ("a.png", b"PNG")}, data={"caption": "c"})
    assert stored.status_code == 204
    empty = books.put("/books/1/cover", files={"image": ("a.png", b"PNG")}, data={"caption": ""})
    assert empty.status_code == 422
    assert empty.json()["validation"][0]["code"] == "minLength"


def test_invalid_example_is_reported_at_its_2_0_location(books: httpx.Client):
    findings = [f for f in books.mock_app.api.findings if f.rule == "mock-example-invalid"]
    assert len(findings) == 1
    where = findings[0].location
    assert where.file.endswith("mock-swagger2/openapi.yaml")
    assert where.line == 95
    assert where.pointer == "/paths/~1books~1{isbn}/get/responses/200/examples/application~1json"
    assert books.get("/books/9").json()["title"] == "Dune"  # replaced by data that validates


def test_served_document_is_the_converted_one(books: httpx.Client):
    served = books.get("/__accord/openapi.json").json()
    assert served["openapi"] == "3.0.3"
    assert "Book" in served["components"]["schemas"]


@pytest.mark.parametrize(("accept", "served", "body"), [
    ("*/*", "text/plain", b"good morning"),  # the first type the operation produces
    ("text/plain", "text/plain", b"good morning"),  # the `*/*` example is text/plain's
    ("application/json", "application/json", b'{"text":"good morning"}'),
])
def test_a_range_keyed_example_is_served_for_the_produced_types_it_covers(accept, served, body):
    with mock_client(FIXTURES / "mock-negotiation" / "swagger.yaml") as client:
        answer = client.get("/greeting", headers={"Accept": accept})
    assert (answer.status_code, answer.headers["content-type"], answer.content) == (200, served, body)
