"""Documented replies with chosen content: a status, a named example, a body value, headers.

Rules, faults and stateful resources answer through here, so each answer keeps the contract:
the status is a documented response, the Content-Type one it declares, and a body value is
validated against that content's schema before it is sent (else the documented body is).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import orjson

from accord.mock import prism
from accord.mock.exchange import Reply
from accord.mock.negotiation import served_status
from accord.mock.rejections import request_id_value

if TYPE_CHECKING:
    from accord.mock.app import MockApp
    from accord.mock.exchange import Exchange, Headers
    from accord.mock.responses import Content

log = logging.getLogger("accord.mock")
_UNSET: Any = object()
_REQUEST_ID = "request_id"  # the body member repeating X-Request-ID (problem bodies, jobs)


def documented(
    app: MockApp,
    ex: Exchange,
    key: str,
    *,
    status: int | None = None,
    example: str | None = None,
    value: Any = _UNSET,
    patch: dict[str, Any] | None = None,
    headers: Headers | None = None,
    drop_headers: frozenset[bytes] = frozenset(),
) -> Reply:
    """The response `key` of the exchange's operation, with the content it is told to carry.

    `value` replaces the body, `patch` overrides top-level members of the documented body;
    either is used only when the result validates. A documented body's `request_id` becomes the
    request's X-Request-ID. `headers` replace declared ones by name.
    """
    op = ex.op
    assert op is not None
    response = op.responses[key]
    replaced = {name for name, _ in headers or ()} | drop_headers
    out: Headers = [h for h in response.headers if h[0] not in replaced]
    out.extend(headers or ())
    rid = request_id_value(response, ex.request_id)
    if rid is not None:
        out.append((b"x-request-id", rid))
    code = served_status(key, status)
    if not response.contents:
        return Reply(code, out)
    index = response.negotiate(ex.headers.get("accept"))
    if index is None:
        return ex.generic(406, prism.not_acceptable(str(ex.headers.get("accept"))), prism_code="NOT_ACCEPTABLE")
    content = response.contents[index]
    out.append((b"content-type", content.content_type))
    body = content.examples.get(example, content.body) if example is not None else content.body
    if value is _UNSET and rid is not None and _REQUEST_ID.encode() in body:
        # A documented body repeating X-Request-ID (problems, predictions) repeats this request's,
        # not the example's; a given `value` (a stored resource, a rule's literal body) is kept.
        patch = {**(patch or {}), _REQUEST_ID: rid.decode("latin-1")}
    if value is not _UNSET or patch:
        rendered = _checked(app, content, value, patch, body)
        if rendered is not None:
            body = rendered
    return Reply(code, out, body)


def _checked(app: MockApp, content: Content, value: Any, patch: dict[str, Any] | None, body: bytes) -> bytes | None:
    if value is _UNSET:
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(value, dict):
            return None
        # Only members the documented body has: an unknown one could break `additionalProperties`.
        value = {**value, **{k: v for k, v in (patch or {}).items() if k in value}}
    if content.schema is not None and not valid(app, content.schema, value):
        log.debug("a body for %s does not match its schema; the documented one is sent", content.pointer)
        return None
    return content.serialise(value)


def valid(app: MockApp, schema: Any, value: Any) -> bool:
    try:
        return bool(app.api.schemas.is_valid(schema, value, "response"))
    except (ValueError, TypeError, OverflowError):
        return False


def json_body(reply_body: bytes) -> Any:
    """The documented body as a value (None when it is not JSON)."""
    try:
        return orjson.loads(reply_body) if reply_body else None
    except orjson.JSONDecodeError:
        return None
