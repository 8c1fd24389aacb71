"""Finding the package a team serves: a folder (`service`, `./impl`) or an importable name.

A folder is imported from its parent directory, which goes first on `sys.path` (what
`python -m` does for the current directory), so `accord serve` finds a team's package in the
project it runs in without an install step. Handlers live in the package's `handlers`
subpackage when it has one, else in the package's own modules.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from accord.service.errors import AppNotFoundError

HANDLERS = "handlers"


def app_folder(target: str) -> Path | None:
    """The folder `target` names, when it names one holding a package (`__init__.py`)."""
    path = Path(target)
    return path if (path / "__init__.py").is_file() else None


def load_app(target: str) -> ModuleType:
    """Import the app package `target`; AppNotFoundError (exit 2) with what to do when it is missing."""
    folder = app_folder(target)
    if folder is not None:
        parent = str(folder.resolve().parent)
        if sys.path[:1] != [parent]:
            sys.path.insert(0, parent)
        name = folder.resolve().name
        loaded = sys.modules.get(name)
        if loaded is not None and Path(loaded.__file__ or "").resolve().parent != folder.resolve():
            # Another folder of the same name was served in this process (tests build one app per
            # temporary folder): forget its modules, so this folder's are the ones imported.
            for module_name in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[module_name]
    elif Path(target).is_dir() and any(Path(target).glob("*.py")):
        raise AppNotFoundError(f"{target}/ has no __init__.py: it is a folder, not a Python package")
    else:
        name = target.replace("/", ".").strip(".")
        cwd = str(Path.cwd())
        if cwd not in sys.path:
            sys.path.insert(0, cwd)
    if not all(part.isidentifier() for part in name.split(".")):
        raise AppNotFoundError(f"--app {target!r} is neither a package folder nor an importable module name")
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        raise AppNotFoundError(
            f"no handlers package {target!r} here ({Path.cwd()}): run `accord scaffold --app {target}` to write "
            f"stubs for the contract's operations, or `accord init` to start a project")
    module = importlib.import_module(name)
    if folder is not None and Path(module.__file__ or "").resolve().parent != folder.resolve():
        raise AppNotFoundError(f"--app {target}: the name {name!r} is taken by another package "
                               f"({module.__file__}); rename the folder")
    return module


def handlers_package(package: ModuleType) -> str:
    """`<package>.handlers` when the package has that subpackage, else the package itself."""
    name = f"{package.__name__}.{HANDLERS}"
    try:
        found = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        found = None
    return name if found is not None else package.__name__


