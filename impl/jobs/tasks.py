"""The Celery workers of the cluster deployment: `celery -A impl.jobs.tasks worker`.

Each worker process reads ACCORD_* at start (the same variables as the replicas: the database,
the broker, the models directory), loads the models built beforehand (`python -m impl.models
build`; a worker never trains) and runs batches: read the input from PostgreSQL, predict, write
the results once. A batch of a job that was cancelled, or that has ended, is skipped, so
cancellation reaches a running job between batches. Store errors (the database restarting) are
retried with exponential backoff for as long as they last; a model that is not ready, or a
predict that raises, is retried a few times and then fails the job with a problem.
"""

from __future__ import annotations

import logging
import os
import random
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from celery import Celery, Task
from celery.signals import worker_init, worker_process_init

from accord.errors import UsageError
from impl.config import Settings
from impl.jobs.celery_app import RUN_BATCH, celery_config
from impl.jobs.postgres import PostgresJobStore
from impl.models.predict import PredictOptions
from impl.models.registry import ModelRegistry, get_registry
from impl.problems import ML_PROBLEMS

log = logging.getLogger("impl.jobs")

#: Tries of a batch whose model is not ready or whose predict raised, before the job fails.
MODEL_RETRIES = 4
#: The backoff between retries: 1, 2, 4 … seconds with jitter, at most this (and at most half the
#: visibility timeout, so a waiting retry is not handed to a second worker).
BACKOFF_MAX_SECONDS = 30.0


def worker_settings() -> Settings:
    """The worker's settings; a worker without a database or a broker is a usage error."""
    settings = Settings.from_env()
    if not settings.jobs_database_url or not settings.jobs_broker_url:
        raise UsageError("a job worker needs ACCORD_JOBS_DATABASE_URL (postgresql://…) and ACCORD_JOBS_BROKER_URL "
                         "(redis://…): the database and broker its service replicas use")
    return settings


app = Celery("accord", set_as_current=False)


@app.on_configure.connect
def _configure(sender: Celery, **_: Any) -> None:
    try:
        settings = worker_settings()
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    sender.conf.update(celery_config(settings))


@dataclass(slots=True)
class Runtime:
    settings: Settings
    store: PostgresJobStore
    registry: ModelRegistry


_runtime: Runtime | None = None
_runtime_pid = 0
_runtime_lock = threading.Lock()


def runtime() -> Runtime:
    """This process's store and models, opened on first use (after a fork: a pool per process)."""
    global _runtime, _runtime_pid
    with _runtime_lock:
        if _runtime is None or _runtime_pid != os.getpid():
            settings = worker_settings()
            assert settings.jobs_database_url is not None
            registry = get_registry(settings.models_dir, train=False)
            for entry in registry.entries.values():
                if not entry.ready:
                    log.error("model %s is not ready in this worker: %s", entry.definition.id, entry.error)
            store = PostgresJobStore(settings.jobs_database_url, ttl_seconds=settings.job_ttl_seconds,
                                     timeout_seconds=settings.jobs_busy_timeout_seconds, max_connections=2,
                                     check_connections=False)
            _runtime, _runtime_pid = Runtime(settings, store, registry), os.getpid()
        return _runtime


@worker_init.connect
def _load_models(**_: Any) -> None:
    """Load the models once in the main process (prefork children inherit them)."""
    settings = worker_settings()
    get_registry(settings.models_dir, train=False)


@worker_process_init.connect
def _open_store(**_: Any) -> None:
    try:
        runtime()
    except PostgresJobStore.transient:
        log.exception("the job store is unreachable; batches will retry until it is back")


def backoff(retries: int, visibility_timeout: float) -> float:
    ceiling = min(BACKOFF_MAX_SECONDS, visibility_timeout / 2)
    return float(min(ceiling, 2.0 ** retries * (0.75 + random.random() / 2)))  # jitter, not a secret


@app.task(name=RUN_BATCH, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None,
          ignore_result=True)
def run_batch(self: Task[Any, Any], job_id: str, start: int, count: int) -> str:
    """Predict instances [start, start + count) of a job and record them; what happened, for the log."""
    try:
        rt = runtime()
        got = rt.store.batch(job_id, start, count)
        if got is None:
            return "skipped: the job has ended or is gone"
        job, instances, options = got
        entry = rt.registry.get(job.model_id)
        failure: tuple[str, int, str] | None = None
        predictions: list[Any] = []
        if entry is None or entry.predictor is None or entry.version != job.model_version:
            failure = ("model-not-ready", 503, f"model {job.model_id} version {job.model_version} is not ready "
                       "on the workers; the job cannot run")
        else:
            try:
                predictions = entry.predictor.predict(instances, PredictOptions.from_body(options))
            except Exception:
                log.exception("job %s: batch at %d failed while predicting", job_id, start)
                failure = ("internal-error", 500, "the job failed while predicting; see the workers' log")
        if failure is not None:
            if self.request.retries < MODEL_RETRIES:
                raise self.retry(countdown=backoff(self.request.retries, rt.settings.jobs_visibility_timeout))
            rt.store.fail(job_id, ML_PROBLEMS.body(failure[0], failure[1], detail=failure[2]))
            return f"failed: {failure[0]}"
        if rt.settings.job_batch_delay:
            time.sleep(rt.settings.job_batch_delay)  # tests catch a worker holding a batch
        done = rt.store.record_batch(job_id, start, predictions)
        return "recorded" if done is not None else "skipped: cancelled while predicting"
    except PostgresJobStore.transient as exc:
        log.warning("job %s: batch at %d: job store unavailable (%s); retrying", job_id, start, exc)
        visibility = Settings.from_env().jobs_visibility_timeout
        raise self.retry(exc=exc, countdown=backoff(min(self.request.retries, 8), visibility)) from exc
