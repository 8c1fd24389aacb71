"""How Connexion calls our handlers: decorated once per operation, the request body parsed once.

Connexion 3.3's AsyncApp builds the handler's decorator chain again on every request
(`AsyncOperation.fn`: a new `StarletteDecorator`, a new URI parser, `inspect.signature` of the
handler) and then parses the JSON body a second time for the handler's `body` argument, after
the request validator has already parsed it. Both are per-request costs that depend only on the
operation, so here they are paid once:

- `ServiceApp` is an `AsyncApp` whose operations are `ServiceOperation`s: the decorated handler
  and the URI parser are built on the first request and kept;
- `ParsedBodyParameterDecorator` hands the handler the body that `accord.service.validation` parsed and
  validated (kept in the request's Starlette state, `scope["state"]`), falling back to
  Connexion's own parsing when there is none (form bodies, or no validator ran).

Everything else (argument names, defaults, path/query conversion, context injection, response
building) is Connexion's own code, unchanged.
"""

from __future__ import annotations

import copy
import functools
import typing as t

import connexion
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import context as connexion_context
from connexion.context import operation as current_operation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import (
    CONTEXT_NAME,
    AsyncParameterDecorator,
    _get_body_argument,
    _get_query_defaults,
    _get_val_from_param,
    _query_args_helper,
    inspect_function_arguments,
    unwrap_decorators,
)
from connexion.http_facts import FORM_CONTENT_TYPES
from connexion.utils import deep_merge
from starlette.types import Scope

#: Where the validated request body is kept for the handler (Starlette's per-request state).
PARSED_BODY_KEY = "accord_parsed_body"
_MISSING = object()


def keep_parsed_body(request_scope: Scope, body: t.Any) -> None:
    """Called by the body validator once the body is parsed and valid."""
    request_scope.setdefault("state", {})[PARSED_BODY_KEY] = body


class ParsedBodyParameterDecorator(AsyncParameterDecorator):
    """Connexion's parameter decorator, reusing the validator's parse of the body.

    Its name sanitiser (three regex substitutions per argument name, every request) is
    remembered per name; names come from the contract (strict validation refuses others).
    """

    def __init__(self, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self.sanitize_fn = functools.lru_cache(maxsize=256)(self.sanitize_fn)

    def _maybe_get_body(self, request: t.Any, *, arguments: list[str], has_kwargs: bool) -> t.Any:
        body = request.scope.get("state", {}).get(PARSED_BODY_KEY, _MISSING)
        if body is _MISSING:
            return super()._maybe_get_body(request, arguments=arguments, has_kwargs=has_kwargs)
        return body

    def __call__(self, function: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """Connexion's wrapper for what it alone handles (form bodies, TRACE, bodies no validator
        parsed); `ArgumentPlan` for a JSON body we parsed, or no body."""
        connexion_wrapper = super().__call__(function)
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        # Decoration happens on the operation's first request, with `operation` set to it.
        plan = ArgumentPlan(current_operation._get_current_object(), arguments, has_kwargs, self.sanitize_fn)

        @functools.wraps(function)
        async def wrapper(request: t.Any) -> t.Any:
            body = request.scope.get("state", {}).get(PARSED_BODY_KEY, _MISSING)
            if (plan.has_body and body is _MISSING) or request.mimetype in FORM_CONTENT_TYPES or plan.is_trace:
                return await connexion_wrapper(request)
            return await function(**plan.kwargs(request, None if body is _MISSING else body))

        return wrapper


class ArgumentPlan:
    """What Connexion's `prep_kwargs` works out on every request, worked out once per operation.

    Per request it then does what `prep_kwargs` does for a JSON body (or none): path parameters
    cast, query parameters merged over their defaults and cast, the body under its name, the
    security context, with Connexion's own helpers. Files only come with form bodies, which
    Connexion's wrapper keeps handling.
    """

    def __init__(self, operation: t.Any, arguments: list[str], has_kwargs: bool,
                 sanitize: t.Callable[[str], str]) -> None:
        self.operation = operation
        self.arguments = arguments
        self.has_kwargs = has_kwargs
        self.sanitize = sanitize
        self.path_definitions = {p["name"]: p for p in operation.parameters if p["in"] == "path"}
        self.query_definitions = {p["name"]: p for p in operation.parameters if p["in"] == "query"}
        self.query_defaults = _get_query_defaults(self.query_definitions)
        self.has_body = operation.is_request_body_defined
        self.is_trace = operation.method.upper() == "TRACE"

    def kwargs(self, request: t.Any, body: t.Any) -> dict[str, t.Any]:
        sanitize, arguments, has_kwargs = self.sanitize, self.arguments, self.has_kwargs
        kwargs: dict[str, t.Any] = {}
        for name, value in request.path_params.items():
            definition = self.path_definitions.get(name)
            kwargs[sanitize(name)] = value if definition is None else _get_val_from_param(value, definition)
        query = request.query_params
        if query or self.query_defaults:
            merged = deep_merge(copy.deepcopy(self.query_defaults), query)
            kwargs.update(_query_args_helper(self.query_definitions, merged, arguments, has_kwargs, sanitize))
        if self.has_body and (arguments or has_kwargs):
            kwargs.update(_get_body_argument(body, operation=self.operation, arguments=arguments,
                                             has_kwargs=has_kwargs, sanitize=sanitize,
                                             content_type=request.mimetype))
        kwargs = {sanitize(k): v for k, v in kwargs.items()}
        extra = connexion_context._get_current_object()
        for key, value in extra.items():
            if has_kwargs or key in arguments:
                kwargs[key] = value
        if CONTEXT_NAME in arguments:
            kwargs[CONTEXT_NAME] = extra
        return kwargs


class OncePerOperationDecorator(StarletteDecorator):
    """Connexion's Starlette decorator with the decoration and the URI parser built once."""

    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return ParsedBodyParameterDecorator

    def __call__(self, function: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        decorated: t.Callable[..., t.Any] | None = None
        uri_parser: t.Any = None

        @functools.wraps(function)
        async def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            nonlocal decorated, uri_parser
            if decorated is None:
                # First request: `operation` (a context variable) is this operation from now on.
                uri_parser = self.uri_parser
                decorated = self.decorate(function)
            # The objects themselves, not Connexion's context proxies: the request reads them often.
            request = self.framework.get_request(uri_parser=uri_parser, scope=scope._get_current_object(),
                                                 receive=receive._get_current_object())
            try:
                return await decorated(request)
            finally:
                # The multipart form the handler's files came from: its spooled temporary files
                # are closed here, once the handler is done (Connexion leaves them open).
                await request._starlette_request.close()

        return wrapper


class ServiceOperation(AsyncOperation):
    @functools.cached_property
    def fn(self) -> t.Callable[..., t.Any]:
        return OncePerOperationDecorator(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)


class ServiceApi(AsyncApi):
    def make_operation(self, operation: t.Any) -> AsyncOperation:
        return ServiceOperation.from_operation(operation, pythonic_params=self.pythonic_params,
                                               jsonifier=self.jsonifier)


class ServiceApp(connexion.AsyncApp):
    """`connexion.AsyncApp` whose operations are `ServiceOperation`s."""

    def __init__(self, import_name: str, **kwargs: t.Any) -> None:
        super().__init__(import_name, **kwargs)
        # AsyncApp creates its inner ASGI app in __init__; APIs are only added later (add_api),
        # so switching the class that builds them here affects every operation.
        self._middleware_app.api_cls = ServiceApi
