"""accord/inlining.py: references replaced by their targets only where a validator reports the same."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest

from accord.inlining import inlined

COMPONENTS = {
    "schemas": {
        "Pet": {"type": "object", "additionalProperties": False, "required": ["name", "age"],
                "properties": {"name": {"type": "string", "minLength": 1}, "age": {"$ref": "#/components/schemas/Age"},
                               "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}}},
        "Age": {"type": "integer", "minimum": 0, "maximum": 40},
        "Tag": {"type": "string", "pattern": "^[a-z]+$"},
        "Node": {"type": "object", "required": ["id"],
                 "properties": {"id": {"type": "integer"},
                                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}},
        "Never": False,
        "Scoped": {"$id": "https://example.com/scoped", "type": "string"},
        "Named": {"id": "https://example.com/named", "type": "string"},
        "a/b": {"type": "boolean"},
    }
}
PET_INSTANCES: list[Any] = [
    {"name": "Rex", "age": 3, "tags": ["good"]},
    {"name": "", "age": "3", "tags": ["Good", 1], "extra": True},
    {"age": 99},
    {"name": 5, "age": -1, "tags": "x"},
    [],
    None,
]
NODE_INSTANCES: list[Any] = [
    {"id": 1, "children": [{"id": 2, "children": [{"id": "3"}, {}]}]},
    {"children": [{"children": [{"id": None}]}]},
]


def _errors(draft: str, schema: dict[str, Any], instance: Any) -> list[tuple[str, list[Any], Any]]:
    validator = getattr(jsonschema_rs, draft + "Validator")(schema, validate_formats=True)
    return [(e.kind.name, list(e.instance_path), e.schema_path[-1] if e.schema_path else None)
            for e in validator.iter_errors(instance)]


def _root(draft: str, **schema: Any) -> dict[str, Any]:
    root = {**schema, "components": COMPONENTS}
    if draft == "Draft202012":
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return root


KEPT = frozenset({"components"})

#: (draft, schema, instances): every case validates the same inlined and not.
CASES = [
    ("Draft4", _root("Draft4", **{"$ref": "#/components/schemas/Pet"}), PET_INSTANCES),
    ("Draft4", _root("Draft4", type="object", properties={"pet": {"$ref": "#/components/schemas/Pet",
                                                                  "type": "string"}}),
     [{"pet": p} for p in PET_INSTANCES]),
    ("Draft4", _root("Draft4", **{"$ref": "#/components/schemas/Node"}), NODE_INSTANCES),
    ("Draft4", _root("Draft4", anyOf=[{"$ref": "#/components/schemas/Age"}, {"type": "null"}]), [None, 3, 50, "x"]),
    ("Draft4", _root("Draft4", properties={"x": {"$ref": "#/components/schemas/a~1b"}}), [{"x": 1}, {"x": True}]),
    ("Draft202012", _root("Draft202012", **{"$ref": "#/components/schemas/Pet"}), PET_INSTANCES),
    ("Draft202012", _root("Draft202012", properties={"pet": {"$ref": "#/components/schemas/Pet", "minProperties": 3,
                                                             "unevaluatedProperties": False}}),
     [{"pet": p} for p in PET_INSTANCES]),
    ("Draft202012", _root("Draft202012", **{"$ref": "#/components/schemas/Node"}), NODE_INSTANCES),
    ("Draft202012", _root("Draft202012", properties={"no": {"$ref": "#/components/schemas/Never"}}),
     [{"no": 1}, {}]),
    ("Draft202012", _root("Draft202012", unevaluatedProperties=False,
                          allOf=[{"$ref": "#/components/schemas/Pet"}]), PET_INSTANCES),
]


@pytest.mark.parametrize(("draft", "schema", "instances"), CASES)
def test_the_inlined_schema_reports_the_same_errors(draft: str, schema: dict[str, Any], instances: list[Any]) -> None:
    inline = inlined(schema, KEPT, draft4=draft == "Draft4")
    assert inline is not schema
    for instance in instances:
        assert _errors(draft, inline, instance) == _errors(draft, schema, instance), instance


def test_acyclic_references_are_gone_and_a_recursive_one_stays() -> None:
    pet = inlined(_root("Draft4", **{"$ref": "#/components/schemas/Pet"}), KEPT, draft4=True)
    assert pet["properties"]["age"] == COMPONENTS["schemas"]["Age"]
    assert pet["components"] is COMPONENTS  # what a reference left still resolves in
    node = inlined(_root("Draft4", **{"$ref": "#/components/schemas/Node"}), KEPT, draft4=True)
    assert node["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}


def test_draft4_drops_a_references_siblings_and_2020_12_keeps_a_reference_that_has_some() -> None:
    sibling = {"$ref": "#/components/schemas/Age", "type": "string"}
    draft4 = inlined(_root("Draft4", properties={"a": sibling}), KEPT, draft4=True)
    assert draft4["properties"]["a"] == COMPONENTS["schemas"]["Age"]
    later = inlined(_root("Draft202012", properties={"a": sibling}), KEPT, draft4=False)
    assert later["properties"]["a"] == sibling


@pytest.mark.parametrize("target", ["Scoped", "Named"])
def test_a_schema_that_sets_a_base_uri_is_left_as_it_is(target: str) -> None:
    schema = _root("Draft4", properties={"a": {"$ref": f"#/components/schemas/{target}"}})
    assert inlined(schema, KEPT, draft4=True) is schema


def test_a_boolean_or_missing_target_stays_a_reference() -> None:
    schema = _root("Draft202012", properties={"no": {"$ref": "#/components/schemas/Never"},
                                               "gone": {"$ref": "#/components/schemas/Missing"}})
    out = inlined(schema, KEPT, draft4=False)
    assert out["properties"] == schema["properties"]


def test_an_expansion_past_the_budget_is_not_made() -> None:
    # Each level references the next twice: 2**12 copies of the last one once expanded.
    levels = {f"L{i}": {"type": "object", "properties": {"a": {"$ref": f"#/components/schemas/L{i + 1}"},
                                                          "b": {"$ref": f"#/components/schemas/L{i + 1}"}}}
              for i in range(12)}
    levels["L12"] = {"type": "string"}
    schema = {"$ref": "#/components/schemas/L0", "components": {"schemas": levels}}
    assert inlined(schema, KEPT, draft4=True) is schema
    small = inlined(schema, KEPT, draft4=True, max_nodes=20_000)
    assert small is not schema and '"$ref"' not in json.dumps({k: v for k, v in small.items() if k != "components"})


def test_a_root_reference_beside_members_other_than_the_definitions_is_left_as_it_is() -> None:
    schema = {"$ref": "#/components/schemas/Age", "type": "string", "components": COMPONENTS}
    assert inlined(schema, KEPT, draft4=True) is schema
