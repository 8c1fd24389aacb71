"""The mock as a raw ASGI app: a visible pipeline of steps over a compiled document.

    prepared body → preflight → control → internal → route → preferences → authenticate → read body
      → validate → scenario → fault → rule → stateful → respond

(control, scenario, fault, rule and stateful are the behaviour's steps: mock/behaviour/steps.py.)

As a proxy (`MockSettings.proxy`, mock/proxy.py) a `forward` step before `respond` sends valid
requests to the real service and checks its answers; recording (`MockSettings.record`,
mock/recording.py) writes every exchange to a consumer contract after it is sent.

Each step returns a Reply to end the request, or None to pass it on. Everything a step needs
from the document was compiled before the first request (or on the operation's first use).

A plain GET (no body, no `Prefer`…) routed to an operation the pipeline has already answered with
its static response is answered from a reply prepared for that operation, once the path's values
and its query pass the operation's checks (mock/prepared.py).
A valid request with a body (a POST with its credentials, headers and body in order) is answered
by the `prepared body` step from its operation's prepared default response
(mock/prepared_bodies.py); whatever that step does not cover goes on through the steps after it.
An app's pipeline leaves out the steps that can never answer for it (`_steps_for`).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.bounded import FULL_NODES, errors_of
from accord.errors import UsageError
from accord.loading import Spec, converted, load_spec
from accord.mock import prism
from accord.mock.behaviour import Engine, configure
from accord.mock.behaviour import steps as behaviour
from accord.mock.bodies import (
    BodyError,
    reserved_in_form,
    split_media_type,
)
from accord.mock.compiler import WORDING_CACHE_SIZE, CompiledApi, Operation
from accord.mock.cors import Cors, is_preflight
from accord.mock.cors import preflight as preflight_reply
from accord.mock.docs import OPENAPI, PREFIX, Docs
from accord.mock.exchange import Exchange, Reply, Twins, read_within
from accord.mock.journal import MAX_BODY_KEPT, Journal
from accord.mock.negotiation import (
    NO_PREFERENCES,
    PreferenceError,
    forced_key,
    read_preferences,
    served_status,
)
from accord.mock.parameters import ParameterDecodeError, RequestParts, parse_query, read_all
from accord.mock.prepared import Plan, plannable, remember, routed
from accord.mock.prepared_bodies import BodyPlan, prepared_body
from accord.mock.prism import words_of
from accord.mock.problems import Violation, sl_violations
from accord.mock.proxy import Upstream, forward, forward_unrouted
from accord.mock.rejections import Rejector, request_id_value
from accord.mock.responses import generated_body
from accord.mock.routing import PathEncodingError, query_values
from accord.mock.security import configured_keys
from accord.mock.settings import MockSettings
from accord.schemas import SchemaCompiler
from accord.violations import REQUIRED, UNEXPECTED, UNEXPECTED_KINDS, describe, detail

if TYPE_CHECKING:
    from accord.mock.recording import Recorder  # imported when recording (--record)

log = logging.getLogger("accord.mock")

#: Every answer names the served document (RFC 8631 `service-desc`), so a client finds it without probing.
SERVICE_DESC = (b"link", f'<{OPENAPI}>; rel="service-desc"'.encode("latin-1"))
_ENDING = [SERVICE_DESC]

#: Documents with at most this many operations are fully prepared before serving.
EAGER_OPERATIONS = 300
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: Schema-path ends of a failed anyOf/oneOf, whose branch errors Prism lists too.
_COMBINERS = frozenset({"anyOf", "oneOf"})
_new = tuple.__new__

Step = Callable[["MockApp", Exchange], "Reply | Awaitable[Reply | None] | None"]


# -- the steps ------------------------------------------------------------------------------------
def preflight(app: MockApp, ex: Exchange) -> Reply | None:
    """CORS preflight: 204 on any path (Prism)."""
    if app.cors and is_preflight(ex.method, ex.headers):
        return preflight_reply(ex.headers)
    return None


def internal(app: MockApp, ex: Exchange) -> Reply | None:
    """Swagger UI, the served document and the journal under /__accord/."""
    if ex.path.startswith(PREFIX):
        return app.docs.serve(ex.method, ex.path)
    return None


def route(app: MockApp, ex: Exchange) -> Reply | None:
    """404 for an unknown path, 405 with Allow for a known path and another method.

    HEAD is a method like the others: served where the path item declares `head`, else 405 (as
    Prism answers), not GET's answer without its body — the document says which methods a path
    answers, and a client should not come to rely on one it does not list."""
    try:
        matches = app.api.matches(ex.path)
    except PathEncodingError as exc:
        return ex.generic(400, str(exc))
    allow: list[str] = []
    method = ex.method.lower()
    if app.api.fragments:
        return _route_fragments(app, ex, matches, method)
    # The best match is authoritative (OpenAPI: concrete paths before templated ones), with
    # the templates of the same shape: /pets/mine without DELETE is 405, not /pets/{id}.
    for match in matches:
        if match.group != matches[0].group:
            break
        op = match.target.operations.get(method)  # HEAD too: only where the document declares it
        if op is not None:
            ex.item, ex.op, ex.values = match.target, app.api.prepare(op), match.values
            if len(matches) > 1:
                ex.twins = _twins(matches, match, method)
            return None
        allow.append(match.target.allow)
    return _unrouted(ex, allow)


def _twins(matches: list[Any], chosen: Any, method: str) -> Twins:
    """The operations for `method` of the other same-shape templates than `chosen`'s."""
    found = []
    for match in matches:
        if match.group != chosen.group:
            break
        op = match.target.operations.get(method)
        if match is not chosen and op is not None:
            found.append((match.target, op, match.values))
    return tuple(found)


