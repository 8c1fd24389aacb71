"""mock/cors.py: Prism's CORS headers and preflight."""

from __future__ import annotations

from accord.mock.cors import headers_for, is_preflight, preflight


def test_headers_echo_the_origin():
    headers = dict(headers_for({"origin": "http://web", "access-control-request-headers": "x-api-key"}))
    assert headers[b"access-control-allow-origin"] == b"http://web"
    assert headers[b"access-control-allow-headers"] == b"x-api-key"
    assert headers[b"access-control-allow-credentials"] == b"true"
    assert dict(headers_for({}))[b"access-control-allow-origin"] == b"*"


def test_preflight():
    assert is_preflight("OPTIONS", {"origin": "o", "access-control-request-method": "PUT"})
    assert not is_preflight("OPTIONS", {"origin": "o"})
    reply = preflight({"access-control-request-method": "PUT"})
    assert reply.status == 204 and dict(reply.headers)[b"access-control-allow-methods"] == b"PUT"
