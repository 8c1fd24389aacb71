"""The outermost ASGI layer: request id, body-size limit, and one shape for every error.

Per request, top to bottom:
  1. take `X-Request-ID` if it matches the contract's pattern, else generate one (uuid4 hex);
  2. answer 406 when an `Accept` header allows neither application/json nor
     application/problem+json (accord.service.negotiation; before routing, cached per header value;
     the Swagger UI pages under `docs_prefix` are exempt, they are HTML);
  3. answer a HEAD with 405 and the path's `Allow` where the document declares no `head` for
     the path (Starlette would answer it with the GET handler; the mock answers 405, as Prism does);
     refuse bodies above the limit with 413 (from Content-Length, or while streaming), and a
     field that must appear once (Content-Type, Authorization, Idempotency-Key, X-Request-ID and the
     contract's API-key headers) sent
     twice with 400: which of two keys or two media types would count is not ours to guess;
     a chunked body (no Content-Length) is read here, within the limit, and handed on with
     its length, because Connexion takes a request without Content-Length as having no body;
  4. run Connexion's stack (routing → security → validation → handler → response validation);
  5. rewrite any problem Connexion produced itself (`about:blank`, 404/405/415/500…) into our
     RFC 9457 shape with `request_id` and `instance`, and never let a stack trace out;
     its media type is the one the operation declares for the status (`application/json` on a
     contract whose errors are JSON; accord.service.error_media), else application/problem+json;
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

from accord import openapi
from accord.openapi import base_path
from accord.service.context import ServiceContext, request_id_var, service_var
from accord.service.cors import with_cors
from accord.service.error_media import ErrorMediaTypes
from accord.service.negotiation import PRODUCED_TEXT, acceptable
from accord.service.problems import ProblemCatalogue, ProblemError
from accord.service.security import api_key_schemes

log = logging.getLogger("accord.service.errors")

#: Set on problems the service rendered itself (its error handlers), removed before sending:
#: such a body is already in the service's shape and is passed through.
OWN_PROBLEM_HEADER = b"x-accord-problem"

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

#: Details Connexion writes that help a client, kept; anything else is replaced by ours.
_GENERIC_DETAIL = {
    401: "missing or invalid credentials",
    403: "this key is not allowed to do this",
    404: "no such resource",
    405: "method not allowed on this resource",
    415: "request body must be application/json",
    500: "the server hit an unexpected error; quote the request_id when reporting it",
}
_KEEP_DETAIL = {400, 401, 404, 405, 415, 501}  # 501: a handler's own words (accord scaffold's stubs)


#: Fields defined as singletons (RFC 9110 section 5.3 allows repeating list-based fields only).
SINGLETON_HEADERS = {b"content-type": "Content-Type", b"authorization": "Authorization",
                     b"idempotency-key": "Idempotency-Key", b"x-request-id": "X-Request-ID"}


def _repeated_singletons(scope: Scope, singletons: dict[bytes, str]) -> list[str]:
    seen: set[bytes] = set()
    repeated: list[str] = []
    for key, _ in scope.get("headers", ()):
        if key in singletons:
            if key in seen and singletons[key] not in repeated:
                repeated.append(singletons[key])
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


def _query_names(scope: Scope) -> list[str]:
    """The names of the request's non-empty query parameters, in order."""
    return list(parse_qs(scope.get("query_string", b"").decode("latin-1")))


def normalise_problem(status: int, raw: bytes, *, instance: str, request_id: str | None,
                      catalogue: ProblemCatalogue, own: bool = False,
                      errors: list[dict[str, str]] | None = None) -> bytes:
    """The service's problem shape from whatever body an error response carried (`own`: a body the
    service rendered itself, kept; `errors`: entries to list when the body has none)."""
    try:
        body = orjson.loads(raw) if raw else {}
    except orjson.JSONDecodeError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    if own or body.get("type") not in (None, "about:blank"):
        body.setdefault("instance", instance)
        if request_id is not None:
            body["request_id"] = request_id
        body["status"] = status
        return orjson.dumps(body)
    detail = body.get("detail")
    if status not in _KEEP_DETAIL or not isinstance(detail, str) or not detail or len(detail) > 300:
        detail = _GENERIC_DETAIL.get(status, "request failed")
    return orjson.dumps(catalogue.body(catalogue.name_of(status), status, detail=detail, instance=instance,
                                       request_id=request_id, errors=errors))