def proxy_route(app: MockApp, ex: Exchange) -> Reply | Awaitable[Reply] | None:
    """`route` in front of the proxy: what the document does not route is forwarded as is
    unless the proxy answers for the contract (`--errors`: then 404/405 as the mock answers)."""
    reply = route(app, ex)
    if reply is None or ex.op is not None or app.proxy is None or app.proxy.errors:
        return reply
    return forward_unrouted(app, ex)


def _route_fragments(app: MockApp, ex: Exchange, matches: list[Any], method: str) -> Reply | None:
    """`route` for documents whose path keys hold `#` (mock/routing.py): of the best-matching
    path's operations for the method, the one whose fragment the request meets (the most
    conditions first), else the one without a fragment; none met is a 404 naming what to send."""
    allow: list[str] = []
    candidates: list[tuple[Any, Operation]] = []
    for match in matches:
        if match.group != matches[0].group:
            break
        op = match.target.operations.get(method)
        if op is None:
            allow.append(match.target.allow)
        else:
            candidates.append((match, op))
    if not candidates:
        return _unrouted(ex, allow)
    query: dict[str, list[str]] | None = None
    chosen: tuple[Any, Operation] | None = None
    best = -1
    for match, op in candidates:
        fragment = match.target.fragment
        if fragment is None:
            if best < 0:
                chosen, best = (match, op), 0
            continue
        if query is None:
            query = query_values(ex.query)
        if len(fragment.conditions) > best and fragment.holds(ex.headers, query):
            chosen, best = (match, op), len(fragment.conditions)
    if chosen is None:
        wanted = "; ".join(sorted({m.target.fragment.describe() for m, _op in candidates}))
        detail = f"{ex.method} {ex.path} is told apart by a header or query parameter; send one of: {wanted}"
        return ex.generic(404, detail, prism_code="NO_PATH_MATCHED_ERROR")
    match, op = chosen
    ex.item, ex.op, ex.values = match.target, app.api.prepare(op), match.values
    return None


def _unrouted(ex: Exchange, allow: list[str]) -> Reply:
    if allow:
        methods = ", ".join(sorted({m for value in allow for m in value.split(", ")}))
        return ex.generic(405, prism.no_method(ex.path, ex.method), [(b"allow", methods.encode("ascii"))],
                          prism_code="NO_METHOD_MATCHED_ERROR")
    return ex.generic(404, prism.no_path(ex.path), prism_code="NO_PATH_MATCHED_ERROR")


