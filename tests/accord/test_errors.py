"""accord/errors.py: the tree its docstring draws is the tree the code defines, and no
exception class in accord's packages is left out of it."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import accord.errors

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("accord", "mock", "contract_tests", "impl")
#: Where the classes of the drawn tree are defined.
MODULES = ("accord.errors", "accord.schemas", "accord.mock.behaviour.loading", "accord.mock.generation.errors",
           "accord.service.errors", "impl.errors")
DOC = accord.errors.__doc__ or ""


def _drawn() -> list[tuple[str, str, int]]:
    """(class, parent, exit code) for every branch of the drawing."""
    parents: list[str] = []
    drawn = []
    for line in DOC.splitlines():
        root = re.match(r"    (AccordError)\s", line)
        if root:
            parents = [root.group(1)]
            continue
        branch = re.match(r"    ((?:[│ ]   )*)[├└]── (\w+)\s+.*\((\d)[;)]", line)
        if branch:
            depth = len(branch.group(1)) // 4
            del parents[depth + 1:]
            drawn.append((branch.group(2), parents[depth], int(branch.group(3))))
            parents.append(branch.group(2))
    return drawn


def _class(name: str) -> type:
    for module in MODULES:
        found = getattr(importlib.import_module(module), name, None)
        if isinstance(found, type):
            return found
    raise AssertionError(f"{name} is drawn in accord/errors.py but defined in none of {MODULES}")


def test_the_drawn_tree_is_the_code() -> None:
    drawn = _drawn()
    assert len(drawn) >= 10
    for name, parent, exit_code in drawn:
        cls = _class(name)
        assert cls.__bases__[0].__name__ == parent, name
        assert issubclass(cls, accord.errors.AccordError), name
        assert cls.exit_code == exit_code, name


def test_every_exception_class_is_in_the_tree_or_named_internal() -> None:
    defined = set()
    for package in PACKAGES:
        for file in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and any(
                    isinstance(base, ast.Name) and base.id.endswith(("Error", "Exception")) for base in node.bases
                ):
                    defined.add(node.name)
    assert len(defined) > 20
    missing = sorted(name for name in defined if not re.search(rf"\b{name}\b", DOC))
    assert missing == [], "exception classes neither in accord/errors.py's tree nor named internal there"
