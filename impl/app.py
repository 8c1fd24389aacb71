"""The ML service: this repository's handlers, models and job store on accord's service kit.

`impl.setup(service)` is what `accord serve --app impl` runs once at start-up: it publishes the
contract's problem catalogue, loads or trains the models, opens the job store and starts its
worker. `create_app(...)` and `serve(...)` are the kit's, with this app and its options, for
tests and benches that build the service in-process.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import fields
from pathlib import Path
from typing import Any

import connexion

from accord.service import (
    ProblemError,
    ServiceSettings,
    Setup,
    close_app,  # noqa: F401 - tests build and close the service through impl.app
)
from accord.service import create_app as create_service
from accord.service import serve as serve_service
from impl.config import Settings
from impl.context import Services, request_id
from impl.jobs.store import JobStore
from impl.jobs.worker import ensure_worker, stop_worker
from impl.models.registry import get_registry
from impl.pagination import PageTokens
from impl.problems import ML_NAME_FOR_STATUS, ML_TYPES, PROBLEM_BASE

log = logging.getLogger("impl")

#: This package, for the kit (`--app`): the folder holding it.
APP = str(Path(__file__).resolve().parent)


def _store_unavailable(exc: Exception) -> ProblemError:
    """The jobs file is locked by another process, or full: nothing was accepted, retry later."""
    log.error("job store unavailable (request_id=%s): %s", request_id(), exc)
    return ProblemError("job-store-unavailable", "the job store cannot take writes right now (locked or full); "
                        "nothing was accepted, retry after Retry-After", headers={"Retry-After": "5"})


def setup(service: Setup) -> Services:
    """Models trained or loaded once per process, the job store opened and its worker started."""
    settings = Settings.from_env(state_dir=service.settings.state_dir, **service.options)
    service.publish_problems(base=PROBLEM_BASE, types=ML_TYPES, name_for_status=ML_NAME_FOR_STATUS)
    service.limit_body("POST", "/prediction-jobs", settings.max_job_body_bytes)
    service.on_error(sqlite3.OperationalError, _store_unavailable)

    registry = get_registry(settings.models_dir)
    jobs = JobStore(settings.jobs_db, ttl_seconds=settings.job_ttl_seconds,
                    busy_timeout_seconds=settings.jobs_busy_timeout_seconds)
    worker = ensure_worker(jobs, registry, batch_size=settings.job_batch_size, batch_delay=settings.job_batch_delay,
                           lease_seconds=settings.job_lease_seconds)
    service.on_close(lambda: stop_worker(jobs.path))
    return Services(settings=settings, document=service.document, registry=registry, jobs=jobs, worker=worker,
                    tokens=PageTokens(jobs.secret()))


#: The keywords of `create_app` that are this app's options (impl.config.Settings), not the kit's.
_ML_OPTIONS = tuple(f.name for f in fields(Settings))


def create_app(spec_path: str | Path | None = None, **kw: Any) -> connexion.AsyncApp:
    """The service for `spec_path` (default: ACCORD_SPEC, then spec/openapi.yaml). Keywords are the
    kit's settings (`api_keys=`, `validate_responses=`, `cors_origins=`…) or this app's options
    (`models_dir=`, `jobs_db=`, `job_batch_size=`…); None means "from the environment"."""
    options = {name: kw.pop(name) for name in _ML_OPTIONS if name in kw}
    return create_service(spec_path=spec_path, app=APP, options=options, **kw)


def serve(host: str = "127.0.0.1", port: int = 8080, workers: int = 1, **kw: Any) -> None:
    """Run the service under uvicorn (the kit's `serve` with this app)."""
    settings = ServiceSettings.from_env(app=APP, **kw)
    serve_service(settings, host=host, port=port, workers=workers)