def preferences(app: MockApp, ex: Exchange) -> Reply | None:
    """Request parts, and the `Prefer` header / `__*` query parameters (422/400 when invalid)."""
    op = ex.op
    assert op is not None
    try:
        query = parse_query(ex.query) if ex.query else []
    except ParameterDecodeError as exc:
        return app.reject(ex, [Violation("query", "", (), "encoding", str(exc), kind="malformed")])
    ex.parts = RequestParts(dict(zip(op.names, ex.values, strict=False)) if op.names else {}, query, ex.headers)
    prefer = ex.headers.get("prefer")
    if prefer is None and not query:  # nothing to read preferences from
        ex.prefs = NO_PREFERENCES
        return None
    try:
        ex.prefs = read_preferences(prefer, query)
    except PreferenceError as exc:
        return app.reject(ex, [Violation(exc.location, exc.parameter, (), "prefer", str(exc))])
    return None


def authenticate(app: MockApp, ex: Exchange) -> Reply | None:
    """401 with WWW-Authenticate unless one alternative of the security requirements holds."""
    op = ex.op
    assert op is not None and ex.parts is not None
    if op.security.alternatives:
        violations = op.security.check(ex.parts, app.keys)
        if violations:
            return app.reject(ex, violations)
    return None


def read_body(app: MockApp, ex: Exchange) -> Awaitable[Reply | None] | Reply | None:
    """The body, up to the limit (413 beyond it). Awaits (returns the reading) only when there is
    a body to read: a GET goes on without a coroutine."""
    if ex.body_read:  # by `prepared_body`
        return None
    if ex.method not in _BODY_METHODS and "content-length" not in ex.headers and "transfer-encoding" not in ex.headers:
        return None
    declared = ex.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > app.max_body:  # refuse before reading a byte
        detail = f"The request body is larger than {app.max_body} bytes"
        return ex.generic(413, detail)
    return _read_body(app, ex)


async def _read_body(app: MockApp, ex: Exchange) -> Reply | None:
    message = await ex.receive()
    body = message.get("body", b"")
    # The whole body in one message (the common case) is read here: one coroutine per request, not two.
    if message.get("more_body", False) or message["type"] != "http.request" or len(body) > app.max_body:
        body = await read_within(ex.receive, app.max_body, message)
    if body is None:
        detail = f"The request body is larger than {app.max_body} bytes"
        return ex.generic(413, detail)
    ex.body = body
    return None


def validate(app: MockApp, ex: Exchange) -> Reply | None:
    """Every parameter and body violation at once; errors → a documented 4xx."""
    if not app.validate_requests:
        return None
    op = ex.op
    assert op is not None and ex.parts is not None
    violations = _request_violations(app, ex, op)
    if not violations and not ex.violations:  # a valid request: the common case, no generator to run
        return None
    if ex.twins and any(v.severity == "Error" for v in violations) and _to_twin(app, ex):
        return None
    if ex.violations:  # a proxy forwarding a request that failed authentication reports both
        violations = [*ex.violations, *violations]
    ex.violations = violations
    if any(v.severity == "Error" for v in violations):
        return app.reject(ex, violations)
    return None


def _to_twin(app: MockApp, ex: Exchange) -> bool:
    """Whether a same-shape twin of the operation takes the request as it is (its credentials,
    parameters and body); the exchange then goes on as that operation's."""
    assert ex.parts is not None
    for item, twin, values in ex.twins:
        twin = app.api.prepare(twin)
        parts = RequestParts(dict(zip(twin.names, values, strict=False)), ex.parts.query, ex.headers)
        if twin.security.alternatives and twin.security.check(parts, app.keys):
            continue
        first = ex.parts
        ex.parts = parts
        violations = _request_violations(app, ex, twin)
        if not any(v.severity == "Error" for v in violations):
            ex.item, ex.op, ex.values, ex.violations = item, twin, values, violations
            return True
        ex.parts = first
    return False


def _request_violations(app: MockApp, ex: Exchange, op: Operation) -> list[Violation]:
    """Every parameter and body violation of the request against `op`."""
    assert ex.parts is not None
    values, violations = read_all(op.parameters, ex.parts)
    schemas = app.api.schemas
    if op.param_schema is not None and values and not schemas.is_valid(op.param_schema, values, "request"):
        for error in schemas.validator(op.param_schema, "request").iter_errors(values):
            keyword = str(error.schema_path[-1]) if error.schema_path else ""
            # The same words as the service's (accord.violations), under `parameter` and `in`.
            words = prism.words(error)
            for path, detail in describe(error):
                if not path:  # about the whole set of parameters: nothing to name
                    continue
                location, _, name = str(path[0]).partition(".")
                branches = prism.branch_entries(location, name, error) if keyword in _COMBINERS else ()
                violations.append(Violation(location, name, path[1:], keyword, detail, prism=words,
                                            branches=branches))
    violations.extend(_body_violations(app, ex, op))
    return violations


