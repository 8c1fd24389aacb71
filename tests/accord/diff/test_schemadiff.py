"""accord/diff/schemadiff.py: views (allOf, $ref siblings), direction, union pairing."""

from __future__ import annotations

from typing import Any

import pytest

from accord.diff.operations import Node
from accord.diff.schemadiff import SchemaDiff, Where, build_view

REQUEST = Where("request", "request-body", "request body")
RESPONSE = Where("response", "response-body", "response 200 body")


def _compare(old: Any, new: Any, where: Where, old_doc: Any = None, new_doc: Any = None) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []

    def emit(rule: str, old_at: str, new_at: str, **_: Any) -> None:
        found.append((rule, old_at, new_at))

    differ = SchemaDiff(old_doc or {}, new_doc or {}, emit, lambda a, b: a == b)
    differ.compare(Node(old, "/old"), Node(new, "/new"), where)
    return found


def test_where_names_nested_properties_for_a_reader() -> None:
    where = RESPONSE.child("items").child("[]").child("id")
    assert where.what == "response 200 body property `items[].id`"
    assert where.prefix == "response-property"
    assert RESPONSE.prefix == "response-body"
    assert Where("request", "request-parameter", "query parameter `q`").child("a").prefix == (
        "request-parameter-property")
    assert Where("request", "request-parameter", "query parameter `q`").child("[]").prefix == "request-parameter"


def test_build_view_merges_all_of_members_and_keeps_each_keyword_pointer() -> None:
    document = {"components": {"schemas": {"Base": {"type": "object", "required": ["id"],
                                                    "properties": {"id": {"type": "string"}}}}}}
    schema = {"allOf": [{"$ref": "#/components/schemas/Base"},
                        {"properties": {"id": {"maxLength": 5}, "name": {"type": "string"}}, "maxProperties": 4}]}
    view = build_view(document, schema, "/s")
    assert set(view.properties) == {"id", "name"}
    assert [n.pointer for n in view.properties["id"]] == [
        "/components/schemas/Base/properties/id", "/s/allOf/1/properties/id"]
    assert view.required == {"id": "/components/schemas/Base/required"}
    assert view.at("type") == "/components/schemas/Base"
    assert view.at("maxProperties") == "/s/allOf/1"


def test_bounds_in_several_all_of_members_take_the_tightest() -> None:
    view = build_view({}, {"allOf": [{"maximum": 10}, {"maximum": 5}, {"minimum": 1}, {"minimum": 3}]}, "/s")
    assert (view.value("maximum"), view.value("minimum")) == (5, 3)


@pytest.mark.parametrize(
    ("old", "new", "request_rule", "response_rule"),
    [
        ({"type": "string", "maxLength": 10}, {"type": "string", "maxLength": 5},
         "request-body-max-length-decreased", None),
        ({"type": "string", "maxLength": 5}, {"type": "string", "maxLength": 10},
         None, "response-body-max-length-increased"),
        ({"type": "string", "minLength": 1}, {"type": "string", "minLength": 2}, "request-body-min-length-increased",
         None),
        ({"type": "string", "maxLength": 10}, {"type": "string"}, None, "response-body-max-length-unset"),
        ({"type": "integer", "minimum": 0}, {"type": "integer", "minimum": 1}, "request-body-min-increased", None),
        ({"type": "string", "enum": ["a", "b"]}, {"type": "string", "enum": ["a"]},
         "request-body-enum-value-removed", None),
        ({"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["a", "b"]},
         None, "response-body-enum-value-added"),
        ({"type": "string"}, {"type": "string", "nullable": True}, None, "response-body-became-nullable"),
        ({"type": "string", "nullable": True}, {"type": "string"}, "request-body-became-not-nullable", None),
        ({"type": "integer"}, {"type": "number"}, None, "response-body-type-generalized"),
    ],
)
def test_direction_decides_what_breaks(
    old: dict, new: dict, request_rule: str | None, response_rule: str | None
) -> None:
    """Narrowing breaks a request; widening breaks a response; the other side is informational."""
    from accord.diff.rules import RULES

    for where, expected in ((REQUEST, request_rule), (RESPONSE, response_rule)):
        rules = [rule for rule, _, _ in _compare(old, new, where)]
        assert len(rules) == 1
        level = RULES[rules[0]].level
        if expected is None:
            assert level == "info", rules
        else:
            assert rules == [expected] and level == "breaking"


def test_read_only_properties_do_not_count_in_requests_write_only_not_in_responses() -> None:
    old = {"type": "object", "properties": {"id": {"type": "string", "readOnly": True},
                                            "secret": {"type": "string", "writeOnly": True}}}
    new = {"type": "object", "required": ["id", "secret"], "properties": old["properties"]}
    assert [r for r, _, _ in _compare(old, new, REQUEST)] == ["request-property-became-required"]
    assert [r for r, _, _ in _compare(old, new, RESPONSE)] == ["response-property-became-required"]


def test_x_extensible_enum_value_added_in_a_response_is_not_reported() -> None:
    old = {"type": "string", "enum": ["a"], "x-extensible-enum": True}
    new = {"type": "string", "enum": ["a", "b"], "x-extensible-enum": True}
    assert _compare(old, new, RESPONSE) == []


def test_plain_schema_becoming_a_union_adds_a_branch() -> None:
    document = {"components": {"schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
                                           "Robot": {"type": "object", "properties": {"model": {"type": "string"}}}}}}
    old = {"$ref": "#/components/schemas/Pet"}
    new = {"oneOf": [{"$ref": "#/components/schemas/Pet"}, {"$ref": "#/components/schemas/Robot"}]}
    assert _compare(old, new, RESPONSE, document, document) == [
        ("response-body-wrapped-in-one-of", "/components/schemas/Pet", "/new/oneOf"),
        ("response-body-one-of-added", "/components/schemas/Pet", "/new/oneOf/1")]


def test_edited_inline_branches_pair_with_each_other_not_as_removed_and_added() -> None:
    old = {"anyOf": [{"type": "object", "required": ["a"],
                      "properties": {"a": {"type": "string"}, "b": {"type": "string"}}},
                     {"type": "array", "items": {"type": "string"}}]}
    new = {"anyOf": [{"type": "array", "items": {"type": "string", "maxLength": 3}},
                     {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}]}
    assert sorted(_compare(old, new, RESPONSE)) == [
        ("response-property-became-optional", "/old/anyOf/0/properties/a", "/new/anyOf/1/properties/a"),
        ("response-property-max-length-set", "/old/anyOf/1/items", "/new/anyOf/0/items"),
    ]
