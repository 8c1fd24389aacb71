"""accord scaffold: typed 501 stubs for operations without a handler, never overwriting code."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

from accord.errors import DocumentError
from accord.scaffold import handler_name, module_name, scaffold, scaffold_app

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "scaffold" / "openapi.yaml"


@pytest.mark.parametrize(
    ("operation_id", "expected"),
    [("getLiveness", "get_liveness"), ("predictBreastCancer", "predict_breast_cancer"),
     ("getHTTPHealth", "get_http_health"), ("list-jobs", "list_jobs"), ("class", "op_class")],
)
def test_handler_name(operation_id: str, expected: str) -> None:
    assert handler_name(operation_id) == expected


def test_module_name() -> None:
    assert module_name("Health Checks") == "health_checks"
    assert module_name("predictions") == "predictions"
    assert module_name(None) == "default"


def _load(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(f"scaffolded_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_writes_typed_stubs_per_tag_module(tmp_path: Path) -> None:
    written = scaffold(FIXTURE, tmp_path)
    assert sorted(written) == sorted([
        (str(tmp_path / "things.py"), "list_things"),
        (str(tmp_path / "things.py"), "create_thing"),
        (str(tmp_path / "things.py"), "get_thing"),
        (str(tmp_path / "health_checks.py"), "get_http_health"),
        (str(tmp_path / "default.py"), "untagged_op"),
    ])
    things = _load(tmp_path / "things.py")
    with pytest.raises(NotImplementedError, match="getThing has no implementation yet"):
        things.get_thing(thing_id="t1")  # type: ignore[attr-defined]
    tree = ast.parse((tmp_path / "things.py").read_text())
    signatures = {n.name: ast.unparse(n.args) for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert signatures["list_things"] == "limit: int | None=None"
    assert signatures["create_thing"] == "body: Any"
    assert signatures["get_thing"] == "thing_id: str"


def test_never_overwrites_and_is_idempotent(tmp_path: Path) -> None:
    handwritten = 'def get_thing(thing_id):\n    return {"id": thing_id}, 200, {"Content-Type": "application/json"}\n'
    (tmp_path / "things.py").write_text(handwritten)
    (tmp_path / "elsewhere.py").write_text("def list_things():\n    return [], 200\n")
    written = {function for _, function in scaffold(FIXTURE, tmp_path)}
    assert written == {"create_thing", "get_http_health", "untagged_op"}
    text = (tmp_path / "things.py").read_text()
    assert text.startswith("from typing import Any\n")  # the stubs' one import, at the top
    assert handwritten in text  # existing code untouched, stubs appended after it
    assert text.index(handwritten) < text.index("def create_thing")
    assert text.count("def get_thing") == 1 and "def list_things" not in text
    assert scaffold(FIXTURE, tmp_path) == []  # nothing left to do


def test_a_handler_file_python_cannot_read_is_a_located_error_and_nothing_is_written(tmp_path: Path) -> None:
    broken = tmp_path / "things.py"
    broken.write_text("def get_thing(thing_id):\n    return {\n")
    with pytest.raises(DocumentError) as info:
        scaffold(FIXTURE, tmp_path)
    assert info.value.file == str(broken) and info.value.line == 2
    assert "nothing was written" in str(info.value)
    assert broken.read_text() == "def get_thing(thing_id):\n    return {\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["things.py"]


def test_scaffold_writes_where_accord_serve_looks(tmp_path: Path) -> None:
    written = scaffold_app(FIXTURE, str(tmp_path / "shop"))
    assert {Path(file).parent for file, _ in written} == {tmp_path / "shop" / "handlers"}
    assert (tmp_path / "shop" / "__init__.py").is_file() and (tmp_path / "shop" / "handlers" / "__init__.py").is_file()