def _body_violations(app: MockApp, ex: Exchange, op: Operation) -> list[Violation]:
    body = op.body
    if body is None:
        if ex.body and "requestBody" not in op.raw:  # Prism: a body the operation does not take is a 415
            return [Violation("body", "", (), "415", "The operation takes no request body", kind="content-type")]
        return []
    if not ex.body:
        return [Violation("body", "", (), "required", "is required")] if body.required else []
    header = ex.headers.get("content-type", "")
    key = body.key_for(header)
    if key is None:
        accepted = ", ".join(body.media) or "none"
        return [
            Violation(
                "body",
                "",
                (),
                "415",
                f"Content-Type {header or '(none)'!r} is not accepted; supported: {accepted}",
                kind="content-type",
            )
        ]
    media = body.media[key]
    if media.reserved:
        raw_reserved = reserved_in_form(ex.body, media.reserved)
        if raw_reserved:  # as Prism: reported alone, before the values are decoded and validated
            return [Violation("body", "", (name,), prism.RESERVED, f"'{name}' holds reserved characters that its "
                              "encoding (allowReserved: false) wants percent-encoded", prism=prism.RESERVED_CHARACTERS)
                    for name in raw_reserved]
    if media.parser is None:
        return []
    checked = ex.checked
    invalid = checked is not None and checked[0] is media  # parsed by `prepared_body`, and not valid
    if invalid:
        value = checked[1]  # type: ignore[index]
    else:
        try:
            value = media.parser(ex.body, media.context(header))
        except BodyError as exc:
            return [Violation("body", "", (), "parse", str(exc), kind="malformed")]
        if media.schema is None:
            return []
    try:
        if not invalid and app.api.schemas.is_valid(media.schema, value, "request"):
            return []
        # Located and worded as the service words them (accord.violations): a missing property's own
        # pointer, one entry per unexpected property, no value echoed.
        found: list[Violation] = []
        append = found.append
        wording = media.wording
        # Only the errors' kinds and paths are read: their messages need not write the body out.
        validator = app.api.schemas.masked_validator(media.schema, "request")
        # A JSON text of at most FULL_NODES bytes is small (accord.bounded): every error, without a generator.
        errors: Iterator[Any] = (validator.iter_errors(value) if media.json_text and len(ex.body) <= FULL_NODES
                  else errors_of(validator, value, text_bytes=len(ex.body) if media.json_text else None))
        for e in errors:
            kind = e.kind
            name = kind.name  # a property of the library's: read once, the words below take it
            schema_path = e.schema_path
            path = tuple(e.instance_path)
            # describe(e), unrolled; each Violation("body", "", path, code, detail, prism=words,
            # branches=branches) built as the tuple it is: NamedTuple's generated __new__ costs 2-3k
            # instructions per call.
            if name == "required" or name in UNEXPECTED_KINDS:
                code = str(schema_path[-1]) if schema_path else ""
                words = words_of(name, kind)
                if name == "required":
                    append(_new(Violation, ("body", "", (*path, kind.property), code, REQUIRED, "schema", "Error",
                                            words, ())))
                else:
                    for extra in kind.unexpected:
                        append(_new(Violation, ("body", "", (*path, extra), code, UNEXPECTED, "schema", "Error",
                                                words, ())))
                continue
            # Any other kind is worded from its schema node alone (its limit, types, pattern…): the
            # words are kept per node of this validator, whatever the instance that broke it.
            node = (name, *schema_path)
            worded = wording.get(node)
            if worded is None:
                worded = (str(schema_path[-1]) if schema_path else "", detail(name, kind), words_of(name, kind))
                if len(wording) < WORDING_CACHE_SIZE:
                    wording[node] = worded
            code, told, words = worded
            branches = prism.branch_entries("body", "", e) if code in _COMBINERS else ()
            append(_new(Violation, ("body", "", path, code, told, "schema", "Error", words, branches)))
        return found
    except (ValueError, OverflowError) as exc:  # e.g. integers beyond what the validator holds
        return [Violation("body", "", (), "value", f"the body cannot be validated: {exc}", kind="malformed")]


