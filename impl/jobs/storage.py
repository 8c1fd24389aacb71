"""What a job store provides, and which one a process opens.

Two implementations keep the same guarantees (idempotency keys, (job, index) results written
once, a page-token secret shared by everyone using the store, purge of expired results):

- `impl.jobs.store.JobStore`: one SQLite file (WAL), the embedded default (`ACCORD_JOBS_DB`);
- `impl.jobs.postgres.PostgresJobStore`: one PostgreSQL database shared by any number of
  replicas and workers (`ACCORD_JOBS_DATABASE_URL`).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from impl.jobs.records import Job

if TYPE_CHECKING:
    from impl.config import Settings


class JobStorage(Protocol):
    #: What the store raises when it cannot answer now: 503 job-store-unavailable, nothing accepted.
    unavailable: tuple[type[Exception], ...]
    #: Errors that are the store's, not the job's: a worker retries rather than failing the job.
    transient: tuple[type[Exception], ...]

    @property
    def name(self) -> str: ...

    def close(self) -> None: ...

    def secret(self) -> bytes: ...

    def reserve_key(self, key: str, fp: str) -> Job | None: ...

    def release_key(self, key: str) -> None: ...

    def create(self, *, model_id: str, model_version: str, instances: builtins.list[Any],
               options: Mapping[str, Any], request_id: str | None, idempotency_key: str | None = None) -> Job: ...

    def discard(self, job_id: str) -> None: ...

    def get(self, job_id: str) -> Job | None: ...

    def list(self, *, limit: int, model_id: str | None = None, status: str | None = None,
             after: tuple[float, str] | None = None) -> tuple[builtins.list[Job], tuple[float, str] | None]: ...

    def results(self, job_id: str, *, start: int, limit: int) -> tuple[builtins.list[tuple[int, Any]], int | None]:
        ...

    def cancel(self, job_id: str) -> tuple[Job | None, bool]: ...

    def claim(self, owner: str, lease_seconds: float) -> tuple[Job, builtins.list[Any], dict[str, Any]] | None: ...

    def record(self, job_id: str, owner: str, lease_seconds: float, start: int,
               predictions: builtins.list[Any]) -> bool: ...

    def finish(self, job_id: str, owner: str, *, error: dict[str, Any] | None = None) -> bool: ...

    def release(self, job_id: str, owner: str) -> None: ...

    def purge_expired(self, now: float | None = None) -> int: ...


def open_store(settings: Settings) -> JobStorage:
    """PostgreSQL when ACCORD_JOBS_DATABASE_URL is set, else the SQLite file (ACCORD_JOBS_DB)."""
    if settings.jobs_database_url:
        from impl.jobs.postgres import PostgresJobStore

        return PostgresJobStore(settings.jobs_database_url, ttl_seconds=settings.job_ttl_seconds,
                                timeout_seconds=settings.jobs_busy_timeout_seconds)
    from impl.jobs.store import JobStore

    return JobStore(settings.jobs_db, ttl_seconds=settings.job_ttl_seconds,
                    busy_timeout_seconds=settings.jobs_busy_timeout_seconds)
