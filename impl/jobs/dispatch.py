"""How an accepted job reaches a worker: the replica's own thread, or Celery's workers via Redis.

`submit` is called after the job is committed to the store. When it raises `DispatchUnavailable`
(the broker is down), the handler discards the job and answers 503: nothing is half-accepted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from impl.jobs.records import Job
from impl.jobs.worker import JobWorker, ensure_worker, stop_worker

if TYPE_CHECKING:
    from impl.config import Settings
    from impl.jobs.storage import JobStorage
    from impl.models.registry import ModelRegistry


class DispatchUnavailable(Exception):
    """The job could not be handed to the workers (the broker is unreachable)."""


class Dispatch(Protocol):
    def submit(self, job: Job) -> None: ...

    def close(self) -> None: ...


class ThreadDispatch:
    """The embedded deployment: a worker thread in this process claims jobs from the store."""

    def __init__(self, worker: JobWorker, store_name: str) -> None:
        self.worker = worker
        self._store_name = store_name

    def submit(self, job: Job) -> None:
        self.worker.notify()  # it would find the job at its next poll anyway

    def close(self) -> None:
        stop_worker(self._store_name)


def open_dispatch(settings: Settings, store: JobStorage, registry: ModelRegistry) -> Dispatch:
    """Celery when ACCORD_JOBS_BROKER_URL is set, else this process's worker thread."""
    if settings.jobs_broker_url:
        from impl.jobs.celery_app import CeleryDispatch

        return CeleryDispatch(settings, store)
    worker = ensure_worker(store, registry, batch_size=settings.job_batch_size, batch_delay=settings.job_batch_delay,
                           lease_seconds=settings.job_lease_seconds)
    return ThreadDispatch(worker, store.name)
