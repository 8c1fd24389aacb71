from __future__ import annotations

from pathlib import Path

import pytest

from accord import pointers
from accord.errors import DocumentError, RefError, UsageError
from accord.loading import load_spec


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
