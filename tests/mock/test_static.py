"""mock/generation/static.py: static answers are the document's values at every level, every time,
then Prism's placeholders; a placeholder that does not validate is replaced by generated data."""

from __future__ import annotations

import json
import re

import pytest
from conftest import FIXTURES

from accord.documents import load
from accord.mock.generation.static import SampleTooLarge, StaticSampler
from accord.mock.testing import mock_client
from accord.schemas import SchemaCompiler

DOC = FIXTURES / "mock-static" / "openapi.yaml"
ORDER = {"$ref": "#/components/schemas/Order"}


def test_document_values_first_then_placeholders():
    document = load(DOC)
    order = StaticSampler(document, "3.0").sample(ORDER)
    assert order["status"] == "placed"  # first enum value
    assert order["currency"] == "EUR"  # default
    assert order["kind"] == "retail"  # const
    assert order["note"] == "leave at the door"  # example
    assert order["quantity"] == 1 and order["discount"] == 1  # the lower bound, one above when exclusive
    assert (order["placed_at"], order["contact"]) == ("2019-08-24T14:15:22Z", "user@example.com")
    assert order["gift"] is True and order["tags"] == ["string", "string"]
    assert "secret" not in order  # writeOnly: not in a response
    assert order["lines"] == [{"sku": "string", "count": 0}]  # allOf parts merged


def test_a_reference_cycle_is_followed_twice_then_closed():
    node = {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/Node"}}}}
    assert StaticSampler({"Node": node}, "3.0").sample({"$ref": "#/Node"}) == {"children": [{"children": [{}]}]}
    # an optional member whose {} would miss required properties is left out instead
    order = StaticSampler(load(DOC), "3.0").sample(ORDER)
    assert order["parent"]["status"] == "placed" and "parent" not in order["parent"]


def test_examples_order_in_3_1():
    sampler = StaticSampler({}, "3.1")
    assert sampler.sample({"type": "string", "examples": ["a", "b"]}) == "a"
    assert sampler.sample({"type": "string", "default": "d", "examples": ["a"]}) == "d"  # Prism's order
    assert sampler.sample({"type": "integer", "exclusiveMinimum": 20, "exclusiveMaximum": 50}) == 21
    assert sampler.sample({"type": "array", "contains": {"type": "integer", "minimum": 3}, "minContains": 2}) == [3, 3]
    assert sampler.sample({"type": ["null", "string"], "minLength": 8}) == "stringst"


def test_static_answer_is_the_sample_every_time_and_valid():
    with mock_client(DOC) as client:
        answers = [client.get("/orders/1").json() for _ in range(3)]
        text = client.get("/orders/1", headers={"Accept": "text/plain"}).text
    assert answers[0] == answers[1] == answers[2]
    order = answers[0]
    assert order["currency"] == "EUR" and order["note"] == "leave at the door"
    # the placeholder "string" does not match the pattern: the whole body is generated instead,
    # and still validates (the document's values stay where the generator keeps them)
    assert re.fullmatch(r"[A-Z]{3}-[0-9]{2}", order["code"])
    assert SchemaCompiler(load(DOC), "3.0").is_valid(ORDER, order, "response")
    assert text == "stringstri"  # minLength 10


def test_a_sample_that_validates_is_served_as_is(tmp_path):
    doc = tmp_path / "openapi.yaml"
    doc.write_text(DOC.read_text().replace('        code: {type: string, pattern: "^[A-Z]{3}-[0-9]{2}$"}\n', ""))
    with mock_client(doc) as client:
        order = client.get("/orders/1").json()
    assert order["id"] == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert order["status"] == "placed" and order["tags"] == ["string", "string"]


def _web(size: int) -> dict:
    """`size` object types, each with `size` optional properties referring to the others: the
    shape of an OOXML document model (presalytics.io's ooxml API in APIs.guru's directory)."""
    return {f"T{i}": {"type": "object", "properties": {
        f"p{j}": {"$ref": f"#/components/schemas/T{(i + j) % size}"} for j in range(size)}} for i in range(size)}


def test_a_web_of_references_too_large_to_sample_is_generated_instead(tmp_path):
    """Depth 15 and two visits per reference still let 12 types of 12 properties grow to 12^15
    values: past MAX_NODES the sampler stops, and the mock starts and answers generated data."""
    schemas = _web(12)
    document = {"components": {"schemas": schemas}}
    with pytest.raises(SampleTooLarge):
        StaticSampler(document, "3.0").sample({"$ref": "#/components/schemas/T0"})
    doc = tmp_path / "openapi.json"
    doc.write_text(json.dumps({
        "openapi": "3.0.3", "info": {"title": "web", "version": "1"},
        "paths": {"/doc": {"get": {"responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/T0"}}}}}}}},
        "components": {"schemas": schemas},
    }))
    with mock_client(doc) as client:
        answer = client.get("/doc")
    assert answer.status_code == 200
    assert SchemaCompiler(load(doc), "3.0").is_valid({"$ref": "#/components/schemas/T0"}, answer.json(), "response")
