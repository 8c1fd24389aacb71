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