def respond(app: MockApp, ex: Exchange) -> Reply:
    """The chosen response: forced code/example, negotiated media type, static or generated."""
    op, prefs = ex.op, ex.prefs or NO_PREFERENCES
    assert op is not None
    if prefs.code is not None:
        key = forced_key(op.responses, prefs.code)
        if key is None:
            return ex.generic(404, prism.no_status(prefs.code), prism_code="NOT_FOUND")
    else:
        key = op.default_key
        if key is None:  # OpenAPI 3.1 makes `responses` optional: succeed, say nothing
            return Reply(204, [])
    response = op.responses[key]
    status = response.status if prefs.code is None and response.status else served_status(key, prefs.code)
    headers = list(response.headers)
    rid = request_id_value(response, ex.request_id)
    if rid is not None:
        headers.append((b"x-request-id", rid))
    if op.deprecated:
        headers.append((b"deprecation", b"true"))
    if not response.contents:
        if response.unrenderable is not None:  # never an empty body where the document declares one
            detail = f"The mock cannot produce a body that matches the schema at {response.unrenderable} (see its log)"
            return ex.generic(500, detail)
        ex.static = True
        return Reply(status, headers)
    accept = ex.headers.get("accept")
    index = response.negotiate(accept)
    if index is None:
        return ex.generic(406, prism.not_acceptable(str(accept)), prism_code="NOT_ACCEPTABLE")
    content = response.contents[index]
    headers.append((b"content-type", content.content_type))
    if prefs.example is not None:
        body = content.examples.get(prefs.example)
        if body is None:
            detail = prism.no_example(split_media_type(content.served)[0], prefs.example)
            return ex.generic(404, detail, prism_code="NOT_FOUND")
        return Reply(status, headers, body if rid is None else content.with_request_id(body, rid))
    dynamic = app.dynamic if prefs.dynamic is None else prefs.dynamic
    if dynamic and content.schema is not None:
        ex.static = True  # a plan generates the body per request too (mock/prepared.py)
        return Reply(status, headers, app.generate(content, prefs.seed))
    ex.static = True
    return Reply(status, headers, content.body if rid is None else content.with_request_id(content.body, rid))


PIPELINE: tuple[Step, ...] = (
    prepared_body, preflight, behaviour.behaviour_control, internal, route, preferences, authenticate, read_body,
    validate, *behaviour.STEPS, respond,
)
#: The validating proxy: forwards what passed validation upstream (no rules, faults or state:
#: those shape the mock's own answers).
PROXY_PIPELINE: tuple[Step, ...] = (preflight, internal, proxy_route, preferences, authenticate, read_body, validate,
                                    forward, respond)
#: Steps that may return an awaitable (the rest return a Reply or None): coroutine functions, and
#: steps that return a coroutine only when they have something to await (a body to read, a
#: control request), so that a request without one creates no coroutine.
_MAY_AWAIT = frozenset({read_body, behaviour.behaviour_control, proxy_route, prepared_body})
#: (step, may return an awaitable). The flag says which member of Step's union a step returns, so
#: the pipeline types a step's result as Any.
_STEPS: tuple[tuple[Callable[[MockApp, Exchange], Any], bool], ...] = tuple(
    (step, step in _MAY_AWAIT or inspect.iscoroutinefunction(step)) for step in PIPELINE)
_PROXY_STEPS: tuple[tuple[Callable[[MockApp, Exchange], Any], bool], ...] = tuple(
    (step, step in _MAY_AWAIT or inspect.iscoroutinefunction(step)) for step in PROXY_PIPELINE)
#: Steps that answer nothing without rules, scenarios, faults or state (they read `ex.note`, which
#: only `behaviour_scenario` sets, and only then, or `app.state`).
_BEHAVIOUR_ONLY = frozenset({behaviour.behaviour_fault, behaviour.behaviour_rule, behaviour.behaviour_stateful})


