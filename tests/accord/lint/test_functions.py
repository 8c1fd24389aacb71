"""accord/lint/functions.py: Spectral's core functions, on values and their options."""

from __future__ import annotations

from typing import Any

import pytest

from accord.lint.functions import FUNCTIONS, MISSING, BadOptions, Call


def run(name: str, value: Any, options: Any = None, path: tuple[str | int, ...] = ("x",),
        refs: set[str] | None = None) -> list[tuple[Any, str]]:
    return FUNCTIONS[name](value, options, Call(path, {}, lambda: refs or set()))


@pytest.mark.parametrize(("name", "value", "fails"), [
    ("truthy", "a", False), ("truthy", "", True), ("truthy", 0, True), ("truthy", MISSING, True),
    ("truthy", [], False), ("truthy", {}, False), ("truthy", None, True), ("truthy", False, True),
    ("falsy", "", False), ("falsy", "a", True), ("falsy", MISSING, False),
    ("defined", None, False), ("defined", MISSING, True),
    ("undefined", MISSING, False), ("undefined", 0, True),
])
def test_presence_functions(name: str, value: Any, fails: bool) -> None:
    assert bool(run(name, value)) is fails


def test_pattern_match_and_not_match() -> None:
    assert run("pattern", "abc", {"match": "^a"}) == []
    assert run("pattern", "abc", {"match": "/^A/i"}) == []
    assert run("pattern", "xbc", {"match": "^a"})[0][1] == '"xbc" must match the pattern "^a"'
    assert len(run("pattern", "abc", {"match": "^x", "notMatch": "b"})) == 2
    assert run("pattern", 12, {"match": "^x"}) == []  # not a string: not checked, as in Spectral


@pytest.mark.parametrize(("kind", "good", "bad"), [
    ("camel", "fooBar2", "FooBar"), ("pascal", "FooBar", "fooBar"), ("kebab", "foo-bar", "foo_bar"),
    ("snake", "foo_bar", "fooBar"), ("macro", "FOO_BAR", "FOO-BAR"), ("cobol", "FOO-BAR", "foo-bar"),
    ("flat", "foobar", "fooBar"),
])
def test_casing(kind: str, good: str, bad: str) -> None:
    assert run("casing", good, {"type": kind}) == []
    assert run("casing", bad, {"type": kind}) == [(None, f"must be {kind} case")]


def test_casing_digits_and_separators() -> None:
    assert run("casing", "foo1", {"type": "camel", "disallowDigits": True})
    assert run("casing", "/foo-bar/baz", {"type": "kebab", "separator": {"char": "/", "allowLeading": True}}) == []
    assert run("casing", "/fooBar", {"type": "kebab", "separator": {"char": "/", "allowLeading": True}})
    with pytest.raises(BadOptions):
        run("casing", "x", {"type": "sentence"})


def test_enumeration_length_xor_or() -> None:
    assert run("enumeration", "a", {"values": ["a", "b"]}) == []
    assert run("enumeration", "c", {"values": ["a", "b"]})
    assert run("enumeration", True, {"values": [1]})  # no JS coercion: true is not 1
    assert run("length", "abcd", {"max": 3})[0][1].endswith("must be shorter than 3")
    assert run("length", [1], {"min": 2}) and run("length", {"a": 1}, {"min": 1, "max": 1}) == []
    assert run("length", 5, {"max": 4})
    assert run("xor", {"a": 1}, {"properties": ["a", "b"]}) == []
    assert run("xor", {"a": 1, "b": 2}, {"properties": ["a", "b"]})
    assert run("xor", {}, {"properties": ["a", "b"]})
    assert run("or", {"b": 1}, {"properties": ["a", "b"]}) == []
    assert run("or", {"c": 1}, {"properties": ["a", "b"]})


def test_alphabetical_points_at_the_first_item_out_of_order() -> None:
    assert run("alphabetical", ["a", "B", "c"]) == []
    assert run("alphabetical", ["b", "a"]) == [(("x", 0), '"b" must be placed after "a"')]
    assert run("alphabetical", {"b": 1, "a": 2}) == [(("x", "b"), '"b" must be placed after "a"')]
    assert run("alphabetical", [{"n": "b"}, {"n": "a"}], {"keyedBy": "n"})


def test_schema_reports_each_error_at_its_instance_path() -> None:
    options = {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}, "allErrors": True}
    assert run("schema", {"a": "s"}, options) == []
    assert [path for path, _ in run("schema", {"a": 1}, options)] == [("x", "a")]
    assert run("schema", MISSING, options) == [(("x",), "{{property}} must exist")]


def test_typed_enum_and_unreferenced_reusable_object() -> None:
    assert run("typedEnum", {"type": "integer", "enum": [1, "2", 3]}) == [(("x", "enum", 1),
                                                                            'Enum value "2" must be integer.')]
    assert run("typedEnum", {"type": "string", "nullable": True, "enum": ["a", None]}) == []
    found = run("unreferencedReusableObject", {"A": {}, "B": {}}, {"reusableObjectsLocation": "#/components/schemas"},
                refs={"/components/schemas/A"})
    assert found == [(("components", "schemas", "B"), "Potential orphaned reusable object has been detected")]
