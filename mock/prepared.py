"""Replies prepared per operation: a plain GET answered without running the pipeline (mock/app.py).

The first GET routed to an operation goes through every step. When it ends in the operation's
static default response (no body, no `Prefer` or `__code`-like query parameter, no violation,
nothing from the behaviour) and the request carried none of the headers the answer depends on, a `Plan` is kept for
that operation: the status, the headers and the body as bytes, with a ready `http.response.start`
message. The answer does not depend on the path's values (`respond` serves the same bytes, or
generates from the same sequence, whatever they are), only whether the pipeline would take them:
the next GET is routed as the pipeline routes it (`CompiledApi.matches`, the best group's first
operation for GET) and its template values are read, coerced and validated as the pipeline's
`validate` does (`Plan.takes`; with a query string, or a parameter outside the path that matters
when absent, every parameter: `Plan.takes_query`); any violation, a warning included, a path that does
not decode, and anything unusual send it through the pipeline, which answers as before and turns to
a same-shape twin when the first template refuses the values. What a plan found for a raw path is
kept for the first PLAN_CACHE_SIZE paths (`MockApp.plans`), so a path seen before needs neither
routing nor checking. What a request may still change is handled per request, the same way the
pipeline handles it:

- the headers the answer depends on (`Prefer`, a body's framing, cookies, `X-Accord-Scenario`, the
  operation's declared header parameters): any of them sends the request through the pipeline;
- the security requirements: checked on every request with the operation's own check; a request
  that fails it goes through the pipeline, which words the 401;
- `Accept`: a value that negotiates another media type goes through the pipeline;
- `X-Request-ID` (when the response declares it): echoed or generated, and written into a body
  that repeats it, as `respond` does;
- `Origin`: the CORS headers for that origin (mock/cors.py); without one, the headers prepared
  from the same function.

In dynamic mode a plan holds everything but the body, which it generates per request as `respond`
does (`MockApp.generate`, from the same server-wide sequence): the body and its Content-Length differ
between requests, the rest of the answer is prepared.

A plan belongs to one MockApp (one compiled document): a reload builds a new app, with no plans.
Plans are never kept when an answer can change between two identical requests in another way than
a generated body: stateful mode, rules, scenarios and faults, a proxy, recording, paths told apart
by fragments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import orjson

from accord.mock.behaviour.engine import SCENARIO_HEADER
from accord.mock.docs import PREFIX
from accord.mock.exchange import next_request_id
from accord.mock.negotiation import _BY_QUERY_NAME, NO_PREFERENCES
from accord.mock.parameters import Parameter, ParameterDecodeError, RequestParts, coerce, parse_query, read_all
from accord.mock.routing import PathEncodingError
from accord.mock.wire import HEAD_LINES, HeaderError, header_lines

if TYPE_CHECKING:
    from accord.mock.app import MockApp
    from accord.mock.compiler import Operation
    from accord.mock.exchange import Exchange, Headers
    from accord.mock.responses import Response

#: Distinct raw paths whose plan is remembered (`routed`); a path beyond them is routed and checked.
PLAN_CACHE_SIZE = 4096

#: What a request header means to a plan (`Plan.watch`); a name not listed changes nothing. A value
#: of `_BEARER` or above is a credential's bit (`Plan.needs`).
_SLOW, _CREDENTIAL, _ORIGIN, _REQUEST_ID, _ACCEPT = range(5)
_BEARER = 8  # the Authorization header, when it holds a bearer token
_KEYS = 16  # the first header API key's bit; the next ones double it
#: Headers that change the answer of any operation: preferences, a body, cookies (parameters and
#: API keys), the behaviour's scenario, and the CORS request headers Prism echoes (only `Origin`
#: is read by a plan).
DEPENDS_ON = frozenset({"prefer", "content-length", "transfer-encoding", "cookie", SCENARIO_HEADER,
                        "access-control-request-method", "access-control-request-headers",
                        "access-control-expose-headers"})
_NO_QUERY: list[tuple[str, str]] = []
_NO_HEADERS: dict[str, str] = {}


@dataclass(slots=True)
class Plan:
    """The prepared answer to a plain GET of one path."""

    op: Operation
    response: Response
    index: int  # the content served without an Accept header (-1: a response without a body)
    watch: dict[bytes, int]
    #: Per security alternative, the bits of the credentials it needs (header API keys present and
    #: not empty, an `Authorization: Bearer <token>`): the same test as `SchemeCheck.credential`,
    #: without building the request's parts. None: no security, or `Security.check` decides
    #: (`checked`: keys to compare, or no alternative of header keys and bearer tokens only).
    needs: tuple[int, ...] | None
    checked: bool
    keys: tuple[bytes, ...]
    head: Headers  # the response's own headers, before X-Request-ID
    rest: Headers  # after it: Deprecation, Content-Type
    cors: Any  # the app's CORS function (request headers → headers), None when CORS is off
    plain: Headers  # `rest`, the CORS headers without Origin, the headers every answer ends with
    link: Headers  # the headers every answer ends with (mock/app.py's SERVICE_DESC)
    body: bytes
    #: Where the body repeats the request id (`Content.id_slots`): the bytes before and after it.
    slot: tuple[bytes, bytes] | None
    length: tuple[bytes, bytes]  # Content-Length of `body`
    start: dict[str, Any] | None  # the whole start message, when nothing in it varies per request
    end: dict[str, Any]  # the body message
    #: The headers of a request without Origin, X-Request-ID's value left to fill in (after `head`).
    template: Headers
    #: Dynamic mode: the generated body of this request (`MockApp.generate` for the content); None: `body`.
    generate: Any = None
    #: The header lines (mock/wire.py) of an answer without Origin, around what varies per request:
    #: before X-Request-ID's value (`x-request-id: ` included when the response declares it), and
    #: after it (Content-Length included, unless the body is generated).
    lines: tuple[bytes, bytes] = (b"", b"")
    #: What `takes` reads: the operation's path parameters that are their text coerced (key, types,
    #: the text's place among the template's values: `Parameter.plain_path_types`), the others
    #: (read by `read_all`), the template's names, and the `is_valid` of the validator the pipeline
    #: checks the parameters with (None: no parameter schema).
    coerced: tuple[tuple[str, frozenset[str], int], ...] = ()
    params: list[Parameter] = field(default_factory=list)
    names: tuple[str, ...] = ()
    valid: Callable[[Any], bool] | None = None
    #: Every request's parameters are read whole (`takes_query`), even without a query string.
    whole: bool = False

    def takes(self, values: tuple[str, ...]) -> bool:
        """Whether a path's template values pass the operation's parameter checks, read, coerced
        and validated as the pipeline's `validate` does (mock/app.py's `_request_violations`, with
        the same Parameter readers and the same compiled validator). Any violation, a warning
        included, leaves the request to the pipeline, which words it (and tries a same-shape twin)."""
        found: dict[str, Any] = {}
        for key, types, index in self.coerced:
            text = values[index]
            if not text:  # an empty value is a missing one (`_read_path`)
                return False
            found[key] = coerce(text, types)
        if self.params:
            more, violations = read_all(self.params, RequestParts(dict(zip(self.names, values, strict=False)),
                                                                   _NO_QUERY, _NO_HEADERS))
            if violations:
                return False
            found.update(more)
        return self.valid is None or not found or self.valid(found)

    def takes_query(self, values: tuple[str, ...], raw_query: bytes) -> bool:
        """Whether a GET with this query string gets the planned answer: no preference among its
        parameters (Prism's `__code`, `__example`, `__dynamic`, `__seed`), and every parameter of
        the operation, the query's and the path's, read and validated as the pipeline's
        `preferences` and `validate` steps do, without a violation or a warning. The answer of a
        static or dynamic mock does not depend on the query otherwise."""
        try:
            query = parse_query(raw_query)
        except ParameterDecodeError:
            return False
        if any(key in _BY_QUERY_NAME for key, _value in query):
            return False
        found, violations = read_all(self.op.parameters, RequestParts(dict(zip(self.names, values, strict=False)),
                                                                       query, _NO_HEADERS))
        if violations:
            return False
        return self.valid is None or not found or self.valid(found)

    def answer(self, raw_headers: list[tuple[bytes, bytes]]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The start and body messages for this request, or None: the pipeline must answer it."""
        origin = sent_id = accept = credentials = None
        got = seen = 0  # the credentials' bits: satisfied, and seen
        watch = self.watch
        for name, value in raw_headers:
            meaning = watch.get(name)
            if meaning is None:
                continue
            if meaning >= _BEARER:
                if seen & meaning:  # repeated: the pipeline joins repeated fields
                    return None
                seen |= meaning
                if value and (meaning != _BEARER or _bearer(value)):
                    got |= meaning
            elif meaning == _CREDENTIAL:
                if credentials is None:
                    credentials = {name: value}
                elif name in credentials:
                    return None
                else:
                    credentials[name] = value
            elif meaning == _ORIGIN:
                if origin is not None:
                    return None
                origin = value
            elif meaning == _REQUEST_ID:
                if sent_id is not None:
                    return None
                sent_id = value
            elif meaning == _ACCEPT:
                if accept is not None:
                    return None
                accept = value
            else:
                return None
        if self.needs is not None:
            for need in self.needs:
                if got & need == need:
                    break
            else:
                return None  # the pipeline words the 401
        elif self.checked and not self._checked(credentials):
            return None
        if accept is not None and self.response.negotiate(accept.decode("latin-1")) != self.index:
            return None
        if self.generate is not None:
            return self._generated(origin, sent_id)
        if origin is None:
            if self.start is not None:
                return self.start, self.end
            rest = self.plain
        else:
            rest = [*self.rest, *self.cors({"origin": origin.decode("latin-1")}), *self.link]
        if self.response.request_id is None:
            return {"type": "http.response.start", "status": self.response.status,
                    "headers": [*self.head, *rest, self.length]}, self.end
        # X-Request-ID as `respond` sets it (rejections.request_id_value), and in the body when it repeats it.
        rid = self._request_id(sent_id)
        if self.slot is None and origin is None:  # the usual case: one header to fill in
            headers = self.template.copy()
            headers[len(self.head)] = (b"x-request-id", rid)
            return {"type": "http.response.start", "status": self.response.status, "headers": headers,
                    HEAD_LINES: self.lines[0] + rid + self.lines[1]}, self.end
        if self.slot is None:
            body, end, length = self.body, self.end, self.length
        else:
            body = self.slot[0] + orjson.dumps(rid.decode("latin-1")) + self.slot[1]
            end, length = {"type": "http.response.body", "body": body}, (b"content-length", b"%d" % len(body))
        return {"type": "http.response.start", "status": self.response.status,
                "headers": [*self.head, (b"x-request-id", rid), *rest, length]}, end

    def _request_id(self, sent_id: bytes | None) -> bytes:
        """X-Request-ID as `respond` sets it (rejections.request_id_value): the request's, else generated."""
        assert self.response.request_id is not None
        static, valid, uuid_ok = self.response.request_id
        if sent_id is not None and valid(text := sent_id.decode("latin-1")):
            return text.encode("latin-1")
        return next_request_id() if uuid_ok else static

    def _generated(self, origin: bytes | None, sent_id: bytes | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """The messages of a dynamic answer: a body generated for this request, the rest prepared."""
        body = self.generate()
        rest = self.plain if origin is None else [*self.rest, *self.cors({"origin": origin.decode("latin-1")}),
                                                  *self.link]
        length = (b"content-length", b"%d" % len(body))
        rid = b""
        if self.response.request_id is None:
            headers = [*self.head, *rest, length]
        else:
            rid = self._request_id(sent_id)
            headers = [*self.head, (b"x-request-id", rid), *rest, length]
        start = {"type": "http.response.start", "status": self.response.status, "headers": headers}
        if origin is None:
            start[HEAD_LINES] = b"%s%s%scontent-length: %d\r\n" % (self.lines[0], rid, self.lines[1], len(body))
        return start, {"type": "http.response.body", "body": body}

    def _checked(self, credentials: dict[bytes, bytes] | None) -> bool:
        """True when an alternative of the operation's security requirements holds (its own check)."""
        text = {} if credentials is None else {k.decode("latin-1"): v.decode("latin-1")
                                               for k, v in credentials.items()}
        return not self.op.security.check(RequestParts({}, _NO_QUERY, text), self.keys)


def _bearer(value: bytes) -> bool:
    """`SchemeCheck.credential`'s test of a bearer token, on the header's bytes."""
    scheme, _, token = value.decode("latin-1").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


def _security(op: Operation, keys: tuple[bytes, ...]) -> tuple[dict[bytes, int], tuple[int, ...] | None]:
    """The credential headers a plan of `op` watches, and `Plan.needs` (None: no security, or
    `Security.check` decides)."""
    alternatives = op.security.alternatives
    if not alternatives:
        return {}, None
    bits: dict[bytes, int] = {}
    needs: list[int] = []
    for requirement in alternatives:
        need = 0
        for check in requirement:
            if check.kind == "apiKey" and check.where == "header" and check.param.lower() != "authorization":
                name = check.param.lower().encode("latin-1")
                if name not in bits:
                    bits[name] = _KEYS << sum(1 for known in bits if known != b"authorization")
                need |= bits[name]
            elif check.kind == "bearer":
                bits[b"authorization"] = _BEARER
                need |= _BEARER
            elif check.kind != "unsupported":  # basic, digest, a key in the query, a cookie or Authorization
                break
        else:
            needs.append(need)
    if needs and not keys:
        return bits, tuple(needs)
    names = {"authorization" if check.kind != "apiKey" else check.param.lower()
             for requirement in alternatives for check in requirement
             if check.kind != "unsupported" and (check.kind != "apiKey" or check.where == "header")}
    return {name.encode("latin-1"): _CREDENTIAL for name in names}, None


def watched(app: MockApp, op: Operation) -> tuple[dict[bytes, int], tuple[int, ...] | None]:
    """The request headers a plan of `op` reads and what each means, and `Plan.needs`."""
    credentials, needs = _security(op, app.keys)
    watch = {name.encode("latin-1"): _SLOW for name in DEPENDS_ON}
    watch.update(credentials)
    for parameter in op.parameters:  # a declared header is validated: the pipeline reads it
        if parameter.location == "header":
            watch[parameter.name.lower().encode("latin-1")] = _SLOW
    watch.setdefault(b"accept", _ACCEPT)
    watch.setdefault(b"x-request-id", _REQUEST_ID)
    if app.cors_headers is not None:
        watch.setdefault(b"origin", _ORIGIN)
    return watch, needs


def plannable(app: MockApp) -> bool:
    """Whether the app's answers to a plain GET are the same every time but for a generated body
    (see the module's notes)."""
    return (app.proxy is None and app.recorder is None and app.state is None and not app.behaviour.active
            and not app.api.fragments)


def learn(app: MockApp, ex: Exchange, raw_path: bytes, link: Headers) -> Plan | None:
    """A plan for `raw_path` from a GET the pipeline answered with its static default response, or
    None when that answer may not repeat for the next plain GET."""
    op = ex.op
    if (op is None or ex.method != "GET" or ex.body or ex.violations or ex.note is not None
            or ex.prefs is not NO_PREFERENCES or op.default_key is None or b"?" in raw_path
            or not plannable(app)):
        return None
    watch, needs = watched(app, op)
    if any(watch.get(name.encode("latin-1")) == _SLOW for name in ex.headers):
        return None
    response = op.responses[op.default_key]
    if not response.status or response.unrenderable is not None:
        return None
    head = list(response.headers)
    rest: Headers = [(b"deprecation", b"true")] if op.deprecated else []
    slot = generate = None
    if response.contents:
        index = response.negotiate(None)
        if index is None:
            return None
        content = response.contents[index]
        rest.append((b"content-type", content.content_type))
        body = content.body
        if app.dynamic and content.schema is not None:  # as `respond` answers: generated, no id in the body
            generate = partial(app.generate, content, None)
        elif response.request_id is not None:
            slot = content.id_slots.get(body)
    else:
        index, body = -1, b""
    plain = [*rest, *(app.cors_headers({}) if app.cors_headers is not None else ()), *link]
    length = (b"content-length", b"%d" % len(body))
    try:  # the lines the protocol writes (mock/protocol.py), checked once here
        before = header_lines(head) + (b"" if response.request_id is None else b"x-request-id: ")
        after = (b"" if response.request_id is None else b"\r\n") + header_lines(
            plain if generate is not None else [*plain, length])
    except HeaderError:
        return None  # the pipeline answers, and the protocol refuses to write the header
    start = None
    if response.request_id is None and generate is None:
        start = {"type": "http.response.start", "status": response.status, "headers": [*head, *plain, length],
                 HEAD_LINES: before + after}
    return Plan(op, response, index, watch, needs, needs is None and bool(op.security.alternatives),
                app.keys, head, rest, app.cors_headers, plain, link, body, slot, length, start,
                {"type": "http.response.body", "body": body}, [*head, (b"x-request-id", b""), *plain, length],
                generate, (before, after))


def routed(app: MockApp, raw_path: bytes | None) -> tuple[Plan, str, tuple[str, ...]] | None:
    """The plan of the operation a GET of `raw_path` is routed to, the path as the journal
    records it and the path's template values, when that plan answers for this path: the route
    as the pipeline's `route` step picks it (the same matches, the best group's first operation
    for GET) and the path's values accepted by `Plan.takes`. None: the pipeline answers (no plan
    yet, a path under /__accord/, a path that does not decode, no route, a value the operation
    refuses).

    What it finds is kept by raw path (`MockApp.plans`, the first PLAN_CACHE_SIZE paths): the
    same path needs neither routing nor checking again."""
    if not raw_path or b"?" in raw_path:
        return None
    path = raw_path.decode("latin-1")  # as Exchange.from_scope reads it
    if path.startswith(PREFIX):
        return None
    try:
        matches = app.api.matches(path)
    except PathEncodingError:
        return None
    if not matches:
        return None
    group = matches[0].group
    for match in matches:
        if match.group != group:
            return None
        op = match.target.operations.get("get")
        if op is not None:
            plan = app.operation_plans.get(id(op))
            if plan is None or not plan.takes(match.values):
                return None
            found = plan, path, match.values
            if len(app.plans) < PLAN_CACHE_SIZE:
                app.plans[raw_path] = found
            return found
    return None


def remember(app: MockApp, ex: Exchange, raw_path: bytes | None, link: Headers) -> None:
    """Keep the plan of an operation from a GET the pipeline answered with its default response
    (`MockApp.operation_plans`, found by `routed`), unless the operation has one."""
    op = ex.op
    if op is None or raw_path is None or id(op) in app.operation_plans:
        return
    plan = learn(app, ex, raw_path, link)
    if plan is not None and _per_operation(app, ex, plan):
        app.operation_plans[id(op)] = plan
def _per_operation(app: MockApp, ex: Exchange, plan: Plan) -> bool:
    """Whether `plan`, learned from this exchange, answers for every path routed to its operation
    whose values `Plan.takes` accepts; sets what `takes` reads, and whether a parameter outside
    the path must be read on every request (`whole`). Not when the request went to a same-shape
    twin of the operation it was routed to (the plan would answer for the other one)."""
    op = plan.op
    if any(twin is op for _item, twin, _values in ex.twins):
        return False
    others = [p for p in op.parameters if p.location != "path"]
    # A parameter outside the path that gives a value or a violation when absent (a default, a
    # required query parameter): every request is read whole (`takes_query`).
    plan.whole = read_all(others, RequestParts({}, _NO_QUERY, _NO_HEADERS)) != ({}, [])
    coerced, params = [], []
    for param in op.parameters:
        if param.location != "path":
            continue
        types = param.plain_path_types()
        if types is not None and param.name in op.names:
            # `dict(zip(names, values))` keeps a repeated name's last value, as the pipeline reads it
            coerced.append((param.key, types, len(op.names) - 1 - op.names[::-1].index(param.name)))
        else:
            params.append(param)
    plan.coerced, plan.params, plan.names = tuple(coerced), params, op.names
    if op.param_schema is not None:
        plan.valid = app.api.schemas.validator(op.param_schema, "request").is_valid
    return True
