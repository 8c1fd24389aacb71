"""A team's handlers bound to its contract: a Connexion 3 AsyncApp with the kit's pipeline.

`create_app(settings)` reads the contract, imports the app package (`settings.app`: a folder or an
importable name), resolves every operationId to a handler in it (failing with the full list of
missing ones before anything binds a port), runs the package's optional `setup(service)`, and
wires Connexion with the kit's validators, security handlers, problem shape, CORS and the
outermost request-context middleware.

An app package looks like this (`accord init` and `accord scaffold` write it):

    service/__init__.py       optional `setup(service: Setup) -> state`, run once at start-up
    service/handlers/<tag>.py one module per tag; `snake_case(operationId)` functions
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import connexion
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import InvalidSpecification
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.options import SwaggerUIOptions
from connexion.validators import VALIDATOR_MAP

from accord.loading import load_spec
from accord.patterns import iter_unreadable
from accord.protocol import ProblemHttpToolsProtocol
from accord.service.access_log import log_config
from accord.service.binding import ServiceApp
from accord.service.context import ServiceContext, current_service, request_id
from accord.service.cors import add_cors
from accord.service.errors import UnsupportedDocumentError
from accord.service.heap import settle_heap
from accord.service.loader import handlers_package, load_app
from accord.service.middleware import OWN_PROBLEM_HEADER, RequestContextMiddleware
from accord.service.pipeline import ClosingMultiPartFormDataValidator, middlewares
from accord.service.problems import PROBLEM_JSON, ProblemCatalogue, ProblemError, render
from accord.service.resolver import operation_resolver, resolve_handlers
from accord.service.responses import OrjsonJsonifier
from accord.service.security import security_map
from accord.service.settings import ServiceSettings
from accord.service.validation import (
    CollectingJSONBodyValidator,
    CollectingParameterValidator,
    response_validator_class,
)

log = logging.getLogger("accord.service")

# Connexion's exception middleware logs every client error (4xx) as a WARNING with the exception's
# repr ("OAuthResponseProblem(status_code=401, detail='Provided apikey is not valid')"): a line per
# wrong key or invalid body, which the access log already records with its status. Server errors
# (5xx, logged at ERROR with their traceback) still get through.
logging.getLogger("connexion.middleware.exceptions").setLevel(logging.ERROR)

#: Swagger UI (HTML, so exempt from the Accept check) and the contract as JSON.
DOCS_PATH = "/ui"
#: Where the served document is, named on every answer (`Link: <…>; rel="service-desc"`, RFC 8631).
SPEC_PATH = "/openapi.json"


class ServiceHttpProtocol(ProblemHttpToolsProtocol):
    """uvicorn's httptools protocol; a request its parser refuses gets the service's
    validation-error problem instead of a plain-text 400 (module level: worker processes
    unpickle it; `create_app` sets the type URI of the app it builds)."""

    problem_type = "about:blank"


ErrorHandler = Callable[[ConnexionRequest, Exception], ConnexionResponse]


@dataclass(slots=True)
class Setup:
    """What an app's `setup(service)` can read and change before the service starts."""

    settings: ServiceSettings
    document: dict[str, Any]
    #: The app's own options, given to `create_app(options=...)` (tests pass a private store here).
    options: Mapping[str, Any]
    problems: ProblemCatalogue = field(default_factory=ProblemCatalogue)
    body_limits: dict[tuple[str, str], int] = field(default_factory=dict)
    error_handlers: list[tuple[type[Exception], ErrorHandler]] = field(default_factory=list)
    closers: list[Callable[[], None]] = field(default_factory=list)
    security: dict[str, Any] = field(default_factory=dict)

    def publish_problems(self, *, base: str | None = None, types: Mapping[str, tuple[int, str]] | None = None,
                         name_for_status: Mapping[int, str] | None = None) -> None:
        """Add the app's problem types (name → (status, title)) and the base URI of their `type`."""
        self.problems = self.problems.extend(base=base, types=types, name_for_status=name_for_status)

    def limit_body(self, method: str, path_suffix: str, max_bytes: int) -> None:
        """A body limit of its own for requests whose path ends with `path_suffix`."""
        self.body_limits[(method.upper(), path_suffix)] = max_bytes

    def on_error(self, kind: type[Exception], problem: Callable[[Exception], ProblemError]) -> None:
        """Answer an exception the handlers let through with the problem `problem(exc)` returns."""
        self.error_handlers.append((kind, lambda request, exc: problem_response(request, problem(exc))))

    def on_close(self, callback: Callable[[], None]) -> None:
        """Called by `close_app` (and when `accord serve` stops)."""
        self.closers.append(callback)


