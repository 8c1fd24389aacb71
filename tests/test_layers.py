"""The allowed imports of docs/architecture.md, read from every module's source (imports inside
functions included), and the light imports of the base install checked in fresh interpreters."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Source folder → the package name it installs as (pyproject.toml's package-dir mapping).
TREES = {"accord": "accord", "mock": "accord.mock", "contract_tests": "accord.contract_tests", "impl": "impl"}

ML = {"sklearn", "numpy", "skops", "scipy", "joblib"}
#: layer → imports it must not make (a name forbids itself and everything below it).
FORBIDDEN: dict[str, set[str]] = {
    "core": {"accord.cli", "accord.service", "accord.mock", "accord.contract_tests", "impl", "connexion", *ML},
    "accord.mock": {"accord.cli", "accord.service", "accord.contract_tests", "impl", "connexion", *ML},
    "accord.service": {"accord.cli", "accord.mock", "accord.contract_tests", "impl", *ML},
    "accord.contract_tests": {"accord.cli", "impl", *ML},
    "accord.cli": {"impl", *ML},
    "impl": {"accord.cli", "accord.mock", "accord.contract_tests"},
}


def layer_of(module: str) -> str:
    for layer in ("accord.cli", "accord.service", "accord.mock", "accord.contract_tests"):
        if module == layer or module.startswith(layer + "."):
            return layer
    return "impl" if module.split(".")[0] == "impl" else "core"


def modules() -> list[tuple[str, Path]]:
    found = []
    for folder, package in TREES.items():
        for file in sorted((ROOT / folder).rglob("*.py")):
            parts = list(file.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found.append((".".join([package, *parts]), file))
    return found


def imports_of(module: str, file: Path) -> set[str]:
    """Every module name `file` imports, relative imports resolved."""
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                names.add(".".join([*base, *([node.module] if node.module else [])]))
            elif node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _forbidden(layer: str, name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer])


def test_every_source_folder_is_read() -> None:
    found = modules()
    assert len(found) > 150, "the walk should see every module of the four trees"
    assert {layer_of(m) for m, _ in found} == set(FORBIDDEN)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_stay_in_their_layer(layer: str) -> None:
    bad = [f"{file.relative_to(ROOT)} imports {name}"
           for module, file in modules() if layer_of(module) == layer
           for name in sorted(imports_of(module, file)) if _forbidden(layer, name)]
    assert not bad, "\n".join(bad)


def test_the_rule_catches_a_forbidden_import(tmp_path: Path) -> None:
    """The walk above would see the mock importing Connexion inside a function."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from connexion import AsyncApp\n    from . import routing\n")
    names = imports_of("accord.mock.sample", sample)
    assert {"connexion", "connexion.AsyncApp", "accord.mock"} <= names
    assert _forbidden("accord.mock", "connexion.AsyncApp")


@pytest.mark.parametrize(("module", "absent"), [
    ("accord.cli", {"connexion", "schemathesis", "accord.mock", "accord.service", "yaml", "jsonschema_rs"}),
    ("accord.mock.app", {"connexion", "schemathesis", "accord.service", "impl", *ML}),
    ("accord.service", {"accord.mock", "schemathesis", "impl", *ML}),
])
def test_light_imports(module: str, absent: set[str]) -> None:
    """What importing a module really loads, transitively, in a fresh interpreter."""
    code = f"import sys, {module}\nprint('\\n'.join(sorted(sys.modules)))\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    bad = {name for name in loaded for prefix in absent if name == prefix or name.startswith(prefix + ".")}
    assert not bad, f"{module} loads {sorted(bad)}"
