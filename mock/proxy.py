"""The validating proxy (`accord mock --proxy URL`): the real service behind the contract's guard.

Prism's rules (`prism proxy`, its forwarder and `--errors`), for a team that moves from one to
the other:

- Without `errors` the proxy reports and forwards. A request that breaks the contract is
  forwarded all the same; a path or method the document does not describe is forwarded as is
  (nothing to check it against). The upstream response is checked against the contract
  (mock/upstream_validation.py) and relayed; every violation, the request's and the
  response's, goes into the `sl-violations` header (Prism's format; a request the document does
  not route carries Prism's warning "Selected route not found") and into the log.
- With `errors` the proxy answers for the contract: a request that breaks it is answered by the
  mock as the mock answers it (the documented 4xx, else Prism's 401/415/422) and never reaches
  the service; an undescribed path or method is a 404/405; a response that breaks it becomes a
  500 problem listing the response's errors (Prism's `VIOLATIONS` problem, or accord's
  problem when the document has its own convention, `CompiledApi.prism_errors`).
- An upstream 501 means "not implemented yet": the mock answers instead, so a team can move
  to the real service one operation at a time (Prism does the same).

A GET or HEAD with a body is forwarded with its body (Prism answers 501 there, a limit of its
HTTP client: its issue 2259); the body is reported when the operation takes none. A request's
Content-Encoding travels with its body; an answer's body is relayed decoded, without it. An
answer to a deprecated operation gets `Deprecation: true` unless the service sent its own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from accord.errors import UsageError
from accord.mock import prism
from accord.mock.exchange import Headers, Reply, problem_reply, read_within
from accord.mock.problems import problem, sl_violations
from accord.mock.upstream_validation import ResponseViolation, check_upstream

if TYPE_CHECKING:
    import httpx

    from accord.mock.app import MockApp
    from accord.mock.exchange import Exchange

log = logging.getLogger("accord.mock")

#: Seconds for the whole upstream exchange (connect, send, first byte, each read).
DEFAULT_TIMEOUT = 30.0
#: Upstream bodies are read whole to be validated; beyond this they are refused with a 502.
MAX_UPSTREAM_BODY = 32 * 1024 * 1024
#: Never forwarded either way (RFC 9110 §7.6.1 hop-by-hop fields), plus what the proxy reframes.
HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers",
    "transfer-encoding", "upgrade", "host", "content-length",
})
#: Dropped from upstream answers too: the client reads the upstream body decoded (httpx decodes it).
RESPONSE_DROPPED = HOP_BY_HOP | {"content-encoding"}
#: Dropped from upstream answers when the mock does CORS itself (a second
#: Access-Control-Allow-Origin makes browsers refuse the response).
CORS_PREFIX = "access-control-"
#: The upstream status that hands an operation back to the mock.
NOT_IMPLEMENTED = 501
#: The answer to a response that breaks the contract, with `errors` (Prism's status).
VIOLATIONS_STATUS = 500


class _NoRoute:
    """The `sl-violations` entry of a request forwarded without a route (Prism's words and shape)."""

    @staticmethod
    def sl_entry() -> dict[str, Any]:
        return {"location": ["request"], "severity": "Warning", "message": "Selected route not found"}


@dataclass(slots=True)
class Upstream:
    """Where and how to forward; one per server, kept across document reloads."""

    url: str
    #: Prism's `--errors`: contract breaks become the proxy's error answers (see the module).
    errors: bool = False
    timeout: float = DEFAULT_TIMEOUT
    max_body: int = MAX_UPSTREAM_BODY
    _client: Any = field(default=None, repr=False)
    _loop: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"--proxy must be an http(s):// URL, got {self.url!r}")
        self.url = self.url.rstrip("/")

    def client(self) -> httpx.AsyncClient:
        """One pooled client per event loop (a client must not cross loops)."""
        import asyncio

        import httpx

        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, trust_env=False)
            self._loop = loop
        return self._client

    async def aclose(self) -> None:
        """Close the pooled client (at lifespan shutdown): no upstream connection outlives the server."""
        import asyncio

        if self._client is not None and self._loop is asyncio.get_running_loop():
            await self._client.aclose()
        self._client = self._loop = None


