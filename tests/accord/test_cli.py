"""The CLI's user-visible contract: exit code and text for each outcome."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from accord import pointers
from accord.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Through the real console entry point, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-c", "from accord.cli import main; main()", *args],
        cwd=cwd, capture_output=True, text=True, timeout=60,
    )


def test_validate_clean_contract_exits_0() -> None:
    result = run("validate")  # SPEC defaults to spec/openapi.yaml
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "spec/openapi.yaml: valid OpenAPI 3.0 document"


def test_validate_findings_exit_1_with_file_line_pointer() -> None:
    result = run("validate", "tests/fixtures/duplicate-operation-id/openapi.yaml")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "tests/fixtures/duplicate-operation-id/openapi.yaml:10: error: operationId 'fetch' is also used at "
        "/paths/~1a/get [operation-id-duplicate] at #/paths/~1b/get/operationId"
    ]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("bad-yaml/openapi.yaml",
         "error: tests/fixtures/bad-yaml/openapi.yaml:8: invalid YAML: did not find expected ',' or ']'"),
        ("missing/openapi.yaml", "error: tests/fixtures/missing/openapi.yaml: no such file"),
        ("not-openapi/openapi.yaml",
         "error: tests/fixtures/not-openapi/openapi.yaml:1: "
         "not an OpenAPI document: no 'openapi' (3.x) or 'swagger' (2.0) field"),
    ],
)
def test_unreadable_documents_exit_2_with_location(fixture: str, expected: str) -> None:
    result = run("validate", f"tests/fixtures/{fixture}")
    assert result.returncode == 2
    assert result.stderr.strip() == expected


def test_refused_ref_exit_1() -> None:
    result = run("validate", "tests/fixtures/remote-ref/openapi.yaml")
    assert result.returncode == 1
    assert "[ref-remote]" in result.stdout
    assert "tests/fixtures/remote-ref/openapi.yaml:11:" in result.stdout


def test_validate_json_format() -> None:
    result = CliRunner().invoke(cli, ["validate", "tests/fixtures/invalid-example/openapi.yaml", "--format", "json"])
    assert result.exit_code == 1
    import json

    payload = json.loads(result.output)
    assert payload["valid"] is False
    assert {f["rule"] for f in payload["findings"]} == {"example-invalid"}
    assert all(f["file"] and f["line"] for f in payload["findings"])


def test_bundle_to_file_and_stdout(tmp_path: Path) -> None:
    out = tmp_path / "bundle.json"
    result = run("bundle", "tests/fixtures/valid-multifile/openapi.yaml", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("{")
    result = run("bundle", "tests/fixtures/valid-multifile/openapi.yaml")
    assert result.returncode == 0
    assert result.stdout.startswith("openapi: 3.0.3")


def test_bundle_unknown_extension_exit_2(tmp_path: Path) -> None:
    result = run("bundle", "tests/fixtures/valid-multifile/openapi.yaml", "-o", str(tmp_path / "x.txt"))
    assert result.returncode == 2
    assert "cannot tell the format" in result.stderr


def test_spec_default_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    fixture = ROOT / "tests/fixtures/duplicate-operation-id/openapi.yaml"
    (tmp_path / "api" / "openapi.yaml").write_text(fixture.read_text())
    (tmp_path / "pyproject.toml").write_text('[tool.accord]\nspec = "api/openapi.yaml"\n')
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("api/openapi.yaml:10:")


def test_env_beats_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.accord]\nspec = "missing.yaml"\n')
    good = ROOT / "tests/fixtures/valid-multifile/openapi.yaml"
    result = subprocess.run(
        [sys.executable, "-c", "from accord.cli import main; main()", "validate"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={**__import__("os").environ, "ACCORD_SPEC": str(good)},
    )
    assert result.returncode == 0, result.stderr


def test_unknown_command_exit_2() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert "No such command" in result.stderr


def _run_broken(raised: str, *args: str, debug: str | None = None) -> subprocess.CompletedProcess[str]:
    """`accord validate` with the library function replaced by one that raises `raised`."""
    entry = (
        "import accord.validation\n"
        "def broken(*args, **kwargs):\n"
        f"    raise {raised}\n"
        "accord.validation.validate_spec = broken\n"
        "from accord.cli import main; main()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "ACCORD_DEBUG"}
    if debug is not None:
        env["ACCORD_DEBUG"] = debug
    return subprocess.run([sys.executable, "-c", entry, "validate", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_an_internal_error_is_one_line_and_exit_2() -> None:
    result = _run_broken("ZeroDivisionError('boom\\n  second line')")
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: internal error in accord validate: ZeroDivisionError: boom second line at <string>:3; "
        "this is a bug in accord; run again with ACCORD_DEBUG=1 to see the traceback and report it "
        "with the command"
    ]


def test_accord_debug_shows_the_traceback_and_still_exits_2() -> None:
    result = _run_broken("ZeroDivisionError('boom')", debug="1")
    assert result.returncode == 2
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert result.stderr.splitlines()[-1].startswith("error: internal error in accord validate: ZeroDivisionError")


def test_interrupted_exits_130_without_a_traceback() -> None:
    result = _run_broken("KeyboardInterrupt")
    assert result.returncode == 130
    assert "Traceback" not in result.stderr


def test_internal_error_names_the_innermost_frame_inside_accord() -> None:
    from accord.cli import internal_error

    with pytest.raises(KeyError) as caught:
        pointers.resolve({}, "/missing")
    line = internal_error(caught.value)
    assert line.startswith("error: internal error in accord")
    assert " at accord/pointers.py:" in line


def test_commands_return_reports_and_only_main_exits() -> None:
    """No command module exits by itself: exit codes come from reports and accord/errors.py."""
    for module in sorted((ROOT / "accord" / "cli").glob("*.py")):
        if module.name == "__init__.py":
            continue
        text = module.read_text(encoding="utf-8")
        assert "SystemExit" not in text and "sys.exit" not in text, module.name
