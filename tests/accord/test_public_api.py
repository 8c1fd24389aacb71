"""accord/__init__.py: the curated public API resolves, and `import accord` stays light."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

import accord

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", accord.__all__)
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(accord, name)
    assert not isinstance(value, types.ModuleType), f"accord.{name} is a module, not an API object"
    assert value.__module__.startswith("accord."), name


def test_the_api_covers_the_commands_and_the_error_tree() -> None:
    assert {"load_spec", "validate_spec", "bundle", "lint_spec", "scaffold_app", "Location", "Finding"} <= set(
        accord.__all__)
    assert {name for name in dir(accord.errors) if name.endswith("Error")} <= set(accord.__all__)
    from accord.validation import validate_spec

    assert accord.validate_spec is validate_spec


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'frobnicate'"):
        accord.frobnicate  # noqa: B018


def test_import_accord_is_light() -> None:
    """A fresh interpreter: `import accord` loads the error tree, nothing that parses or serves."""
    code = "import sys, accord\nprint('\\n'.join(sorted(sys.modules)))\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    loaded = {name for name in result.stdout.split() if name == "accord" or name.startswith("accord.")}
    assert loaded == {"accord", "accord.errors", "accord.findings", "accord.locations"}
    heavy = {"connexion", "schemathesis", "yaml", "orjson", "jsonschema_rs", "click", "starlette"}
    assert not heavy & {name.split(".")[0] for name in result.stdout.split()}
