"""`uvicorn accord.service.asgi:create --factory --workers N`: each worker builds the service
from the `ACCORD_*` variables its parent exported (`export_settings`)."""

from __future__ import annotations

import os

import connexion

from accord.service.app import create_app
from accord.service.heap import settle_heap
from accord.service.settings import ServiceSettings

_EXPORTED = {
    "spec_path": "ACCORD_SPEC", "app": "ACCORD_APP", "state_dir": "ACCORD_STATE_DIR",
}


def export_settings(settings: ServiceSettings) -> None:
    """Hand `settings` to worker processes, which start from this process's environment."""
    for name, variable in _EXPORTED.items():
        os.environ[variable] = str(getattr(settings, name))
    os.environ["ACCORD_VALIDATE_RESPONSES"] = "1" if settings.validate_responses else "0"
    os.environ["ACCORD_PROBLEM_REQUEST_ID"] = "1" if settings.problem_request_id else "0"
    if settings.api_keys is not None:
        os.environ["ACCORD_API_KEYS"] = ",".join(settings.api_keys)
    for name, variable in (("bearer_tokens", "ACCORD_BEARER_TOKENS"),
                           ("basic_credentials", "ACCORD_BASIC_CREDENTIALS")):
        value = getattr(settings, name)
        if value is not None:
            os.environ[variable] = ",".join(value)


def create() -> connexion.AsyncApp:
    """The worker's app (uvicorn factory)."""
    app = create_app(ServiceSettings.from_env())
    settle_heap()
    return app
