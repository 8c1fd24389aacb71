"""The shared job store: one PostgreSQL database for any number of service replicas and workers.

The same guarantees as the SQLite file (`impl.jobs.store`), across machines: a job's input is
committed before its 202, results are keyed by (job_id, idx) and inserted with ON CONFLICT DO
NOTHING (a batch run twice writes nothing twice), the page-token secret lives in the database
(a token issued by one replica is accepted by every other), idempotency keys are rows. Connections
come from a psycopg pool that checks each one before lending it, so a database restarted under
the service is used again without restarting the service. The schema is versioned: `MIGRATIONS`
are applied in order at start, under an advisory lock, so replicas starting together agree.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
import secrets
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from impl.jobs.ids import new_job_id
from impl.jobs.records import (
    JOB_COLUMNS,
    Job,
    job_from_row,
    settle_key,
)

#: Schema versions, applied once each in order (`schema_migrations` remembers which ran).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        model_id TEXT NOT NULL,
        model_version TEXT NOT NULL,
        status TEXT NOT NULL,
        created_ts DOUBLE PRECISION NOT NULL,
        started_ts DOUBLE PRECISION,
        finished_ts DOUBLE PRECISION,
        expires_ts DOUBLE PRECISION,
        total INTEGER NOT NULL,
        completed INTEGER NOT NULL DEFAULT 0,
        request_id TEXT,
        error TEXT,
        options TEXT NOT NULL,
        instances JSONB,
        lease_owner TEXT,
        lease_until DOUBLE PRECISION
    );
    CREATE INDEX jobs_by_created ON jobs (created_ts DESC, id DESC);
    CREATE INDEX jobs_by_status ON jobs (status, created_ts);
    CREATE TABLE results (
        job_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        prediction TEXT NOT NULL,
        PRIMARY KEY (job_id, idx)
    );
    CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        job_id TEXT,
        created_ts DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # A job's input in chunks of INPUT_CHUNK instances: a batch reads a few small rows, not the
    # whole input, and progress updates rewrite a small job row.
    """
    ALTER TABLE jobs DROP COLUMN instances;
    CREATE TABLE inputs (
        job_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        n INTEGER NOT NULL,
        instances TEXT NOT NULL,
        PRIMARY KEY (job_id, start)
    );
    """,
)
#: Instances per row of `inputs`.
INPUT_CHUNK = 100

#: The pool retries a lost connection with backoff (1, 2, 4 s…) for this long, then gives up until the
#: next request asks for one: short, so a database back after a long outage is found at once.
RECONNECT_SECONDS = 5.0
#: Any number taken by no other user of the database: the lock replicas take to migrate one at a time.
_MIGRATION_LOCK = 0x61636364  # "accd"
_OPEN = "('queued', 'running')"
_QUALIFIED_COLUMNS = ", ".join("jobs." + column.strip() for column in JOB_COLUMNS.split(","))


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class PostgresJobStore:
    """Job records and results in PostgreSQL, through a pool of checked connections."""

    #: Database down, unreachable, or the pool had no connection within the timeout.
    unavailable: tuple[type[Exception], ...] = (psycopg.OperationalError, psycopg.InterfaceError)
    transient: tuple[type[Exception], ...] = (psycopg.OperationalError, psycopg.InterfaceError)

    def __init__(self, url: str, *, ttl_seconds: float = 24 * 3600, timeout_seconds: float = 10.0,
                 max_connections: int = 8, check_connections: bool = True) -> None:
        self.url = url
        self.ttl_seconds = ttl_seconds
        self._pool = ConnectionPool(
            url, min_size=1, max_size=max_connections, timeout=timeout_seconds, open=False,
            # A replica checks each connection before use (one round trip), so the first request after a
            # database restart is answered; a worker skips it and retries the batch that met a dead one.
            check=ConnectionPool.check_connection if check_connections else None,
            reconnect_timeout=RECONNECT_SECONDS,
            # Autocommit: a one-statement method is one round trip; several statements take `transaction()`.
            kwargs={"connect_timeout": max(1, int(timeout_seconds)), "application_name": "accord-jobs",
                    "autocommit": True},
        )
        try:
            self._pool.open(wait=True, timeout=timeout_seconds)
            self.migrate()
        except BaseException:
            self._pool.close(timeout=0)
            raise

    @property
    def name(self) -> str:
        """The database, without its password (one embedded worker per store and process)."""
        info = psycopg.conninfo.conninfo_to_dict(self.url)
        return f"postgresql://{info.get('user', '')}@{info.get('host', '')}:{info.get('port', '')}/" \
               f"{info.get('dbname', '')}"

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        with self._pool.connection() as conn, conn.transaction():
            yield conn

    def migrate(self) -> int:
        """Apply the migrations this database has not seen; returns the schema version."""
        with self.transaction() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                       "applied_ts DOUBLE PRECISION NOT NULL)")
            row = db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()
            current = int(row[0]) if row else 0
            for version, sql in enumerate(MIGRATIONS, start=1):
                if version > current:
                    db.execute(sql.encode())
                    db.execute("INSERT INTO schema_migrations (version, applied_ts) VALUES (%s, %s)",
                               (version, time.time()))
            return len(MIGRATIONS)

    def secret(self) -> bytes:
        """The page-token secret, created by whichever replica comes first and shared by all."""
        with self.transaction() as db:
            db.execute("INSERT INTO meta (name, value) VALUES ('secret', %s) ON CONFLICT (name) DO NOTHING",
                       (secrets.token_hex(32),))
            row = db.execute("SELECT value FROM meta WHERE name = 'secret'").fetchone()
        assert row is not None
        return bytes.fromhex(row[0])

    # -- creation and idempotency ------------------------------------------------------------

    def reserve_key(self, key: str, fp: str) -> Job | None:
        now = time.time()
        with self.transaction() as db:
            inserted = db.execute(
                "INSERT INTO idempotency (key, fingerprint, job_id, created_ts) VALUES (%s, %s, NULL, %s) "
                "ON CONFLICT (key) DO NOTHING", (key, fp, now)).rowcount
            if inserted:
                return None
            row = db.execute("SELECT fingerprint, job_id, created_ts FROM idempotency WHERE key = %s FOR UPDATE",
                             (key,)).fetchone()
            if row is None:  # purged between the two statements: take it now
                db.execute("INSERT INTO idempotency (key, fingerprint, job_id, created_ts) VALUES (%s, %s, NULL, %s)",
                           (key, fp, now))
                return None
            job_id = settle_key(key, fp, row, now)
            if job_id is None:  # an abandoned reservation: take it
                db.execute("UPDATE idempotency SET created_ts = %s WHERE key = %s", (now, key))
                return None
        job = self.get(job_id)
        if job is None:  # purged: the key is free again
            with self.transaction() as db:
                db.execute("UPDATE idempotency SET job_id = NULL, created_ts = %s WHERE key = %s", (now, key))
        return job

    def release_key(self, key: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM idempotency WHERE key = %s AND job_id IS NULL", (key,))

    def create(self, *, model_id: str, model_version: str, instances: builtins.list[Any],
               options: Mapping[str, Any], request_id: str | None, idempotency_key: str | None = None) -> Job:
        job_id = new_job_id()
        with self.transaction() as db:
            row = db.execute(
                "INSERT INTO jobs (id, model_id, model_version, status, created_ts, total, completed, request_id, "
                f"options) VALUES (%s, %s, %s, 'queued', %s, %s, 0, %s, %s) RETURNING {JOB_COLUMNS}",
                (job_id, model_id, model_version, time.time(), len(instances), request_id, _dumps(dict(options))),
            ).fetchone()
            starts = list(range(0, len(instances), INPUT_CHUNK))
            db.execute(
                "INSERT INTO inputs (job_id, start, n, instances) SELECT %s, s, n, i "
                "FROM unnest(%s::int[], %s::int[], %s::text[]) AS t(s, n, i)",
                (job_id, starts, [len(instances[s:s + INPUT_CHUNK]) for s in starts],
                 [_dumps(instances[s:s + INPUT_CHUNK]) for s in starts]),
            )
            if idempotency_key is not None:
                db.execute("UPDATE idempotency SET job_id = %s WHERE key = %s", (job_id, idempotency_key))
        assert row is not None
        return job_from_row(row)

    def discard(self, job_id: str) -> None:
        """Undo a creation whose job could not be handed to the workers: as if never accepted."""
        with self.transaction() as db:
            db.execute("DELETE FROM idempotency WHERE job_id = %s", (job_id,))
            db.execute("DELETE FROM results WHERE job_id = %s", (job_id,))
            db.execute("DELETE FROM inputs WHERE job_id = %s", (job_id,))
            db.execute("DELETE FROM jobs WHERE id = %s", (job_id,))

    # -- reading -----------------------------------------------------------------------------

    def get(self, job_id: str) -> Job | None:
        with self._pool.connection() as db:
            row = db.execute(f"SELECT {JOB_COLUMNS} FROM jobs WHERE id = %s", (job_id,)).fetchone()
        return job_from_row(row) if row else None

    def list(self, *, limit: int, model_id: str | None = None, status: str | None = None,
             after: tuple[float, str] | None = None) -> tuple[builtins.list[Job], tuple[float, str] | None]:
        """Newest first; the cursor is (created_ts, id), the same values on every replica."""
        where: builtins.list[str] = []
        args: builtins.list[object] = []
        if model_id is not None:
            where.append("model_id = %s")
            args.append(model_id)
        if status is not None:
            where.append("status = %s")
            args.append(status)
        if after is not None:
            where.append("(created_ts, id) < (%s, %s)")
            args.extend(after)
        sql = f"SELECT {JOB_COLUMNS} FROM jobs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_ts DESC, id DESC LIMIT %s"
        with self._pool.connection() as db:
            rows = db.execute(sql.encode(), [*args, limit + 1]).fetchall()
        jobs = [job_from_row(r) for r in rows[:limit]]
        more = len(rows) > limit
        return jobs, ((jobs[-1].created_ts, jobs[-1].id) if more and jobs else None)

    def results(self, job_id: str, *, start: int, limit: int) -> tuple[builtins.list[tuple[int, Any]], int | None]:
        with self._pool.connection() as db:
            rows = db.execute(
                "SELECT idx, prediction FROM results WHERE job_id = %s AND idx >= %s ORDER BY idx LIMIT %s",
                (job_id, start, limit + 1),
            ).fetchall()
        page = [(idx, json.loads(p)) for idx, p in rows[:limit]]
        return page, (rows[limit][0] if len(rows) > limit else None)

    # -- state changes -----------------------------------------------------------------------

    def cancel(self, job_id: str) -> tuple[Job | None, bool]:
        now = time.time()
        with self.transaction() as db:
            changed = db.execute(
                "UPDATE jobs SET status = 'cancelled', finished_ts = %s, expires_ts = %s, "
                f"lease_owner = NULL, lease_until = NULL WHERE id = %s AND status IN {_OPEN}",
                (now, now + self.ttl_seconds, job_id),
            ).rowcount
            db.execute("DELETE FROM inputs WHERE job_id = %s", (job_id,))
        return self.get(job_id), bool(changed)

    # The embedded worker's protocol (a thread in each replica, leases), as on SQLite.

    def claim(self, owner: str, lease_seconds: float) -> tuple[Job, builtins.list[Any], dict[str, Any]] | None:
        now = time.time()
        with self.transaction() as db:
            row = db.execute(
                f"UPDATE jobs SET status = 'running', started_ts = COALESCE(started_ts, %s), lease_owner = %s, "
                f"lease_until = %s WHERE id = (SELECT id FROM jobs WHERE status = 'queued' OR (status = 'running' "
                f"AND (lease_until IS NULL OR lease_until < %s)) ORDER BY created_ts LIMIT 1 FOR UPDATE SKIP LOCKED) "
                f"RETURNING {JOB_COLUMNS}, options",
                (now, owner, now + lease_seconds, now),
            ).fetchone()
            if row is None:
                return None
            instances = self._inputs(db, row[0], 0, row[8])
        return job_from_row(row[:12]), instances, json.loads(row[12])

    @staticmethod
    def _inputs(db: psycopg.Connection[Any], job_id: str, start: int, count: int) -> builtins.list[Any]:
        """Instances [start, start + count) of a job, from the chunks that hold them."""
        rows = db.execute("SELECT start, instances FROM inputs WHERE job_id = %s AND start < %s AND start + n > %s "
                          "ORDER BY start", (job_id, start + count, start)).fetchall()
        if not rows:
            return []
        first = rows[0][0]
        joined = [item for _, chunk in rows for item in json.loads(chunk)]
        return joined[start - first:start - first + count]

    def record(self, job_id: str, owner: str, lease_seconds: float, start: int,
               predictions: builtins.list[Any]) -> bool:
        with self.transaction() as db:
            still_ours = db.execute(
                "UPDATE jobs SET completed = %s, lease_until = %s "
                "WHERE id = %s AND status = 'running' AND lease_owner = %s",
                (start + len(predictions), time.time() + lease_seconds, job_id, owner),
            ).rowcount
            if not still_ours:
                return False
            self._insert_results(db, job_id, start, predictions)
        return True

    def finish(self, job_id: str, owner: str, *, error: dict[str, Any] | None = None) -> bool:
        now = time.time()
        with self.transaction() as db:
            finished = db.execute(
                "UPDATE jobs SET status = %s, finished_ts = %s, expires_ts = %s, error = %s, "
                "lease_owner = NULL, lease_until = NULL WHERE id = %s AND status = 'running' AND lease_owner = %s",
                ("failed" if error else "succeeded", now, now + self.ttl_seconds,
                 json.dumps(error) if error else None, job_id, owner),
            ).rowcount
            if finished:
                db.execute("DELETE FROM inputs WHERE job_id = %s", (job_id,))
            return bool(finished)

    def release(self, job_id: str, owner: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE jobs SET lease_until = 0 WHERE id = %s AND status = 'running' AND lease_owner = %s",
                       (job_id, owner))

    # The Celery workers' protocol: a job is split into batches, each a task that may run twice.

    def batch(self, job_id: str, start: int, count: int) -> tuple[Job, builtins.list[Any], dict[str, Any]] | None:
        """A batch's input, the job marked running; None when the job is gone or has ended (cancelled).
        One statement (one round trip): it runs once per batch on every worker."""
        now = time.time()
        with self._pool.connection() as db:
            row = db.execute(
                "WITH started AS (UPDATE jobs SET status = 'running', started_ts = %(now)s "
                "WHERE id = %(id)s AND status = 'queued' RETURNING id) "
                f"SELECT {JOB_COLUMNS}, options, ARRAY(SELECT instances FROM inputs WHERE job_id = %(id)s "
                "AND start < %(end)s AND start + n > %(start)s ORDER BY start), (SELECT count(*) FROM started) "
                f"FROM jobs WHERE id = %(id)s AND status IN {_OPEN}",
                {"now": now, "id": job_id, "start": start, "end": start + count},
            ).fetchone()
        if row is None:
            return None
        job = job_from_row(row[:12])
        if row[14]:  # this batch started the job (the SELECT saw the row as it was before)
            job = dataclasses.replace(job, status="running", started_ts=now)
        first = start - start % INPUT_CHUNK  # chunks start at multiples of INPUT_CHUNK
        joined = [item for chunk in row[13] for item in json.loads(chunk)]
        return job, joined[start - first:start - first + count], json.loads(row[12])

    def record_batch(self, job_id: str, start: int, predictions: builtins.list[Any]) -> Job | None:
        """Write a batch's results once; the job's progress counts rows written, so a batch that
        runs again (its worker died before acknowledging it) adds nothing. The last batch finishes
        the job. None when the job has ended (cancelled) in the meantime: nothing is written.

        One statement: the job row is locked first (FOR UPDATE re-reads it, so a cancel committed
        meanwhile leaves nothing to lock), then the rows are inserted and the progress counted."""
        now = time.time()
        with self._pool.connection() as db:
            row = db.execute(
                f"WITH job AS (SELECT id FROM jobs WHERE id = %(id)s AND status IN {_OPEN} FOR UPDATE), "
                "written AS (INSERT INTO results (job_id, idx, prediction) SELECT job.id, i, p FROM job, "
                "unnest(%(idx)s::int[], %(p)s::text[]) AS t(i, p) ON CONFLICT (job_id, idx) DO NOTHING RETURNING 1), "
                "n AS (SELECT count(*)::int AS n FROM written) "
                "UPDATE jobs SET completed = completed + n.n, started_ts = COALESCE(started_ts, %(now)s), "
                "status = CASE WHEN completed + n.n >= total THEN 'succeeded' ELSE 'running' END, "
                "finished_ts = CASE WHEN completed + n.n >= total THEN %(now)s END, "
                "expires_ts = CASE WHEN completed + n.n >= total THEN %(expires)s END "
                f"FROM n WHERE jobs.id = (SELECT id FROM job) RETURNING {_QUALIFIED_COLUMNS}",
                {"id": job_id, "idx": list(range(start, start + len(predictions))),
                 "p": [_dumps(p) for p in predictions], "now": now, "expires": now + self.ttl_seconds},
            ).fetchone()
            if row is None:
                return None
            job = job_from_row(row)
            if job.terminal:
                db.execute("DELETE FROM inputs WHERE job_id = %s", (job_id,))
        return job

    def fail(self, job_id: str, error: dict[str, Any]) -> bool:
        """End a job that cannot run (its model is not ready, its predictions keep failing)."""
        now = time.time()
        with self.transaction() as db:
            failed = db.execute(
                "UPDATE jobs SET status = 'failed', finished_ts = %s, expires_ts = %s, error = %s "
                f"WHERE id = %s AND status IN {_OPEN}",
                (now, now + self.ttl_seconds, json.dumps(error), job_id),
            ).rowcount
            db.execute("DELETE FROM inputs WHERE job_id = %s", (job_id,))
            return bool(failed)

    @staticmethod
    def _insert_results(db: psycopg.Connection[Any], job_id: str, start: int,
                        predictions: builtins.list[Any]) -> int:
        return db.execute(
            "INSERT INTO results (job_id, idx, prediction) SELECT %s, i, p FROM unnest(%s::int[], %s::text[]) "
            "AS t(i, p) ON CONFLICT (job_id, idx) DO NOTHING",
            (job_id, list(range(start, start + len(predictions))), [_dumps(p) for p in predictions]),
        ).rowcount

    def purge_expired(self, now: float | None = None) -> int:
        now = time.time() if now is None else now
        with self.transaction() as db:
            removed = db.execute(
                "DELETE FROM results WHERE job_id IN (SELECT id FROM jobs WHERE expires_ts IS NOT NULL "
                "AND expires_ts < %s)", (now,)).rowcount
            db.execute("DELETE FROM idempotency WHERE created_ts < %s", (now - self.ttl_seconds,))
        return removed
