"""Every schema rule of the catalogue, under every place a schema sits, from a fixture pair.

One (old, new) schema pair per rule suffix; each is placed as a query parameter, a property of
an object query parameter, a request body, a request body property, a response body, a response
body property and a response header, and the diff must report exactly that rule id (plus the
companions a case names) at the catalogue's level for that side.
"""

from __future__ import annotations

from typing import Any

import pytest

from accord.diff.rules import BOUNDS, RULES, SCHEMA_PREFIXES, SCHEMA_SUFFIXES
from accord.diff.walker import diff_documents

OBJ_A = {"type": "object", "properties": {"a": {"type": "string"}}}
OBJ_B = {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}}}
ARRAY = {"type": "array", "items": {"type": "string"}}

#: suffix -> (old schema, new schema, companion suffixes also reported)
SCHEMA_CASES: dict[str, tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]] = {
    "type-changed": ({"type": "object"}, {"type": "string"}, ()),
    "type-generalized": ({"type": "integer"}, {"type": "number"}, ()),
    "type-specialized": ({"type": "number"}, {"type": "integer"}, ()),
    "became-nullable": ({"type": "string"}, {"type": ["string", "null"]}, ()),
    "became-not-nullable": ({"type": ["string", "null"]}, {"type": "string"}, ()),
    "enum-value-removed": ({"type": "string", "enum": ["a", "b"]}, {"type": "string", "enum": ["a"]}, ()),
    "enum-value-added": ({"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["a", "b"]}, ()),
    "became-enum": ({"type": "string"}, {"type": "string", "enum": ["a"]}, ()),
    "enum-removed": ({"type": "string", "enum": ["a"]}, {"type": "string"}, ()),
    "pattern-added": ({"type": "string", "pattern": ""}, {"type": "string", "pattern": "^a"}, ()),
    "pattern-changed": ({"type": "string", "pattern": "^a"}, {"type": "string", "pattern": "^b"}, ()),
    "pattern-removed": ({"type": "string", "pattern": "^a"}, {"type": "string"}, ()),
    "format-changed": ({"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}, ()),
    "default-value-changed": ({"type": "string", "default": "a"}, {"type": "string", "default": "b"}, ()),
    "default-value-added": ({"type": "string"}, {"type": "string", "default": "b"}, ()),
    "default-value-removed": ({"type": "string", "default": "a"}, {"type": "string"}, ()),
    "one-of-removed": ({"oneOf": [OBJ_A, OBJ_B]}, {"oneOf": [OBJ_A]}, ()),
    "one-of-added": ({"oneOf": [OBJ_A]}, {"oneOf": [OBJ_A, OBJ_B]}, ()),
    "any-of-removed": ({"anyOf": [OBJ_A, OBJ_B]}, {"anyOf": [OBJ_A]}, ()),
    "any-of-added": ({"anyOf": [OBJ_A]}, {"anyOf": [OBJ_A, OBJ_B]}, ()),
    "additional-properties-restricted": (OBJ_A, {**OBJ_A, "additionalProperties": False}, ()),
    "wrapped-in-one-of": (OBJ_A, {"oneOf": [OBJ_A, OBJ_B]}, ("one-of-added",)),
    "all-of-added": ({"allOf": [OBJ_A]}, {"allOf": [OBJ_A, {"type": "object"}]}, ()),
    "all-of-removed": ({"allOf": [OBJ_A, {"type": "object"}]}, {"allOf": [OBJ_A]}, ()),
    "all-of-added-annotation-only": ({"allOf": [OBJ_A]}, {"allOf": [OBJ_A, {"description": "an A"}]}, ()),
    "all-of-removed-annotation-only": ({"allOf": [OBJ_A, {"description": "an A"}]}, {"allOf": [OBJ_A]}, ()),
    "list-of-types-widened": ({"oneOf": [{"type": "string"}, {"type": "integer"}]},
                              {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}, ()),
    "list-of-types-narrowed": ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, {"type": "string"}, ()),
    "x-extensible-enum-value-removed": ({"type": "string", "x-extensible-enum": ["a", "b"]},
                                        {"type": "string", "x-extensible-enum": ["a"]}, ()),
    "const-added": ({"type": "string"}, {"type": "string", "const": "a"}, ()),
    "const-removed": ({"type": "string", "const": "a"}, {"type": "string"}, ()),
    "const-changed": ({"type": "string", "const": "a"}, {"type": "string", "const": "b"}, ()),
    "contains-added": (ARRAY, {**ARRAY, "contains": {"type": "string", "minLength": 2}}, ()),
    "contains-removed": ({**ARRAY, "contains": {"type": "string", "minLength": 2}}, ARRAY, ()),
    "if-added": (OBJ_A, {**OBJ_A, "if": {"required": ["a"]}}, ()),
    "if-removed": ({**OBJ_A, "if": {"required": ["a"]}}, OBJ_A, ()),
    "then-added": (OBJ_A, {**OBJ_A, "then": {"required": ["b"]}}, ()),
    "then-removed": ({**OBJ_A, "then": {"required": ["b"]}}, OBJ_A, ()),
    "else-added": (OBJ_A, {**OBJ_A, "else": {"required": ["b"]}}, ()),
    "else-removed": ({**OBJ_A, "else": {"required": ["b"]}}, OBJ_A, ()),
    "dependent-required-added": (OBJ_A, {**OBJ_A, "dependentRequired": {"a": ["b"]}}, ()),
    "dependent-required-removed": ({**OBJ_A, "dependentRequired": {"a": ["b"]}}, OBJ_A, ()),
    "dependent-required-changed": ({**OBJ_A, "dependentRequired": {"a": ["b"]}},
                                   {**OBJ_A, "dependentRequired": {"a": ["c"]}}, ()),
    "dependent-schema-added": (OBJ_A, {**OBJ_A, "dependentSchemas": {"a": {"required": ["b"]}}}, ()),
    "dependent-schema-removed": ({**OBJ_A, "dependentSchemas": {"a": {"required": ["b"]}}}, OBJ_A, ()),
    "prefix-items-added": ({"type": "array", "prefixItems": [{"type": "string"}]},
                           {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]}, ()),
    "prefix-items-removed": ({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]},
                             {"type": "array", "prefixItems": [{"type": "string"}]}, ()),
    "property-names-added": (OBJ_A, {**OBJ_A, "propertyNames": {"maxLength": 3}}, ()),
    "property-names-removed": ({**OBJ_A, "propertyNames": {"maxLength": 3}}, OBJ_A, ()),
    "pattern-property-added": (OBJ_A, {**OBJ_A, "patternProperties": {"^x-": {"type": "string"}}}, ()),
    "pattern-property-removed": ({**OBJ_A, "patternProperties": {"^x-": {"type": "string"}}}, OBJ_A, ()),
    "unevaluated-items-added": (ARRAY, {**ARRAY, "unevaluatedItems": False}, ()),
    "unevaluated-items-removed": ({**ARRAY, "unevaluatedItems": False}, ARRAY, ()),
    "unevaluated-properties-added": (OBJ_A, {**OBJ_A, "unevaluatedProperties": False}, ()),
    "unevaluated-properties-removed": ({**OBJ_A, "unevaluatedProperties": False}, OBJ_A, ()),
    "content-schema-added": ({"type": "string", "contentMediaType": "application/json"},
                             {"type": "string", "contentMediaType": "application/json",
                              "contentSchema": {"type": "object"}}, ()),
    "content-schema-removed": ({"type": "string", "contentMediaType": "application/json",
                                "contentSchema": {"type": "object"}},
                               {"type": "string", "contentMediaType": "application/json"}, ()),
    "content-media-type-changed": ({"type": "string", "contentMediaType": "application/json"},
                                   {"type": "string", "contentMediaType": "application/xml"}, ()),
    "content-encoding-changed": ({"type": "string", "contentEncoding": "base64"},
                                 {"type": "string", "contentEncoding": "base32"}, ()),
    "not-added": ({"type": "string"}, {"type": "string", "not": {"const": "x"}}, ()),
    "not-removed": ({"type": "string", "not": {"const": "x"}}, {"type": "string"}, ()),
    "not-changed": ({"type": "string", "not": {"const": "x"}}, {"type": "string", "not": {"const": "y"}}, ()),
}
for _keyword, (_name, _kind) in BOUNDS.items():
    _low, _high = {_keyword: 3}, {_keyword: 5}
    SCHEMA_CASES[f"{_name}-increased"] = (_low, _high, ())
    SCHEMA_CASES[f"{_name}-decreased"] = (_high, _low, ())
    SCHEMA_CASES[f"{_name}-set"] = ({}, _low, ())
    SCHEMA_CASES[f"{_name}-unset"] = (_low, {}, ())


CALLBACK_PREFIXES = ("callback-request-body", "callback-request-property", "callback-response-body",
                     "callback-response-property")


def _place(schema: dict[str, Any], prefix: str) -> dict[str, Any]:
    """A 3.1 document with one operation holding `schema` where `prefix` says (callback-*:
    in the webhook `hook`, whose request our service sends)."""
    operation: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    media = {"application/json": {"schema": schema}}
    wrapped = {"type": "object", "properties": {"p": schema}}
    if prefix.startswith("callback-"):
        document = _place(schema, prefix.removeprefix("callback-"))
        document["webhooks"] = {"hook": document.pop("paths")["/a"]}
        return document
    if prefix == "request-parameter":
        operation["parameters"] = [{"name": "q", "in": "query", "schema": schema}]
    elif prefix == "request-parameter-property":
        operation["parameters"] = [{"name": "q", "in": "query", "schema": wrapped}]
    elif prefix == "request-header-property":
        operation["parameters"] = [{"name": "X-Q", "in": "header", "schema": wrapped}]
    elif prefix == "request-body":
        operation["requestBody"] = {"content": media}
    elif prefix == "request-property":
        operation["requestBody"] = {"content": {"application/json": {"schema": wrapped}}}
    elif prefix == "response-body":
        operation["responses"]["200"]["content"] = media
    elif prefix == "response-property":
        operation["responses"]["200"]["content"] = {"application/json": {"schema": wrapped}}
    else:
        operation["responses"]["200"]["headers"] = {"X-Rate": {"schema": schema}}
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"post": operation}}}


