"""The Celery side without servers: settings checked before anything starts, the backoff's bounds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accord.errors import UsageError
from impl.config import Settings
from impl.jobs.celery_app import celery_config
from impl.jobs.tasks import BACKOFF_MAX_SECONDS, backoff

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(("environ", "message"), [
    ({"ACCORD_JOBS_DATABASE_URL": "mysql://db/jobs"}, "ACCORD_JOBS_DATABASE_URL: expected a postgresql:// URL"),
    ({"ACCORD_JOBS_DATABASE_URL": "postgresql://db/jobs", "ACCORD_JOBS_BROKER_URL": "amqp://mq"},
     "ACCORD_JOBS_BROKER_URL: expected a redis:// URL"),
    ({"ACCORD_JOBS_BROKER_URL": "redis://127.0.0.1:6379/0"}, "needs ACCORD_JOBS_DATABASE_URL"),
])
def test_cluster_settings_are_checked(environ: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        Settings.from_env(environ=environ)


def test_the_celery_configuration_acknowledges_late_and_hands_over_dead_workers_batches() -> None:
    settings = Settings.from_env(environ={"ACCORD_JOBS_DATABASE_URL": "postgresql://db/jobs",
                                          "ACCORD_JOBS_BROKER_URL": "redis://127.0.0.1:6379/0",
                                          "ACCORD_JOBS_VISIBILITY_TIMEOUT": "20"})
    config = celery_config(settings)
    assert config["task_acks_late"] and config["task_reject_on_worker_lost"]
    assert config["worker_prefetch_multiplier"] == 1
    transport = config["broker_transport_options"]
    assert transport["visibility_timeout"] == 20 and transport["unacked_restore_interval"] == 5
    assert config["result_backend"] is None and config["task_ignore_result"]


def test_backoff_grows_and_stays_under_half_the_visibility_timeout() -> None:
    assert 0.75 <= backoff(0, 60) <= 1.25 and 3 <= backoff(2, 60) <= 5
    assert backoff(10, 60) <= BACKOFF_MAX_SECONDS and backoff(10, 8) <= 4


@pytest.mark.integration
def test_a_worker_without_the_cluster_settings_is_a_usage_error() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    done = subprocess.run([str(Path(sys.executable).parent / "celery"), "-A", "impl.jobs.tasks", "worker"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "needs ACCORD_JOBS_DATABASE_URL" in done.stderr and "Traceback" not in done.stderr
