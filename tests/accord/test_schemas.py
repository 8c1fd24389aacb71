from __future__ import annotations

import pytest

from accord.schemas import PatternNote, SchemaCompileError, SchemaCompiler

DOC = {
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["id", "name", "secret"],
                "properties": {
                    "id": {"type": "integer", "readOnly": True},
                    "name": {"type": "string", "nullable": True, "enum": ["a", "b"]},
                    "secret": {"type": "string", "writeOnly": True},
                },
            },
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}},
            "Maybe": {"allOf": [{"$ref": "#/components/schemas/Node"}], "nullable": True},
        }
    }
}
PET = {"$ref": "#/components/schemas/Pet"}


def test_read_only_is_not_required_in_requests() -> None:
    compiler = SchemaCompiler(DOC, "3.0")
    assert compiler.is_valid(PET, {"name": "a", "secret": "s"}, "request")
    assert not compiler.is_valid(PET, {"name": "a", "secret": "s"}, "response")


def test_write_only_is_not_required_in_responses() -> None:
    compiler = SchemaCompiler(DOC, "3.0")
    assert compiler.is_valid(PET, {"id": 1, "name": "b"}, "response")
    assert not compiler.is_valid(PET, {"id": 1, "name": "b"}, "request")


def test_nullable_enum_needs_null_listed_and_combinators_accept_null() -> None:
    compiler = SchemaCompiler(DOC, "3.0")
    # OpenAPI 3.0.3: a nullable enum allows null only when the enum lists it.
    assert not compiler.is_valid(PET, {"id": 1, "name": None}, "response")
    assert compiler.is_valid({"type": "string", "nullable": True, "enum": ["a", None]}, None)
    assert compiler.is_valid({"type": "string", "nullable": True}, None)
    assert not compiler.is_valid(PET, {"id": 1, "name": "c"}, "response")
    maybe = {"$ref": "#/components/schemas/Maybe"}
    assert compiler.is_valid(maybe, None)
    assert compiler.is_valid(maybe, {"next": {}})


def test_recursive_schema_and_violation_pointers() -> None:
    compiler = SchemaCompiler(DOC, "3.0")
    node = {"$ref": "#/components/schemas/Node"}
    violations = list(compiler.iter_violations(node, {"next": {"next": {"next": 5}}}))
    assert [(v.pointer, v.keyword) for v in violations] == [("/next/next/next", "type")]


def test_boolean_exclusive_minimum_is_draft4() -> None:
    compiler = SchemaCompiler({}, "3.0")
    schema = {"type": "number", "minimum": 0, "exclusiveMinimum": True}
    assert not compiler.is_valid(schema, 0)
    assert compiler.is_valid(schema, 0.1)


def test_openapi_31_uses_2020_12() -> None:
    compiler = SchemaCompiler({}, "3.1")
    schema = {"type": ["integer", "null"], "exclusiveMinimum": 0, "const": 3}
    assert compiler.is_valid(schema, 3)
    assert not compiler.is_valid(schema, 4)


def test_integer_formats_bound_the_value() -> None:
    compiler = SchemaCompiler({}, "3.0")
    assert compiler.is_valid({"type": "integer", "format": "int32"}, 2**31 - 1)
    assert not compiler.is_valid({"type": "integer", "format": "int32"}, 2**31)
    assert not compiler.is_valid({"type": "integer", "format": "int64", "minimum": -5}, 2**63)
    assert compiler.is_valid({"type": "integer", "format": "int32", "minimum": 3}, 3)


def test_formats_are_checked() -> None:
    compiler = SchemaCompiler({}, "3.0")
    assert not compiler.is_valid({"type": "string", "format": "date-time"}, "yesterday")
    assert compiler.is_valid({"type": "string", "format": "date-time"}, "2024-01-01T00:00:00Z")


def test_invalid_schema_is_a_compile_error() -> None:
    compiler = SchemaCompiler({}, "3.0")
    with pytest.raises(SchemaCompileError):
        compiler.validator({"type": 5})


def test_invalid_pattern_is_left_out_and_noted() -> None:
    """A pattern no regex engine reads costs its own check only (tests/accord/test_patterns.py)."""
    notes: list[PatternNote] = []
    compiler = SchemaCompiler({}, "3.0", on_pattern=notes.append)
    validator = compiler.validator({"type": "string", "pattern": "(unclosed"}, where="/components/schemas/S")
    assert validator.is_valid("anything") and not validator.is_valid(3)
    assert [(n.pointer, n.pattern) for n in notes] == [("/components/schemas/S/pattern", "(unclosed")]


