"""Errors the service raises on purpose, rooted in accord's tree (accord/errors.py).

    AccordError
    ├── MissingHandlersError   operationIds in the contract without a handler (start-up fails)
    └── ArtefactError          a model artefact that is missing, corrupt or tampered with
"""

from __future__ import annotations

from accord.errors import AccordError


class MissingHandlersError(AccordError):
    """The contract names operations no handler implements; raised before the port is bound."""

    exit_code = 2

    def __init__(self, missing: list[tuple[str, str]]) -> None:
        self.missing = missing
        lines = "\n".join(f"  - {op} (expected {where})" for op, where in missing)
        super().__init__(
            f"{len(missing)} operationId(s) in the contract have no handler:\n{lines}\n"
            "Run `accord scaffold` to write stubs for them."
        )


class ArtefactError(AccordError):
    """A model artefact that cannot be trusted: checksum mismatch, untrusted types, unreadable."""

    exit_code = 2

    def __init__(self, model_id: str, reason: str) -> None:
        self.model_id = model_id
        self.reason = reason
        super().__init__(f"model {model_id!r} refused: {reason}")