def test_every_schema_rule_has_a_fixture_pair() -> None:
    assert set(SCHEMA_SUFFIXES) == set(SCHEMA_CASES)


@pytest.mark.parametrize("prefix", sorted(SCHEMA_PREFIXES) + list(CALLBACK_PREFIXES))
@pytest.mark.parametrize("suffix", sorted(SCHEMA_CASES))
def test_schema_rule_fixture_pair(suffix: str, prefix: str) -> None:
    old, new, companions = SCHEMA_CASES[suffix]
    changes = diff_documents(_place(old, prefix), "3.1.0", _place(new, prefix), "3.1.0")
    expected = {(f"{prefix}-{s}", RULES[f"{prefix}-{s}"].level) for s in (suffix, *companions)}
    assert {(c.rule, c.level) for c in changes} == expected


def _webhook(body: dict[str, Any] | None, response: dict[str, Any] | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if body is not None:
        operation["requestBody"] = {"content": {"application/json": {"schema": body}}}
    if response is not None:
        operation["responses"]["200"]["content"] = {"application/json": {"schema": response}}
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "webhooks": {"hook": {"post": operation}}}


def _with_webhook_parts(**parts: Any) -> dict[str, Any]:
    document = _webhook(None)
    document["webhooks"]["hook"]["post"].update(parts)
    return document