def problem_response(request: ConnexionRequest, exc: ProblemError) -> ConnexionResponse:
    """A problem rendered inside Connexion's stack, marked so the outer middleware keeps it."""
    service = current_service()
    rid = request_id()
    body = exc.body(service.problems, instance=request.url.path,
                    request_id=(rid or None) if service.settings.problem_request_id else None)
    headers = {"X-Request-ID": rid, OWN_PROBLEM_HEADER.decode(): "1", **exc.headers}
    return ConnexionResponse(status_code=body["status"], body=render(body), content_type=PROBLEM_JSON,
                             mimetype=PROBLEM_JSON, headers=headers)


def _bad_encoding(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    return problem_response(request, ProblemError("validation-error", "request is not valid UTF-8",
                                                  title="Malformed request"))


def _not_implemented(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """A handler still `accord scaffold`'s stub (or any that raises NotImplementedError): 501."""
    detail = str(exc) or "this operation has no implementation yet"
    return problem_response(request, ProblemError("not-implemented", detail))


def _unexpected(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    log.error("unhandled error (request_id=%s)", request_id(), exc_info=exc)
    return problem_response(request, ProblemError(
        "internal-error", "the server hit an unexpected error; quote the request_id when reporting it"))


_contracts: dict[Path, tuple[dict[Path, int], dict[str, Any]]] = {}


def _stamps(files: list[Path]) -> dict[Path, int]:
    return {f: f.stat().st_mtime_ns for f in files if f.exists()}


def load_contract(path: Path) -> dict[str, Any]:
    """The bundled contract, cached per process until one of the files it was read from changes."""
    cached = _contracts.get(path.resolve())
    if cached is not None and _stamps(list(cached[0])) == cached[0]:
        return copy.deepcopy(cached[1])
    spec = load_spec(path)
    _contracts[path.resolve()] = (_stamps([Path(f) for f in spec.files] or [path]), spec.document)
    return copy.deepcopy(spec.document)


def _openapi_version(document: dict[str, Any]) -> str:
    if "swagger" in document:
        return "2.0"
    return "3.1" if str(document.get("openapi", "")).startswith("3.1") else "3.0"


def _validator_map(document: dict[str, Any]) -> dict[str, Any]:
    defaults: dict[str, Any] = VALIDATOR_MAP  # inferred by mypy as dict[str, object]
    body = dict(defaults["body"])
    body["*/*json"] = CollectingJSONBodyValidator
    body["multipart/form-data"] = ClosingMultiPartFormDataValidator
    response = dict(defaults["response"])
    response["*/*json"] = response_validator_class(document, _openapi_version(document))
    return {"parameter": CollectingParameterValidator, "body": MediaTypeDict(body), "response": MediaTypeDict(response)}


def create_app(settings: ServiceSettings | None = None, *, options: Mapping[str, Any] | None = None,
               **overrides: Any) -> connexion.AsyncApp:
    """Build the service for `settings`, or for the `ACCORD_*` variables with `overrides` applied
    (`spec_path=`, `app=`, `api_keys=`, `validate_responses=`…). `options` reach the app's `setup`."""
    if settings is None:
        settings = ServiceSettings.from_env(**overrides)
    elif overrides:
        raise TypeError("create_app takes settings or keyword overrides, not both")
    document = load_contract(settings.spec_path)
    for pointer, prepared in iter_unreadable(document):  # left out of validation, the rest still checks
        log.warning("%s#%s: pattern %r is not checked: %s", settings.spec_path, pointer, prepared.source,
                    prepared.problem)
    if _openapi_version(document) == "3.1":
        raise UnsupportedDocumentError(
            f"{settings.spec_path}: OpenAPI {document.get('openapi')} — the service kit binds with Connexion 3.3, "
            "which serves OpenAPI 2.0 and 3.0 documents only (spec-first/connexion#1396); the mock, "
            "validate, lint, diff and accord test take 3.1")
    package = load_app(settings.app)
    handlers = resolve_handlers(document, handlers_package(package), app_dir=settings.app)

    setup = Setup(settings=settings, document=document, options=dict(options or {}))
    hook = getattr(package, "setup", None)
    state = hook(setup) if callable(hook) else None
    service = ServiceContext(settings=settings, document=document, problems=setup.problems, state=state,
                             closers=list(setup.closers))
    ServiceHttpProtocol.problem_type = setup.problems.type_uri("validation-error")

    app = ServiceApp(
        package.__name__,
        middlewares=[partial(RequestContextMiddleware, service=service, docs_prefix=DOCS_PATH, spec_path=SPEC_PATH,
                             body_limits=setup.body_limits),
                     *middlewares(settings.validate_responses)],
        jsonifier=OrjsonJsonifier(),
    )
    credentials = security_map(document, api_keys=settings.api_keys, bearer_tokens=settings.bearer_tokens,
                               basic_credentials=settings.basic_credentials)
    try:
        _add_api(app, document, settings, handlers, {**credentials, **setup.security})
    except InvalidSpecification as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UnsupportedDocumentError(f"{settings.spec_path}: Connexion refuses the document: {first}") from None
    add_cors(app, settings.cors, document)
    # Connexion types every handler as taking Exception; this one only ever receives a ProblemError.
    app.add_error_handler(ProblemError, problem_response)  # type: ignore[arg-type]
    app.add_error_handler(UnicodeDecodeError, _bad_encoding)
    app.add_error_handler(NotImplementedError, _not_implemented)
    for kind, handler in setup.error_handlers:
        app.add_error_handler(kind, handler)
    app.add_error_handler(Exception, _unexpected)
    app.accord_service = service  # type: ignore[attr-defined]
    return app


def _add_api(app: connexion.AsyncApp, document: dict[str, Any], settings: ServiceSettings,
             handlers: dict[str, Callable[..., Any]], credentials: dict[str, Any]) -> None:
    app.add_api(
        copy.deepcopy(document),
        resolver=operation_resolver(handlers),
        strict_validation=True,
        validate_responses=settings.validate_responses,
        validator_map=_validator_map(document),
        security_map=credentials,
        swagger_ui_options=SwaggerUIOptions(swagger_ui_path=DOCS_PATH, spec_path=SPEC_PATH),
    )


def service_of(app: connexion.AsyncApp) -> ServiceContext | None:
    """The kit's view of an app built by `create_app` (None for any other app)."""
    return getattr(app, "accord_service", None)


def close_app(app: connexion.AsyncApp) -> None:
    """Run the app's close callbacks (a job worker stops, a pool closes), once."""
    service = service_of(app)
    if service is None:
        return
    closers, service.closers = service.closers, []
    for callback in reversed(closers):
        callback()


def serve(settings: ServiceSettings | None = None, *, host: str = "127.0.0.1", port: int = 8080,
          workers: int = 1, log_level: str = "info", **overrides: Any) -> None:
    """Run under uvicorn. One worker runs the app built here; several build their own from the
    same settings (`accord.service.asgi`), after this process built it once to fail fast."""
    import uvicorn

    settings = settings if settings is not None else ServiceSettings.from_env(**overrides)
    app = create_app(settings)  # raises before the port is bound if handlers are missing
    if workers > 1:
        from accord.service.asgi import export_settings

        close_app(app)
        export_settings(settings)
        uvicorn.run("accord.service.asgi:create", factory=True, host=host, port=port, workers=workers,
                    reload=False, log_level=log_level, access_log=settings.access_log, http=ServiceHttpProtocol,
                    log_config=log_config())
        return
    settle_heap()
    try:
        from accord.interrupts import run as run_server

        run_server(uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=settings.access_log,
                                  http=ServiceHttpProtocol, log_config=log_config()))  # Ctrl-C: exit 130
    finally:
        close_app(app)
