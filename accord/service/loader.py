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
import traceback
from pathlib import Path
from types import ModuleType

from accord.errors import DocumentError
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
    module = import_app_module(name)
    if folder is not None and Path(module.__file__ or "").resolve().parent != folder.resolve():
        raise AppNotFoundError(f"--app {target}: the name {name!r} is taken by another package "
                               f"({module.__file__}); rename the folder")
    return module


def import_app_module(name: str) -> ModuleType:
    """Import a module of the team's app. What its own code raises while importing (a syntax
    error, a failed import) is the team's to fix: a located DocumentError (exit 2), not an
    internal error of accord."""
    try:
        return importlib.import_module(name)
    except SyntaxError as exc:
        raise DocumentError(f"not valid Python ({exc.msg}), so {name} cannot be served",
                            file=exc.filename, line=exc.lineno) from None
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        raise DocumentError(f"importing {name} failed: {type(exc).__name__}: {exc}",
                            file=frame.filename if frame else None, line=frame.lineno if frame else None) from None


def handlers_package(package: ModuleType) -> str:
    """`<package>.handlers` when the package has that subpackage, else the package itself."""
    name = f"{package.__name__}.{HANDLERS}"
    try:
        found = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        found = None
    return name if found is not None else package.__name__