async def forward(app: MockApp, ex: Exchange) -> Reply | None:
    """Pipeline step: the upstream's answer, checked; None to let the mock answer (upstream 501)."""
    upstream: Upstream | None = app.proxy
    if upstream is None:
        return None
    op = ex.op
    assert op is not None
    relayed = await _exchange(app, upstream, ex)
    if isinstance(relayed, Reply):
        return relayed
    status, raw_headers, body = relayed
    invalid_request = [v for v in ex.violations if v.severity == "Error"]
    if status == NOT_IMPLEMENTED:
        log.info("%s %s: upstream answered 501, the mock answers instead", ex.method, ex.path)
        return app.rejector.reply(ex, op, ex.violations, ex.request_id) if invalid_request else None
    lowered = {k.decode("latin-1"): v.decode("latin-1") for k, v in raw_headers}
    found = check_upstream(app.api, op, status, lowered, body, head=ex.method == "HEAD")
    if found:
        log.warning("%s %s -> %d breaks the contract (%s):", ex.method, ex.path, status, op.label)
        for violation in found:
            log.warning("  response %s", violation.render())
    if op.deprecated and "deprecation" not in lowered:  # Prism: unless the service says so itself
        raw_headers.append((b"deprecation", b"true"))
    reported: list[Any] = [*ex.violations, *found]
    errors = [v for v in found if v.severity == "Error"]
    if errors and upstream.errors:
        reply = _violations_reply(app, ex, status, errors)
        reply.headers.append((b"sl-violations", sl_violations(reported)))
        return reply
    if reported:
        raw_headers.append((b"sl-violations", sl_violations(reported)))
    return Reply(status, raw_headers, body)


async def forward_unrouted(app: MockApp, ex: Exchange) -> Reply:
    """A request the document does not route (an unknown path or method), forwarded as is:
    nothing to check it or its answer against; Prism's warning says so in `sl-violations`."""
    upstream = app.proxy
    assert upstream is not None
    if not ex.body and ("content-length" in ex.headers or "transfer-encoding" in ex.headers):
        body = await read_within(ex.receive, app.max_body)
        if body is None:
            return ex.generic(413, f"The request body is larger than {app.max_body} bytes")
        ex.body = body
    relayed = await _exchange(app, upstream, ex)
    if isinstance(relayed, Reply):
        return relayed
    status, raw_headers, body = relayed
    log.info("%s %s: not in the document, forwarded as is -> %d", ex.method, ex.path, status)
    warning: list[Any] = [_NoRoute()]
    raw_headers.append((b"sl-violations", sl_violations(warning)))
    return Reply(status, raw_headers, body)


async def _exchange(app: MockApp, upstream: Upstream, ex: Exchange) -> tuple[int, Headers, bytes] | Reply:
    """Send the request upstream: its status, headers (hop-by-hop fields dropped; CORS fields
    too when the mock does CORS) and whole body, or the problem that says why there is none."""
    import httpx

    url = upstream.url + ex.path + (("?" + ex.query.decode("latin-1")) if ex.query else "")
    headers = [(k, v) for k, v in ex.scope["headers"] if k.decode("latin-1").lower() not in HOP_BY_HOP]
    try:
        async with upstream.client().stream(ex.method, url, headers=headers, content=ex.body or None) as response:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > upstream.max_body:
                    detail = (f"The upstream response is larger than {upstream.max_body} bytes; "
                              "the proxy validates whole bodies")
                    log.error("%s %s: %s", ex.method, ex.path, detail)
                    return ex.generic(502, detail)
            status = response.status_code
            raw_headers = [(k.lower(), v) for k, v in response.headers.raw
                           if k.decode("latin-1").lower() not in RESPONSE_DROPPED]
    except httpx.TimeoutException:
        log.error("%s %s: the upstream %s did not answer within %ss", ex.method, ex.path, upstream.url,
                  upstream.timeout)
        return ex.generic(504, f"The upstream service did not answer within {upstream.timeout} s")
    except httpx.HTTPError as exc:
        log.error("%s %s: the upstream %s is unreachable (%s)", ex.method, ex.path, upstream.url, type(exc).__name__)
        return ex.generic(502, f"The upstream service is unreachable ({type(exc).__name__})")
    if app.cors:
        raw_headers = [(k, v) for k, v in raw_headers if not k.decode("latin-1").startswith(CORS_PREFIX)]
    return status, raw_headers, bytes(body)


def _violations_reply(app: MockApp, ex: Exchange, status: int, errors: list[ResponseViolation]) -> Reply:
    """With `errors`: the 500 that replaces a response breaking the contract. Prism's
    `VIOLATIONS` problem, or accord's (its `errors` and the `upstream_status`) when the document
    has its own problem convention."""
    rid = ex.trace_id()
    extra = [(b"x-request-id", rid.encode("ascii"))]
    if app.api.prism_errors:
        body = prism.problem("VIOLATIONS", VIOLATIONS_STATUS, prism.VIOLATIONS,
                             validation=[v.validation_entry() for v in errors])
        return problem_reply(VIOLATIONS_STATUS, body, extra)
    count = f"{len(errors)} violation{'s' if len(errors) != 1 else ''}"
    payload = problem(VIOLATIONS_STATUS, f"The upstream response breaks the contract: {count}", instance=ex.path,
                      request_id=rid, title="Upstream response violates the contract")
    payload["upstream_status"] = status
    payload["errors"] = [v.error_entry() for v in errors]
    return problem_reply(VIOLATIONS_STATUS, payload, extra)
