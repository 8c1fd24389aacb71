"""The validating proxy (`accord mock --proxy URL`): the real service behind the contract's guard.

A request has already been routed, authenticated and validated by the mock's pipeline when the
`forward` step sees it, so a request that breaks the contract is answered as the mock answers
it and never reaches the service (unless `forward_invalid`). A valid one is forwarded; the
upstream response is checked against the contract (mock/upstream_validation.py) and its
violations are reported in the `sl-violations` header (Prism's format, `location` starting
with "response"), in the log with JSON pointers and, when `strict`, by a 502 problem listing
them instead of the response. An upstream 501 means "not implemented yet": the mock answers
instead, so a team can move to the real service one operation at a time (Prism does the same).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from accord.errors import UsageError
from accord.mock.exchange import Reply, problem_reply
from accord.mock.problems import problem, sl_violations
from accord.mock.upstream_validation import check_upstream

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
    "transfer-encoding", "upgrade", "host", "content-length", "content-encoding",
})
#: Dropped from upstream answers when the mock does CORS itself (a second
#: Access-Control-Allow-Origin makes browsers refuse the response).
CORS_PREFIX = "access-control-"
#: The upstream status that hands an operation back to the mock.
NOT_IMPLEMENTED = 501


@dataclass(slots=True)
class Upstream:
    """Where and how to forward; one per server, kept across document reloads."""

    url: str
    strict: bool = False
    forward_invalid: bool = False
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
                           if k.decode("latin-1").lower() not in HOP_BY_HOP]
    except httpx.TimeoutException:
        log.error("%s %s: the upstream %s did not answer within %ss", ex.method, ex.path, upstream.url,
                  upstream.timeout)
        return ex.generic(504, f"The upstream service did not answer within {upstream.timeout} s")
    except httpx.HTTPError as exc:
        log.error("%s %s: the upstream %s is unreachable (%s)", ex.method, ex.path, upstream.url, type(exc).__name__)
        return ex.generic(502, f"The upstream service is unreachable ({type(exc).__name__})")
    invalid_request = [v for v in ex.violations if v.severity == "Error"]
    if status == NOT_IMPLEMENTED:
        log.info("%s %s: upstream answered 501, the mock answers instead", ex.method, ex.path)
        return app.rejector.reply(ex, op, ex.violations, ex.request_id) if invalid_request else None
    if app.cors:
        raw_headers = [(k, v) for k, v in raw_headers if not k.decode("latin-1").startswith(CORS_PREFIX)]
    lowered = {k.decode("latin-1"): v.decode("latin-1") for k, v in raw_headers}
    found = check_upstream(app.api, op, status, lowered, bytes(body), head=ex.method == "HEAD")
    if found:
        log.warning("%s %s -> %d breaks the contract (%s):", ex.method, ex.path, status, op.label)
        for violation in found:
            log.warning("  response %s", violation.render())
    if found and upstream.strict:
        rid = ex.trace_id()
        count = f"{len(found)} violation{'s' if len(found) != 1 else ''}"
        payload = problem(502, f"The upstream response breaks the contract: {count}", instance=ex.path,
                          request_id=rid, title="Upstream response violates the contract")
        payload["upstream_status"] = status
        payload["errors"] = [v.error_entry() for v in found]
        return problem_reply(502, payload, [(b"x-request-id", rid.encode("ascii"))])
    reported: list[Any] = [*ex.violations, *found]
    if reported:
        raw_headers.append((b"sl-violations", sl_violations(reported)))
    return Reply(status, raw_headers, bytes(body))

