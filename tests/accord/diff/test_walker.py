"""accord/diff/walker.py: one fixture pair per rule; asserts rule id, level, operation, pointers."""

from __future__ import annotations

import pytest

from accord.diff import diff
from accord.diff.walker import diff_documents, tainted_refs
from tests.conftest import FIXTURES

PETS = "/paths/~1pets"
PET = "/paths/~1pets~1{petId}"
NEWPET = "/components/schemas/NewPet"
SCHEMA_PET = "/components/schemas/Pet"
RESPONSE_OPS = ("GET /pets", "GET /pets/{petId}", "POST /pets")  # every operation returning a Pet


def _each(rule: str, level: str, old: str, new: str, ops: tuple[str, ...] = RESPONSE_OPS) -> list[tuple]:
    return [(rule, level, op, old, new) for op in ops]


# case -> every change expected (rule, level, operation, old pointer, new pointer), nothing else.
EXPECTED: dict[str, list[tuple]] = {
    "path-removed": [("api-path-removed-without-deprecation", "breaking", "GET /pets/{petId}", f"{PET}/get", "/paths")],
    "operation-removed": [("api-removed-without-deprecation", "breaking", "POST /pets", f"{PETS}/post", PETS)],
    "operation-removed-deprecated": [("api-removed-with-deprecation", "warning", "POST /pets", f"{PETS}/post", PETS)],
    "endpoint-added": [("endpoint-added", "info", "DELETE /pets/{petId}", PET, f"{PET}/delete")],
    "parameter-became-required": [
        ("request-parameter-became-required", "breaking", "GET /pets",
         f"{PETS}/get/parameters/0", f"{PETS}/get/parameters/0")],
    "new-required-parameter": [
        ("new-required-request-parameter", "breaking", "GET /pets", f"{PETS}/get", f"{PETS}/get/parameters/2")],
    "new-required-header": [
        ("new-required-request-parameter", "breaking", "GET /pets", f"{PETS}/get", f"{PETS}/get/parameters/2")],
    "new-optional-parameter": [
        ("new-optional-request-parameter", "info", "GET /pets", f"{PETS}/get", f"{PETS}/get/parameters/2")],
    "parameter-removed": [
        ("request-parameter-removed", "warning", "GET /pets", f"{PETS}/get/parameters/1", f"{PETS}/get")],
    "parameter-enum-value-removed": [
        ("request-parameter-enum-value-removed", "breaking", "GET /pets",
         f"{PETS}/get/parameters/1/schema", f"{PETS}/get/parameters/1/schema")],
    "parameter-max-decreased": [
        ("request-parameter-max-decreased", "breaking", "GET /pets",
         f"{PETS}/get/parameters/0/schema", f"{PETS}/get/parameters/0/schema")],
    "parameter-type-changed": [  # a string query parameter became an integer: on the wire, a narrowing
        ("request-parameter-type-specialized", "breaking", "GET /pets",
         f"{PETS}/get/parameters/1/schema", f"{PETS}/get/parameters/1/schema"),
        ("request-parameter-enum-removed", "info", "GET /pets",
         f"{PETS}/get/parameters/1/schema", f"{PETS}/get/parameters/1/schema")],
    "request-property-became-required": [
        ("request-property-became-required", "breaking", "POST /pets",
         f"{NEWPET}/properties/tag", f"{NEWPET}/properties/tag")],
    "new-required-request-property": [
        ("new-required-request-property", "breaking", "POST /pets", NEWPET, f"{NEWPET}/properties/owner")],
    "new-optional-request-property": [
        ("new-optional-request-property", "info", "POST /pets", NEWPET, f"{NEWPET}/properties/owner")],
    "request-property-removed": [
        ("request-property-removed", "warning", "POST /pets", f"{NEWPET}/properties/tag", NEWPET)],
    "request-property-enum-value-removed": [
        ("request-property-enum-value-removed", "breaking", "POST /pets",
         f"{NEWPET}/properties/kind", f"{NEWPET}/properties/kind")],
    "request-property-max-length-decreased": [
        ("request-property-max-length-decreased", "breaking", "POST /pets",
         f"{NEWPET}/properties/name", f"{NEWPET}/properties/name")],
    "request-property-min-increased": [
        ("request-property-min-increased", "breaking", "POST /pets",
         f"{NEWPET}/properties/age", f"{NEWPET}/properties/age")],
    "request-property-pattern-added": [
        ("request-property-pattern-added", "breaking", "POST /pets",
         f"{NEWPET}/properties/name", f"{NEWPET}/properties/name")],
    "request-property-type-changed": [
        ("request-property-type-changed", "breaking", "POST /pets",
         f"{NEWPET}/properties/age", f"{NEWPET}/properties/age")],
    "request-property-type-generalized": [
        ("request-property-type-generalized", "info", "POST /pets",
         f"{NEWPET}/properties/age", f"{NEWPET}/properties/age")],
    "request-body-became-required": [
        ("request-body-became-required", "breaking", "POST /pets",
         f"{PETS}/post/requestBody", f"{PETS}/post/requestBody")],
    "request-body-media-type-removed": [
        ("request-body-media-type-removed", "breaking", "POST /pets",
         f"{PETS}/post/requestBody/content/application~1x-www-form-urlencoded", f"{PETS}/post/requestBody")],
    "response-required-property-removed": _each(
        "response-required-property-removed", "breaking", f"{SCHEMA_PET}/properties/name", SCHEMA_PET),
    "response-optional-property-removed": _each(
        "response-optional-property-removed", "warning", f"{SCHEMA_PET}/properties/tag", SCHEMA_PET),
    "response-property-became-optional": _each(
        "response-property-became-optional", "breaking",
        f"{SCHEMA_PET}/properties/name", f"{SCHEMA_PET}/properties/name"),
    "response-property-enum-value-added": _each(
        "response-property-enum-value-added", "breaking",
        f"{SCHEMA_PET}/properties/kind", f"{SCHEMA_PET}/properties/kind"),
    "response-property-enum-value-removed": _each(
        "response-property-enum-value-removed", "info",
        f"{SCHEMA_PET}/properties/kind", f"{SCHEMA_PET}/properties/kind"),
    "response-property-type-changed": _each(
        "response-property-type-changed", "breaking", f"{SCHEMA_PET}/properties/id", f"{SCHEMA_PET}/properties/id"),
    "response-property-became-nullable": _each(
        "response-property-became-nullable", "breaking",
        f"{SCHEMA_PET}/properties/tag", f"{SCHEMA_PET}/properties/tag"),
    "response-success-status-removed": [
        ("response-success-status-removed", "breaking", "GET /pets/{petId}",
         f"{PET}/get/responses/200", f"{PET}/get/responses")],
    "response-non-success-status-removed": [
        ("response-non-success-status-removed", "info", "GET /pets/{petId}",
         f"{PET}/get/responses/404", f"{PET}/get/responses")],
    "response-status-added": [
        ("response-error-status-added-without-default", "warning", "GET /pets/{petId}",
         f"{PET}/get/responses", f"{PET}/get/responses/500")],
    "response-status-added-covered": [
        ("response-non-success-status-added", "info", "GET /pets/{petId}",
         f"{PET}/get/responses", f"{PET}/get/responses/500")],
    "response-media-type-removed": [
        ("response-media-type-removed", "breaking", "GET /pets/{petId}",
         f"{PET}/get/responses/200/content/application~1xml", f"{PET}/get/responses/200")],
    "response-header-removed": [
        ("required-response-header-removed", "breaking", "GET /pets",
         f"{PETS}/get/responses/200/headers/X-Rate-Limit", f"{PETS}/get/responses/200")],
    "security-added": [("api-security-added", "breaking", "POST /pets", "/security", f"{PETS}/post/security")],
    # Renaming components or a path variable changes nothing a client sees.
    "rename-component": [],
    "path-parameter-renamed": [],
}


