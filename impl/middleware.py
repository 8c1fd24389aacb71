"""The outermost ASGI layer: request id, body-size limit, and one shape for every error.

Per request, top to bottom:
  1. take `X-Request-ID` if it matches the contract's pattern, else generate one (uuid4 hex);
  2. answer 406 when an `Accept` header allows neither application/json nor
     application/problem+json (impl.negotiation; before routing, cached per header value;
     the Swagger UI pages under `docs_prefix` are exempt, they are HTML);
  3. refuse bodies above the limit with 413 (from Content-Length, or while streaming), and a
     field that must appear once (Content-Type, X-API-Key, Idempotency-Key, X-Request-ID) sent
     twice with 400: which of two keys or two media types would count is not ours to guess;
     a chunked body (no Content-Length) is read here, within the limit, and handed on with
     its length, because Connexion takes a request without Content-Length as having no body;
  4. run Connexion's stack (routing → security → validation → handler → response validation);
  5. rewrite any problem Connexion produced itself (`about:blank`, 404/405/415/500…) into our
     RFC 9457 shape with `request_id` and `instance`, and never let a stack trace out;
  6. add `X-Request-ID` to every response, errors and health included.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from impl.context import Services, request_id_var, services_var
from impl.cors import with_cors
from impl.negotiation import PRODUCED_TEXT, acceptable
from impl.problems import NAME_FOR_STATUS, PROBLEM_BASE, PROBLEM_JSON, ProblemError, problem_body
from impl.security import api_key_schemes

log = logging.getLogger("impl.errors")

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

#: Details Connexion writes that help a client, kept; anything else is replaced by ours.
_GENERIC_DETAIL = {
    401: "missing or invalid X-API-Key",
    403: "this key is not allowed to do this",
    404: "no such resource",
    405: "method not allowed on this resource",
    415: "request body must be application/json",
    500: "the server hit an unexpected error; quote the request_id when reporting it",
}
_KEEP_DETAIL = {400, 401, 404, 405, 415, 501}  # 501: a handler's own words (accord scaffold's stubs)


#: Fields defined as singletons (RFC 9110 section 5.3 allows repeating list-based fields only).
SINGLETON_HEADERS = {b"content-type": "Content-Type", b"x-api-key": "X-API-Key",
                     b"idempotency-key": "Idempotency-Key", b"x-request-id": "X-Request-ID"}


def _repeated_singletons(scope: Scope) -> list[str]:
    seen: set[bytes] = set()
    repeated: list[str] = []
    for key, _ in scope.get("headers", ()):
        if key in SINGLETON_HEADERS:
            if key in seen and SINGLETON_HEADERS[key] not in repeated:
                repeated.append(SINGLETON_HEADERS[key])
            seen.add(key)
    return repeated


async def _read_chunked(scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
    """The whole body of a chunked request, replayed as one message, and the scope with its
    Content-Length (`receive` enforces the size limit while reading)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    headers = [(k, v) for k, v in scope.get("headers", ()) if k != b"transfer-encoding"]
    headers.append((b"content-length", str(len(body)).encode()))
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return {**scope, "headers": headers}, replay


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value
    return None


def _accept(scope: Scope) -> bytes | None:
    """Every `Accept` field line joined (RFC 9110 §5.3), or None when there is none."""
    values = [value for key, value in scope.get("headers", ()) if key == b"accept"]
    if not values:
        return None
    return values[0] if len(values) == 1 else b",".join(values)


def _credential_sent(scope: Scope, where: str, name: str) -> bool:
    """Whether the request carries a non-empty credential in this header or query parameter."""
    if where == "header":
        return bool(_header(scope, name.lower().encode("latin-1")))
    if where == "query":
        return bool(parse_qs(scope.get("query_string", b"").decode("latin-1")).get(name))
    return True  # a cookie: Connexion refused what it found


