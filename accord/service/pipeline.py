"""The per-request middleware stack: Connexion's own list, with per-operation work done once.

Connexion 3.3 rebuilds, on every request, objects that depend only on the operation: the request
validator builds two URI parsers, a parameter validator, a media-type table and a body validator;
every `operation.body_definition()` call (six per request in the parameter decorator) builds a
media-type table and matches it with fnmatch; the Swagger UI router is tried, route by route,
for every API request. Measured in-process, this was about a third of the framework's CPU per
predict request. Here the same classes do the same checks, built once per operation:

    ServerErrorMiddleware → ExceptionMiddleware → DocsGate(SwaggerUIMiddleware)
    → RoutingMiddleware → SecurityMiddleware → OncePerOperationRequestValidation
    → ResponseValidationMiddleware (only when responses are validated) → LifespanMiddleware
    → MemoisedContextMiddleware → handler

(`accord.service.middleware.RequestContextMiddleware` wraps it all; `accord.service.binding` the handler call.)

`app.add_middleware(..., position=...)` finds its place by class identity: BEFORE_EXCEPTION,
BEFORE_ROUTING and BEFORE_SECURITY work as with Connexion's list (CORS uses BEFORE_EXCEPTION);
BEFORE_SWAGGER, BEFORE_VALIDATION and BEFORE_CONTEXT name classes replaced here by subclasses,
so Connexion refuses them with its "Could not insert middleware" error.
"""

from __future__ import annotations

import functools
import typing as t

import yaml
from connexion import utils
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import UnsupportedMediaTypeProblem
from connexion.jsonifier import Jsonifier
from connexion.middleware.context import ContextAPI, ContextMiddleware, ContextOperation
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.security import SecurityMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIAPI, SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from connexion.validators import MultiPartFormDataValidator
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.responses import Response as StarletteResponse
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from accord.service.problems import ProblemError

#: Distinct client-supplied keys (media types, charsets) remembered per operation; beyond this a
#: request is served the uncached way, so odd headers cannot grow memory.
MAX_CACHED_KEYS = 32


def _bounded_cache(function: t.Callable[[t.Any], t.Any]) -> t.Callable[[t.Any], t.Any]:
    """`function(key)` remembered for up to MAX_CACHED_KEYS keys (results are read-only here)."""
    cache: dict[t.Any, t.Any] = {}

    @functools.wraps(function)
    def cached(key: t.Any = None) -> t.Any:
        try:
            return cache[key]
        except KeyError:
            value = function(key)
            if len(cache) < MAX_CACHED_KEYS:
                cache[key] = value
            return value
        except TypeError:  # an unhashable key: not cached
            return function(key)

    return cached


def memoise_operation(operation: AbstractOperation) -> AbstractOperation:
    """Remember `body_definition(content_type)` on this operation object.

    Connexion's answer is a pure function of the operation and the media type (it returns the
    same definition dict each time, after attaching `components` to it in place); `body_schema`
    and the parameter decorator go through it.
    """
    cached = _bounded_cache(operation.body_definition)

    def body_definition(content_type: str | None = None) -> dict[str, t.Any]:
        return cached(content_type)

    operation.body_definition = body_definition  # type: ignore[method-assign]
    return operation


