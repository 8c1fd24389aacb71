"""Errors the service kit raises on purpose, rooted in accord's tree (accord/errors.py).

    AccordError
    ├── AppNotFoundError       `--app` names no importable package
    ├── UnsupportedDocumentError  a document Connexion cannot bind (OpenAPI 3.1, or one it refuses)
    └── MissingHandlersError   operationIds in the contract without a handler (start-up fails)
"""

from __future__ import annotations

from accord.errors import AccordError


class AppNotFoundError(AccordError):
    """The handlers package to serve cannot be found or imported; raised before the port is bound."""

    exit_code = 2


class UnsupportedDocumentError(AccordError):
    """The document is valid but the service framework cannot serve it; raised before binding."""

    exit_code = 2


class MissingHandlersError(AccordError):
    """The contract names operations no handler implements; raised before the port is bound."""

    exit_code = 2

    def __init__(self, missing: list[tuple[str, str]], *, app_dir: str | None = None) -> None:
        self.missing = missing
        lines = "\n".join(f"  - {op} (expected {where})" for op, where in missing)
        hint = f"accord scaffold --app {app_dir}" if app_dir else "accord scaffold"
        super().__init__(
            f"{len(missing)} operationId(s) in the contract have no handler:\n{lines}\n"
            f"Run `{hint}` to write stubs for them."
        )