def _found(case: str, old: str = "old.yaml", new: str = "new.yaml") -> set[tuple]:
    folder = FIXTURES / f"diff-{case}"
    report = diff(str(folder / old), str(folder / new))
    return {(c.rule, c.level, c.operation, c.old_pointer, c.new_pointer) for c in report.changes}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_fixture_pair_reports_exactly_the_expected_changes(case: str) -> None:
    assert _found(case) == set(EXPECTED[case])


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_a_document_against_itself_has_no_changes(case: str) -> None:
    assert _found(case, "new.yaml", "new.yaml") == set()


def test_all_of_is_flattened_moving_a_property_into_a_base_is_no_change() -> None:
    assert _found("all-of") == {
        ("new-required-request-property", "breaking", "POST /orders",
         "/components/schemas/NewOrder", "/components/schemas/NewOrder/allOf/1/properties/currency"),
        ("response-optional-property-added", "info", "POST /orders",
         "/components/schemas/Order", "/components/schemas/Order/properties/currency"),
    }


def test_one_of_branches_pair_by_structure_not_by_name_or_position() -> None:
    get = "/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema/oneOf"
    put = "/paths/~1pets~1{id}/put/requestBody/content/application~1json/schema/oneOf"
    assert _found("one-of") == {
        ("response-body-one-of-added", "breaking", "GET /pets/{id}", get, f"{get}/2"),
        ("request-body-one-of-removed", "breaking", "PUT /pets/{id}", f"{put}/1", put),
    }


