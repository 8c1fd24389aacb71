"""mock/cors.py: CORS headers a credentialed page can use, and Prism's preflight on any path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from accord.loading import load_spec
from accord.mock.cors import ALWAYS_EXPOSED, Cors, exposed_headers, is_preflight, preflight

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
KEY = {"X-API-Key": "accord-dev-key"}
PAGE = "http://127.0.0.1:5173"
IRIS_ROW = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}


def exposed(response: httpx.Response) -> list[str]:
    return [name.strip() for name in response.headers["access-control-expose-headers"].split(",")]


def test_exposed_headers_are_the_documents_response_headers_by_name_plus_the_mocks_own() -> None:
    names = exposed_headers(load_spec(SPEC).document)
    lowered = [name.lower() for name in names]
    # Declared by the contract's responses (the job flow reads Location and Retry-After).
    assert {"location", "retry-after", "x-request-id", "sunset"} <= set(lowered)
    assert set(name.lower() for name in ALWAYS_EXPOSED) <= set(lowered)
    assert len(lowered) == len(set(lowered)) and "*" not in names


def test_a_credentialed_origin_is_echoed_never_a_wildcard(make_client: Callable[..., httpx.Client]) -> None:
    client = make_client(SPEC, api_keys=["accord-dev-key"])
    response = client.post("/v1/models/iris-classifier/prediction-jobs", headers={**KEY, "Origin": PAGE},
                           json={"instances": [IRIS_ROW]})
    assert response.status_code == 202
    assert response.headers["access-control-allow-origin"] == PAGE
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "Origin" in response.headers.get_list("vary")
    assert {"Location", "Retry-After", "X-Request-ID"} <= set(exposed(response))
    assert "*" not in exposed(response)


def test_problems_carry_the_same_headers(make_client: Callable[..., httpx.Client]) -> None:
    client = make_client(SPEC, api_keys=["accord-dev-key"])
    response = client.get("/v1/models", headers={"Origin": PAGE, "X-API-Key": "wrong"})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == PAGE
    assert "WWW-Authenticate" in exposed(response)


def test_a_request_without_origin_gets_prisms_headers_and_varies_on_origin(
    make_client: Callable[..., httpx.Client],
) -> None:
    """Not a CORS request (no browser reads these): Prism's `*` headers; `Vary: Origin` keeps a cache
    from reusing this answer for a page's request, which gets its own Origin back."""
    client = make_client(SPEC)
    response = client.get("/health/live")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-headers"] == "*"
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-expose-headers"] == "*"
    assert "Origin" in response.headers.get_list("vary")
    from_page = client.get("/health/live", headers={"Origin": PAGE})
    assert from_page.headers["access-control-allow-origin"] == PAGE
    assert "access-control-allow-headers" not in from_page.headers


def test_headers_for_echoes_any_origin() -> None:
    headers = Cors({}).headers_for({"origin": "http://web"})
    assert (b"access-control-allow-origin", b"http://web") in headers
    assert (b"access-control-allow-credentials", b"true") in headers


@pytest.mark.parametrize(("asked", "allowed"), [("x-api-key,content-type", "x-api-key,content-type"), (None, "*")])
def test_preflight_allows_what_it_is_asked_for_by_name(asked: str | None, allowed: str) -> None:
    request = {"origin": PAGE, "access-control-request-method": "PUT"}
    if asked is not None:
        request["access-control-request-headers"] = asked
    assert is_preflight("OPTIONS", request)
    assert not is_preflight("OPTIONS", {"origin": "o"})
    reply = preflight(request)
    headers = dict(reply.headers)
    assert reply.status == 204 and headers[b"access-control-allow-methods"] == b"PUT"
    assert headers[b"access-control-allow-headers"] == allowed.encode()


def test_a_preflight_through_the_app_is_credentialed(make_client: Callable[..., httpx.Client]) -> None:
    response = make_client(SPEC).options("/v1/prediction-jobs", headers={
        "Origin": PAGE, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-api-key,idempotency-key"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == PAGE
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-allow-headers"] == "content-type,x-api-key,idempotency-key"
