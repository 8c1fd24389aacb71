"""The embedded job store: one SQLite file (WAL), safe across threads and across uvicorn worker processes.

A job row holds its input until it finishes and its results as one row per instance, so a job
accepted with 202 survives any restart, and a resumed job continues where it stopped without
writing a result twice (`results` is keyed by (job_id, index)). `impl.jobs.storage` describes what
every store provides; `impl.jobs.postgres` is the same for replicas that share one database.
"""

from __future__ import annotations

import builtins
import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from impl.config import DEFAULT_JOBS_BUSY_TIMEOUT_SECONDS
from impl.jobs.ids import new_job_id
from impl.jobs.records import (  # noqa: F401 - re-exported: the records every store shares
    IDEMPOTENCY_RESERVATION_SECONDS,
    JOB_COLUMNS,
    STATUSES,
    TERMINAL,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    Job,
    fingerprint,
    iso,
    job_from_row,
    settle_key,
)

#: How long a write waits for another connection's lock before failing (a request then gets 503
#: job-store-unavailable, the worker retries): long enough for any of our own transactions.
#: `impl.setup` passes ACCORD_JOBS_BUSY_TIMEOUT_SECONDS (impl/config.py).
BUSY_TIMEOUT_SECONDS = DEFAULT_JOBS_BUSY_TIMEOUT_SECONDS

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    model_id TEXT NOT NULL,
    model_version TEXT NOT NULL,
    status TEXT NOT NULL,
    created_ts REAL NOT NULL,
    started_ts REAL,
    finished_ts REAL,
    expires_ts REAL,
    total INTEGER NOT NULL,
    completed INTEGER NOT NULL DEFAULT 0,
    request_id TEXT,
    error TEXT,
    options TEXT NOT NULL,
    instances TEXT,
    lease_owner TEXT,
    lease_until REAL
);
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created_ts DESC, id DESC);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_ts);
CREATE TABLE IF NOT EXISTS results (
    job_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    prediction TEXT NOT NULL,
    PRIMARY KEY (job_id, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    job_id TEXT,
    created_ts REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class JobStore:
    """Thread-safe access to the jobs file: one connection per thread, explicit transactions."""

    #: What a store that cannot answer raises (locked or full file): 503 job-store-unavailable.
    unavailable: tuple[type[Exception], ...] = (sqlite3.OperationalError,)
    #: Errors that are the store's, not the job's: a worker retries rather than failing the job.
    transient: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, path: Path, *, ttl_seconds: float = 24 * 3600,
                 busy_timeout_seconds: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.path = path
        self.ttl_seconds = ttl_seconds
        self.busy_timeout_seconds = busy_timeout_seconds
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn().executescript(_SCHEMA)

    @property
    def name(self) -> str:
        """Which store this is (one embedded worker per store and process)."""
        return str(self.path.resolve())

    def close(self) -> None:
        """Connections are per thread and closed with it; nothing to release here."""

    # -- connections -------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=self.busy_timeout_seconds,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_seconds * 1000)}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT: writers serialise on the file lock, across processes too."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def secret(self) -> bytes:
        """A random secret kept in the file, shared by every worker process (page-token signing)."""
        with self.transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE name = 'secret'").fetchone()
            if row is None:
                value = secrets.token_hex(32)
                db.execute("INSERT INTO meta (name, value) VALUES ('secret', ?)", (value,))
                return bytes.fromhex(value)
            return bytes.fromhex(row[0])

    # -- creation and idempotency ------------------------------------------------------------

    def reserve_key(self, key: str, fp: str) -> Job | None:
        """Reserve an Idempotency-Key; returns the original job when this is a replay."""
        now = time.time()
        with self.transaction() as db:
            row = db.execute("SELECT fingerprint, job_id, created_ts FROM idempotency WHERE key = ?",
                             (key,)).fetchone()
            if row is None:
                db.execute("INSERT INTO idempotency (key, fingerprint, job_id, created_ts) VALUES (?, ?, NULL, ?)",
                           (key, fp, now))
                return None
            job_id = settle_key(key, fp, row, now)
            if job_id is None:  # an abandoned reservation: take it
                db.execute("UPDATE idempotency SET created_ts = ? WHERE key = ?", (now, key))
                return None
        job = self.get(job_id)
        if job is None:  # purged: the key is free again
            with self.transaction() as db:
                db.execute("UPDATE idempotency SET job_id = NULL, created_ts = ? WHERE key = ?", (now, key))
        return job

    def release_key(self, key: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM idempotency WHERE key = ? AND job_id IS NULL", (key,))

    def create(self, *, model_id: str, model_version: str, instances: list[Any], options: Mapping[str, Any],
               request_id: str | None, idempotency_key: str | None = None) -> Job:
        job_id = new_job_id()
        now = time.time()
        payload = json.dumps(instances, separators=(",", ":"))
        with self.transaction() as db:
            db.execute(
                "INSERT INTO jobs (id, model_id, model_version, status, created_ts, total, completed, "
                "request_id, options, instances) VALUES (?, ?, ?, 'queued', ?, ?, 0, ?, ?, ?)",
                (job_id, model_id, model_version, now, len(instances), request_id,
                 json.dumps(dict(options)), payload),
            )
            if idempotency_key is not None:
                db.execute("UPDATE idempotency SET job_id = ? WHERE key = ?", (job_id, idempotency_key))
        job = self.get(job_id)
        assert job is not None  # written in the transaction above
        return job

    def discard(self, job_id: str) -> None:
        """Undo a creation whose job could not be handed to the workers: as if never accepted."""
        with self.transaction() as db:
            db.execute("DELETE FROM idempotency WHERE job_id = ?", (job_id,))
            db.execute("DELETE FROM results WHERE job_id = ?", (job_id,))
            db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    # -- reading -----------------------------------------------------------------------------

    def get(self, job_id: str) -> Job | None:
        row = self._conn().execute(f"SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return job_from_row(row) if row else None

    def list(self, *, limit: int, model_id: str | None = None, status: str | None = None,
             after: tuple[float, str] | None = None) -> tuple[list[Job], tuple[float, str] | None]:
        """Newest first; returns the page and the cursor of its last item when more follow."""
        where: list[str] = []
        args: list[object] = []
        if model_id is not None:
            where.append("model_id = ?")
            args.append(model_id)
        if status is not None:
            where.append("status = ?")
            args.append(status)
        if after is not None:
            where.append("(created_ts < ? OR (created_ts = ? AND id < ?))")
            args.extend([after[0], after[0], after[1]])
        sql = f"SELECT {JOB_COLUMNS} FROM jobs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_ts DESC, id DESC LIMIT ?"
        rows = self._conn().execute(sql, [*args, limit + 1]).fetchall()
        jobs = [job_from_row(r) for r in rows[:limit]]
        more = len(rows) > limit
        return jobs, ((jobs[-1].created_ts, jobs[-1].id) if more and jobs else None)

    # `list` below is the method above; builtins.list is the type.
    def results(self, job_id: str, *, start: int, limit: int) -> tuple[builtins.list[tuple[int, Any]], int | None]:
        rows = self._conn().execute(
            "SELECT idx, prediction FROM results WHERE job_id = ? AND idx >= ? ORDER BY idx LIMIT ?",
            (job_id, start, limit + 1),
        ).fetchall()
        page = [(idx, json.loads(p)) for idx, p in rows[:limit]]
        return page, (rows[limit][0] if len(rows) > limit else None)

    # -- state changes -----------------------------------------------------------------------

    def cancel(self, job_id: str) -> tuple[Job | None, bool]:
        """Cancel a queued or running job; returns (job, changed). Terminal jobs are unchanged."""
        now = time.time()
        with self.transaction() as db:
            changed = db.execute(
                "UPDATE jobs SET status = 'cancelled', finished_ts = ?, expires_ts = ?, instances = NULL, "
                "lease_owner = NULL, lease_until = NULL WHERE id = ? AND status IN ('queued', 'running')",
                (now, now + self.ttl_seconds, job_id),
            ).rowcount
        return self.get(job_id), bool(changed)

    def claim(self, owner: str, lease_seconds: float) -> tuple[Job, builtins.list[Any], dict[str, Any]] | None:
        """Take the oldest queued job, or a running one whose worker's lease ran out (a crash)."""
        now = time.time()
        with self.transaction() as db:
            row = db.execute(
                "SELECT id FROM jobs WHERE status = 'queued' "
                "OR (status = 'running' AND (lease_until IS NULL OR lease_until < ?)) "
                "ORDER BY created_ts LIMIT 1",
                (now,),
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE jobs SET status = 'running', started_ts = COALESCE(started_ts, ?), "
                "lease_owner = ?, lease_until = ? WHERE id = ?",
                (now, owner, now + lease_seconds, row[0]),
            )
            instances, options = db.execute("SELECT instances, options FROM jobs WHERE id = ?",
                                            (row[0],)).fetchone()
        job = self.get(row[0])
        assert job is not None
        return job, json.loads(instances or "[]"), json.loads(options)

    def record(self, job_id: str, owner: str, lease_seconds: float, start: int,
               predictions: builtins.list[Any]) -> bool:
        """Store one batch of results and the progress; False when the job is no longer ours."""
        with self.transaction() as db:
            still_ours = db.execute(
                "UPDATE jobs SET completed = ?, lease_until = ? "
                "WHERE id = ? AND status = 'running' AND lease_owner = ?",
                (start + len(predictions), time.time() + lease_seconds, job_id, owner),
            ).rowcount
            if not still_ours:
                return False
            db.executemany(
                "INSERT OR IGNORE INTO results (job_id, idx, prediction) VALUES (?, ?, ?)",
                [(job_id, start + i, json.dumps(p, separators=(",", ":"))) for i, p in enumerate(predictions)],
            )
        return True

    def finish(self, job_id: str, owner: str, *, error: dict[str, Any] | None = None) -> bool:
        now = time.time()
        with self.transaction() as db:
            return bool(db.execute(
                "UPDATE jobs SET status = ?, finished_ts = ?, expires_ts = ?, error = ?, instances = NULL, "
                "lease_owner = NULL, lease_until = NULL WHERE id = ? AND status = 'running' AND lease_owner = ?",
                ("failed" if error else "succeeded", now, now + self.ttl_seconds,
                 json.dumps(error) if error else None, job_id, owner),
            ).rowcount)

    def release(self, job_id: str, owner: str) -> None:
        """Give a running job back (graceful shutdown): any worker may resume it at once."""
        with self.transaction() as db:
            db.execute("UPDATE jobs SET lease_until = 0 WHERE id = ? AND status = 'running' AND lease_owner = ?",
                       (job_id, owner))

    def purge_expired(self, now: float | None = None) -> int:
        """Drop results of expired jobs (the job row stays, so /results can answer 410)."""
        now = time.time() if now is None else now
        with self.transaction() as db:
            removed = db.execute(
                "DELETE FROM results WHERE job_id IN (SELECT id FROM jobs WHERE expires_ts IS NOT NULL "
                "AND expires_ts < ?)", (now,)).rowcount
            db.execute("DELETE FROM idempotency WHERE created_ts < ?", (now - self.ttl_seconds,))
        return removed
