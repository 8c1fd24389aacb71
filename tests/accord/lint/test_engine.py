"""accord/lint/engine.py: running the rules, locating findings, the pass/fail verdict."""

from __future__ import annotations

import pytest

from accord.errors import RefError, UsageError
from accord.lint import LintConfig, lint_document, lint_spec
from accord.lint.engine import RULE_FAILURE, active_rules
from tests.accord.lint.conftest import ALL_RULES, FIXTURES


def test_clean_fixture_has_no_findings_with_the_recommended_rules() -> None:
    report = lint_spec(FIXTURES / "lint-clean" / "openapi.yaml", LintConfig())
    assert [f.render() for f in report.findings] == []
    assert report.ok


def test_warnings_alone_pass_and_an_error_fails() -> None:
    warnings_only = lint_spec(FIXTURES / "lint-info-contact" / "openapi.yaml", LintConfig())
    assert warnings_only.findings and warnings_only.ok
    assert not lint_spec(FIXTURES / "lint-array-items" / "openapi.yaml", LintConfig()).ok


def test_findings_in_referenced_files_are_located_there() -> None:
    report = lint_spec(FIXTURES / "lint-multifile" / "openapi.yaml", LintConfig())
    (finding,) = [f for f in report.findings if f.rule == "duplicated-entry-in-enum"]
    assert finding.file is not None and finding.file.endswith("lint-multifile/schemas/pet.yaml")
    assert (finding.line, finding.source_pointer) == (6, "/properties/kind/enum/2")


def test_rules_run_only_on_the_versions_they_apply_to() -> None:
    ids_30 = {a.rule.id for a in active_rules("3.0", ALL_RULES)}
    ids_31 = {a.rule.id for a in active_rules("3.1", ALL_RULES)}
    ids_20 = {a.rule.id for a in active_rules("2.0", ALL_RULES)}
    assert "no-$ref-siblings" in ids_30 and "no-$ref-siblings" not in ids_31
    assert "oas3_1-servers-in-webhook" in ids_31 and "oas3_1-servers-in-webhook" not in ids_30
    assert "oas3-api-servers" not in ids_20 and "operation-operationId" in ids_20


def test_swagger_20_is_linted_with_the_rules_that_apply() -> None:
    report = lint_spec(FIXTURES / "swagger-20" / "swagger.json", ALL_RULES)
    assert report.findings  # the operation rules apply to Swagger 2.0 too
    assert not any(f.rule.startswith(("oas3", "accord-problem")) for f in report.findings)


def test_a_malformed_document_gives_findings_not_a_traceback() -> None:
    document = {"openapi": "3.0.3", "info": [], "paths": {"/a/{x}": {"get": {"parameters": "no", "responses": []},
                                                                      "parameters": [None, {"in": "path"}]}},
                "servers": [{"url": 3, "variables": []}], "tags": "x", "components": {"schemas": []},
                "security": [{"k": "not-a-list"}]}
    findings = lint_document(document, "3.0", ALL_RULES)
    assert not [f for f in findings if f.rule == RULE_FAILURE]


def test_refused_reference_raises_ref_error() -> None:
    with pytest.raises(RefError):
        lint_spec(FIXTURES / "dangling-ref" / "openapi.yaml")


def test_missing_file_is_a_usage_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError):
        lint_spec(tmp_path / "nope.yaml")
