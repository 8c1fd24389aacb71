"""`uvicorn accord.service.asgi:create --factory --workers N`: each worker builds the service
from the `ACCORD_*` variables its parent exported (`export_settings`)."""

from __future__ import annotations

import os

import connexion

from accord.service.app import create_app
from accord.service.heap import settle_heap
from accord.service.settings import ServiceSettings


def worker_environment(settings: ServiceSettings) -> dict[str, str]:
    """The `ACCORD_*` variables (docs/settings.md) that rebuild the settings given as arguments in
    a worker; the rest the worker reads from the environment it inherits, as its parent did."""
    env = {"ACCORD_SPEC": str(settings.spec_path), "ACCORD_APP": settings.app,
           "ACCORD_STATE_DIR": str(settings.state_dir),
           "ACCORD_VALIDATE_RESPONSES": "1" if settings.validate_responses else "0",
           "ACCORD_PROBLEM_REQUEST_ID": "1" if settings.problem_request_id else "0"}
    for variable, value in (("ACCORD_API_KEYS", settings.api_keys), ("ACCORD_BEARER_TOKENS", settings.bearer_tokens),
                            ("ACCORD_BASIC_CREDENTIALS", settings.basic_credentials)):
        if value is not None:
            env[variable] = ",".join(value)
    return env


def export_settings(settings: ServiceSettings) -> None:
    """Hand `settings` to uvicorn's worker processes.

    The environment is the channel because uvicorn starts each worker from an import string
    (`accord.service.asgi:create`) and the parent's environment, with no argument of ours in
    between; this is the one place that writes `os.environ`, just before the workers start.
    """
    os.environ.update(worker_environment(settings))


def create() -> connexion.AsyncApp:
    """The worker's app (uvicorn factory)."""
    app = create_app(ServiceSettings.from_env())
    settle_heap()
    return app
