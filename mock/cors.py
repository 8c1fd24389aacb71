"""CORS as Prism does it (anchors §2.12), within the Fetch standard's rules for credentials.

On by default: every response carries the headers, and a preflight (`OPTIONS` + `Origin` +
`Access-Control-Request-Method`) gets 204 on any path. A page may call with credentials
(`fetch(..., {credentials: "include"})`): the Fetch standard (§3.2.5, "CORS protocol and
credentials") reads `*` literally in that case, for the allowed origin, the exposed headers and the
allowed request headers alike. So to a request with an `Origin` the mock never answers a `*` a
browser would have to read: it echoes the page's `Origin` (with `Vary: Origin`, since the answer
depends on it), echoes the headers a preflight asks for (Prism's `*` when it asks for none: there
is nothing to allow), and exposes by name every response header the document declares, plus the
ones the mock adds itself (`ALWAYS_EXPOSED`).
A request without `Origin` is not a CORS request (browsers send `Origin` on every cross-origin
call and read CORS headers on no other answer), so what it gets is for the tools that compare the
mock with Prism: Prism's own `*` origin, `*` request headers and allowed credentials. `Vary: Origin`
is on every answer, so a cache never hands that copy to a request that carries an `Origin`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from accord.mock.exchange import Headers, Reply
from accord.openapi import response_header_names

ALL_METHODS = b"GET,DELETE,HEAD,PATCH,POST,PUT,OPTIONS"
#: Headers the mock may send whatever the document declares: the request id, a 401's challenge,
#: a 405's Allow, a 201/202's Location, a 429/503's Retry-After, a deprecated operation's
#: Deprecation, Prism's sl-violations and the Link to the served document (RFC 8631).
ALWAYS_EXPOSED = ("X-Request-ID", "WWW-Authenticate", "Allow", "Location", "Retry-After", "Deprecation",
                  "sl-violations", "Link")
#: Preflights are cached by the browser this long (seconds), as the service's.
MAX_AGE = b"600"


def exposed_headers(document: Any) -> tuple[str, ...]:
    """`ALWAYS_EXPOSED` and every response header the document declares, each once."""
    names: dict[str, str] = {}
    for name in (*ALWAYS_EXPOSED, *response_header_names(document)):
        names.setdefault(name.lower(), name)
    return tuple(names.values())


class Cors:
    """The CORS headers of one served document, built once; per request only the Origin is copied."""

    def __init__(self, document: Any) -> None:
        self._document = document
        self._no_origin: Headers = [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-allow-headers", b"*"),
            (b"access-control-allow-credentials", b"true"),
            # Prism's `*`: no browser reads it on a request without Origin, and the names of every
            # declared header would only cost each answer their length.
            (b"access-control-expose-headers", b"*"),
            (b"vary", b"Origin"),
        ]

    @cached_property
    def _credentialed(self) -> Headers:
        # Built on the first request with an Origin, not at start-up: naming every declared
        # response header walks all the operations (12 ms on GitHub's description).
        expose = ", ".join(exposed_headers(self._document)).encode("latin-1")
        return [
            (b"access-control-allow-credentials", b"true"),
            (b"access-control-expose-headers", expose),
            (b"vary", b"Origin"),
        ]

    def headers_for(self, request_headers: dict[str, str]) -> Headers:
        """The CORS headers of any response: the request's Origin echoed with credentials allowed,
        else Prism's headers for a request that is not a CORS request."""
        origin = request_headers.get("origin")
        if origin is None:
            return list(self._no_origin)
        return [(b"access-control-allow-origin", origin.encode("latin-1")), *self._credentialed]


def is_preflight(method: str, request_headers: dict[str, str]) -> bool:
    return method == "OPTIONS" and "origin" in request_headers and "access-control-request-method" in request_headers


def preflight(request_headers: dict[str, str]) -> Reply:
    """204 for a preflight, whatever the path (Prism answers even for undefined paths): the method and
    the request headers asked for are allowed by name (`*` would not cover a credentialed call).
    A preflight that asks for no header gets Prism's `*`: no header is to be allowed, so it allows
    nothing a page could misread."""
    method = request_headers.get("access-control-request-method", "").encode("latin-1") or ALL_METHODS
    asked = request_headers.get("access-control-request-headers", "").strip()
    return Reply(204, [(b"access-control-allow-methods", method), (b"access-control-max-age", MAX_AGE),
                       (b"access-control-allow-headers", asked.encode("latin-1") if asked else b"*")])