def _steps_for(app: MockApp) -> tuple[tuple[Callable[[MockApp, Exchange], Any], bool], ...]:
    """The app's pipeline, less the steps that can never answer for it: the behaviour's without
    behaviour, and `prepared_body` where nothing may be prepared (mock/prepared.py `plannable`) or
    requests are not validated."""
    if app.proxy is not None:
        return _PROXY_STEPS
    skipped: set[Any] = set()
    if not app.behaviour.active and app.state is None:
        skipped |= _BEHAVIOUR_ONLY
    if not (plannable(app) and app.validate_requests):
        skipped.add(prepared_body)
    return tuple(entry for entry in _STEPS if entry[0] not in skipped)


class _Done:
    """An awaitable that is already done: `await` returns None without suspending."""

    __slots__ = ()

    def __await__(self) -> Any:
        return iter(())


_DONE = _Done()


class _Sent:
    """ASGI `send` for `MockApp.answer_now`: keeps the two messages; never waits."""

    __slots__ = ("body", "start")

    def __init__(self) -> None:
        self.start: dict[str, Any] | None = None
        self.body: dict[str, Any] | None = None

    def __call__(self, message: dict[str, Any]) -> _Done:
        if message["type"] == "http.response.start":
            self.start = message
        else:
            self.body = message
        return _DONE


class _Received:
    """ASGI `receive` for `MockApp.answer_now`: the whole body at once, then a disconnect; never waits."""

    __slots__ = ("message",)

    def __init__(self, body: bytes) -> None:
        self.message: dict[str, Any] = {"type": "http.request", "body": body, "more_body": False}

    def __call__(self) -> _Message:
        message, self.message = self.message, {"type": "http.disconnect"}
        return _Message(message)


class _Message:
    """An awaitable that returns its message without suspending."""

    __slots__ = ("message",)

    def __init__(self, message: dict[str, Any]) -> None:
        self.message = message

    def __await__(self) -> Any:
        return self.message
        yield  # a generator: `await` gets the message as its value


