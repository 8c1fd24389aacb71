"""Handler stubs for operations that have none: `accord scaffold [SPEC]`.

The convention (shared with the service kit's resolver, accord/service/resolver.py): an
operation's handler is the function
`snake_case(operationId)` in the module named after the operation's first tag
(`getLiveness` tagged `health` → `get_liveness` in `<handlers_dir>/health.py`). Existing code is
never overwritten: a function that exists in *any* module of the handlers folder counts, and new
stubs are appended. Each stub raises NotImplementedError, which the service kit answers as a 501
problem, until someone writes it.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord import openapi
from accord.errors import DocumentError
from accord.loading import load_spec

DEFAULT_MODULE = "default"

_PY_TYPES: dict[object, str] = {"integer": "int", "number": "float", "boolean": "bool", "string": "str",
                                "array": "list[Any]", "object": "dict[str, Any]"}


def handler_name(operation_id: str) -> str:
    """`getLiveness` → `get_liveness`, `getHTTPStatus` → `get_http_status`, `list-jobs` → `list_jobs`."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", operation_id)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"\W+", "_", name).strip("_").lower()
    if not name or name[0].isdigit() or keyword.iskeyword(name):
        name = f"op_{name}"
    return name


def module_name(tag: str | None) -> str:
    """A tag as a module name: `Prediction jobs` → `prediction_jobs`; no tag → `default`."""
    if not tag:
        return DEFAULT_MODULE
    name = re.sub(r"\W+", "_", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", tag)).strip("_").lower()
    if not name or name[0].isdigit() or keyword.iskeyword(name):
        name = f"tag_{name}"
    return name


@dataclass(slots=True, frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    module: str
    function: str
    operation: dict[str, Any]
    path_item: dict[str, Any]


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    """Every operation that has an operationId, in document order."""
    for found in openapi.operations(document):
        op = found.operation
        if isinstance(op.get("operationId"), str):
            tags = op.get("tags") or [None]
            yield Operation(op["operationId"], found.method, found.path, module_name(tags[0]),
                            handler_name(op["operationId"]), op, found.path_item)


def defined_functions(handlers_dir: Path) -> dict[str, Path]:
    """Top-level function names defined in the handler modules (read, never imported).

    A module Python cannot parse is a DocumentError at its line: appending stubs to it would
    bury the mistake, and a function defined below it would be written twice."""
    found: dict[str, Path] = {}
    if not handlers_dir.is_dir():
        return found
    for file in sorted(handlers_dir.glob("*.py")):
        try:
            tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        except SyntaxError as exc:
            raise DocumentError(f"not valid Python ({exc.msg}); fix it, then run accord scaffold again "
                                "(nothing was written)", file=str(file), line=exc.lineno) from None
        except (UnicodeDecodeError, OSError) as exc:
            raise DocumentError(f"cannot be read ({exc}); nothing was written", file=str(file)) from None
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.setdefault(node.name, file)
    return found


def _arguments(document: dict[str, Any], op: Operation) -> list[str]:
    """Typed parameters Connexion passes by name: path, query, then the body."""
    params: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*(op.path_item.get("parameters") or []), *(op.operation.get("parameters") or [])]:
        param = openapi.deref(document, raw)
        if isinstance(param, dict) and param.get("in") in ("path", "query"):
            params[(param["in"], param["name"])] = param
    required, optional = [], []
    for (_, name), param in params.items():
        schema = openapi.deref(document, param.get("schema") or {})
        py_type = _PY_TYPES.get(schema.get("type"), "Any") if isinstance(schema, dict) else "Any"
        arg = re.sub(r"\W+", "_", name)
        if keyword.iskeyword(arg):
            arg += "_"
        if param.get("required"):
            required.append(f"{arg}: {py_type}")
        else:
            optional.append(f"{arg}: {py_type} | None = None")
    if "requestBody" in op.operation:
        body = openapi.deref(document, op.operation["requestBody"])
        if isinstance(body, dict) and body.get("required"):
            required.append("body: Any")
        else:
            optional.append("body: Any = None")
    return required + optional


_HEADER = '''"""Handlers for the `{tag}` operations of the contract (see `accord scaffold`)."""

from __future__ import annotations

from typing import Any
'''

_STUB = '''

def {function}({arguments}) -> Any:
    """{method} {path} ({operation_id}): {marker}."""
    raise NotImplementedError("{operation_id} has no implementation yet")
'''


def render_stub(document: dict[str, Any], op: Operation) -> str:
    return _STUB.format(function=op.function, arguments=", ".join(_arguments(document, op)), marker=STUB_MARKER,
                        method=op.method.upper(), path=op.path, operation_id=op.operation_id)


#: The docstring ending every stub this module writes; with its 501, what marks it unwritten.
STUB_MARKER = "not implemented yet; written by `accord scaffold`"


@dataclass(slots=True, frozen=True)
class HandlerStatus:
    """Where each operation of a contract stands in a handlers package (operationIds)."""

    written: tuple[str, ...]
    stubs: tuple[str, ...]
    missing: tuple[str, ...]


def _is_stub(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The stub as written: the marker docstring and a body that still only raises."""
    doc = ast.get_docstring(node) or ""
    body = node.body[1:] if doc else node.body
    only_raises = len(body) == 1 and isinstance(body[0], ast.Raise)
    return STUB_MARKER in doc and only_raises


def handler_status(spec_path: str | Path, app: str) -> HandlerStatus:
    """Which operations of `spec_path` have a written handler in the app `app`, which still have
    the stub `accord scaffold` wrote, and which have none (read, never imported)."""
    document = load_spec(spec_path).document
    folder = app_folder(app)
    handlers = folder / "handlers" if (folder / "handlers").is_dir() else folder
    stubs: set[str] = set()
    defined = defined_functions(handlers)
    for file in set(defined.values()):
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        stubs.update(n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and _is_stub(n))
    written: list[str] = []
    stubbed: list[str] = []
    missing: list[str] = []
    for op in operations(document):
        bucket = missing if op.function not in defined else stubbed if op.function in stubs else written
        bucket.append(op.operation_id)
    return HandlerStatus(tuple(written), tuple(stubbed), tuple(missing))


def missing_handlers(document: dict[str, Any], handlers_dir: Path) -> list[Operation]:
    defined = defined_functions(handlers_dir)
    return [op for op in operations(document) if op.function not in defined]


def _with_any_import(text: str) -> str:
    """`text` importing typing.Any among its imports (after `from __future__`, else after the docstring)."""
    if "from typing import Any" in text:
        return text
    lines = text.splitlines(keepends=True)
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("from __future__ import")), None)
    if at is None:
        at = 0
        first = lines[0].lstrip() if lines else ""
        for quote in ('"""', "'''"):
            if first.startswith(quote):
                at = 1
                closed = first.count(quote) >= 2
                while not closed and at < len(lines):
                    closed = quote in lines[at]
                    at += 1
                break
    if at == 0:
        return "from typing import Any\n\n\n" + text
    return "".join(lines[:at]) + "\nfrom typing import Any\n" + "".join(lines[at:])


def app_folder(app: str) -> Path:
    """The folder of the app `app`: a path as given, or a dotted package name as its folders."""
    if "/" in app or Path(app).is_dir() or not all(part.isidentifier() for part in app.split(".")):
        return Path(app)
    return Path(*app.split("."))


def scaffold_app(spec_path: str | Path, app: str) -> list[tuple[str, str]]:
    """Stubs into the handlers package of the app `app` (`APP/handlers/`), where `accord serve
    --app APP` looks; the app folder gets an `__init__.py` when it has none."""
    folder = app_folder(app)
    written = scaffold(spec_path, folder / "handlers")
    init = folder / "__init__.py"
    if written and not init.exists():
        init.write_text(APP_INIT.format(app=folder.name), encoding="utf-8")
    return written


APP_INIT = '''"""The {app} service: handlers in {app}/handlers/, served by `accord serve --app {app}`.

Define `setup(service)` here to prepare what the handlers share (a model, a database pool) once
at start-up; what it returns is `accord.service.app_state()` in every handler.
"""
'''


def scaffold(spec_path: str | Path, handlers_dir: str | Path) -> list[tuple[str, str]]:
    """Append a 501 stub for each operation without a handler; returns the (file, function) written."""
    document = load_spec(spec_path).document
    folder = Path(handlers_dir)
    written: list[tuple[str, str]] = []
    seen: set[str] = set()
    for op in missing_handlers(document, folder):
        if op.function in seen:  # the same operationId twice is the linter's business, not ours
            continue
        seen.add(op.function)
        file = folder / f"{op.module}.py"
        folder.mkdir(parents=True, exist_ok=True)
        text = file.read_text(encoding="utf-8") if file.exists() else _HEADER.format(tag=op.module)
        text = _with_any_import(text)
        text = text.rstrip("\n") + "\n" + render_stub(document, op)
        file.write_text(text, encoding="utf-8")
        written.append((str(file), op.function))
    init = folder / "__init__.py"
    if written and not init.exists():
        init.write_text('"""Request handlers, one module per tag of the contract."""\n', encoding="utf-8")
    return written