def test_validators_are_cached_per_schema_and_direction() -> None:
    compiler = SchemaCompiler(DOC, "3.0")
    assert compiler.validator(PET, "request") is compiler.validator(PET, "request")
    assert compiler.validator(PET, "request") is not compiler.validator(PET, "response")


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_a_masked_validator_reports_the_same_errors_without_writing_the_instance_out(version: str) -> None:
    compiler = SchemaCompiler(DOC, version)
    masked = compiler.masked_validator(PET, "request")
    assert masked is compiler.masked_validator(PET, "request")
    assert masked is not compiler.validator(PET, "request")
    for body in ({"secret": 7, "unlisted": {"secret-token": "s3cr3t"}}, {"name": "c", "secret-token": "s3cr3t"}, []):
        plain = list(compiler.validator(PET, "request").iter_errors(body))
        found = list(masked.iter_errors(body))
        assert [(e.kind.name, e.instance_path, e.schema_path) for e in found] == [
            (e.kind.name, e.instance_path, e.schema_path) for e in plain]
        assert found and not any("s3cr3t" in e.message or "s3cr3t" in e.verbose_message for e in found)
        assert not body or any("s3cr3t" in e.verbose_message for e in plain)  # which the plain one writes out


def test_a_dash_beside_a_class_escape_is_the_character_as_in_ecma():
    """`[\\s-_]` (AWS Audit Manager's CreatedBy): ECMA 262 Annex B reads the `-` as itself; compiled
    as written, jsonschema-rs refuses the whole schema ("is not a regex")."""
    schema = {"type": "string", "pattern": r"^[a-zA-Z0-9\s-_()\[\]]+$"}
    compiler = SchemaCompiler({}, "3.0")
    assert compiler.is_valid(schema, "Jane Doe-_(x)", "response")
    assert not compiler.is_valid(schema, "Jane*", "response")


def test_the_same_schema_written_twice_is_compiled_once() -> None:
    # Two operations each write `$ref: Node`: two dicts, one compiled validator per direction
    # (request validators are inlined, and readOnly/writeOnly relax `required` by direction).
    compiler = SchemaCompiler(DOC, "3.0")
    first, second = {"$ref": "#/components/schemas/Node"}, {"$ref": "#/components/schemas/Node"}
    validator = compiler.validator(first, "response")
    assert compiler.validator(second, "response") is validator
    assert len(compiler.shared) == 1
    assert compiler.validator(second, "request") is compiler.validator(first, "request") is not validator
    assert len(compiler.shared) == 2
    assert compiler.validator({"$ref": "#/components/schemas/Maybe"}, "response") is not validator
    assert len(compiler.shared) == 3


def test_sibling_compilers_share_validators_unless_format_byte_tells_them_apart() -> None:
    mock = SchemaCompiler(DOC, "3.0", openapi_formats=True)
    generator = mock.sibling(openapi_formats=False)
    assert generator.validator({"$ref": "#/components/schemas/Node"}) is mock.validator(
        {"$ref": "#/components/schemas/Node"})
    byte = {"type": "string", "format": "byte"}
    assert not mock.is_valid(byte, "not base64!")
    assert generator.is_valid({"type": "string", "format": "byte"}, "not base64!")


@pytest.mark.parametrize("direction", ["request", "response", "any"])
def test_format_byte_is_checked_where_a_reference_reaches_it(direction: str) -> None:
    # The mock's validators check OpenAPI's `format: byte` (those that reach it only: a format
    # checker of Python's costs something on every error), here only through a component.
    blob = {"$ref": "#/components/schemas/Blob"}
    doc = {"components": {"schemas": {"Blob": {"type": "string", "format": "byte"},
                                      "Upload": {"type": "object", "properties": {"data": blob}}}}}
    mock = SchemaCompiler(doc, "3.0", openapi_formats=True)
    upload = {"$ref": "#/components/schemas/Upload"}
    assert not mock.is_valid(upload, {"data": "not base64!"}, direction)  # type: ignore[arg-type]
    assert mock.is_valid(upload, {"data": "aGk="}, direction)  # type: ignore[arg-type]
    masked = mock.masked_validator(upload, direction)  # type: ignore[arg-type]
    assert "format" in [error.kind.name for error in masked.iter_errors({"data": "not base64!"})]
    assert mock.is_valid({"type": "object"}, {"data": "not base64!"}, direction)  # type: ignore[arg-type]


