"""The ML service: this repository's handlers, models and job store on accord's service kit.

`impl.setup(service)` is what `accord serve --app impl` runs once at start-up: it publishes the
contract's problem catalogue, loads or trains the models, opens the job store (SQLite, or
PostgreSQL in the cluster deployment) and starts its worker (a thread here, or hands jobs to
Celery's workers). `create_app(...)` and `serve(...)` are the kit's, with this app and its
options, for tests and benches that build the service in-process.
"""

from __future__ import annotations

import logging
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
from impl.jobs.dispatch import open_dispatch
from impl.jobs.storage import open_store
from impl.models.registry import get_registry
from impl.pagination import PageTokens
from impl.problems import ML_NAME_FOR_STATUS, ML_TYPES, PROBLEM_BASE

log = logging.getLogger("impl")

#: This package, for the kit (`--app`): the folder holding it.
APP = str(Path(__file__).resolve().parent)


def _store_unavailable(exc: Exception) -> ProblemError:
    """The jobs file is locked by another process or full, or the database is unreachable: nothing
    was accepted, retry later."""
    log.error("job store unavailable (request_id=%s): %s", request_id(), exc)
    return ProblemError("job-store-unavailable", "the job store cannot answer right now (locked, full or "
                        "unreachable); nothing was accepted, retry after Retry-After", headers={"Retry-After": "5"})


def setup(service: Setup) -> Services:
    """Models trained or loaded once per process, the job store opened and its worker started."""
    settings = Settings.from_env(state_dir=service.settings.state_dir, **service.options)
    service.publish_problems(base=PROBLEM_BASE, types=ML_TYPES, name_for_status=ML_NAME_FOR_STATUS)
    service.limit_body("POST", "/prediction-jobs", settings.max_job_body_bytes)

    registry = get_registry(settings.models_dir, train=not settings.cluster)
    jobs = open_store(settings)
    for error in jobs.unavailable:
        service.on_error(error, _store_unavailable)
    dispatch = open_dispatch(settings, jobs, registry)
    service.on_close(dispatch.close)
    service.on_close(jobs.close)
    return Services(settings=settings, document=service.document, registry=registry, jobs=jobs, dispatch=dispatch,
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
