"""operationId → handler: `snake_case(operationId)` in the module named after the first tag.

The contract holds no Python paths. Every operation is resolved before the app is built, so a
missing handler fails start-up, before the port is bound, with the full list (not the first).
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from types import ModuleType
from typing import Any

from connexion.resolver import Resolver

from accord.scaffold import operations
from accord.service.errors import MissingHandlersError
from accord.service.loader import import_app_module


def _modules(package: str) -> dict[str, ModuleType]:
    root = import_app_module(package)
    found = {}
    for info in pkgutil.iter_modules(root.__path__):
        found[info.name] = import_app_module(f"{package}.{info.name}")
    return found


def resolve_handlers(document: dict[str, Any], package: str, *,
                     app_dir: str | None = None) -> dict[str, Callable[..., Any]]:
    """Map each operationId to its function; raises MissingHandlersError listing all that lack one."""
    modules = _modules(package)
    handlers: dict[str, Callable[..., Any]] = {}
    missing: list[tuple[str, str]] = []
    for op in operations(document):
        # The tag's module first; then any module, so moving a handler between modules still works.
        candidates = [modules[op.module]] if op.module in modules else []
        candidates += [m for name, m in sorted(modules.items()) if name != op.module]
        function = next((getattr(m, op.function) for m in candidates if callable(getattr(m, op.function, None))),
                        None)
        if function is None:
            missing.append((op.operation_id, f"{package}.{op.module}.{op.function}"))
        else:
            handlers[op.operation_id] = function
    if missing:
        raise MissingHandlersError(missing, app_dir=app_dir)
    return handlers


def operation_resolver(handlers: dict[str, Callable[..., Any]]) -> Resolver:
    def lookup(operation_id: str) -> Callable[..., Any]:
        try:
            return handlers[operation_id]
        except KeyError as exc:  # Resolver only wraps ImportError/AttributeError/ValueError
            raise AttributeError(operation_id) from exc

    return Resolver(function_resolver=lookup)
