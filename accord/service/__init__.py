"""The service kit: a team's handlers bound to its OpenAPI document by Connexion 3.

    from accord.service import ProblemError, json_response

    def get_pet(pet_id: int):                      # service/handlers/pets.py
        pet = PETS.get(pet_id)
        if pet is None:
            raise ProblemError("not-found", f"no pet {pet_id}")
        return json_response(pet)

`accord serve` (or `create_app()` in tests) binds every operationId to `snake_case(operationId)`
in the module named after the operation's first tag, fails start-up listing every operation
without a handler, validates requests and responses against the document, checks every declared
security scheme against configured credentials, answers every error as RFC 9457 problem+json,
and adds request ids, CORS and an access log with secrets redacted.
"""

from __future__ import annotations

import warnings

# Connexion 3.3 imports starlette.testclient at import time (connexion/apps/abstract.py), and
# Starlette 1.x warns about its httpx dependency there: a line on every `accord serve` start that
# is about neither the service nor its user's code. Only that message is silenced.
warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient` is deprecated")

from accord.service.app import Setup, close_app, create_app, serve, service_of  # noqa: E402 (after the filter)
from accord.service.context import app_state, request_id  # noqa: E402
from accord.service.problems import ProblemCatalogue, ProblemError, problem_body  # noqa: E402
from accord.service.responses import json_response  # noqa: E402
from accord.service.settings import ServiceSettings  # noqa: E402

__all__ = [
    "ProblemCatalogue",
    "ProblemError",
    "ServiceSettings",
    "Setup",
    "app_state",
    "close_app",
    "create_app",
    "json_response",
    "problem_body",
    "request_id",
    "serve",
    "service_of",
]
