"""Statuses that move over time, read from the representation's `status` enum.

A resource whose schema has a `status` property with an enum holding an initial status
(`queued`, `pending`…) and a final success (`succeeded`, `completed`…) is a long-running job:
it is created in the initial status, moves to the active one (`running`…) and then to the
success after the configured durations, and can be cancelled while not final. The status is
computed when the resource is read, from its creation time — no background task.
Timestamp members (`started_at`, `finished_at`, `expires_at`) and a `progress` object with
`total` / `completed` follow, when the schema has them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from accord.mock.state.resources import properties
from accord.openapi import deref

#: Known status names by stage, in order of preference.
STAGES: dict[str, tuple[str, ...]] = {
    "initial": ("queued", "pending", "submitted", "accepted", "created"),
    "active": ("running", "processing", "in_progress", "started"),
    "done": ("succeeded", "completed", "done", "finished", "success"),
    "cancelled": ("cancelled", "canceled", "aborted"),
    "failed": ("failed", "error"),
}
#: How long results are kept after a job ends (the `expires_at` member), in seconds.
RESULTS_KEPT = 24 * 3600


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """The statuses of one family and the durations between them."""

    initial: str
    active: str | None
    done: str
    cancelled: str | None
    finals: frozenset[str]
    queued_for: float
    running_for: float
    members: frozenset[str]  # top-level members the representation has

    def status(self, created: float, cancelled_at: float | None, now: float) -> str:
        if cancelled_at is not None and self.cancelled is not None:
            return self.cancelled
        elapsed = now - created
        if elapsed < self.queued_for:
            return self.initial
        if self.active is not None and elapsed < self.queued_for + self.running_for:
            return self.active
        return self.done

    def is_final(self, status: str) -> bool:
        return status in self.finals

    def apply(self, value: dict[str, Any], created: float, cancelled_at: float | None, now: float) -> dict[str, Any]:
        """The representation as it is at `now`: status, timestamps and progress."""
        status = self.status(created, cancelled_at, now)
        out = dict(value)
        out["status"] = status
        started = created + self.queued_for
        if status == self.done:
            finished: float | None = created + self.queued_for + self.running_for
        elif status == self.cancelled:
            finished = cancelled_at
        else:
            finished = None
        if "started_at" in self.members:
            begun = status not in (self.initial,) and not (status == self.cancelled and cancelled_at is not None
                                                            and cancelled_at < started)
            out["started_at"] = iso(started) if begun else None
        if "finished_at" in self.members:
            out["finished_at"] = iso(finished) if finished is not None else None
        if "expires_at" in self.members:
            out["expires_at"] = iso(finished + RESULTS_KEPT) if finished is not None else None
        progress = out.get("progress")
        if isinstance(progress, dict) and isinstance(progress.get("total"), int):
            total = progress["total"]
            if status == self.done:
                completed = total
            elif status == self.active and self.running_for > 0:
                share = (now - started) / self.running_for
                completed = min(total, max(0, int(total * share)))
            else:
                completed = progress.get("completed", 0) if status == self.cancelled else 0
            out["progress"] = {**progress, "completed": completed}
        return out


def _pick(names: tuple[str, ...], enum: list[Any]) -> str | None:
    return next((n for n in names if n in enum), None)


def lifecycle_for(document: dict[str, Any], schema: Any, durations: dict[str, float]) -> Lifecycle | None:
    """The lifecycle of a representation schema, or None when it has no recognisable statuses."""
    members = properties(document, schema)
    status = deref(document, members.get("status"))
    enum = status.get("enum") if isinstance(status, dict) else None
    if not isinstance(enum, list):
        return None
    initial, active = _pick(STAGES["initial"], enum), _pick(STAGES["active"], enum)
    done, cancelled = _pick(STAGES["done"], enum), _pick(STAGES["cancelled"], enum)
    if initial is None or done is None:
        return None
    finals = {done, *(n for n in STAGES["cancelled"] + STAGES["failed"] if n in enum)}
    return Lifecycle(
        initial, active, done, cancelled, frozenset(finals),
        durations.get(initial, durations.get("queued", 0.0)),
        durations.get(active or "", durations.get("running", 0.0)) if active else 0.0,
        frozenset(members),
    )


Clock = Callable[[], float]
DEFAULT_CLOCK: Clock = time.time
