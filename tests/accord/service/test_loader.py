"""accord/service/loader.py: finding the package to serve, and saying what to do when it is not there."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.errors import DocumentError
from accord.service.errors import AppNotFoundError
from accord.service.loader import handlers_package, load_app
from accord.service.resolver import resolve_handlers


def _package(root: Path, name: str, *, handlers: bool, marker: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(f"MARKER = {marker!r}\n")
    if handlers:
        (folder / "handlers").mkdir()
        (folder / "handlers" / "__init__.py").write_text("")
    return folder


def test_a_folder_is_imported_with_its_handlers_subpackage(tmp_path: Path) -> None:
    module = load_app(str(_package(tmp_path, "shop", handlers=True, marker="a")))
    assert module.MARKER == "a"
    assert handlers_package(module) == "shop.handlers"


def test_without_a_handlers_subpackage_the_package_holds_them(tmp_path: Path) -> None:
    module = load_app(str(_package(tmp_path, "flat", handlers=False, marker="b")))
    assert handlers_package(module) == "flat"


def test_two_folders_of_one_name_in_one_process_each_serve_their_own(tmp_path: Path) -> None:
    first = load_app(str(_package(tmp_path / "one", "twin", handlers=False, marker="first")))
    second = load_app(str(_package(tmp_path / "two", "twin", handlers=False, marker="second")))
    assert (first.MARKER, second.MARKER) == ("first", "second")


def test_a_missing_app_says_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AppNotFoundError, match=r"accord scaffold --app nowhere"):
        load_app("nowhere")


def test_a_folder_without_init_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / "pets.py").write_text("")
    with pytest.raises(AppNotFoundError, match=r"loose/ has no __init__.py"):
        load_app("loose")


def test_a_broken_handler_module_is_located_in_the_teams_file(tmp_path: Path) -> None:
    """The team's syntax error or failed import is theirs to fix: file and line, not an internal error."""
    folder = _package(tmp_path, "broken_app", handlers=True, marker="c")
    (folder / "handlers" / "pets.py").write_text("def get_pet(:\n    pass\n")
    module = load_app(str(folder))
    with pytest.raises(DocumentError) as info:
        resolve_handlers({"paths": {}}, handlers_package(module))
    assert info.value.file == str(folder / "handlers" / "pets.py") and info.value.line == 1

    (folder / "handlers" / "pets.py").write_text("x = 1\nimport no_such_module_anywhere\n")
    with pytest.raises(DocumentError) as info:
        resolve_handlers({"paths": {}}, handlers_package(module))
    assert info.value.file == str(folder / "handlers" / "pets.py") and info.value.line == 2
