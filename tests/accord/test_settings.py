"""accord/settings.py: every ACCORD_* variable declared once, read through the table, documented
from it; a bad value is a usage error naming the variable."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from accord import settings
from accord.cli import COMMANDS, cli
from accord.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("accord", "mock", "contract_tests", "impl")
NAME = re.compile(r"\bACCORD_[A-Z0-9_]*[A-Z0-9]\b")
#: The modules that touch `os.environ`: the typed readers, and the hand-over of the service's
#: settings to uvicorn's worker processes (which start from the parent's environment).
ENVIRON_ALLOWED = {Path("accord/config.py"), Path("accord/service/asgi.py")}


def python_files() -> list[Path]:
    return [file for folder in SOURCES for file in sorted((ROOT / folder).rglob("*.py"))]


def test_docs_settings_md_is_generated_from_the_table() -> None:
    committed = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert committed == settings.markdown(), "regenerate it: python -m accord.settings > docs/settings.md"


def test_every_name_written_anywhere_is_declared() -> None:
    texts = [*python_files(), *sorted((ROOT / "tests").rglob("*.py")), *sorted((ROOT / "docs").glob("*.md")),
             *sorted(f for f in (ROOT / "accord" / "templates").rglob("*") if f.is_file()),
             ROOT / "README.md", ROOT / "Makefile"]
    undeclared = {(str(file.relative_to(ROOT)), name) for file in texts
                  for name in NAME.findall(file.read_text(encoding="utf-8")) if name not in settings.SETTINGS}
    assert undeclared == set()


def test_only_the_readers_touch_the_environment() -> None:
    readers = set()
    for file in python_files():
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "putenv"):
                readers.add(file.relative_to(ROOT))
            elif isinstance(node, ast.ImportFrom) and node.module == "os" and any(
                    alias.name in ("environ", "getenv") for alias in node.names):
                readers.add(file.relative_to(ROOT))
    assert readers <= ENVIRON_ALLOWED


def cli_parameters() -> list[tuple[click.Command, click.Parameter]]:
    found = []
    for name in COMMANDS:
        command = cli.get_command(click.Context(cli), name)
        assert command is not None
        found += [(command, param) for param in command.params if param.envvar]
    return found


@pytest.mark.parametrize(("command", "param"), cli_parameters(), ids=lambda v: str(getattr(v, "name", v)))
def test_every_click_envvar_is_declared_with_the_flags_default(command: click.Command, param: click.Parameter) -> None:
    assert isinstance(param.envvar, str)
    declared = settings.SETTINGS[param.envvar]
    default = param.get_default(click.Context(command))
    if default is not None and declared.default is not None:
        assert str(default) == str(declared.default), f"accord {command.name} {param.name}"


def test_every_setting_is_well_formed() -> None:
    for name, setting in settings.SETTINGS.items():
        assert name == setting.name and name.startswith("ACCORD_")
        assert setting.kind in settings.KINDS and setting.component in settings.COMPONENTS
        assert setting.help.endswith(".") and setting.read_by


@pytest.mark.parametrize(("name", "raw", "expected"), [
    ("ACCORD_MOCK_PORT", "4011", 4011), ("ACCORD_VALIDATE_RESPONSES", "off", False),
    ("ACCORD_JOB_LEASE_SECONDS", "2.5", 2.5), ("ACCORD_API_KEYS", " a, ,b ", ("a", "b")),
    ("ACCORD_STATE_DIR", "/tmp/x", Path("/tmp/x")), ("ACCORD_MOCK_SCENARIO", "  ", None),
])
def test_read_gives_the_declared_type(name: str, raw: str, expected: object) -> None:
    assert settings.read(name, {name: raw}) == expected


@pytest.mark.parametrize(("name", "raw"), [("ACCORD_MAX_BODY_BYTES", "lots"), ("ACCORD_JOB_BATCH_SIZE", "0"),
                                           ("ACCORD_ACCESS_LOG", "maybe"), ("ACCORD_JOB_TTL_SECONDS", "nan")])
def test_a_bad_value_is_a_usage_error_naming_the_variable(name: str, raw: str) -> None:
    with pytest.raises(UsageError, match=name):
        settings.read(name, {name: raw})


def test_an_undeclared_name_cannot_be_read() -> None:
    with pytest.raises(KeyError):
        settings.read("ACCORD_" + "UNDECLARED", {})


def test_api_keys_from_the_variable_else_the_file(tmp_path: Path) -> None:
    file = tmp_path / "keys"
    file.write_text("# ops\nk1\n\n k2 \n", encoding="utf-8")
    assert settings.api_keys({"ACCORD_API_KEYS": "a,b", "ACCORD_API_KEYS_FILE": str(file)}) == ("a", "b")
    assert settings.api_keys({"ACCORD_API_KEYS_FILE": str(file)}) == ("k1", "k2")
    assert settings.api_keys({}) is None
    with pytest.raises(UsageError, match="ACCORD_API_KEYS_FILE"):
        settings.api_keys({"ACCORD_API_KEYS_FILE": str(tmp_path / "missing")})


def run_accord(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-c", "from accord.cli import main; main()", *args], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("env", "args", "message"), [
    ({"ACCORD_MOCK_PORT": "abc"}, ("mock",),
     "Error: Invalid value for ACCORD_MOCK_PORT ('--port'): 'abc' is not a valid integer range."),
    ({"ACCORD_WORKERS": "99"}, ("serve",),
     "Error: Invalid value for ACCORD_WORKERS ('--workers'): 99 is not in the range 1<=x<=64."),
    ({"ACCORD_MAX_BODY_BYTES": "lots"}, ("serve",), "error: ACCORD_MAX_BODY_BYTES='lots': expected a whole number"),
])
def test_a_bad_value_through_the_cli_exits_2_naming_the_variable(env: dict[str, str], args: tuple[str, ...],
                                                                 message: str) -> None:
    result = run_accord(*args, **env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == message
    assert "Traceback" not in result.stderr