def test_circular_schema_terminates_and_reports_each_change_once_per_operation() -> None:
    colour_old = "/components/schemas/Node/properties/colour"
    colour_new = "/components/schemas/TreeNode/properties/colour"
    assert _found("circular") == {
        ("response-property-enum-value-added", "breaking", "GET /tree", colour_old, colour_new),
        ("request-property-enum-value-added", "info", "PUT /tree", colour_old, colour_new),
    }


def test_openapi_31_type_lists_and_numeric_exclusive_bounds() -> None:
    body = "/paths/~1readings/post/requestBody/content/application~1json/schema/properties"
    response = "/paths/~1readings/post/responses/201/content/application~1json/schema/properties"
    assert _found("openapi-31") == {
        ("request-property-became-not-nullable", "breaking", "POST /readings", f"{body}/note", f"{body}/note"),
        ("request-property-exclusive-max-decreased", "breaking", "POST /readings", f"{body}/value", f"{body}/value"),
        ("response-property-became-nullable", "breaking", "POST /readings", f"{response}/id", f"{response}/id"),
    }


def test_swagger_20_parameters_are_their_own_schema_and_body_parameters_are_bodies() -> None:
    assert _found("swagger-20") == {
        ("request-parameter-enum-value-removed", "breaking", "GET /pets",
         "/paths/~1pets/get/parameters/0", "/paths/~1pets/get/parameters/0"),
        ("request-property-became-required", "breaking", "POST /pets",
         "/definitions/Pet/properties/tag", "/definitions/Pet/properties/tag"),
        ("response-property-became-required", "info", "GET /pets",
         "/definitions/Pet/properties/tag", "/definitions/Pet/properties/tag"),
    }


def test_multi_file_documents_are_compared_after_resolution() -> None:
    folder = FIXTURES / "diff-multifile"
    report = diff(str(folder / "old" / "openapi.yaml"), str(folder / "new" / "openapi.yaml"))
    breaking = [c for c in report.changes if c.level == "breaking"]
    assert [(c.rule, c.operation) for c in breaking] == [("new-required-request-property", "POST /pets")]
    # located in the file where the property is written, not in the root document
    assert breaking[0].new_location is not None
    assert breaking[0].new_location.file_line.endswith("diff-multifile/new/schemas/pet.yaml:6")


def test_self_referencing_schema_without_refs_on_one_side_terminates() -> None:
    old = {"openapi": "3.0.3", "paths": {"/a": {"get": {"responses": {"200": {"description": "", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
        "components": {"schemas": {"A": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}}}}
    new = {"openapi": "3.0.3", "paths": {"/a": {"get": {"responses": {"200": {"description": "", "content": {
        "application/json": {"schema": {"type": "object", "properties": {"a": {"type": "object", "properties": {
            "a": {"type": "string"}}}}}}}}}}}}}
    changes = diff_documents(old, "3.0", new, "3.0")
    assert [(c.rule, c.new_pointer) for c in changes] == [(
        "response-property-type-changed",
        "/paths/~1a/get/responses/200/content/application~1json/schema/properties/a/properties/a",
    )]


def test_tainted_refs_follow_references_transitively() -> None:
    old = {"components": {"schemas": {
        "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "string"},
        "C": {"type": "integer"},
    }}, "x": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/C"}]}
    new = {"components": {"schemas": {**old["components"]["schemas"], "B": {"type": "integer"}}}, "x": old["x"]}
    assert tainted_refs(old, new) == {"#/components/schemas/A", "#/components/schemas/B"}
