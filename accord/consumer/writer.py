"""Writing a consumer contract as it is recorded: each new interaction is on disk at once.

The whole file is rewritten to a temporary sibling, fsynced and renamed over the old one
(POSIX rename is atomic), so the file is always a complete contract: a Ctrl-C, a crash or a
reader in the middle of a session sees every interaction recorded so far, never half a file.
Recording an interaction already in the file (same request, same status) writes nothing.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from accord.consumer.contract import ConsumerContract, Interaction, read_contract


class ContractWriter:
    """Appends distinct interactions to a contract file, flushing each one."""

    def __init__(self, path: str | Path, *, consumer: str, provider: str, accord: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.consumer, self.provider = consumer, provider
        self.accord = dict(accord or {})
        self.interactions: list[Interaction] = []
        if self.path.exists() and self.path.stat().st_size:
            existing = read_contract(self.path)  # a file we cannot read is refused before serving
            self.consumer, self.provider = existing.consumer, existing.provider
            self.interactions = list(existing.interactions)
        self.keys = {i.key for i in self.interactions}
        self._lock = threading.Lock()

    def __contains__(self, key: str) -> bool:
        return key in self.keys

    def add(self, interaction: Interaction) -> bool:
        """Record the interaction unless one with its key is there; True when written."""
        with self._lock:
            if interaction.key in self.keys:
                return False
            self.keys.add(interaction.key)
            self.interactions.append(interaction)
            self._flush()
            return True

    def contract(self) -> ConsumerContract:
        return ConsumerContract(self.consumer, self.provider, tuple(self.interactions), self.accord)

    def flush(self) -> None:
        with self._lock:
            self._flush()

    def _flush(self) -> None:
        data = self.contract().dumps()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