class AllowedMethods:
    """The `Allow` of a 405 (RFC 9110 section 15.5.6): every method the contract documents for
    the path, sorted, as the mock lists them. Connexion routes each operation separately, so its
    405 lists only the methods of the first operation whose path matched, and Starlette adds HEAD
    to every GET route: `head_refused` is how the kit answers HEAD only where the path declares it."""

    def __init__(self, document: dict[str, Any]) -> None:
        base = base_path(document)
        entries: list[tuple[int, re.Pattern[str], bytes]] = []
        for entry in openapi.path_items(document):
            if entry.item is None:
                continue
            template = str(entry.path)
            methods = sorted({method.upper() for method, _ in openapi.item_operations(entry.item)})
            if not methods:
                continue
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(base + template))
            entries.append((template.count("{"), re.compile(f"^{pattern}/?$"), ", ".join(methods).encode()))
        # Literal segments win over templated ones (/pets/mine before /pets/{id}), as routing does.
        self._paths = [(pattern, allow) for _, pattern, allow in sorted(entries, key=lambda entry: entry[0])]

    def allow(self, path: str) -> bytes | None:
        """The `Allow` value of the document's path that `path` names, None off the document's paths."""
        for pattern, allow in self._paths:
            if pattern.match(path):
                return allow
        return None

    def head_refused(self, path: str) -> bytes | None:
        """The `Allow` of a 405 for a HEAD to `path`: None where the path declares `head` (or is
        not the document's), as the mock answers (docs/mock-behaviour.md, "HEAD")."""
        allow = self.allow(path)
        if allow is None or b"HEAD" in allow.split(b", "):
            return None
        return allow

    def fix(self, path: str, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        allow = self.allow(path)
        if allow is None:
            return headers
        return [*((k, v) for k, v in headers if k != b"allow"), (b"allow", allow)]


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, service: ServiceContext, docs_prefix: str = "/ui",
                 spec_path: str = "/openapi.json", body_limits: dict[tuple[str, str], int] | None = None) -> None:
        self.app = app
        self.service = service
        self.docs_prefix = docs_prefix
        #: RFC 8631: every answer names the served document, so a client (the demo page) finds it
        #: without probing paths the mock does not have.
        described = base_path(service.document) + spec_path
        self._service_desc = (b"link", f'<{described}>; rel="service-desc"'.encode("latin-1"))
        #: (method, path suffix) → a larger (or smaller) body limit than the settings' default.
        self.body_limits = dict(body_limits or {})
        # The problems answered here, outside Connexion's stack, get the CORS headers its answers get.
        self._problem_app = with_cors(_send_stored_problem, service.settings.cors, service.document)
        #: Sent with every 401, as RFC 9110 requires (Connexion's own 401 has none), and the 401's
        #: `errors` entries, shaped and worded as the mock's.
        self._key_schemes = api_key_schemes(service.document)
        self._challenges = [(b"www-authenticate", k.challenge.encode("latin-1")) for k in self._key_schemes]
        self._allowed = AllowedMethods(service.document)
        #: An error's media type is the one the operation declares for its status (problem+json unless
        #: the document says application/json, say).
        self._error_media = ErrorMediaTypes(service.document, base_path(service.document))
        #: Which of two API keys would count is not ours to guess: each header scheme's field is a singleton.
        self._singletons = {**SINGLETON_HEADERS, **{k.param.lower().encode("latin-1"): k.param
                                                    for k in self._key_schemes if k.where == "header"}}

    def _not_acceptable(self, scope: Scope) -> bool:
        accept = _accept(scope)
        if accept is None or acceptable(accept) or scope.get("method") == "OPTIONS":
            return False
        path = scope.get("path", "")
        return not (path == self.docs_prefix or path.startswith(self.docs_prefix + "/"))

    def _limit(self, scope: Scope) -> int:
        if self.body_limits:
            method, path = scope.get("method", ""), scope.get("path", "")
            for (limit_method, suffix), limit in self.body_limits.items():
                if method == limit_method and path.endswith(suffix):
                    return limit
        return self.service.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        supplied = _header(scope, b"x-request-id")
        text = supplied.decode("latin-1") if supplied else ""
        request_id = text if REQUEST_ID_PATTERN.match(text) else uuid.uuid4().hex
        token_rid = request_id_var.set(request_id)
        token_service = service_var.set(self.service)
        rid_in_body = request_id if self.service.settings.problem_request_id else None
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
                headers.append(self._service_desc)
                own = any(k == OWN_PROBLEM_HEADER for k, _ in headers)
                if own:
                    headers = [(k, v) for k, v in headers if k != OWN_PROBLEM_HEADER]
                status = message["status"]
                if status == 405:
                    headers = self._allowed.fix(scope.get("path", ""), headers)
                content_type = dict(headers).get(b"content-type", b"")
                # Documented JSON error bodies (readiness 503) pass; problems and bare errors are rewritten.
                if status >= 400 and not content_type.startswith((b"application/json", b"text/html")):
                    pending = {**message, "headers": headers, "own": own}
                    return
                await send({**message, "headers": headers})
                return
            if message["type"] == "http.response.body" and pending is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                errors = ([k.error(_credential_sent(scope, k.where, k.param), _query_names(scope))
                           for k in self._key_schemes] if pending["status"] == 401 else None)
                body = normalise_problem(pending["status"], b"".join(chunks), instance=instance,
                                         request_id=rid_in_body, catalogue=self.service.problems,
                                         own=pending["own"], errors=errors)
                headers = [(k, v) for k, v in pending["headers"] if k not in (b"content-type", b"content-length")]
                status = pending["status"]
                media = self._error_media.media_type(scope.get("method", ""), instance, status)
                headers += [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode())]
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
            refused = self._allowed.head_refused(instance) if scope.get("method") == "HEAD" else None
            if refused is not None:
                raise ProblemError(self.service.problems.name_of(405), "the document declares no HEAD for this path "
                                   f"(it answers {refused.decode('latin-1')})", status=405,
                                   headers={"Allow": refused.decode("latin-1")})
            repeated = _repeated_singletons(scope, self._singletons)
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
            await self._send_problem(scope, receive, send, exc, instance, request_id, rid_in_body)
        except Exception:
            log.exception("unhandled error (request_id=%s)", request_id)
            if not started:
                await self._send_problem(scope, receive, send, ProblemError("internal-error", _GENERIC_DETAIL[500]),
                                         instance, request_id, rid_in_body)
        finally:
            request_id_var.reset(token_rid)
            service_var.reset(token_service)

    async def _send_problem(self, scope: Scope, receive: Receive, send: Send, exc: ProblemError, instance: str,
                            request_id: str, rid_in_body: str | None) -> None:
        media = self._error_media.media_type(scope.get("method", ""), instance, exc.status)
        stored = (exc, instance, request_id, rid_in_body, self.service.problems, media)
        await self._problem_app({**scope, _PROBLEM_KEY: stored}, receive, send)


#: Where `_send_problem` leaves the problem for `_send_stored_problem` (behind CORS) to send.
_PROBLEM_KEY = "accord.problem"


async def _send_stored_problem(scope: Scope, receive: Receive, send: Send) -> None:
    exc, instance, request_id, rid_in_body, catalogue, media = scope[_PROBLEM_KEY]
    problem = exc.body(catalogue, instance=instance, request_id=rid_in_body)
    status = problem["status"]
    body = orjson.dumps(problem)
    headers = [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode()),
               (b"x-request-id", request_id.encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in exc.headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
