from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord import pointers
from accord.errors import DocumentError, RefError, UsageError
from accord.loading import json_refs, load_spec


def test_multifile_document_is_bundled_with_file_local_refs_resolved(fixtures: Path) -> None:
    spec = load_spec(fixtures / "valid-multifile" / "openapi.yaml")
    assert spec.version == "3.0"
    schema = pointers.resolve(spec.document, "/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema")
    assert schema == {"$ref": "#/components/schemas/Pet"}
    schemas = spec.document["components"]["schemas"]
    # '#/Kind' inside pets.yaml means pets.yaml's Kind, not the root document's.
    assert schemas["Pet"]["properties"]["kind"] == {"$ref": "#/components/schemas/Kind"}
    assert schemas["Kind"] == {"type": "string", "enum": ["dog", "cat"]}
    assert schemas["Local"] == {"type": "string"}  # the root's own components stay
    assert "yaml" not in str(spec.document)
    assert len(spec.files) == 2


def test_locate_maps_bundled_pointer_to_source_file(fixtures: Path) -> None:
    spec = load_spec(fixtures / "valid-multifile" / "openapi.yaml")
    file, inner = spec.locate("/components/schemas/Pet/properties/name")
    assert file.endswith("schemas/pets.yaml")
    assert inner == "/Pet/properties/name"
    file, inner = spec.locate("/paths/~1pets/get/operationId")
    assert file.endswith("valid-multifile/openapi.yaml")
    assert inner == "/paths/~1pets/get/operationId"


def test_circular_reference_across_files_is_hoisted(fixtures: Path) -> None:
    spec = load_spec(fixtures / "circular-multifile" / "openapi.yaml")
    node = spec.document["components"]["schemas"]["Node"]
    assert node["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}


def test_dangling_refs_are_all_reported_with_locations(fixtures: Path) -> None:
    with pytest.raises(RefError) as info:
        load_spec(fixtures / "dangling-ref" / "openapi.yaml")
    found = {(f.rule, f.pointer, f.line) for f in info.value.findings}
    assert found == {
        ("ref-unresolved", "/paths/~1a/get/responses/200/content/application~1json/schema/$ref", 11),
        ("ref-unresolved", "/paths/~1b/get/responses/200/content/application~1json/schema/$ref", 19),
    }


def test_remote_ref_is_refused_without_a_request(fixtures: Path) -> None:
    with pytest.raises(RefError) as info:
        load_spec(fixtures / "remote-ref" / "openapi.yaml")
    assert [f.rule for f in info.value.findings] == ["ref-remote"]


def test_outside_ref_is_refused_unless_allowed(fixtures: Path) -> None:
    path = fixtures / "outside-ref" / "inner" / "openapi.yaml"
    with pytest.raises(RefError) as info:
        load_spec(path)
    assert [f.rule for f in info.value.findings] == ["ref-outside"]
    spec = load_spec(path, allow_outside=True)
    schema = pointers.resolve(spec.document, "/paths/~1a/get/responses/200/content/application~1json/schema")
    assert schema == {"$ref": "#/components/schemas/A"}
    assert spec.document["components"]["schemas"]["A"] == {"type": "string"}


def test_not_an_openapi_document(fixtures: Path) -> None:
    with pytest.raises(DocumentError, match="not an OpenAPI document"):
        load_spec(fixtures / "not-openapi" / "openapi.yaml")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        load_spec(tmp_path / "missing.yaml")


def test_versions_detected(fixtures: Path) -> None:
    assert load_spec(fixtures / "openapi-31" / "openapi.yaml").version == "3.1"
    assert load_spec(fixtures / "swagger-20" / "swagger.json").version == "2.0"


def test_shared_contract_loads(spec_path: Path) -> None:
    spec = load_spec(spec_path)
    assert spec.version == "3.0"
    assert spec.document["openapi"].startswith("3.0")
    assert len(spec.files) > 5


# -- json_refs: the `$ref`s of a JSON document read from its text (the start-up fast path) --------

def _walked_refs(document: object) -> set[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                found.add(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": {"$ref": "#/b"}, "b": {"c": [ {"$ref" :\n"#/a"} ]}}',
        b'{"a": {"$ref": "#/b~1c%20d"}, "b~1c d": 1, "x": {"$ref": 3}}',  # a non-string $ref is none
        b'{"a": {"$ref": "#/p\\/q\\u00e9"}, "p/q\\u00e9": {}}',  # escapes in the value are read
        b'{"description": "write {\\"$ref\\": \\"#/nowhere\\"} to refer", "a": {}}',  # inside a string
        b'{"properties": {"$ref": {"type": "string"}}}',  # a property named $ref
    ],
)
def test_json_refs_reads_what_a_walk_of_the_parsed_document_finds(text: bytes) -> None:
    assert json_refs(text) == _walked_refs(orjson.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": {"\\u0024ref": "#/missing"}}',  # the name spelled with escapes: not seen in the text
        b'{"a": {"$r\\u0065f": "#/missing"}}',
        b'{"a\\"$ref": "#/not-a-ref"}',  # a name ending in `"$ref` would be misread
    ],
)
def test_json_refs_declines_texts_it_could_misread(text: bytes) -> None:
    assert json_refs(text) is None