# Stripe's shape: an expandable field is an id or the object, and objects link back.
LINKED = {
    "components": {
        "schemas": {
            "Customer": {"type": "object", "properties": {
                "charges": {"type": "array", "items": {"$ref": "#/components/schemas/Charge"}}}},
            "Charge": {"type": "object", "required": ["customer"], "properties": {
                "customer": {"$ref": "#/components/schemas/Expandable"}}},
            "Expandable": {"anyOf": [{"type": "string", "maxLength": 5}, {"$ref": "#/components/schemas/Customer"}],
                           "nullable": True},
        }
    }
}


def test_a_scalar_validator_leaves_out_what_only_objects_and_arrays_meet() -> None:
    compiler = SchemaCompiler(LINKED, "3.0")
    expandable = {"$ref": "#/components/schemas/Expandable"}
    assert set(compiler.convert(expandable)["components"]["schemas"]) == {"Expandable", "Customer", "Charge"}
    scalar = compiler.convert(expandable, scalar=True)
    assert set(scalar["components"]["schemas"]) == {"Expandable", "Customer"}
    assert scalar["components"]["schemas"]["Customer"] == {"type": "object"}
    for value in (None, "abc", "abcdef", 3, 2.5, True):
        assert compiler.accepts(expandable, value) == compiler.is_valid(expandable, value), value
    assert compiler.accepts(expandable, {"charges": [{"customer": None}]})
    assert not compiler.accepts(expandable, {"charges": [{"customer": 3}]})


def test_a_compiler_that_finds_a_shared_validator_is_told_its_unreadable_patterns() -> None:
    document = {"components": {"schemas": {"Id": {"type": "string", "pattern": r"[^\p\{C\}]*\+"}}}}
    told: list = []
    mock = SchemaCompiler(document, "3.0", openapi_formats=True, on_pattern=told.append)
    generator = mock.sibling(openapi_formats=False)
    compiled = generator.validator({"$ref": "#/components/schemas/Id"}, "response")  # first, and says nothing
    assert told == []
    assert mock.validator({"$ref": "#/components/schemas/Id"}, "response") is compiled
    assert [note.pointer for note in told] == ["/components/schemas/Id/pattern"]
    mock.validator({"$ref": "#/components/schemas/Id"}, "request")
    assert len(told) == 1  # once per place


def test_a_property_named_like_a_keyword_is_a_property() -> None:
    schema = {"type": "object", "required": ["example"], "example": {"example": 1},
              "properties": {"example": {"type": "string"}, "nullable": {"type": "boolean"},
                             "discriminator": {"type": "integer", "nullable": True}},
              "additionalProperties": {"enum": [{"example": 1, "nullable": True}]}}
    compiler = SchemaCompiler({}, "3.0")
    assert compiler.convert(schema)["properties"] == {
        "example": {"type": "string"}, "nullable": {"type": "boolean"},
        "discriminator": {"type": ["integer", "null"]}}
    assert compiler.is_valid(schema, {"example": "a", "nullable": True, "discriminator": None,
                                      "more": {"example": 1, "nullable": True}})
    errors = {v.pointer for v in compiler.iter_violations(schema, {"example": 1, "nullable": 0, "discriminator": "x",
                                                                   "more": {"example": 1}})}
    assert errors == {"/example", "/nullable", "/discriminator", "/more"}


def test_a_schema_object_that_contains_itself_is_converted_once() -> None:
    """A recursive schema whose references were replaced by their targets: a graph that contains
    itself (Connexion's response schemas), directly or through a copy of its keys."""
    tree: dict[str, object] = {"type": "object", "required": ["name"]}
    properties: dict[str, object] = {"name": {"type": "string"}}
    tree["properties"] = properties
    properties["children"] = {"type": "array", "items": tree}
    copied = dict(tree)
    properties["sibling"] = copied
    compiler = SchemaCompiler({}, "3.0")
    for schema in (tree, copied):
        for direction in ("request", "response"):
            valid = {"name": "a", "children": [{"name": "b", "sibling": {"name": "c", "children": []}}]}
            assert compiler.is_valid(schema, valid, direction)
            invalid = {"name": "a", "children": [{"name": "b", "sibling": {"children": [{"name": 1}]}}]}
            assert {v.pointer for v in compiler.iter_violations(schema, invalid, direction)} == {
                "/children/0/sibling", "/children/0/sibling/children/0/name"}


PARTS_DOC = {
    "components": {
        "schemas": {
            "Page": {"type": "object", "required": ["items", "next"],
                     "properties": {"items": {"type": "array"}, "next": {"type": "string"}}},
            "Both": {"allOf": [{"type": "object", "properties": {"x": {"type": "integer"}}}, {"required": ["x"]}]},
        }
    }
}


