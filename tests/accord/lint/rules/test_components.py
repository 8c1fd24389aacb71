"""accord/lint/rules/components.py"""

from __future__ import annotations

from tests.accord.lint.conftest import pointers_of


def test_unused_components_are_reported() -> None:
    # Inner is used only through Used: still used
    assert pointers_of("lint-oas3-unused-component", "oas3-unused-component") == {
        "/components/schemas/Orphan",
        "/components/parameters/Unused",
    }


def test_component_referenced_from_a_media_example_is_used() -> None:
    assert "/components/examples/Fine" not in pointers_of("lint-oas3-examples-value-or-externalValue", "oas3-unused-component")


def test_multifile_component_used_through_its_file_is_used() -> None:
    """`Pet: {$ref: schemas/pet.yaml}` names a file the paths use directly: Pet is used, Orphan is not."""
    assert pointers_of("lint-multifile", "oas3-unused-component") == {"/components/schemas/Orphan"}
