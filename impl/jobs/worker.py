"""The in-process job worker: a thread that claims jobs from the store and runs them in batches
(the embedded deployment; the cluster's workers are Celery's, `impl.jobs.tasks`).

A thread rather than an asyncio task, because the app's event loop is not ours to keep: test
clients (and Schemathesis's ASGI transport) open and close loops per request. One worker per
jobs file per process; uvicorn worker processes share the file and claim jobs atomically.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from typing import Any

from impl.config import DEFAULT_JOB_LEASE_SECONDS
from impl.jobs.storage import JobStorage
from impl.models.predict import PredictOptions
from impl.models.registry import ModelRegistry
from impl.problems import ML_PROBLEMS

log = logging.getLogger("impl.jobs")

#: A running job's lease: another worker takes the job over after it. `impl.setup` passes
#: ACCORD_JOB_LEASE_SECONDS (impl/config.py).
LEASE_SECONDS = DEFAULT_JOB_LEASE_SECONDS
POLL_SECONDS = 0.5
PURGE_EVERY_SECONDS = 60.0


class JobWorker:
    def __init__(self, store: JobStorage, registry: ModelRegistry, *, batch_size: int = 100,
                 batch_delay: float = 0.0, lease_seconds: float = LEASE_SECONDS) -> None:
        self.store = store
        self.registry = registry
        self.batch_size = max(1, batch_size)
        self.batch_delay = batch_delay
        self.lease_seconds = lease_seconds
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_purge = 0.0

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> JobWorker:
        if not self.alive:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=f"accord-jobs-{self.owner}", daemon=True)
            self._thread.start()
        return self

    def notify(self) -> None:
        """A job was just accepted: look now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the current batch; a job in progress is released for the next worker."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if time.monotonic() - self._last_purge > PURGE_EVERY_SECONDS:
                    self._last_purge = time.monotonic()
                    self.store.purge_expired()
                claimed = self.store.claim(self.owner, self.lease_seconds)
            except Exception:  # a locked or vanished file must not kill the worker
                log.exception("job store unavailable; retrying")
                claimed = None
            if claimed is None:
                self._wake.wait(POLL_SECONDS)
                self._wake.clear()
                continue
            try:
                self._process(*claimed)
            except Exception:  # the store failed mid-job: the lease runs out and the job is resumed
                log.exception("job store unavailable while running a job; it will be resumed")
                self._wake.wait(POLL_SECONDS)

    def _process(self, job: Any, instances: list[Any], options: dict[str, Any]) -> None:
        entry = self.registry.get(job.model_id)
        if entry is None or entry.predictor is None:
            self.store.finish(job.id, self.owner, error=ML_PROBLEMS.body(
                "model-not-ready", 503, detail=f"model {job.model_id} is not ready; the job cannot run"))
            return
        predict_options = PredictOptions.from_body(options)
        start = job.completed  # resume where a previous worker stopped
        try:
            while start < len(instances):
                if self._stop.is_set():
                    self.store.release(job.id, self.owner)
                    return
                batch = instances[start:start + self.batch_size]
                predictions = entry.predictor.predict(batch, predict_options)
                if not self.store.record(job.id, self.owner, self.lease_seconds, start, predictions):
                    return  # cancelled, or another worker took over after our lease lapsed
                start += len(batch)
                if self.batch_delay:
                    self._stop.wait(self.batch_delay)
        except self.store.transient:
            raise  # not the job's fault: it stays running, is reclaimed after its lease, and resumes
        except Exception:
            log.exception("job %s failed", job.id)
            self.store.finish(job.id, self.owner, error=ML_PROBLEMS.body(
                "internal-error", 500, detail="the job failed while predicting; see the service log"))
            return
        self.store.finish(job.id, self.owner)


_workers: dict[str, JobWorker] = {}
_lock = threading.Lock()


def ensure_worker(store: JobStorage, registry: ModelRegistry, *, batch_size: int = 100,
                  batch_delay: float = 0.0, lease_seconds: float = LEASE_SECONDS) -> JobWorker:
    """The one running worker for this job store in this process, started if needed."""
    key = store.name
    with _lock:
        worker = _workers.get(key)
        if worker is None or not worker.alive or worker.registry is not registry:
            if worker is not None:
                worker.stop()
            worker = _workers[key] = JobWorker(store, registry, batch_size=batch_size,
                                               batch_delay=batch_delay, lease_seconds=lease_seconds).start()
        else:
            worker.batch_size, worker.batch_delay = max(1, batch_size), batch_delay
            worker.lease_seconds = lease_seconds
        return worker


def stop_worker(name: str) -> None:
    """Stop the worker of the store named `name` (`JobStorage.name`)."""
    with _lock:
        worker = _workers.pop(name, None)
    if worker is not None:
        worker.stop()
