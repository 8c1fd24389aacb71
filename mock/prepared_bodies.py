"""A request with a body answered from its operation's prepared reply (mock/app.py's `prepared_body` step).

The common request with a body — a POST/PUT/PATCH whose credentials, headers and body are valid,
answered with the operation's default response — runs through preferences, authentication, body
reading, validation, the behaviour's steps and `respond` one after the other, each looking again at
what the request carries. Per operation, a `BodyPlan` holds what those steps work out the same way
for every such request: which request headers change the answer, the security check, the body's
validator, and the default response's status, headers and body. The step then does per request only
what the request changes — read and validate the body, check the credentials, fill in X-Request-ID,
negotiate `Accept` — and gives the same Reply `respond` gives.

It never decides anything the pipeline would decide otherwise. Whatever a plan does not cover sends
the request on through the pipeline, which answers it as before: a query string, `Prefer`, cookies,
`X-Accord-Scenario`, a declared header parameter that does not validate, missing or wrong
credentials, a Content-Type the operation does not take, an empty body, a body that does not parse,
an `Accept` no content meets. A body already read is kept (`Exchange.body_read`).

A body that parses but fails its validator is rejected from here (`MockApp.reject_body`), with its
parsed value (`Exchange.checked`): everything else the pipeline would check before `validate` (a
query string, `Prefer`, the credentials, the parameters sent) the plan has checked already, so the
request's violations are its body's, and the rejection is the pipeline's, worded the same way.

Plans exist only where prepared GETs may exist (mock/prepared.py `plannable`: no proxy, recording,
state, rules, scenarios, faults or fragments) and when requests are validated.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from accord.mock.bodies import BodyError
from accord.mock.docs import PREFIX
from accord.mock.exchange import Reply, read_within
from accord.mock.parameters import RequestParts, read_all
from accord.mock.prepared import _BEARER, DEPENDS_ON, _security
from accord.mock.rejections import request_id_value
from accord.mock.routing import PathEncodingError

if TYPE_CHECKING:
    from accord.mock.app import MockApp
    from accord.mock.compiler import MediaBody, Operation
    from accord.mock.exchange import Exchange, Headers
    from accord.mock.responses import Response
    from accord.schemas import SchemaCompiler

#: How a body of one Content-Type is read: its media, parser, parse context and validator.
Reading = tuple["MediaBody", Any, Any, "Callable[[Any], bool] | None"]

#: Methods whose requests carry a body a plan may answer for.
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Distinct (method, path) pairs whose plan is remembered (paths repeat; a client walking ids gets one each).
ROUTES_KEPT = 4096
#: Distinct Content-Type headers whose reading a plan keeps.
READINGS_KEPT = 64
_UNKNOWN: Any = object()
_NO_PLAN: tuple[None, None, tuple[str, ...]] = (None, None, ())
#: The headers a plan reads itself (from `Exchange.headers`) or that change nothing for it.
_OWN = frozenset({"content-length", "content-type", "accept", "x-request-id", "origin"})


@dataclass(slots=True)
class BodyPlan:
    """What every valid request with a body to one operation is answered from."""

    op: Operation
    response: Response
    #: Request headers (as `Exchange.headers` names them) whose presence sends a request to the pipeline.
    slow: frozenset[str]
    params: frozenset[str]  # the declared header parameters: read and validated when sent
    #: Per security alternative, the credential headers it needs and whether each is a bearer token
    #: (the test of `SchemeCheck.credential`); None: no security, or `Security.check` decides.
    alternatives: tuple[tuple[tuple[str, bool], ...], ...] | None
    checked: bool  # `Security.check` decides (configured keys, or schemes without bits)
    always_read: bool  # parameters to read and validate on every request (path ones, credentials)
    #: Per content index: the headers after the response's own (and after X-Request-ID).
    tails: list[Headers]
    #: Per content index: where its body repeats the request id (`Content.id_slots`), or None.
    slots: list[tuple[bytes, bytes] | None]
    index: int | None  # the content served without an Accept header
    schemas: SchemaCompiler
    limit_digits: int  # the digits of the largest body read (`MockApp.max_body`)
    #: By Content-Type header: how the body is read and checked (`_reading`).
    readings: dict[str, Reading | None] = field(default_factory=dict)


def plan_for(app: MockApp, op: Operation) -> BodyPlan | None:
    """The plan of an operation that takes a body, or None when its answers need the pipeline."""
    if op.body is None or op.default_key is None:
        return None
    response = op.responses[op.default_key]
    if not response.status or not response.contents:
        return None
    for parameter in op.parameters:
        if parameter.required and parameter.location != "path":
            return None  # absent in every request a plan answers (no query, no cookie): a violation
    credentials, needs = _security(op, app.keys)
    names = {name.decode("latin-1"): bit for name, bit in credentials.items()}
    alternatives = None
    if needs is not None:  # per alternative, the credential headers it needs (present, not empty)
        alternatives = tuple(tuple((name, bit == _BEARER) for name, bit in names.items() if need & bit)
                             for need in needs)
    slow = frozenset(DEPENDS_ON - _OWN - names.keys())
    always = False  # path parameters, or a header parameter that is a credential too: read every time
    params = set()
    for parameter in op.parameters:
        name = parameter.name.lower()
        if parameter.location == "path" or (parameter.location == "header" and name in names):
            always = True
        elif parameter.location == "header" and name not in slow:
            params.add(name)
    deprecated = [(b"deprecation", b"true")] if op.deprecated else []
    tails = [[*deprecated, (b"content-type", content.content_type)] for content in response.contents]
    slots = [content.id_slots.get(content.body) for content in response.contents]
    return BodyPlan(op, response, slow, frozenset(params), alternatives,
                    needs is None and bool(op.security.alternatives), always, tails, slots, response.negotiate(None),
                    app.api.schemas, len(str(app.max_body)))


def prepared_body(app: MockApp, ex: Exchange) -> Awaitable[Reply | None] | None:
    """The step: a coroutine answering the request from its operation's plan, or None (without a
    coroutine) when the plan cannot answer it.

    It runs first: a plan never answers under /__accord/, and OPTIONS (a preflight) is left to the
    pipeline, so `preflight`, `control` and `internal` would pass the request on; the path's one
    match is the operation `route` would choose."""
    if ex.method not in _WRITES or ex.query:
        return None
    key = (ex.method, ex.path)
    found = app.body_routes.get(key)
    if found is None:
        found = _routed(app, ex)
        if len(app.body_routes) < ROUTES_KEPT:
            app.body_routes[key] = found
    plan, item, values = found
    if plan is None:
        return None
    headers = ex.headers
    if not plan.slow.isdisjoint(headers):
        return None
    if plan.alternatives is not None:
        for alternative in plan.alternatives:
            for name, bearer in alternative:
                value = headers.get(name)
                if not value or (bearer and not _bearer_token(value)):
                    break
            else:
                break
        else:
            return None  # the pipeline words the 401
    elif plan.checked and _refused(app, ex, plan.op):
        return None
    declared = headers.get("content-length", "")
    # Refused before reading, by `read_body`; a number with fewer digits than the limit is within it.
    if len(declared) >= plan.limit_digits and declared.isdigit() and int(declared) > app.max_body:
        return None
    ex.item, ex.op, ex.values = item, plan.op, values  # as `route` sets them
    return _answer(app, ex, plan, plan.always_read or not plan.params.isdisjoint(headers))


def _routed(app: MockApp, ex: Exchange) -> tuple[BodyPlan | None, Any, tuple[str, ...]]:
    """The plan for the request's method and path, with the path item and values `route` would set
    (the same matches, `CompiledApi.matches`); no plan under /__accord/ (answered by `control` and
    `internal`), for a path that does not decode, or for several matches (`route` chooses)."""
    if ex.path.startswith(PREFIX):
        return _NO_PLAN
    try:
        matches = app.api.matches(ex.path)
    except PathEncodingError:
        return _NO_PLAN
    if len(matches) != 1:
        return _NO_PLAN
    match = matches[0]
    op = match.target.operations.get(ex.method.lower())
    if op is None:
        return _NO_PLAN
    op = app.api.prepare(op)
    plans = app.body_plans
    if op.pointer not in plans:
        plans[op.pointer] = plan_for(app, op)
    return (plans[op.pointer], match.target, match.values)


def _bearer_token(value: str) -> bool:
    """`SchemeCheck.credential`'s test of a bearer token."""
    scheme, _, token = value.partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


