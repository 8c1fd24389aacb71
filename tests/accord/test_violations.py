"""accord/violations.py: the words both servers give a schema error, and the 401 wording for a key sent in
the query string."""

from __future__ import annotations

import jsonschema_rs
import pytest

from accord.violations import describe, misplaced_key, missing_credential


@pytest.mark.parametrize(("where", "param", "names", "found"), [
    ("header", "X-API-Key", ["limit", "key"], "key"),
    ("header", "X-API-Key", ["API_KEY"], "API_KEY"),
    ("header", "X-API-Key", ["x-api-key"], "x-api-key"),
    ("header", "X-Token", ["x-token"], "x-token"),  # named like the scheme's own parameter
    ("header", "X-API-Key", ["limit", "page_token"], None),
    ("query", "key", ["key"], None),  # a query scheme: the query is the right place
])
def test_a_key_sent_in_the_query_for_a_header_scheme_is_named(where: str, param: str, names: list[str],
                                                               found: str | None) -> None:
    assert misplaced_key(where, param, names) == found


def test_the_detail_says_where_the_key_goes() -> None:
    assert missing_credential("header", "X-API-Key") == "the header parameter 'X-API-Key' is missing"
    assert missing_credential("header", "X-API-Key", "key") == (
        "the header parameter 'X-API-Key' is missing (the query parameter 'key' is not read: a key goes in the "
        "header only)")


#: (draft, schema, instance) -> `describe`'s (path, detail) pairs: one case per kind of error the
#: wording table names, and one it does not (the fallback).
_KINDS = [
    ("Draft4", {"type": "object", "required": ["a"]}, {}, [(("a",), "is a required property")]),
    ("Draft4", {"additionalProperties": False, "properties": {"a": {}}}, {"a": 1, "b": 2, "c/d": 3},
     [(("b",), "is not allowed (additional property)"), (("c/d",), "is not allowed (additional property)")]),
    ("Draft202012", {"unevaluatedProperties": False, "properties": {"a": {}}}, {"a": 1, "z": 2},
     [(("z",), "is not allowed (additional property)")]),
    ("Draft4", {"type": ["string", "null"]}, 1, [((), "must be of type string")]),
    ("Draft4", {"type": "integer"}, "x", [((), "must be of type integer")]),
    ("Draft4", {"minimum": 5}, 1, [((), "must be >= 5")]),
    ("Draft4", {"minimum": 5, "exclusiveMinimum": True}, 5, [((), "must be > 5")]),
    ("Draft4", {"maximum": 5.0}, 6, [((), "must be <= 5.0")]),
    ("Draft4", {"maximum": 5, "exclusiveMaximum": True}, 5, [((), "must be < 5")]),
    ("Draft202012", {"exclusiveMaximum": 2.5}, 3, [((), "must be < 2.5")]),
    ("Draft4", {"multipleOf": 2.0}, 3, [((), "must be a multiple of 2.0")]),
    ("Draft4", {"enum": ["a", 1, None]}, "b", [((), "must be one of a, 1, None")]),
    ("Draft202012", {"const": "a"}, "b", [((), "must be the one value the contract allows here")]),
    ("Draft4", {"minItems": 2}, [1], [((), "must have at least 2 item(s)")]),
    ("Draft4", {"maxItems": 1}, [1, 2], [((), "must have at most 1 item(s)")]),
    ("Draft4", {"minProperties": 2}, {"a": 1}, [((), "must have at least 2 property(ies)")]),
    ("Draft4", {"maxProperties": 1}, {"a": 1, "b": 2}, [((), "must have at most 1 property(ies)")]),
    ("Draft4", {"minLength": 3}, "ab", [((), "must be at least 3 character(s) long")]),
    ("Draft4", {"maxLength": 1}, "ab", [((), "must be at most 1 character(s) long")]),
    ("Draft4", {"uniqueItems": True}, [1, 1], [((), "must not contain the same item twice")]),
    ("Draft4", {"pattern": "^a+$"}, "b", [((), "must match the pattern ^a+$")]),
    ("Draft4", {"anyOf": [{"type": "string"}, {"type": "integer"}]}, 1.5,
     [((), "does not match exactly one of the allowed shapes")]),
    ("Draft4", {"oneOf": [{"type": "string"}, {"type": "integer"}]}, 1.5,
     [((), "does not match exactly one of the allowed shapes")]),
    ("Draft4", {"oneOf": [{"type": "string"}, {"minLength": 1}]}, "ab",
     [((), "does not match exactly one of the allowed shapes")]),
    ("Draft4", {"not": {"type": "string"}}, "a", [((), "matches a shape the contract excludes")]),
    ("Draft202012", {"contains": {"type": "string"}}, [1], [((), "must contain at least one matching item")]),
    ("Draft202012", {"items": False}, [1], [((0,), "is not allowed")]),
    ("Draft4", {"format": "email"}, "nope", [((), "must be a valid email")]),
    ("Draft202012", {"dependentRequired": {"a": ["b"]}}, {"a": 1}, [(("b",), "is a required property")]),
    ("Draft202012", {"propertyNames": {"maxLength": 1}}, {"ab": 1}, [((), "fails the propertyNames rule")]),
    ("Draft4", {"properties": {"a": {"items": {"maximum": 1}}}}, {"a": [0, 2]}, [(("a", 1), "must be <= 1")]),
]


@pytest.mark.parametrize(("draft", "schema", "instance", "expected"), _KINDS)
def test_each_kind_of_error_is_worded_at_its_path(draft: str, schema: dict[str, object], instance: object,
                                                   expected: list[tuple[tuple[object, ...], str]]) -> None:
    validator = getattr(jsonschema_rs, draft + "Validator")(schema, validate_formats=True)
    assert [pair for error in validator.iter_errors(instance) for pair in describe(error)] == expected