class OncePerOperationValidation(RequestValidationOperation):
    """Connexion's `RequestValidationOperation.__call__`, its validators built once and kept.

    The parameter validator is built on first use; body validators once per (media type,
    charset); the media-type check once per media type. The validators are Connexion's classes
    (or ours from `validator_map`), which keep no per-request state.
    """

    # Inferred from Connexion's VALIDATOR_MAP as dict[str, object]; its values are a validator
    # class ("parameter") and a MediaTypeDict of them ("body").
    _validator_map: dict[str, t.Any]

    def __init__(self, next_app: ASGIApp, **kwargs: t.Any) -> None:
        super().__init__(next_app, **kwargs)
        memoise_operation(self._operation)
        self._parameter_validator: t.Any = None
        self._body_validator = _bounded_cache(self._build_body_validator)
        self._consumed = MediaTypeDict([(c.lower(), None) for c in self._operation.consumes])
        self._mime_ok = _bounded_cache(lambda mime: mime.lower() in self._consumed)
        self._split = _bounded_cache(self._split_content_type)

    def _split_content_type(self, raw: bytes | None) -> tuple[str, str]:
        """(media type, charset) of one Content-Type value, by Connexion's own rules and defaults."""
        return super().extract_content_type([] if raw is None else [(b"content-type", raw)])

    def extract_content_type(self, headers: list[tuple[bytes, bytes]]) -> tuple[str, str]:
        # Connexion's: the first Content-Type field. Its per-call typing constructs and string
        # decoding are paid once per distinct value here.
        for key, value in headers:
            if key.lower() == b"content-type":
                return self._split(value)
        return self._split(None)

    def validate_mime_type(self, mime_type: str) -> None:
        if self._operation.consumes and not self._mime_ok(mime_type):
            raise UnsupportedMediaTypeProblem(
                detail=f"Invalid Content-type ({mime_type}), expected {self._operation.consumes}")

    def _build_parameter_validator(self) -> t.Any:
        operation = self._operation
        uri_parser = operation._uri_parser_class(operation.parameters, operation.body_definition())
        return self._validator_map["parameter"](
            operation.parameters, uri_parser=uri_parser, strict_validation=self.strict_validation,
            security_query_params=self.security_query_params)

    def _build_body_validator(self, key: tuple[str, str]) -> t.Any:
        mime_type, encoding = key
        operation = self._operation
        schema = operation.body_schema(mime_type)
        if not schema:
            return None
        try:
            validator_cls = self._validator_map["body"][mime_type]
        except KeyError:
            return None  # Connexion logs "Skipping validation" and passes the body on
        return validator_cls(
            schema=schema, required=operation.request_body.get("required", False),
            nullable=utils.is_nullable(operation.body_definition(mime_type)), encoding=encoding,
            strict_validation=self.strict_validation,
            uri_parser=operation.uri_parser_class(operation.parameters, operation.body_definition()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._parameter_validator is None:
            self._parameter_validator = self._build_parameter_validator()
        self._parameter_validator.validate(scope)
        mime_type, encoding = self.extract_content_type(scope["headers"])
        self.validate_mime_type(mime_type)
        validator = self._body_validator((mime_type, encoding))
        if validator is not None:
            if mime_type.startswith("multipart/") and utils.extract_content_type(scope["headers"]) is None:
                # Connexion guesses the operation's multipart type; its parser then needs the
                # header's boundary (a KeyError, answered 500).
                raise ProblemError("validation-error", f"a {mime_type} body needs a Content-Type header "
                                   "with its boundary", title="Malformed request body")
            try:
                receive, scope = await validator.wrap_receive(receive, scope=scope)
            except MultiPartException as exc:  # no boundary, or a body that is not multipart
                raise ProblemError("validation-error", f"the {mime_type} body cannot be read: {exc}",
                                   title="Malformed request body") from exc
        await self.next_app(scope, receive, send)


class OncePerOperationValidationAPI(RequestValidationAPI):
    def make_operation(self, operation: AbstractOperation) -> RequestValidationOperation:
        return OncePerOperationValidation(self.next_app, operation=operation,
                                          strict_validation=self.strict_validation,
                                          validator_map=self.validator_map)


class OncePerOperationRequestValidation(RequestValidationMiddleware):
    """Connexion's request validation middleware with `OncePerOperationValidation`."""

    api_cls = OncePerOperationValidationAPI


class MemoisedContextAPI(ContextAPI):
    def make_operation(self, operation: AbstractOperation) -> ContextOperation:
        # This operation object becomes `connexion.context.operation`, which the parameter and
        # response decorators consult several times per request.
        return ContextOperation(self.next_app, operation=memoise_operation(operation))


class MemoisedContextMiddleware(ContextMiddleware):
    """Connexion's context middleware, exposing operations with `body_definition` memoised."""

    api_cls = MemoisedContextAPI


def _route_prefixes(routes: t.Iterable[t.Any], base: str = "") -> list[str]:
    """The literal start of every route's path (up to its first `{`), mounts descended into."""
    prefixes: list[str] = []
    for route in routes:
        path = base + getattr(route, "path", "")
        if isinstance(route, Mount) and route.routes:
            # A mounted router passes what its routes do not match to its default (the next app).
            prefixes += _route_prefixes(route.routes, path)
        else:
            prefixes.append(path.split("{", 1)[0])
    return prefixes


_LINE_BREAKS = "\n\r\x1c\x1d\x1e\x85\u2028\u2029"


class _YamlDumper(yaml.CSafeDumper if hasattr(yaml, "CSafeDumper") else yaml.SafeDumper):  # type: ignore[misc]
    """Connexion's served YAML (connexion.utils.yamldumper: a multi-line string as a `|` block, no
    anchors for repeated objects), emitted by libyaml: ~6x faster than the pure-Python emitter."""

    def ignore_aliases(self, data: t.Any) -> bool:
        return True

    def represent_scalar(self, tag: str, value: str, style: str | None = None) -> t.Any:
        if any(c in value for c in _LINE_BREAKS):
            style = "|"
        return super().represent_scalar(tag, value, style=style)


class _ClosingMultiPartParser(MultiPartParser):
    """Starlette's multipart parser for the request validator, which only looks at whether a part is
    a file: the parts' spooled temporary files are closed once parsed (Connexion leaves them open)."""

    async def parse(self) -> FormData:
        form = await super().parse()
        await form.close()
        return form


class ClosingMultiPartFormDataValidator(MultiPartFormDataValidator):
    """Connexion's multipart/form-data body validator, leaving no temporary file open."""

    @property
    def _form_parser_cls(self) -> type[MultiPartParser]:
        return _ClosingMultiPartParser


class ServedDocsAPI(SwaggerUIAPI):
    """Connexion's Swagger UI API, serving the document with this service as its server.

    Connexion rewrites `servers` to `[{url: <base path>}]`, which is `''` for an API at the root,
    and Swagger UI shows an empty Servers dropdown for it. `/` (or the base path) is where the page
    itself is served from, named, as the mock's served document names the mock.
    """

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        #: (base path, "json" | "yaml") -> the served bytes: the document does not change while the
        #: service runs, and Connexion copied (with_base_path) and dumped it on every request, ~2-3 s
        #: for the YAML of this repository's 1 MB bundled contract.
        self._prepared: dict[tuple[str, str], bytes] = {}

    async def _get_openapi_json(self, request: t.Any) -> StarletteResponse:
        return StarletteResponse(await self._served(request, "json"), media_type="application/json")

    async def _get_openapi_yaml(self, request: t.Any) -> StarletteResponse:
        return StarletteResponse(await self._served(request, "yaml"), media_type="text/yaml")

    async def _served(self, request: t.Any, kind: str) -> bytes:
        """The document as `kind`, dumped once per base path (off the event loop: the first YAML takes seconds)."""
        key = (self._base_path_for_prefix(request), kind)
        body = self._prepared.get(key)
        if body is None:
            body = await run_in_threadpool(self._dump, request, kind)
            self._prepared[key] = body
        return body

    def _dump(self, request: t.Any, kind: str) -> bytes:
        spec = self._spec_for_prefix(request)
        # Connexion's Jsonifier writes the dates YAML parsed; the YAML is what Connexion's dumper
        # wrote (multi-line strings as blocks, no anchors), through libyaml's emitter.
        text = Jsonifier().dumps(spec) if kind == "json" else yaml.dump(spec, allow_unicode=True, Dumper=_YamlDumper)
        return text.encode("utf-8") if isinstance(text, str) else bytes(text)

    def _spec_for_prefix(self, request: t.Any) -> dict[str, t.Any]:
        spec: dict[str, t.Any] = super()._spec_for_prefix(request)
        if "openapi" not in spec:  # Swagger 2.0 has basePath, no servers
            return spec
        servers = spec.get("servers") or [{}]
        url = servers[0].get("url") if isinstance(servers[0], dict) else None
        return {**spec, "servers": [{"url": url or "/", "description": "this service (accord serve)"}]}


class DocsGate(SwaggerUIMiddleware):
    """Connexion's Swagger UI middleware, entered only by paths its routes could match.

    Connexion sends every request through the Swagger UI router (each route's regex tried in
    turn) before passing unmatched ones on; a path that starts with none of the routes' literal
    prefixes cannot match, so it goes straight to the next middleware, as the router's default
    would send it.
    """

    def __init__(self, app: ASGIApp, **kwargs: t.Any) -> None:
        super().__init__(app, **kwargs)
        self._prefixes: tuple[str, ...] = ()

    def add_api(self, specification: t.Any, base_path: str | None = None, arguments: dict[str, t.Any] | None = None,
                **kwargs: t.Any) -> None:
        # SwaggerUIMiddleware.add_api, with the API class above.
        api = ServedDocsAPI(specification, base_path=base_path, arguments=arguments, default=self.default_fn, **kwargs)
        self.router.mount(api.base_path, app=api.router)
        self._prefixes = tuple(sorted(set(_route_prefixes(self.router.routes))))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self._prefixes):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def middlewares(validate_responses: bool) -> list[t.Any]:
    """The stack, outermost first: Connexion's default list, in its order, with the classes above.

    Without response validation, Connexion's response validation middleware only looks the
    operation up and passes the request on; it is left out then.
    """
    return [
        ServerErrorMiddleware,
        ExceptionMiddleware,
        DocsGate,
        RoutingMiddleware,
        SecurityMiddleware,
        OncePerOperationRequestValidation,
        *([ResponseValidationMiddleware] if validate_responses else []),
        LifespanMiddleware,
        MemoisedContextMiddleware,
    ]