def _found(old: dict[str, Any], new: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c.rule, c.level) for c in diff_documents(old, "3.1.0", new, "3.1.0")}


EVENT = [{"name": "X-Event", "in": "header", "schema": {"type": "string"}}]
OPTIONAL_A = {"type": "object", "properties": {"a": {"type": "string"}}}
REQUIRED_A = {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}
EMPTY = {"type": "object", "properties": {}}


CALLBACK_CASES = [
    # the consumer receives the request: losing what it reads breaks, gaining does not
    (_webhook(REQUIRED_A), _webhook(EMPTY), ("callback-request-required-property-removed", "breaking")),
    (_webhook(OPTIONAL_A), _webhook(EMPTY), ("callback-request-optional-property-removed", "warning")),
    (_webhook(EMPTY), _webhook(REQUIRED_A), ("callback-request-required-property-added", "info")),
    (_webhook(EMPTY), _webhook(OPTIONAL_A), ("callback-request-optional-property-added", "info")),
    (_webhook(OPTIONAL_A), _webhook(REQUIRED_A), ("callback-request-property-became-required", "info")),
    (_webhook(REQUIRED_A), _webhook(OPTIONAL_A), ("callback-request-property-became-optional", "breaking")),
    # the consumer sends the response: a new required property is one it does not send yet
    (_webhook(None, EMPTY), _webhook(None, REQUIRED_A), ("callback-new-required-response-property", "breaking")),
    (_webhook(None, EMPTY), _webhook(None, OPTIONAL_A), ("callback-new-optional-response-property", "info")),
    (_webhook(None, EMPTY), _webhook(None, {**REQUIRED_A, "properties": {"a": {"type": "string", "default": "x"}}}),
     ("callback-new-required-response-property-with-default", "breaking")),
    (_webhook(None, OPTIONAL_A), _webhook(None, EMPTY), ("callback-response-property-removed", "warning")),
    (_webhook(None, OPTIONAL_A), _webhook(None, REQUIRED_A),
     ("callback-response-property-became-required", "breaking")),
    (_webhook(None, REQUIRED_A), _webhook(None, OPTIONAL_A),
     ("callback-response-property-became-optional", "info")),
    (_webhook(None, {"type": "object", "properties": {"a": {"type": "string", "default": "x"}}}),
     _webhook(None, {"type": "object", "required": ["a"], "properties": {"a": {"type": "string", "default": "x"}}}),
     ("callback-response-property-became-required-with-default", "breaking")),
    # what our service sends the consumer reads; what the consumer answers we must accept
    (_webhook(None), _with_webhook_parts(parameters=EVENT),
     ("callback-request-parameter-added", "info")),
    (_with_webhook_parts(parameters=EVENT),
     _webhook(None), ("callback-request-parameter-removed", "breaking")),
    (_with_webhook_parts(responses={"200": {"description": "ok"}, "202": {"description": "later"}}), _webhook(None),
     ("callback-response-status-removed", "breaking")),
    (_webhook(None), _with_webhook_parts(responses={"200": {"description": "ok"}, "202": {"description": "later"}}),
     ("callback-response-status-added", "info")),
    (_webhook(None), {**_webhook(None), "webhooks": {}}, ("webhook-removed", "breaking")),
    ({**_webhook(None), "webhooks": {}}, _webhook(None), ("webhook-added", "info")),
]