class MockApp:
    """ASGI callable serving one compiled document."""

    def __init__(
        self,
        api: CompiledApi,
        settings: MockSettings | None = None,
        *,
        proxy: Upstream | None = None,
        recorder: Recorder | None = None,
        behaviour: Engine | None = None,
        state: Any = None,
    ) -> None:
        settings = settings or MockSettings()
        self.api = api
        self.settings = settings
        self.proxy = proxy
        self.recorder = recorder
        # Read on every request: plain attributes, not a lookup through `settings` each time.
        self.dynamic = settings.dynamic
        self.cors = settings.cors
        self.cors_headers = Cors(api.document).headers_for if settings.cors else None
        self.keys = configured_keys(settings.api_keys)
        self.validate_requests = settings.validate_requests
        self.max_body = settings.max_body
        self.journal = Journal(settings.journal_size)
        self.docs = Docs(api.document, self.journal, keys=bool(self.keys), stateful=state is not None)
        self.rejector = Rejector(api)
        self._random = random.Random(api.seed)  # None: seeded from the OS
        self.behaviour = behaviour or Engine()  # rules, latency, faults, scenarios
        self.state = state  # mock.state.State when stateful, else None
        #: Prepared replies to plain GETs (mock/prepared.py): by operation (`id(op)`), and the one
        #: found for a raw path with the path as the journal records it.
        self.operation_plans: dict[int, Plan] = {}
        self.plans: dict[bytes, tuple[Plan, str, tuple[str, ...]]] = {}
        #: Whether every answer is ready without waiting (no upstream, no latency, no network
        #: fault): the server may then call `answer_now` instead of the ASGI app (mock/protocol.py).
        self.immediate = proxy is None and not self.behaviour.active
        #: Prepared replies to valid requests with a body, by operation pointer (None: not prepared).
        self.body_plans: dict[str, BodyPlan | None] = {}
        #: By (method, path): the plan, the path item and the path's values (mock/prepared_bodies.py).
        self.body_routes: dict[tuple[str, str], Any] = {}
        self.steps = _steps_for(self)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            ready = self.prepared(scope)
            if ready is None:
                await self.handle(scope, receive, send)
            else:
                await send(ready[0])
                await send(ready[1])
        elif scope["type"] == "lifespan":
            await self.lifespan(receive, send)

    def prepared(self, scope: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The two messages answering a plain GET from its operation's prepared reply
        (mock/prepared.py), recorded in the journal; None when the pipeline (`handle`) must answer.
        Not a coroutine: the caller sends them, with no coroutine of its own per request."""
        if scope["method"] != "GET" or not self.operation_plans:
            return None
        raw_path = scope.get("raw_path")
        found = self.plans.get(raw_path)  # type: ignore[arg-type]
        if found is None:
            found = routed(self, raw_path)
            if found is None:
                return None
        plan, path, values = found
        raw_headers = scope["headers"]
        query = scope.get("query_string", b"")
        try:
            if (query or plan.whole) and not plan.takes_query(values, query):
                return None
            messages = plan.answer(raw_headers)
        except Exception:  # the pipeline answers (and logs) whatever failed here
            return None
        if messages is not None and self.journal.enabled:
            op = plan.op
            self.journal.record(("GET", path, query, raw_headers, b"", plan.response.status, op.label, op.path,
                                 (), None))
        return messages

    def answer_now(self, scope: dict[str, Any], body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
        """The start and body messages answering a whole request (its `body` read), computed at
        once: a prepared reply, else the pipeline (`handle`) run to completion without the event
        loop. Only for an app that is `immediate`, where no step waits on anything."""
        ready = self.prepared(scope)
        if ready is not None:
            return ready
        sent = _Sent()
        coroutine = self.handle(scope, _Received(body), sent)
        try:
            coroutine.send(None)
        except StopIteration:
            if sent.start is None or sent.body is None:
                raise RuntimeError("the pipeline ended without an answer") from None
            return sent.start, sent.body
        coroutine.close()
        raise RuntimeError("the pipeline waited on an immediate request")

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """The pipeline's answer to one request."""
        ex = Exchange.from_scope(scope, receive)
        ex.prism_errors = self.api.prism_errors
        reply: Reply | None = None
        try:
            for step, awaits in self.steps:
                result = step(self, ex)
                if result is not None:
                    if awaits and result.__class__ is not Reply:
                        result = await result
                        if result is None:
                            continue
                    reply = result
                    break
        except Exception:  # a bug in the mock: answer, log, never leak a traceback
            log.exception("internal error on %s %s", ex.method, ex.path)
            reply = ex.generic(500, "The mock failed on this request; see its log")
        assert reply is not None
        if self.cors_headers is not None:
            reply.headers.extend(self.cors_headers(ex.headers))
        if self.proxy is None:  # RFC 8631: where the served document is (a proxied answer keeps the upstream's)
            reply.headers.append(SERVICE_DESC)
        if ex.violations and reply.status < 400 and self.proxy is None:  # the proxy reports its own
            warnings = [v for v in ex.violations if v.severity != "Error"]
            if warnings:
                reply.headers.append((b"sl-violations", sl_violations(warnings)))
        sent = ex.note is None or await behaviour.deliver(self, ex, reply)  # latency; network faults
        if sent:  # send_reply, inline: one coroutine fewer per request
            headers = reply.headers
            headers.append((b"content-length", str(len(reply.body)).encode("ascii")))
            await send({"type": "http.response.start", "status": reply.status, "headers": headers})
            await send({"type": "http.response.body", "body": b"" if ex.method == "HEAD" else reply.body})
        if self.journal.enabled:
            self._record(ex, reply)
        if self.recorder is not None and sent:
            self.recorder.record(self.api, ex, reply)
        if ex.static:
            remember(self, ex, scope.get("raw_path"), _ENDING if self.proxy is None else [])

    def reject_body(self, ex: Exchange) -> Reply | None:
        """The rejection of a body its operation's plan found invalid (mock/prepared_bodies.py), as
        the pipeline words it, without running the pipeline again: the plan has made sure that
        `preferences` finds nothing to read (no query string, no `Prefer`), that `authenticate`
        passes and that every parameter sent validates, so the request's violations are its
        body's. None (the pipeline goes on) if the body turns out to have none."""
        op = ex.op
        assert op is not None
        ex.parts = RequestParts(dict(zip(op.names, ex.values, strict=False)) if op.names else {}, [], ex.headers)
        ex.prefs = NO_PREFERENCES  # as `preferences` sets them
        violations = _body_violations(self, ex, op)
        if not violations:
            return None
        return self.reject(ex, violations)

    def reject(self, ex: Exchange, violations: list[Violation]) -> Reply | None:
        assert ex.op is not None
        ex.violations = violations
        if self.proxy is not None and not self.proxy.errors and ex.parts is not None:
            return None  # forwarded all the same; the violations go into sl-violations
        return self.rejector.reply(ex, ex.op, violations, ex.request_id)

    def generate(self, content: Any, seed: str | None) -> bytes:
        """A freshly generated body, valid, else the static one.

        `Prefer: seed=` gives the same body every time; a server-wide seed (`--seed`) gives the
        same sequence of bodies from start-up, as Prism's seeded faker does.
        """
        return generated_body(self.api, content, seed if seed is not None else self._random)

    def _record(self, ex: Exchange, reply: Reply) -> None:
        op = ex.op
        body = ex.body
        # The raw parts only: an Entry is built when the journal is read, not per request. The body
        # as far as an entry keeps it: 1,000 entries of 10 MB bodies would otherwise hold 10 GB.
        self.journal.record(
            (
                ex.method,
                ex.path,
                ex.query,
                ex.headers,
                body if len(body) <= MAX_BODY_KEPT else body[:MAX_BODY_KEPT],
                reply.status,
                op.label if op else None,
                op.path if op else None,
                ex.violations,
                ex.note.as_dict() if ex.note is not None else None,
            )
        )

    async def lifespan(self, receive: Any, send: Any) -> None:
        warmup: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if any(not op.prepared for op in self.api.operations):
                    warmup = asyncio.get_running_loop().create_task(self.warm_up())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if warmup is not None:
                    warmup.cancel()
                if self.proxy is not None:
                    await self.proxy.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def warm_up(self) -> None:
        """Prepare the remaining operations between requests, so findings surface early."""
        for op in list(self.api.operations):
            if not op.prepared:
                self.api.prepare(op)
                await asyncio.sleep(0)
        log.info("all %d operations prepared", len(self.api.operations))


def create_app(
    spec_or_path: Spec | str | Path,
    settings: MockSettings | None = None,
    *,
    upstream: Upstream | None = None,
    recorder: Recorder | None = None,
    generator: Any = None,
    clock: Callable[[], float] | None = None,
    **options: Any,
) -> MockApp:
    """An ASGI app mocking the document; raises accord errors for a document it cannot serve.

    `settings` (mock/settings.py), with `options` changing some of its fields (tests:
    `create_app(spec, stateful=True, rules=path)`). `upstream` and `recorder` are built by a caller
    that keeps them across reloads (mock/server.py); else they follow `settings.proxy` and
    `settings.record`. `generator` and `clock` (the time of stateful lifecycles) are for tests.
    """
    settings = MockSettings.of(settings, **options) if options else settings or MockSettings()
    spec = converted(spec_or_path) if isinstance(spec_or_path, Spec) else load_spec(spec_or_path, convert=True)
    schemas = SchemaCompiler(spec.document, spec.version, openapi_formats=True)
    if generator is None:
        from accord.mock.generation import Generator
        from accord.mock.generation.options import EXTENSION, Options

        faker_options = Options.read(spec.document, settings.fill_properties)
        if faker_options.ignored:
            log.warning("%s: accord's generator does not use %s (docs/mock-behaviour.md)", EXTENSION,
                        ", ".join(faker_options.ignored))
        # The generator checks its values with the mock's own compiler (`format: byte` included),
        # so what it serves passes the mock's validators.
        generator = Generator(spec.document, spec.version, options=faker_options, compiler=schemas)
    seed = settings.seed
    api = CompiledApi(spec.document, spec.version, generator=generator, seed=seed, locate=spec.locate_finding,
                      schemas=schemas)
    eager = settings.eager
    if eager is None:
        eager = len(api.operations) <= EAGER_OPERATIONS
    if eager:
        api.prepare_all()
    if upstream is None and settings.proxy is not None:
        upstream = Upstream(settings.proxy, errors=settings.errors)
    if upstream is not None and settings.shapes_answers:
        raise UsageError("--stateful, --rules and --scenario shape the mock's own answers: not with --proxy")
    if recorder is None and settings.record is not None:
        from accord.mock.recording import Recorder

        recorder = Recorder(settings.record, spec.document, contract=str(spec.path))
    engine, state = configure(api, rules=settings.rules, stateful=settings.stateful, scenario=settings.scenario,
                              seed=seed, clock=clock)
    return MockApp(api, settings, proxy=upstream, recorder=recorder, behaviour=engine, state=state)
