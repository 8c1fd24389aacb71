"""CORS as Prism does it (anchors §2.12): on by default, every response carries the headers,
and a preflight (`OPTIONS` + `Origin` + `Access-Control-Request-Method`) gets 204 on any path.
"""

from __future__ import annotations

from accord.mock.exchange import Headers, Reply

ALL_METHODS = b"GET,DELETE,HEAD,PATCH,POST,PUT,OPTIONS"
_NO_ORIGIN: Headers = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-headers", b"*"),
    (b"access-control-allow-credentials", b"true"),
    (b"access-control-expose-headers", b"*"),
]


def headers_for(request_headers: dict[str, str]) -> Headers:
    """The CORS headers of any response: the request's Origin echoed, else `*`."""
    origin = request_headers.get("origin")
    asked = request_headers.get("access-control-request-headers")
    expose = request_headers.get("access-control-expose-headers")
    if origin is None and asked is None and expose is None:
        return list(_NO_ORIGIN)
    return [
        (b"access-control-allow-origin", (origin or "*").encode("latin-1")),
        (b"access-control-allow-headers", (asked or "*").encode("latin-1")),
        (b"access-control-allow-credentials", b"true"),
        (b"access-control-expose-headers", (expose or "*").encode("latin-1")),
    ]


def is_preflight(method: str, request_headers: dict[str, str]) -> bool:
    return method == "OPTIONS" and "origin" in request_headers and "access-control-request-method" in request_headers


def preflight(request_headers: dict[str, str]) -> Reply:
    """204 for a preflight, whatever the path (Prism answers even for undefined paths)."""
    method = request_headers.get("access-control-request-method", "").encode("latin-1") or ALL_METHODS
    return Reply(204, [(b"access-control-allow-methods", method), (b"vary", b"origin")])
