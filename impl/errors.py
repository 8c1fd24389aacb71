"""Errors the ML service raises on purpose, rooted in accord's tree (accord/errors.py).

    AccordError
    └── ArtefactError          a model artefact that is missing, corrupt or tampered with
"""

from __future__ import annotations

from accord.errors import AccordError


class ArtefactError(AccordError):
    """A model artefact that cannot be trusted: checksum mismatch, untrusted types, unreadable."""

    exit_code = 2

    def __init__(self, model_id: str, reason: str) -> None:
        self.model_id = model_id
        self.reason = reason
        super().__init__(f"model {model_id!r} refused: {reason}")
