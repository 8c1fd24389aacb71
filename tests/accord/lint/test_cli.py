"""accord/cli/lint.py: exit code and output of `accord lint` for each outcome."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Through the real console entry point, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-c", "from accord.cli import main; main()", "lint", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )


def test_clean_document_exits_0() -> None:
    result = run("tests/fixtures/lint-clean/openapi.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "tests/fixtures/lint-clean/openapi.yaml: no lint findings\n"


def test_warnings_only_exit_0() -> None:
    result = run("tests/fixtures/lint-info-description/openapi.yaml")
    assert result.returncode == 0
    where = "tests/fixtures/lint-info-description/openapi.yaml"
    assert result.stdout.splitlines() == [
        f'{where}:3: warning: Info object must have "contact" object. [info-contact] at #/info',
        f'{where}:3: warning: Info "description" must be present and non-empty string. [info-description] at #/info',
        f"{where}: 2 warnings",
    ]


def test_error_finding_exits_1_with_file_line_pointer() -> None:
    result = run("tests/fixtures/lint-array-items/openapi.yaml")
    assert result.returncode == 1
    assert ("tests/fixtures/lint-array-items/openapi.yaml:8: error: Schemas with \"type: array\", require a sibling "
            "\"items\" field. [array-items] at #/components/schemas/List") in result.stdout.splitlines()
    assert "Traceback" not in result.stderr


def test_sarif_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "lint.sarif"
    result = run("tests/fixtures/lint-array-items/openapi.yaml", "--format", "sarif", "--output", str(out))
    assert result.returncode == 1
    assert result.stdout == ""
    log = json.loads(out.read_text())
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"array-items"}


def test_json_format() -> None:
    result = run("tests/fixtures/lint-clean/openapi.yaml", "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["findings"] == []


def test_missing_file_exits_2() -> None:
    result = run("tests/fixtures/nope/openapi.yaml")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: tests/fixtures/nope/openapi.yaml: no such file"


def test_bad_configuration_exits_2(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.accord.lint.rules]\nno-such-rule = "off"\n')
    result = run(str(ROOT / "tests/fixtures/lint-clean/openapi.yaml"), cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown rule 'no-such-rule'" in result.stderr
    assert "Traceback" not in result.stderr


def test_dangling_reference_exits_1() -> None:
    result = run("tests/fixtures/dangling-ref/openapi.yaml")
    assert result.returncode == 1
    assert "ref-unresolved" in result.stderr


PETSTORE = ROOT / "tests/fixtures/petstore/openapi.yaml"


def test_another_project_gets_spectral_rules_only(tmp_path: Path) -> None:
    result = run(str(PETSTORE), "--format", "json", cwd=tmp_path)
    rulesets = {finding["ruleset"] for finding in json.loads(result.stdout)["findings"]}
    assert rulesets == {"spectral:oas"}
    assert result.returncode == 0  # Spectral's recommended rules find only warnings on Petstore


def test_this_repository_turns_the_house_ruleset_on() -> None:
    listed = run("--list-rules").stdout.splitlines()
    house = [line.split() for line in listed if line.startswith("accord-")]
    assert house and all(fields[2] == "accord:contract" for fields in house)
    assert ["accord-secured-401", "warning", "accord:contract"] == next(f[:3] for f in house
                                                                         if f[0] == "accord-secured-401")


def test_list_rules_shows_off_rules_and_rules_not_run(tmp_path: Path) -> None:
    (tmp_path / ".spectral.yaml").write_text(
        "extends: [spectral:oas]\nrules:\n  info-contact: off\n"
        "  js:\n    given: $\n    then: {function: someJsFunction}\n")
    lines = {line.split()[0]: line.split()[1:3] for line in run("--list-rules", cwd=tmp_path).stdout.splitlines()}
    assert lines["info-contact"] == ["off", "spectral:oas"]
    assert lines["operation-singular-tag"] == ["off", "spectral:oas"]  # not recommended
    assert lines["js"] == ["not", "run"]


def test_ruleset_option_and_fail_severity(tmp_path: Path) -> None:
    ruleset = tmp_path / "team.yaml"
    ruleset.write_text("extends: [[spectral:oas, off]]\nrules:\n  title-kebab:\n    given: $.info.title\n"
                       "    severity: info\n    then: {function: casing, functionOptions: {type: kebab}}\n")
    result = run(str(PETSTORE), "--ruleset", str(ruleset), cwd=tmp_path)
    assert result.returncode == 0
    assert "[title-kebab] at #/info/title" in result.stdout
    assert run(str(PETSTORE), "--ruleset", str(ruleset), "--fail-severity", "info", cwd=tmp_path).returncode == 1
    assert run(str(PETSTORE), "-r", str(ruleset), "-F", "hint", cwd=tmp_path).returncode == 1
    assert run(str(PETSTORE), "-r", str(ruleset), "-F", "warn", cwd=tmp_path).returncode == 0


def test_discovered_ruleset_and_rules_not_run_in_every_format(tmp_path: Path) -> None:
    (tmp_path / ".spectral.json").write_text(json.dumps({
        "extends": [["spectral:oas", "off"]],
        "rules": {"js": {"given": "$", "then": {"function": "someJsFunction"}}},
    }))
    text = run(str(PETSTORE), cwd=tmp_path).stdout
    assert "not run: rule js (.spectral.json) uses the custom JavaScript function 'someJsFunction'" in text
    payload = json.loads(run(str(PETSTORE), "--format", "json", cwd=tmp_path).stdout)
    assert payload["not_run"] == [{"rule": "js", "ruleset": ".spectral.json",
                                   "reason": "uses the custom JavaScript function 'someJsFunction'"}]
    sarif = json.loads(run(str(PETSTORE), "--format", "sarif", cwd=tmp_path).stdout)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [note["descriptor"]["id"] for note in notes] == ["js"]


def test_sarif_and_json_keep_ruleset_and_rule_id(tmp_path: Path) -> None:
    sarif = json.loads(run("tests/fixtures/lint-accord-secured-401/openapi.yaml", "--format", "sarif").stdout)
    run_ = sarif["runs"][0]
    results = [r for r in run_["results"] if r["ruleId"] == "accord-secured-401"]
    assert results and all(r["properties"]["ruleset"] == "accord:contract" for r in results)
    descriptor = run_["tool"]["driver"]["rules"][results[0]["ruleIndex"]]
    assert descriptor["id"] == "accord-secured-401" and descriptor["properties"]["ruleset"] == "accord:contract"


def test_bad_ruleset_file_exits_2_located(tmp_path: Path) -> None:
    (tmp_path / ".spectral.yaml").write_text("rules:\n  no-such-rule: error\n")
    result = run(str(PETSTORE), cwd=tmp_path)
    assert result.returncode == 2
    assert ".spectral.yaml: rules.no-such-rule: unknown rule 'no-such-rule'" in result.stderr
    assert "Traceback" not in result.stderr