@pytest.mark.parametrize("order", ["part first", "whole first"])
def test_a_reference_into_part_of_a_component_leaves_the_component_whole(order: str) -> None:
    # `…/Page/properties/next` met before (or after) `…/Page`, `…/Both/allOf/0` beside `…/Both`:
    # each reference resolves, and the component keeps every keyword.
    parts = {"part": {"$ref": "#/components/schemas/Page/properties/next"},
             "piece": {"$ref": "#/components/schemas/Both/allOf/0"}}
    wholes = {"page": {"$ref": "#/components/schemas/Page"}, "both": {"$ref": "#/components/schemas/Both"}}
    properties = {**parts, **wholes} if order == "part first" else {**wholes, **parts}
    schema = {"type": "object", "properties": properties}
    compiler = SchemaCompiler(PARTS_DOC, "3.0")
    valid = {"part": "a", "piece": {"x": 1}, "page": {"items": [], "next": "b"}, "both": {"x": 2}}
    assert compiler.is_valid(schema, valid)
    assert not compiler.is_valid(schema, {"page": {"next": "b"}})  # Page's `required`
    assert not compiler.is_valid(schema, {"both": {}})  # Both's second part
    assert not compiler.is_valid(schema, {"piece": {"x": "one"}})


def test_a_reference_with_percent_encoded_characters_resolves() -> None:
    # `#/paths/~1items~1%7Bid%7D/…`: a schema written under a path item, its braces encoded.
    doc = {"paths": {"/items/{id}": {"get": {"responses": {"200": {"content": {"application/json": {
        "schema": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}}}}}}}}}
    ref = {"$ref": "#/paths/~1items~1%7Bid%7D/get/responses/200/content/application~1json/schema"}
    compiler = SchemaCompiler(doc, "3.0")
    assert compiler.is_valid({"type": "array", "items": ref}, [{"id": 1}])
    assert not compiler.is_valid({"type": "array", "items": ref}, [{"id": "one"}])


def test_references_into_the_parts_of_a_component_only_resolve() -> None:
    # `Ledger` itself is never referenced: only a property of its first `allOf` part, and one of
    # its `definitions`, which the property's schema refers to.
    entry = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "number"}}}
    doc = {"components": {"schemas": {"Ledger": {
        "allOf": [{"type": "object",
                   "properties": {"entry": {"$ref": "#/components/schemas/Ledger/definitions/entry"}}}],
        "definitions": {"entry": entry},
    }}}}
    schema = {"type": "array", "items": {"$ref": "#/components/schemas/Ledger/allOf/0/properties/entry"}}
    for compiler in (SchemaCompiler(doc, "3.0"), SchemaCompiler(doc, "3.1")):
        assert compiler.is_valid(schema, [{"amount": 1.5}])
        assert not compiler.is_valid(schema, [{}])


def test_draft_4_dependencies_schemas_are_converted_and_their_references_followed() -> None:
    doc = {"components": {"schemas": {"Card": {"type": "object", "required": ["billing"],
                                               "properties": {"billing": {"type": "string", "nullable": True}}}}}}
    schema = {"type": "object", "dependencies": {"card": {"$ref": "#/components/schemas/Card"}, "a": ["b"]}}
    compiler = SchemaCompiler(doc, "3.0")
    assert compiler.is_valid(schema, {"card": 1, "billing": None})  # `nullable` converted inside the schema
    assert not compiler.is_valid(schema, {"card": 1})
    assert not compiler.is_valid(schema, {"a": 1})
    assert compiler.is_valid(schema, {"a": 1, "b": 2})


def test_a_malformed_sibling_of_a_3_0_reference_is_ignored_as_the_reference_ignores_it() -> None:
    # `allOf` written as an object beside a `$ref` (a converter's leftover), and a reference
    # into that leftover from a component: 3.0 ignores a reference's siblings, so does the validator.
    answer = {"$ref": "#/components/schemas/Item", "nullable": True, "allOf": {"1": {"properties": {"note": {}}}}}
    doc = {"paths": {"/items": {"get": {"responses": {"200": {"content": {"application/json": {"schema": answer}}}}}}},
           "components": {"schemas": {"Item": {"type": "object", "required": ["count"], "properties": {
               "count": {"type": "integer"},
               "note": {"$ref": "#/paths/~1items/get/responses/200/content/application~1json/schema/allOf/1"
                                "/properties/note"}}}}}}
    compiler = SchemaCompiler(doc, "3.0")
    assert compiler.is_valid(answer, {"count": 3, "note": "anything"})
    assert compiler.is_valid(answer, None)
    assert not compiler.is_valid(answer, {"count": "three"})
