"""mock/generation/options.py: json-schema-faker's options as preferences inside the schema."""

from __future__ import annotations

from typing import Any

import pytest
from test_cli import accord

from accord.mock.generation import Generator
from accord.mock.generation.options import Options
from accord.mock.testing import mock_client
from accord.schemas import SchemaCompiler

SEEDS = range(40)


def _document(schema: dict[str, Any], faker: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
                           "components": {"schemas": {"S": schema}}}
    if faker is not None:
        doc["x-json-schema-faker"] = faker
    return doc


def _values(schema: dict[str, Any], faker: dict[str, Any] | None = None,
            fill_properties: bool | None = None) -> list[Any]:
    doc = _document(schema, faker)
    generator = Generator(doc, "3.0", options=Options.read(doc, fill_properties))
    target = doc["components"]["schemas"]["S"]
    values = [generator.generate(target, seed=seed) for seed in SEEDS]
    check = SchemaCompiler(doc, "3.0").validator(target, "response").is_valid
    assert all(check(v) for v in values), "every generated value validates"
    return values


def test_options_are_read_as_prism_reads_them():
    doc = {"x-json-schema-faker": {"min-items": 2, "max_items": 4, "useDefaultValue": True,
                                   "fillProperties": True, "locale": "de", "optionalsProbability": 0.5}}
    options = Options.read(doc)
    assert (options.min_items, options.max_items, options.use_default, options.fill_properties) == (2, 4, True, True)
    assert options.ignored == ("locale", "optionalsProbability")
    assert Options.read(doc, fill_properties=False).fill_properties is False  # the flag wins
    assert Options.read({}) == Options()
    assert Options.read({"x-json-schema-faker": {"minItems": -1, "maxItems": True}}).min_items is None


@pytest.mark.parametrize(
    ("preferred", "schema_bounds", "expected"),
    [
        ((3, 3), (0, None), (3, 3)),
        ((3, None), (0, None), (3, None)),
        ((3, 3), (5, None), (5, 5)),  # the schema's minItems wins
        ((3, 3), (0, 2), (2, 2)),  # the schema's maxItems wins
        ((None, 1), (2, 6), (2, 2)),
        ((2, 8), (3, 5), (3, 5)),
    ],
)
def test_item_counts_are_preferences_inside_the_schemas_bounds(preferred, schema_bounds, expected):
    options = Options(min_items=preferred[0], max_items=preferred[1])
    assert options.items_between(*schema_bounds) == expected


def test_min_and_max_items_shape_the_arrays():
    lengths = {len(v) for v in _values({"type": "array", "items": {"type": "integer"}}, {"minItems": 3, "maxItems": 3})}
    assert lengths == {3}
    bounded = {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 2}
    assert {len(v) for v in _values(bounded, {"minItems": 4, "maxItems": 9})} == {2}
    few = {"type": "array", "items": {"type": "boolean"}, "uniqueItems": True}
    assert {len(v) for v in _values(few, {"minItems": 5})} == {2}  # only two distinct booleans exist


def test_use_default_value_serves_the_schemas_default_when_it_is_valid():
    schema = {"type": "object", "properties": {
        "name": {"type": "string", "default": "Widget"},
        "size": {"type": "integer", "minimum": 10, "default": 3},  # invalid default: generated instead
        "tags": {"type": "array", "items": {"type": "string", "default": "tag"}}}}
    values = _values(schema, {"useDefaultValue": True})
    assert {v["name"] for v in values} == {"Widget"}
    assert all(v["size"] >= 10 for v in values)
    assert {t for v in values for t in v["tags"]} == {"tag"}
    assert len({v["name"] for v in _values(schema)}) > 1  # without the option: mostly generated


def test_use_examples_value_serves_one_of_the_schemas_examples():
    schema = {"type": "string", "example": "seen", "default": "fallback"}
    assert set(_values(schema, {"useExamplesValue": True, "useDefaultValue": True})) == {"seen"}


def test_json_path_takes_its_value_from_the_generated_body():
    schema = {"type": "object", "required": ["name", "alias", "code"], "properties": {
        "name": {"type": "string"},
        "alias": {"type": "string", "jsonPath": "$..name"},
        "code": {"type": "integer", "jsonPath": "$..name"},  # a string is no integer: its own value
    }}
    values = _values(schema, {"resolveJsonPath": True})
    assert all(v["alias"] == v["name"] for v in values)
    assert all(isinstance(v["code"], int) for v in values)
    assert not all(v["alias"] == v["name"] for v in _values(schema))  # the option is off by default


def test_fill_properties_invents_keys_only_where_the_schema_allows_them():
    open_object = {"type": "object", "properties": {"a": {"type": "integer"}}}
    closed = {**open_object, "additionalProperties": False}
    assert all(set(v) == {"a"} for v in _values(open_object))  # accord's default: nothing invented
    filled = _values(open_object, {"fillProperties": True})
    assert all(len(v) > 1 for v in filled)
    assert all(set(v) == {"a"} for v in _values(open_object, {"fillProperties": True}, fill_properties=False))
    assert all(set(v) == {"a"} for v in _values(closed, {"fillProperties": True}))
    capped = {**open_object, "maxProperties": 2}
    assert all(len(v) <= 2 for v in _values(capped, {"fillProperties": True}))


WIDGETS = """openapi: 3.0.3
info: {title: widgets, version: '1'}
x-json-schema-faker: {minItems: 3, maxItems: 3, useDefaultValue: true, resolveJsonPath: true}
paths:
  /widget:
    get:
      responses:
        '200':
          description: one widget
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Widget'}
            application/xml:
              schema: {$ref: '#/components/schemas/Widget'}
components:
  schemas:
    Widget:
      type: object
      properties:
        zone: {type: string, default: north}
        label: {type: string, jsonPath: $.zone}
        parts:
          type: array
          items: {type: object, properties: {weight: {type: integer}, colour: {type: string}}}
"""


def test_dynamic_bodies_follow_the_documents_options_with_keys_sorted(tmp_path):
    doc = tmp_path / "openapi.yaml"
    doc.write_text(WIDGETS)
    with mock_client(doc, dynamic=True) as client:
        body = client.get("/widget", headers={"Accept": "application/json"}).json()
        assert list(body) == ["label", "parts", "zone"]  # alphabetical, as Prism's dynamic bodies
        assert all(list(part) == ["colour", "weight"] for part in body["parts"])
        assert (body["zone"], body["label"], len(body["parts"])) == ("north", "north", 3)
        xml = client.get("/widget", headers={"Accept": "application/xml"}).text
        assert xml.index("<zone>") < xml.index("<label>") < xml.index("<parts>")  # XML: the schema's order


def test_the_fill_properties_flag_is_prisms(tmp_path):
    doc = tmp_path / "openapi.yaml"
    doc.write_text(WIDGETS.replace("resolveJsonPath: true", "resolveJsonPath: true, fillProperties: true"))
    with mock_client(doc, dynamic=True) as client:
        assert len(client.get("/widget").json()) > 3
    with mock_client(doc, dynamic=True, fill_properties=False) as client:
        assert len(client.get("/widget").json()) == 3
    refused = accord("mock", str(doc), "--json-schema-faker-fillProperties=maybe", "--port", "1")
    assert refused.returncode == 2 and "fillProperties" in refused.stderr