def _refused(app: MockApp, ex: Exchange, op: Operation) -> bool:
    return bool(op.security.check(RequestParts({}, [], ex.headers), app.keys))


async def _answer(app: MockApp, ex: Exchange, plan: BodyPlan, parameters: int | bool) -> Reply | None:
    message = await ex.receive()
    body = message.get("body", b"")
    if message.get("more_body", False) or message["type"] != "http.request" or len(body) > app.max_body:
        body = await read_within(ex.receive, app.max_body, message)
        if body is None:  # as `read_body` answers
            return ex.generic(413, f"The request body is larger than {app.max_body} bytes")
    ex.body = body
    ex.body_read = True
    if not body:
        return None
    headers = ex.headers
    header = headers.get("content-type", "")
    reading = plan.readings.get(header, _UNKNOWN)
    if reading is _UNKNOWN:
        reading = _reading(plan, header)
    if reading is None or (parameters and not _parameters_valid(app, ex, plan.op)):
        return None
    media, parse, context, valid = reading
    if parse is not None:
        try:
            value = parse(body, context)
        except BodyError:
            return None
        if valid is not None:
            try:
                passes = valid(value)
            except (ValueError, OverflowError):
                return None
            if not passes:
                ex.checked = (media, value)  # worded without parsing it again
                return app.reject_body(ex)
    response = plan.response
    accept = headers.get("accept")
    index = plan.index if accept is None else response.negotiate(accept)
    if index is None:
        return None  # the pipeline answers 406
    rid = None if response.request_id is None else request_id_value(response, headers.get("x-request-id"))
    content = response.contents[index]
    if app.dynamic and content.schema is not None:  # as `respond` answers: generated, no id in the body
        body = app.generate(content, None)
    elif rid is None:
        return Reply(response.status, [*response.headers, *plan.tails[index]], content.body)
    else:
        slot = plan.slots[index]
        body = content.body if slot is None else slot[0] + orjson.dumps(rid.decode("latin-1")) + slot[1]
    if rid is None:
        return Reply(response.status, [*response.headers, *plan.tails[index]], body)
    return Reply(response.status, [*response.headers, (b"x-request-id", rid), *plan.tails[index]], body)


def _reading(plan: BodyPlan, header: str) -> Reading | None:
    """How a body sent with this Content-Type is read and checked: its media, parser, parse
    context and validator (None: the pipeline reads it: not accepted, or reserved characters)."""
    op = plan.op
    assert op.body is not None
    key = op.body.key_for(header)
    reading: Reading | None = None
    if key is not None and not op.body.media[key].reserved:
        media = op.body.media[key]
        valid = None
        if media.schema is not None:
            valid = plan.schemas.validator(media.schema, "request").is_valid
        reading = (media, media.parser, media.context(header), valid)
    if len(plan.readings) < READINGS_KEPT:  # multipart boundaries differ per request
        plan.readings[header] = reading
    return reading


def _parameters_valid(app: MockApp, ex: Exchange, op: Operation) -> bool:
    """Whether the path parameters and the declared headers sent hold, as `validate` reads them."""
    parts = RequestParts(dict(zip(op.names, ex.values, strict=False)) if op.names else {}, [], ex.headers)
    values, violations = read_all(op.parameters, parts)
    if violations:
        return False
    return op.param_schema is None or not values or app.api.schemas.is_valid(op.param_schema, values, "request")
