"""What every job store shares: the job record, its API shape, idempotency fingerprints and errors."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

TERMINAL = frozenset({"succeeded", "failed", "cancelled"})
STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
#: A reserved Idempotency-Key whose request died before creating its job is released after this.
IDEMPOTENCY_RESERVATION_SECONDS = 60.0


class IdempotencyKeyInUse(Exception):
    """409: the request that first used this key is still being processed."""


class IdempotencyKeyReused(Exception):
    """422: this key was used before with a different request."""


def settle_key(key: str, fp: str, row: tuple[Any, ...], now: float) -> str | None:
    """An Idempotency-Key already stored as `row` (fingerprint, job_id, created_ts): the job id it
    names (a replay), or None when its reservation was abandoned long enough ago for the caller to
    take it again. IdempotencyKeyReused for another body, IdempotencyKeyInUse while reserved."""
    stored_fp, job_id, created = row
    if stored_fp != fp:
        raise IdempotencyKeyReused(key)
    if job_id is None:
        if now - created < IDEMPOTENCY_RESERVATION_SECONDS:
            raise IdempotencyKeyInUse(key)
        return None
    return str(job_id)


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def fingerprint(model_id: str, version: str, body: Any) -> str:
    canonical = json.dumps([model_id, version, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(slots=True, frozen=True)
class Job:
    id: str
    model_id: str
    model_version: str
    status: str
    created_ts: float
    started_ts: float | None
    finished_ts: float | None
    expires_ts: float | None
    total: int
    completed: int
    request_id: str | None
    error: dict[str, Any] | None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    def expired(self, now: float | None = None) -> bool:
        return self.expires_ts is not None and (time.time() if now is None else now) >= self.expires_ts

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "model_id": self.model_id,
            "model_version": self.model_version,
            "status": self.status,
            "created_at": iso(self.created_ts),
            "started_at": iso(self.started_ts),
            "finished_at": iso(self.finished_ts),
            "expires_at": iso(self.expires_ts),
            "progress": {"total": self.total, "completed": self.completed},
            "request_id": self.request_id,
            "error": self.error,
        }


#: The columns a Job is read from, in its fields' order (both stores' schemas name them alike).
JOB_COLUMNS = ("id, model_id, model_version, status, created_ts, started_ts, finished_ts, expires_ts, "
               "total, completed, request_id, error")


def job_from_row(row: tuple[Any, ...] | Any) -> Job:
    values = list(row)
    if isinstance(values[11], str):
        values[11] = json.loads(values[11]) if values[11] else None
    return Job(*values)
