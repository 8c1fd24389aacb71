"""accord/lint/jsonpath.py: Spectral's `given` dialect on python-jsonpath."""

from __future__ import annotations

import pytest

from accord.lint.jsonpath import UnsupportedPath, query, translate

DOC = {
    "paths": {
        "/a": {"get": {"tags": ["x", "y"], "x-internal": True,
                       "parameters": [{"in": "query", "name": "q"}, {"in": "path", "name": "id"}]},
               "post": {"summary": "s"}},
        "/b": {"parameters": []},
    },
}


def paths(given: str, data: object = DOC) -> list[tuple[str | int, ...]]:
    return [found for found, _ in query(given, data)]


@pytest.mark.parametrize(("given", "expected"), [
    ("$.paths.*~", [("paths", "/a"), ("paths", "/b")]),
    ("$.paths[*]~", [("paths", "/a"), ("paths", "/b")]),
    ("$.paths[*][get,put]", [("paths", "/a", "get")]),
    ("$.paths[*][?(@property === 'post')]", [("paths", "/a", "post")]),
    ("$.paths[*][?(@key !== 'post' && @property !== 'parameters')]", [("paths", "/a", "get")]),
    ("$.paths.*[?( @property.match(/^(GET|put)$/i) )]", [("paths", "/a", "get")]),
    ("$..parameters[?(@.in === 'query')].name", [("paths", "/a", "get", "parameters", 0, "name")]),
    ("$.paths.*[?(@.tags && @.tags.length > 1)]", [("paths", "/a", "get")]),
    ("$.paths.*[?(@.x-internal)]", [("paths", "/a", "get")]),
    ("$.paths.*[?(['post','put'].includes(@property))]", [("paths", "/a", "post")]),
    ("$.paths.*[?(@property.startsWith('po'))]", [("paths", "/a", "post")]),
    ("$.paths[?(@property.endsWith('b'))].parameters", [("paths", "/b", "parameters")]),
    ("$..[?(@property.startsWith('x-'))]~", [("paths", "/a", "get", "x-internal")]),
    ("$.paths['/a'].get.tags[1]", [("paths", "/a", "get", "tags", 1)]),
    ("$.paths[?(@.get)].[get,post].summary", [("paths", "/a", "post", "summary")]),
    ("$.paths.*.[get,post].summary", [("paths", "/a", "post", "summary")]),
])
def test_spectral_forms_select_what_spectral_selects(given: str, expected: list[tuple[str | int, ...]]) -> None:
    assert sorted(paths(given), key=str) == sorted(expected, key=str)


def test_key_selection_yields_the_keys() -> None:
    assert [value for _, value in query("$.paths.*~", DOC)] == ["/a", "/b"]


def test_js_operators_are_rewritten() -> None:
    assert translate("$..[?(@.type === 'object' && @property !== 'x')]") == "$..[?(@.type == 'object' && # != 'x')]"


@pytest.mark.parametrize("given", [
    "$..[?(@parentProperty === 'responses')]",
    "$..[?(@path.length > 3)]",
    "$..[?(typeof @ === 'string')]",
    "$.paths.*~.x",
])
def test_what_cannot_be_rewritten_is_refused_by_name(given: str) -> None:
    with pytest.raises(UnsupportedPath):
        list(query(given, DOC))


def test_descendant_filters_find_every_match_in_maps_and_lists() -> None:
    data = {"a": {"type": "string"}, "b": [{"type": "string", "enum": ["x"]}, {"c": {"type": "string"}}],
            "d": {"type": "integer"}, "e": {"f": {"g": {"type": "string", "format": "date"}}}}
    found = [p for p, _ in query("$..[?(@ && @.type === 'string' && !@.enum)]", data)]
    assert sorted(found, key=str) == sorted([("a",), ("b", 1, "c"), ("e", "f", "g")], key=str)
    either = [p for p, _ in query("$..[?(@.type === 'integer' || @.enum)]", data)]
    assert sorted(either, key=str) == sorted([("d",), ("b", 0)], key=str)


def test_an_object_shared_by_references_is_walked_once() -> None:
    shared = {"inner": {"type": "string"}}  # a $ref target, resolved into both places
    data = {"x": {"p": shared}, "y": {"q": shared}}
    assert [p for p, _ in query("$..[?(@.type === 'string')]", data)] == [("x", "p", "inner")]


def test_a_bare_member_in_a_filter_is_javascript_truthiness_not_existence() -> None:
    data = {"parameters": [{"in": "query", "required": False}, {"in": "query", "required": True}, None,
                           {"in": "query", "required": 0}, {"in": "query"}]}
    assert paths("$..parameters[?(@ && @.in === 'query' && @.required)]", data) == [("parameters", 1)]
    assert paths("$..parameters[?(!@.required)]", data) == [("parameters", i) for i in (0, 2, 3, 4)]
    assert paths("$..parameters[?(@.required && @.in.length == 5)]", data) == [("parameters", 1)]


@pytest.mark.parametrize("path", ["$.info[?(@.x", "$.info[[[", "$.info.x)", "$..[?(@.name == 'open)]"])
def test_a_malformed_path_is_refused_not_read_leniently(path: str) -> None:
    # Read leniently, these selected nothing and their rule passed silently.
    with pytest.raises(UnsupportedPath, match="malformed"):
        list(query(path, {"info": {"x": 1}}))


def test_brackets_in_strings_and_escaped_ones_are_not_counted() -> None:
    doc = {"info": {"title": "a]b"}, "c": {"pattern": "(x"}}
    assert [v for _, v in query("$..[?(@.title == 'a]b')]", doc)] == [{"title": "a]b"}]
    assert [v for _, v in query(r"$..[?(@.pattern && @.pattern.match(/^\(x/))]", doc)] == [{"pattern": "(x"}]
