"""The service: a Connexion 3 AsyncApp bound to the contract, serving real models.

`create_app()` reads the contract, resolves every operationId to a handler (failing with the full
list of missing ones before anything binds a port), loads or trains the models once per process,
opens the job store, starts its worker, and wires Connexion with our validators, security handler,
error shape and the outermost request-context middleware.
"""

from __future__ import annotations

import copy
import logging
import os
import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

import connexion
from connexion.datastructures import MediaTypeDict
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.options import SwaggerUIOptions
from connexion.validators import VALIDATOR_MAP

from accord.loading import load_spec
from accord.protocol import ProblemHttpToolsProtocol
from impl.access_log import log_config
from impl.binding import ServiceApp
from impl.config import Settings
from impl.context import Services, request_id
from impl.cors import add_cors
from impl.heap import settle_heap
from impl.jobs.store import JobStore
from impl.jobs.worker import ensure_worker, stop_worker
from impl.middleware import RequestContextMiddleware
from impl.models.registry import get_registry
from impl.pagination import PageTokens
from impl.pipeline import middlewares
from impl.problems import PROBLEM_BASE, PROBLEM_JSON, ProblemError, problem_body, render
from impl.resolver import operation_resolver, resolve_handlers
from impl.responses import OrjsonJsonifier
from impl.security import api_key_handler, keys_from_env
from impl.validation import CollectingJSONBodyValidator, CollectingParameterValidator, response_validator_class

log = logging.getLogger("impl")

# Connexion's exception middleware logs every client error (4xx) as a WARNING with the exception's
# repr ("OAuthResponseProblem(status_code=401, detail='Provided apikey is not valid')"): a line per
# wrong key or invalid body, which the access log already records with its status. Server errors
# (5xx, logged at ERROR with their traceback) still get through.
logging.getLogger("connexion.middleware.exceptions").setLevel(logging.ERROR)

#: Swagger UI (HTML, so exempt from the Accept check) and the contract as JSON.
DOCS_PATH = "/ui"


class ServiceHttpProtocol(ProblemHttpToolsProtocol):
    """uvicorn's httptools protocol; a request its parser refuses gets our validation-error
    problem instead of a plain-text 400 (module level: worker processes unpickle it)."""

    problem_type = PROBLEM_BASE + "validation-error"


def _problem_response(request: ConnexionRequest, exc: ProblemError) -> ConnexionResponse:
    body = problem_body(exc.name, exc.status, detail=exc.detail, title=exc.title, instance=request.url.path,
                        request_id=request_id() or None, errors=exc.errors)
    return ConnexionResponse(status_code=exc.status, body=render(body), content_type=PROBLEM_JSON,
                             mimetype=PROBLEM_JSON, headers={"X-Request-ID": request_id(), **exc.headers})


