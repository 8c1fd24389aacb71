"""The resources a stateful mock holds: per family, in creation order, per process.

Reset by `POST /__accord/reset` (back to the seed, if any). A seed file maps item templates
to lists of representations; each is validated against the family's schema when loaded.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord import pointers
from accord.documents import load


@dataclass(slots=True)
class Record:
    """One stored resource: its representation and when it was made (for its lifecycle)."""

    value: dict[str, Any]
    created: float
    moving: bool = True  # False for seeded resources: their status stays as written
    cancelled_at: float | None = None
    count: int | None = None  # how many results it has (the size of the submitted array)


@dataclass(slots=True)
class Store:
    """family item template -> id -> Record (insertion ordered); thread-safe for writes."""

    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    seed: dict[str, dict[str, Record]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)  # one sequence per family
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def family(self, item: str) -> dict[str, Record]:
        return self.records.setdefault(item, {})

    def get(self, item: str, key: str) -> Record | None:
        return self.records.get(item, {}).get(key)

    def put(self, item: str, key: str, record: Record) -> None:
        with self._lock:
            self.family(item)[key] = record

    def delete(self, item: str, key: str) -> bool:
        with self._lock:
            return self.records.get(item, {}).pop(key, None) is not None

    def next_number(self, item: str) -> int:
        """The family's next number (1, 2, 3…), skipping numbers its resources already use as ids
        (a client may have chosen one)."""
        with self._lock:
            taken = self.records.get(item, {})
            number = self.counters.get(item, 0) + 1
            while str(number) in taken:
                number += 1
            self.counters[item] = number
            return number

    def reset(self) -> int:
        """Back to the seed; returns how many resources were dropped."""
        with self._lock:
            dropped = sum(len(v) for v in self.records.values())
            self.records = {item: dict(records) for item, records in self.seed.items()}
            self.counters = {}
            return dropped


def read_seed(path: str | Path, problems: Any) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """item template -> [(pointer, representation)] as written in the seed file."""
    data = load(Path(path))
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    if not isinstance(data, dict):
        problems.add("", "a seed file maps item path templates to lists of resources")
        return found
    for item, values in data.items():
        where = pointers.join("", item)
        if not isinstance(values, list):
            problems.add(where, "expected a list of resources")
            continue
        for index, value in enumerate(values):
            if not isinstance(value, dict):
                problems.add(f"{where}/{index}", "a resource is a JSON object")
                continue
            found.setdefault(str(item), []).append((f"{where}/{index}", value))
    return found
