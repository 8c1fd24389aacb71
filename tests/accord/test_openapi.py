"""accord/openapi.py: methods, path items and operations, and the one `$ref` follower."""

from __future__ import annotations

from typing import Any

import pytest

from accord import openapi

DOC: dict[str, Any] = {
    "paths": {
        "/pets": {
            "parameters": [{"$ref": "#/components/parameters/Limit"}],
            "post": {"operationId": "addPet"},
            "get": {"operationId": "listPets"},
            "summary": "not an operation",
            "x-get": {"operationId": "extension"},
        },
        "/a~b/c": {"get": {}},
        "/shared": {"$ref": "#/components/pathItems/Shared"},
        "/dangling": {"$ref": "#/components/pathItems/Missing"},
        "/broken": "not a path item",
    },
    "components": {
        "parameters": {"Limit": {"name": "limit", "in": "query"}, "Alias": {"$ref": "#/components/parameters/Limit"}},
        "pathItems": {"Shared": {"delete": {"operationId": "drop"}}},
        "schemas": {
            "a/b": {"type": "string"},
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
            "Null": None,
            "Far": {"$ref": "other.yaml#/Pet"},
        },
    },
}


def test_methods_are_the_eight_of_a_path_item_in_spec_order() -> None:
    assert openapi.METHODS == ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def test_operations_in_document_order_with_definition_pointers() -> None:
    found = [(op.label, op.pointer, op.path_item_pointer) for op in openapi.operations(DOC)]
    assert found == [
        ("GET /pets", "/paths/~1pets/get", "/paths/~1pets"),
        ("POST /pets", "/paths/~1pets/post", "/paths/~1pets"),
        ("GET /a~b/c", "/paths/~1a~0b~1c/get", "/paths/~1a~0b~1c"),
        # a `$ref`'d path item is followed; pointers name where the operation is written
        ("DELETE /shared", "/components/pathItems/Shared/delete", "/components/pathItems/Shared"),
    ]


def test_path_items_report_unusable_entries_as_none() -> None:
    items = {entry.path: (entry.pointer, entry.item) for entry in openapi.path_items(DOC)}
    assert items["/dangling"] == ("/paths/~1dangling", None)
    assert items["/broken"] == ("/paths/~1broken", None)
    assert items["/shared"][0] == "/components/pathItems/Shared"


@pytest.mark.parametrize("document", [{}, {"paths": None}, {"paths": []}, []])
def test_no_paths_no_operations(document: Any) -> None:
    assert list(openapi.operations(document)) == []


def test_deref_follows_a_chain() -> None:
    alias = {"$ref": "#/components/parameters/Alias"}
    assert openapi.deref(DOC, alias) == {"name": "limit", "in": "query"}
    assert openapi.follow(DOC, alias, "/here") == ({"name": "limit", "in": "query"}, "/components/parameters/Limit")


def test_a_node_without_ref_is_its_own_answer() -> None:
    node = {"type": "string"}
    assert openapi.deref(DOC, node) is node
    assert openapi.follow(DOC, node, "/at") == (node, "/at")
    assert openapi.deref(DOC, None) is None


def test_escaped_and_percent_encoded_tokens_resolve() -> None:
    assert openapi.deref(DOC, {"$ref": "#/components/schemas/a~1b"}) == {"type": "string"}
    assert openapi.deref(DOC, {"$ref": "#/components/schemas/a%7E1b"}) == {"type": "string"}
    assert openapi.follow(DOC, {"$ref": "#/components/schemas/a~1b"})[1] == "/components/schemas/a~1b"


@pytest.mark.parametrize(
    "ref",
    [
        "#/components/schemas/Missing",  # dangling
        "#/components/schemas/A",  # a cycle: A -> B -> A ...
        "#/components/schemas/Far",  # leads to another file
        "other.yaml#/Pet",  # not local
        "#anchor",  # not a JSON pointer
        "#/paths/~1pets/parameters/7",  # past the end of a list
    ],
)
def test_a_reference_that_leads_nowhere_is_none(ref: str) -> None:
    assert openapi.deref(DOC, {"$ref": ref}) is None


def test_dangling_reports_the_pointer_of_the_last_ref_reached() -> None:
    doc = {"a": {"$ref": "#/b"}, "b": {"$ref": "#/nowhere"}}
    assert openapi.follow(doc, {"$ref": "#/a"}, "/start") == (None, "/b")


def test_chains_up_to_the_hop_limit_are_followed_and_longer_ones_are_not() -> None:
    def ladder(hops: int) -> dict[str, Any]:
        doc: dict[str, Any] = {f"n{i}": {"$ref": f"#/n{i + 1}"} for i in range(hops)}
        doc[f"n{hops}"] = {"type": "integer"}
        return doc

    limit = openapi.MAX_REF_HOPS
    assert openapi.deref(ladder(limit), {"$ref": "#/n1"}) == {"type": "integer"}  # limit hops in all
    assert openapi.deref(ladder(limit + 1), {"$ref": "#/n1"}) is None


def test_chain_yields_every_node_passed_and_stops_on_a_cycle() -> None:
    start = {"$ref": "#/components/schemas/A", "readOnly": True}
    passed = list(openapi.chain(DOC, start))
    assert passed[:3] == [start, {"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/A"}]
    assert len(passed) == openapi.MAX_REF_HOPS + 1
    assert list(openapi.chain(DOC, {"$ref": "#/nowhere"})) == [{"$ref": "#/nowhere"}]


def test_target_is_one_hop() -> None:
    assert openapi.target(DOC, "#/components/parameters/Alias") == {"$ref": "#/components/parameters/Limit"}
    assert openapi.target(DOC, "#/components/schemas/Null") is None
    assert openapi.target(DOC, "#/components/nothing") is None


def test_response_header_names_follow_refs_each_name_once_as_first_spelt() -> None:
    document = {
        "paths": {
            "/a": {"get": {"responses": {"200": {"headers": {"Location": {}, "X-Request-ID": {}}},
                                         "429": {"$ref": "#/components/responses/Limited"}}}},
            "/b": {"post": {"responses": {"202": {"headers": {"location": {}, "Retry-After": {}}}}}},
            "/c": {"get": {"responses": "not a mapping"}},
        },
        "components": {"responses": {"Limited": {"headers": {"Retry-After": {}, "X-Rate-Limit": {}}}}},
    }
    assert openapi.response_header_names(document) == ("Location", "X-Request-ID", "Retry-After", "X-Rate-Limit")
    assert openapi.response_header_names({}) == ()


@pytest.mark.parametrize(("servers", "expected"), [
    ([{"url": "https://api.example.test/services/confirmation/{version}/",
       "variables": {"version": {"default": "v0"}}}], "/services/confirmation/v0"),
    ([{"url": "/api/v3"}, {"url": "/other"}], "/api/v3"),
    ([{"url": "https://{region}.example.test", "variables": {"region": {"default": "eu"}}}], ""),
    ([], ""),
])
def test_the_base_path_is_the_first_servers_with_its_variables_at_their_defaults(servers: Any, expected: str) -> None:
    assert openapi.base_path({"openapi": "3.0.3", "servers": servers}) == expected