def normalise_problem(status: int, raw: bytes, *, instance: str, request_id: str,
                      errors: list[dict[str, str]] | None = None) -> bytes:
    """Our problem shape from whatever body an error response carried (`errors`: entries to list
    when the body has none)."""
    try:
        body = orjson.loads(raw) if raw else {}
    except orjson.JSONDecodeError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    kind = body.get("type")
    if isinstance(kind, str) and kind.startswith(PROBLEM_BASE):
        body.setdefault("instance", instance)
        body["request_id"] = request_id
        body["status"] = status
        return orjson.dumps(body)
    detail = body.get("detail")
    if status not in _KEEP_DETAIL or not isinstance(detail, str) or not detail or len(detail) > 300:
        detail = _GENERIC_DETAIL.get(status, "request failed")
    name = NAME_FOR_STATUS.get(status, "internal-error" if status >= 500 else "validation-error")
    return orjson.dumps(problem_body(name, status, detail=detail, instance=instance, request_id=request_id,
                                     errors=errors))


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, services: Services, docs_prefix: str = "/ui") -> None:
        self.app = app
        self.services = services
        self.docs_prefix = docs_prefix
        # The problems answered here, outside Connexion's stack, get the CORS headers its answers get.
        self._problem_app = with_cors(_send_stored_problem, services.settings.cors)
        #: Sent with every 401, as RFC 9110 requires (Connexion's own 401 has none), and the 401's
        #: `errors` entries, shaped and worded as the mock's.
        self._key_schemes = api_key_schemes(services.document)
        self._challenges = [(b"www-authenticate", k.challenge.encode("latin-1")) for k in self._key_schemes]

    def _not_acceptable(self, scope: Scope) -> bool:
        accept = _accept(scope)
        if accept is None or acceptable(accept) or scope.get("method") == "OPTIONS":
            return False
        path = scope.get("path", "")
        return not (path == self.docs_prefix or path.startswith(self.docs_prefix + "/"))

    def _limit(self, scope: Scope) -> int:
        settings = self.services.settings
        if scope.get("method") == "POST" and scope.get("path", "").endswith("/prediction-jobs"):
            return settings.max_job_body_bytes
        return settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        supplied = _header(scope, b"x-request-id")
        text = supplied.decode("latin-1") if supplied else ""
        request_id = text if REQUEST_ID_PATTERN.match(text) else uuid.uuid4().hex
        token_rid = request_id_var.set(request_id)
        token_services = services_var.set(self.services)
        instance = scope.get("path", "")
        rid_header = (b"x-request-id", request_id.encode())
        started = False
        pending: dict[str, Any] | None = None  # a problem response being buffered for rewriting
        chunks: list[bytes] = []

        async def send_wrapper(message: Message) -> None:
            nonlocal started, pending
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                headers.append(rid_header)
                status = message["status"]
                content_type = dict(headers).get(b"content-type", b"")
                # Documented JSON error bodies (readiness 503) pass; problems and bare errors are rewritten.
                if status >= 400 and not content_type.startswith((b"application/json", b"text/html")):
                    pending = {**message, "headers": headers}
                    return
                await send({**message, "headers": headers})
                return
            if message["type"] == "http.response.body" and pending is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                errors = ([k.error(_credential_sent(scope, k.where, k.param)) for k in self._key_schemes]
                          if pending["status"] == 401 else None)
                body = normalise_problem(pending["status"], b"".join(chunks), instance=instance,
                                         request_id=request_id, errors=errors)
                headers = [(k, v) for k, v in pending["headers"] if k not in (b"content-type", b"content-length")]
                headers += [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
                status = pending["status"]
                if status == 401 and not any(k == b"www-authenticate" for k, _ in headers):
                    headers += self._challenges
                pending = None
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        limit = self._limit(scope)
        declared = _header(scope, b"content-length")
        try:
            if self._not_acceptable(scope):
                raise ProblemError("not-acceptable", f"this service produces {PRODUCED_TEXT} only; "
                                   "send an Accept header that allows one of them (or none)")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                raise ProblemError("payload-too-large", f"request body exceeds {limit} bytes")
            repeated = _repeated_singletons(scope)
            if repeated:
                raise ProblemError("validation-error", f"{', '.join(repeated)} sent more than once",
                                   errors=[{"parameter": name, "in": "header", "detail": "must appear once"}
                                           for name in repeated])
            received = 0

            async def receive_wrapper() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise ProblemError("payload-too-large", f"request body exceeds {limit} bytes")
                return message

            downstream: Receive = receive_wrapper
            if declared is None and _header(scope, b"transfer-encoding") is not None:
                scope, downstream = await _read_chunked(scope, receive_wrapper)
            await self.app(scope, downstream, send_wrapper)
        except ProblemError as exc:
            if started:
                raise
            await self._send_problem(scope, receive, send, exc, instance, request_id)
        except Exception:
            log.exception("unhandled error (request_id=%s)", request_id)
            if not started:
                await self._send_problem(scope, receive, send, ProblemError("internal-error", _GENERIC_DETAIL[500]),
                                         instance, request_id)
        finally:
            request_id_var.reset(token_rid)
            services_var.reset(token_services)

    async def _send_problem(self, scope: Scope, receive: Receive, send: Send, exc: ProblemError, instance: str,
                            request_id: str) -> None:
        await self._problem_app({**scope, _PROBLEM_KEY: (exc, instance, request_id)}, receive, send)


#: Where `_send_problem` leaves the problem for `_send_stored_problem` (behind CORS) to send.
_PROBLEM_KEY = "accord.problem"


async def _send_stored_problem(scope: Scope, receive: Receive, send: Send) -> None:
    exc, instance, request_id = scope[_PROBLEM_KEY]
    body = orjson.dumps(problem_body(exc.name, exc.status, detail=exc.detail, instance=instance,
                                     request_id=request_id, errors=exc.errors))
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()),
               (b"x-request-id", request_id.encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in exc.headers.items()]
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
