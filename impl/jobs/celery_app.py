"""Celery for the cluster deployment: how replicas hand jobs to workers through Redis.

A job of N instances is N / ACCORD_JOB_BATCH_SIZE tasks `(job_id, start, count)`, published when
the job is created. Workers (`celery -A impl.jobs.tasks worker`, `impl/jobs/tasks.py`) read each
batch's input from PostgreSQL and write its results there; Celery carries only the batch's
coordinates and keeps no results (the store is where status and progress come from).

Delivery is at least once: tasks are acknowledged late (after they ran), a worker process that
dies has its task rejected back to the queue, and a whole worker killed with its tasks
unacknowledged has them handed to another worker once Redis's visibility timeout passes
(ACCORD_JOBS_VISIBILITY_TIMEOUT). A batch that runs twice writes nothing twice: results are
(job, index) rows inserted once, and progress counts rows written (`PostgresJobStore.record_batch`).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from celery import Celery
from kombu.exceptions import OperationalError as BrokerError

from impl.jobs.dispatch import DispatchUnavailable
from impl.jobs.records import Job

if TYPE_CHECKING:
    from impl.config import Settings
    from impl.jobs.storage import JobStorage

log = logging.getLogger("impl.jobs")

#: The batch task's name, shared by the replicas (which send it) and the workers (which run it).
RUN_BATCH = "accord.jobs.run_batch"
QUEUE = "accord-jobs"
#: How often a replica purges expired results (the embedded worker does it in its loop).
PURGE_EVERY_SECONDS = 60.0
#: Seconds to wait for the broker before a job creation answers 503.
PUBLISH_TIMEOUT_SECONDS = 5.0


def celery_config(settings: Settings) -> dict[str, Any]:
    """The configuration every replica and worker shares (from the ACCORD_* settings)."""
    visibility = settings.jobs_visibility_timeout
    return {
        "broker_url": settings.jobs_broker_url,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {
            "visibility_timeout": visibility,
            # Look for the batches of dead workers often enough to hand them over soon after the timeout.
            "unacked_restore_interval": max(1.0, visibility / 4),
            "unacked_restore_throttle": 1,
            "socket_timeout": PUBLISH_TIMEOUT_SECONDS,
            "socket_connect_timeout": PUBLISH_TIMEOUT_SECONDS,
        },
        "task_default_queue": QUEUE,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "task_ignore_result": True,
        "result_backend": None,
        "task_serializer": "json",
        "accept_content": ["json"],
        "worker_hijack_root_logger": False,
        "worker_redirect_stdouts": False,
    }


def make_celery(settings: Settings) -> Celery:
    app = Celery("accord", set_as_current=False)
    app.conf.update(celery_config(settings))
    return app


class CeleryDispatch:
    """A replica's side: publish a created job's batches; a broker that cannot take them is a 503."""

    def __init__(self, settings: Settings, store: JobStorage) -> None:
        self.app = make_celery(settings)
        self.batch_size = settings.job_batch_size
        self.store = store
        self._last_purge = 0.0
        self._lock = threading.Lock()

    def submit(self, job: Job) -> None:
        try:
            with self.app.producer_or_acquire() as producer:
                for start in range(0, job.total, self.batch_size):
                    self.app.send_task(RUN_BATCH, args=(job.id, start, self.batch_size), producer=producer,
                                       retry=False)
        except (BrokerError, OSError) as exc:
            log.error("broker unavailable, job %s not accepted: %s", job.id, exc)
            raise DispatchUnavailable(str(exc)) from exc
        self._maybe_purge()

    def _maybe_purge(self) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last_purge < PURGE_EVERY_SECONDS:
                return
            self._last_purge = now
        try:
            self.store.purge_expired()
        except self.store.transient:
            log.exception("purging expired job results failed; trying again later")

    def close(self) -> None:
        self.app.close()
