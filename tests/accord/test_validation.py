from __future__ import annotations

from pathlib import Path

from accord.validation import validate_spec


def _found(report) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(f.rule, f.pointer) for f in report.findings}


def test_shared_contract_is_valid(spec_path: Path) -> None:
    report = validate_spec(spec_path)
    assert report.ok, [f.render() for f in report.findings]


def test_valid_multifile(fixtures: Path) -> None:
    assert validate_spec(fixtures / "valid-multifile" / "openapi.yaml").findings == []


def test_invalid_examples_all_reported_with_pointer_and_line(fixtures: Path) -> None:
    report = validate_spec(fixtures / "invalid-example" / "openapi.yaml")
    assert not report.ok
    body = "/paths/~1a/post/requestBody/content/application~1json/examples/bad/value"
    assert _found(report) == {
        ("example-invalid", body + "/size"),
        ("example-invalid", body),
        ("example-invalid", "/components/schemas/Thing/properties/label/example"),
    }
    lines = {f.pointer: f.line for f in report.findings}
    assert lines[body + "/size"] == 12
    assert lines["/components/schemas/Thing/properties/label/example"] == 23


def test_duplicate_operation_id(fixtures: Path) -> None:
    report = validate_spec(fixtures / "duplicate-operation-id" / "openapi.yaml")
    assert _found(report) == {("operation-id-duplicate", "/paths/~1b/get/operationId")}
    assert report.findings[0].line == 10


def test_structure_error_points_at_the_offending_node(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        '200':\n          description: ok\n"
        "          content: {application/json: {schema: {type: strin}}}\n"
    )
    report = validate_spec(path)
    assert ("oas-schema", "/paths/~1a/get/responses/200/content/application~1json/schema/type") in _found(report)


def test_undeclared_path_parameter(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get:\n"
        "      responses: {'200': {description: ok}}\n"
    )
    assert _found(validate_spec(path)) == {("path-parameter-undeclared", "/paths/~1a~1{id}/get")}


def test_openapi_31_document(fixtures: Path) -> None:
    report = validate_spec(fixtures / "openapi-31" / "openapi.yaml")
    assert _found(report) == {
        ("example-invalid", "/paths/~1a/get/responses/200/content/application~1json/schema/properties/v/examples/2")
    }


def test_swagger_20_document(fixtures: Path) -> None:
    report = validate_spec(fixtures / "swagger-20" / "swagger.json")
    assert _found(report) == {("example-invalid", "/paths/~1a/get/responses/200/examples/application~1json/n")}
    assert report.findings[0].line == 4


def test_refused_refs_become_findings(fixtures: Path) -> None:
    report = validate_spec(fixtures / "remote-ref" / "openapi.yaml")
    assert [f.rule for f in report.findings] == ["ref-remote"]
    assert report.spec is None


def test_a_referenced_path_item_is_checked_where_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}: {$ref: '#/components/pathItems/A'}\n"
        "components:\n  pathItems:\n    A:\n      get:\n        responses: {'200': {description: ok}}\n"
    )
    assert _found(validate_spec(path)) == {("path-parameter-undeclared", "/components/pathItems/A/get")}


def test_a_pattern_no_validator_can_check_is_a_located_warning(fixtures: Path) -> None:
    """Java's `\\p{XDigit}` is read (accord/patterns.py); `\\p\\{C\\}`, escaped twice, has no reading:
    a warning where it is written, beside the metaschema's "not a regex" errors."""
    report = validate_spec(fixtures / "service-java-patterns" / "openapi.yaml")
    unread = [(f.pointer, f.line, f.severity) for f in report.findings if f.rule == "pattern-unread"]
    assert unread == [("/components/schemas/Key/properties/tag/pattern", 48, "warning")]
