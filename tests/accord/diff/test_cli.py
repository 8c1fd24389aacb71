"""accord/cli/diff.py: exit codes and user-visible output, through the real entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

from tests.conftest import FIXTURES, ROOT


def _accord(*args: str | Path) -> subprocess.CompletedProcess[str]:
    entry = "import sys; from accord.cli import main; sys.argv[0] = 'accord'; main()"
    return subprocess.run([sys.executable, "-c", entry, "diff", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def _pair(case: str) -> tuple[Path, Path]:
    folder = FIXTURES / f"diff-{case}"
    return folder / "old.yaml", folder / "new.yaml"


def test_breaking_change_exits_1_and_says_where() -> None:
    result = _accord(*_pair("new-required-request-property"))
    assert result.returncode == 1
    location, line = result.stdout.splitlines()[0].split(": ", 1)
    assert location.endswith("diff-new-required-request-property/new.yaml:78")  # where `owner:` is written
    assert line == (
        "breaking: POST /pets: new required request body property `owner`; existing clients do not "
        "send it [new-required-request-property] at #/components/schemas/NewPet/properties/owner"
    )
    assert result.stdout.splitlines()[-1].endswith(": 1 breaking, 0 warning, 0 info")


def test_compatible_change_exits_0() -> None:
    result = _accord(*_pair("new-optional-request-property"))
    assert result.returncode == 0
    assert result.stdout.splitlines()[-2:] == [
        "1 info change not listed (--changelog lists every change)",
        f"{result.stdout.splitlines()[-1].split(': ')[0]}: 0 breaking, 0 warning, 1 info"]
    listed = _accord(*_pair("new-optional-request-property"), "--changelog")
    assert "  info: " in listed.stdout and "not listed" not in listed.stdout


def test_fail_on_warning_makes_a_warning_fail() -> None:
    old, new = _pair("parameter-removed")
    assert _accord(old, new).returncode == 0
    assert _accord(old, new, "--fail-on", "warning").returncode == 1


def test_changelog_json_lists_info_changes_too() -> None:
    result = _accord(*_pair("new-optional-parameter"), "--format", "json", "--changelog")
    assert result.returncode == 0
    assert [c["rule"] for c in orjson.loads(result.stdout)["changes"]] == ["new-optional-request-parameter"]


def test_markdown_format() -> None:
    result = _accord(*_pair("operation-removed"), "--format", "markdown")
    assert result.returncode == 1
    assert result.stdout.startswith("### API contract changes\n\n**1 breaking change**")


def test_missing_file_is_a_usage_error_with_exit_2() -> None:
    old, _ = _pair("operation-removed")
    result = _accord(old, "does-not-exist.yaml")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: does-not-exist.yaml: no such file\n"


def test_bad_git_ref_is_a_usage_error_with_exit_2() -> None:
    result = _accord("no-such-branch-xyz:spec/openapi.yaml", "spec/openapi.yaml")
    assert result.returncode == 2
    assert "'no-such-branch-xyz' is not a commit, branch or tag of this repository" in result.stderr
    assert "Traceback" not in result.stderr


def test_unparseable_document_exits_2_with_file_and_line() -> None:
    result = _accord(FIXTURES / "bad-yaml" / "openapi.yaml", _pair("operation-removed")[0])
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {FIXTURES / 'bad-yaml' / 'openapi.yaml'}:")
    assert "Traceback" not in result.stderr


def test_unknown_format_is_rejected_by_click_with_exit_2() -> None:
    assert _accord(*_pair("operation-removed"), "--format", "html").returncode == 2