@pytest.mark.parametrize(("old", "new", "expected"), CALLBACK_CASES)
def test_callbacks_and_webhooks_are_compared_with_the_roles_swapped(
    old: dict[str, Any], new: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert _found(old, new) == {expected}


def _with_callback(body: dict[str, Any] | None) -> dict[str, Any]:
    document = _place({"type": "string"}, "request-parameter")
    if body is not None:
        hook = _webhook(body)["webhooks"]["hook"]
        document["paths"]["/a"]["post"]["callbacks"] = {"done": {"{$request.query.q}": hook}}
    return document


def test_a_callback_is_compared_under_the_operation_that_declares_it() -> None:
    changes = diff_documents(_with_callback(REQUIRED_A), "3.1.0", _with_callback(EMPTY), "3.1.0")
    assert [(c.rule, c.level, c.operation) for c in changes] == [
        ("callback-request-required-property-removed", "breaking", "POST /a")]
    assert _found(_with_callback(EMPTY), _with_callback(None)) == {("callback-removed", "breaking")}
    assert _found(_with_callback(None), _with_callback(EMPTY)) == {("callback-added", "info")}


def _query(schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    document = _place(schema, "request-parameter")
    document["paths"]["/a"]["post"]["parameters"][0].update(extra)
    return document


@pytest.mark.parametrize(
    ("old", "new", "extra", "expected"),
    [
        # `?n=5` is text on the wire: a string accepts every number it took, a number not every string
        ({"type": "number"}, {"type": "string"}, {}, ("request-parameter-type-generalized", "info")),
        ({"type": "string"}, {"type": "integer"}, {}, ("request-parameter-type-specialized", "breaking")),
        # form style, exploded (the default of a query parameter): `?tag=a` is also a one-element array
        ({"type": "string"}, ARRAY, {}, ("request-parameter-type-generalized", "info")),
        ({"type": "string"}, ARRAY, {"explode": False}, ("request-parameter-type-changed", "breaking")),
        ({"type": "string"}, {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}}, {},
         ("request-parameter-type-changed", "breaking")),  # ... unless the items say more than the scalar did
    ],
)
def test_a_parameter_type_change_is_judged_as_the_value_travels(
    old: dict[str, Any], new: dict[str, Any], extra: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert _found(_query(old, **extra), _query(new, **extra)) == {expected}


def test_a_path_parameter_renamed_with_the_same_url_shape_is_no_change() -> None:
    def document(name: str, level: str) -> dict[str, Any]:
        parameter = {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        item: dict[str, Any] = {"get": {"responses": {"200": {"description": "ok"}}}}
        (item if level == "path" else item["get"])["parameters"] = [parameter]
        return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {f"/pets/{{{name}}}": item}}

    assert _found(document("id", "operation"), document("petId", "operation")) == set()
    assert _found(document("id", "path"), document("petId", "operation")) == set()