def _bad_encoding(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    return _problem_response(request, ProblemError("validation-error", "request is not valid UTF-8",
                                                   title="Malformed request"))


def _store_unavailable(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """The jobs file is locked by another process, or full: nothing was accepted, retry later."""
    log.error("job store unavailable (request_id=%s): %s", request_id(), exc)
    return _problem_response(request, ProblemError(
        "job-store-unavailable", "the job store cannot take writes right now (locked or full); nothing was "
        "accepted, retry after Retry-After", headers={"Retry-After": "5"}))


def _unexpected(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    log.error("unhandled error (request_id=%s)", request_id(), exc_info=exc)
    return _problem_response(request, ProblemError(
        "internal-error", "the server hit an unexpected error; quote the request_id when reporting it"))


_contracts: dict[Path, tuple[dict[Path, int], dict[str, Any]]] = {}


def _stamps(files: list[Path]) -> dict[Path, int]:
    return {f: f.stat().st_mtime_ns for f in files if f.exists()}


def _load_contract(path: Path) -> dict[str, Any]:
    """The bundled contract, cached per process until one of the files it was read from changes."""
    cached = _contracts.get(path.resolve())
    if cached is not None and _stamps(list(cached[0])) == cached[0]:
        return copy.deepcopy(cached[1])
    spec = load_spec(path)
    _contracts[path.resolve()] = (_stamps([Path(f) for f in spec.files] or [path]), spec.document)
    return copy.deepcopy(spec.document)


def _validator_map(document: dict[str, Any]) -> dict[str, Any]:
    body = dict(VALIDATOR_MAP["body"])
    body["*/*json"] = CollectingJSONBodyValidator
    response = dict(VALIDATOR_MAP["response"])
    response["*/*json"] = response_validator_class(document, _openapi_version(document))
    return {"parameter": CollectingParameterValidator, "body": MediaTypeDict(body), "response": MediaTypeDict(response)}


def _openapi_version(document: dict[str, Any]) -> str:
    if "swagger" in document:
        return "2.0"
    return "3.1" if str(document.get("openapi", "")).startswith("3.1") else "3.0"


def create_app(spec_path: str | Path = "spec/openapi.yaml", *, models_dir: str | Path | None = None,
               jobs_db: str | Path | None = None, api_keys: list[str] | None = None,
               validate_responses: bool | None = True, job_batch_size: int | None = None,
               job_batch_delay: float | None = None, cors_origins: str | None = None) -> connexion.AsyncApp:
    """Build the service. `validate_responses=None` takes `ACCORD_VALIDATE_RESPONSES` (default on);
    `cors_origins=None` takes `ACCORD_CORS_ORIGINS` (default: pages on localhost, impl/cors.py)."""
    settings = Settings.from_env(spec_path=spec_path, models_dir=models_dir, jobs_db=jobs_db,
                                 validate_responses=validate_responses, job_batch_size=job_batch_size,
                                 job_batch_delay=job_batch_delay, cors_origins=cors_origins)
    document = _load_contract(settings.spec_path)
    handlers = resolve_handlers(document)  # fails here, listing every missing handler

    registry = get_registry(settings.models_dir)
    jobs = JobStore(settings.jobs_db, ttl_seconds=settings.job_ttl_seconds)
    worker = ensure_worker(jobs, registry, batch_size=settings.job_batch_size, batch_delay=settings.job_batch_delay)
    services = Services(settings=settings, document=document, registry=registry, jobs=jobs, worker=worker,
                        tokens=PageTokens(jobs.secret()))

    keys = api_keys if api_keys is not None else keys_from_env()
    app = ServiceApp(
        __name__,
        middlewares=[partial(RequestContextMiddleware, services=services, docs_prefix=DOCS_PATH),
                     *middlewares(settings.validate_responses)],
        jsonifier=OrjsonJsonifier(),
    )
    app.add_api(
        copy.deepcopy(document),
        resolver=operation_resolver(handlers),
        strict_validation=True,
        validate_responses=settings.validate_responses,
        validator_map=_validator_map(document),
        security_map={"apiKey": api_key_handler(keys)},
        swagger_ui_options=SwaggerUIOptions(swagger_ui_path=DOCS_PATH, spec_path="/openapi.json"),
    )
    add_cors(app, settings.cors)
    app.add_error_handler(ProblemError, _problem_response)
    app.add_error_handler(UnicodeDecodeError, _bad_encoding)
    app.add_error_handler(sqlite3.OperationalError, _store_unavailable)
    app.add_error_handler(Exception, _unexpected)
    app.accord_services = services  # type: ignore[attr-defined]
    return app


def close_app(app: connexion.AsyncApp) -> None:
    """Stop the job worker of this app's jobs file (a job in progress is released, not lost)."""
    services: Services | None = getattr(app, "accord_services", None)
    if services is not None:
        stop_worker(services.jobs.path)


def serve(host: str = "127.0.0.1", port: int = 8080, workers: int = 1, **kw: Any) -> None:
    """Run under uvicorn. One worker runs the app built here; several import `impl.asgi:app`.
    The access log follows `access_log`, else `ACCORD_ACCESS_LOG` (default on)."""
    import uvicorn

    log_level = kw.pop("log_level", "info")
    access_log = kw.pop("access_log", None)
    if access_log is None:
        access_log = Settings.from_env().access_log
    if workers > 1:
        for name, env in (("spec_path", "ACCORD_SPEC"), ("models_dir", "ACCORD_MODELS_DIR"),
                          ("jobs_db", "ACCORD_JOBS_DB")):
            if kw.get(name) is not None:
                os.environ[env] = str(kw.pop(name))
        if kw.get("api_keys") is not None:
            os.environ["ACCORD_API_KEYS"] = ",".join(kw.pop("api_keys"))
        if kw.get("validate_responses") is not None:
            os.environ["ACCORD_VALIDATE_RESPONSES"] = "1" if kw.pop("validate_responses") else "0"
        # Train once here, so the workers only load (they would serialise on the lock otherwise).
        get_registry(Settings.from_env().models_dir)
        uvicorn.run("impl.asgi:app", host=host, port=port, workers=workers, reload=False, log_level=log_level,
                    access_log=access_log, http=ServiceHttpProtocol, log_config=log_config())
        return
    kw.setdefault("validate_responses", None)
    app = create_app(**kw)  # raises before the port is bound if handlers are missing
    settle_heap()
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=access_log, http=ServiceHttpProtocol,
                    log_config=log_config())
    finally:
        close_app(app)
