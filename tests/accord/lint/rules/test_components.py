"""accord/lint/rules/components.py"""

from __future__ import annotations

from accord.lint import lint_document
from tests.accord.lint.conftest import ALL_RULES, pointers_of


def test_unused_components_are_reported() -> None:
    # Inner is used only through Used: still used
    assert pointers_of("lint-oas3-unused-component", "oas3-unused-component") == {
        "/components/schemas/Orphan",
        "/components/parameters/Unused",
    }


def test_component_referenced_from_a_media_example_is_used() -> None:
    found = pointers_of("lint-oas3-examples-value-or-externalValue", "oas3-unused-component")
    assert "/components/examples/Fine" not in found


def test_multifile_component_used_through_its_file_is_used() -> None:
    """`Pet: {$ref: schemas/pet.yaml}` names a file the paths use directly: Pet is used, Orphan is not."""
    assert pointers_of("lint-multifile", "oas3-unused-component") == {"/components/schemas/Orphan"}


def test_an_alias_of_a_local_component_is_unused_when_nothing_refers_to_it() -> None:
    document = {
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Item"}}}}}}}},
        "components": {"schemas": {"Item": {"type": "string"}, "ItemBase": {"$ref": "#/components/schemas/Item"}}},
    }
    found = {f.pointer for f in lint_document(document, "3.0", ALL_RULES) if f.rule == "oas3-unused-component"}
    assert found == {"/components/schemas/ItemBase"}
