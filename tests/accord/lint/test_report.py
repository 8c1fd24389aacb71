"""accord/lint/report.py: text, JSON and SARIF 2.1.0 renderings."""

from __future__ import annotations

import json

import pytest

from accord.lint import lint_spec
from accord.lint.report import RENDERERS, sarif_log
from tests.accord.lint.conftest import FIXTURES

BROKEN = FIXTURES / "lint-operation-operationId-unique" / "openapi.yaml"


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return lint_spec(BROKEN)


def test_sarif_shape(report) -> None:  # type: ignore[no-untyped-def]
    log = json.loads(RENDERERS["sarif"](report))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "accord"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert "operation-operationId-unique" in rule_ids
    results = [r for r in run["results"] if r["ruleId"] == "operation-operationId-unique"]
    assert len(results) == 1
    (result,) = results
    assert result["level"] == "error"
    assert driver["rules"][result["ruleIndex"]]["id"] == "operation-operationId-unique"
    assert result["message"]["text"]
    (location,) = result["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("tests/fixtures/lint-operation-operationId-unique/openapi.yaml")
    assert not physical["artifactLocation"]["uri"].startswith("/")  # relative to the working directory
    assert physical["region"]["startLine"] == 14
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "/paths/~1b/get/operationId"
    assert result["properties"]["pointer"] == "/paths/~1b/get/operationId"


def test_sarif_levels_map_warnings_and_notes(report) -> None:  # type: ignore[no-untyped-def]
    levels = {r["ruleId"]: r["level"] for r in sarif_log(report)["runs"][0]["results"]}
    assert levels["operation-tags"] == "warning"
    assert set(levels.values()) <= {"error", "warning", "note", "none"}


def test_json_lists_every_finding_with_its_location(report) -> None:  # type: ignore[no-untyped-def]
    payload = json.loads(RENDERERS["json"](report))
    assert payload["ok"] is False
    assert payload["counts"]["error"] == sum(1 for f in payload["findings"] if f["severity"] == "error")
    unique = [f for f in payload["findings"] if f["rule"] == "operation-operationId-unique"]
    assert [(f["pointer"], f["line"]) for f in unique] == [("/paths/~1b/get/operationId", 14)]


def test_text_ends_with_a_summary(report) -> None:  # type: ignore[no-untyped-def]
    lines = RENDERERS["text"](report).splitlines()
    assert any(line.endswith("[operation-operationId-unique] at #/paths/~1b/get/operationId") and ":14: error:" in line
               for line in lines)
    assert lines[-1].endswith("openapi.yaml: 3 errors, 2 warnings")