def test_a_dangling_ref_spelled_with_escapes_is_still_reported(tmp_path: Path) -> None:
    spec = tmp_path / "api.json"
    spec.write_text('{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": '
                    '{"responses": {"200": {"description": "ok", "content": {"application/json": '
                    '{"schema": {"\\u0024ref": "#/components/schemas/Gone"}}}}}}}}}')
    with pytest.raises(RefError) as caught:
        load_spec(spec)
    assert "#/components/schemas/Gone" in str(caught.value.findings[0].message)


def test_duplicate_ref_names_are_checked_as_parsed(tmp_path: Path) -> None:
    """orjson keeps the last of two `$ref` members; the text shows both. The dangling first one
    sends the check to the walk, which judges what was parsed: nothing to report."""
    spec = tmp_path / "api.json"
    spec.write_text('{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},'
                    '"components": {"schemas": {"A": {"type": "string"}, '
                    '"B": {"$ref": "#/components/schemas/Gone", "$ref": "#/components/schemas/A"}}}}')
    assert load_spec(spec).document["components"]["schemas"]["B"] == {"$ref": "#/components/schemas/A"}


def test_a_dangling_ref_in_a_json_document_is_located(tmp_path: Path) -> None:
    spec = tmp_path / "api.json"
    spec.write_text('{\n"openapi": "3.0.3",\n"info": {"title": "t", "version": "1"},\n"paths": {},\n'
                    '"components": {"schemas": {"A": {"type": "string"},\n'
                    '"B": {"$ref": "#/components/schemas/Gone"}}}\n}\n')
    with pytest.raises(RefError) as caught:
        load_spec(spec)
    [finding] = caught.value.findings
    assert (finding.rule, finding.pointer, finding.line) == ("ref-unresolved", "/components/schemas/B/$ref", 6)


_TRICKY = st.sampled_from(['$ref', '"$ref"', '\\"$ref\\":', '{"$ref": "#/x"}', "#/a", "é", "\\", '"', "\n", "~1"])
_TEXT = st.lists(st.one_of(_TRICKY, st.text(max_size=4)), max_size=4).map("".join)
_KEY = st.one_of(st.just("$ref"), st.just('a"$ref'), _TEXT)
_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), _TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEY, inner, max_size=3)),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=_JSON, ascii_only=st.booleans(), indent=st.sampled_from([None, 1]), escaped=st.booleans())
def test_json_refs_never_disagrees_with_the_parsed_document(value: object, ascii_only: bool,
                                                            indent: int | None, escaped: bool) -> None:
    """Whatever the text (escapes, `"$ref"` inside strings, names ending in `$ref`, `$ref` spelled
    with \\u escapes), json_refs either declines or finds exactly the `$ref` strings of the parsed document."""
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent).encode("utf-8")
    if escaped:  # the same JSON value, `$ref` written `\u0024ref` wherever it is a whole string
        text = text.replace(b'"$ref"', b'"\\u0024ref"')
    found = json_refs(text)
    assert found is None or found == _walked_refs(orjson.loads(text))


def test_a_json_document_nested_too_deeply_is_refused(tmp_path: Path) -> None:
    """The references read from the text leave the document unwalked; one nested past what the walk
    (and everything after it) can recurse through is still refused, as a YAML one is."""
    spec = tmp_path / "api.json"
    spec.write_text('{"openapi": "3.0.3", "info": {"title": "d", "version": "1"}, "paths": {}, "x-deep": '
                    + "[" * 1000 + "]" * 1000 + "}")
    with pytest.raises(DocumentError, match="nested too deeply"):
        load_spec(spec)


def test_a_json_document_nested_a_few_hundred_deep_is_served_as_before(tmp_path: Path) -> None:
    spec = tmp_path / "api.json"
    spec.write_text('{"openapi": "3.0.3", "info": {"title": "d", "version": "1"}, "paths": {}, "x-deep": '
                    + "[" * 300 + "]" * 300 + "}")
    assert load_spec(spec).version == "3.0"
