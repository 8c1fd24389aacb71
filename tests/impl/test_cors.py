"""impl/cors.py: preflights and CORS headers on the service, from ACCORD_CORS_ORIGINS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from accord.service.cors import LOCAL_ORIGINS, CorsPolicy
from tests.impl.conftest import AUTH, IRIS_ROW

PREDICT = "/v1/models/iris-classifier/predict"
PAGE = "http://127.0.0.1:5173"


def preflight(client: Any, origin: str, method: str = "POST", headers: str = "content-type,x-api-key") -> Any:
    return client.options(PREDICT, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                            "Access-Control-Request-Headers": headers})


@pytest.mark.parametrize(("raw", "expected"), [
    (None, CorsPolicy(origin_regex=LOCAL_ORIGINS)),
    ("  ", CorsPolicy(origin_regex=LOCAL_ORIGINS)),
    ("*", CorsPolicy(origins=("*",))),
    ("https://app.example.com/, https://admin.example.com", CorsPolicy(origins=("https://app.example.com",
                                                                               "https://admin.example.com"))),
    ("off", CorsPolicy()),
    ("none", CorsPolicy()),
])
def test_policy_parses_the_variable(raw: str | None, expected: CorsPolicy) -> None:
    assert CorsPolicy.parse(raw) == expected


def test_development_default_answers_a_preflight_from_a_local_page(make_app: Callable[..., Any],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORD_CORS_ORIGINS", raising=False)
    with make_app().test_client() as client:
        response = preflight(client, PAGE)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PAGE
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "x-api-key" in response.headers["access-control-allow-headers"].lower()


def test_development_default_refuses_a_foreign_page(make_app: Callable[..., Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORD_CORS_ORIGINS", raising=False)
    with make_app().test_client() as client:
        response = preflight(client, "https://evil.example")
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers
    assert response.headers["content-type"] == "application/problem+json"


def test_a_real_request_exposes_location_retry_after_and_request_id(make_app: Callable[..., Any]) -> None:
    with make_app(cors_origins=PAGE).test_client() as client:
        response = client.post(PREDICT, json={"instances": [IRIS_ROW]}, headers={**AUTH, "Origin": PAGE})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PAGE
    exposed = {h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"location", "retry-after", "x-request-id"} <= exposed


def test_a_refused_key_still_carries_cors_headers_so_the_page_can_read_the_problem(
        make_app: Callable[..., Any]) -> None:
    with make_app(cors_origins="*").test_client() as client:
        response = client.post(PREDICT, json={"instances": [IRIS_ROW]},
                               headers={"X-API-Key": "wrong", "Origin": "https://app.example.com"})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json()["type"].endswith("/unauthorized")
    assert "www-authenticate" in response.headers["access-control-expose-headers"].lower()


def test_explicit_origins_allow_only_those(make_app: Callable[..., Any]) -> None:
    with make_app(cors_origins="https://app.example.com").test_client() as client:
        allowed = preflight(client, "https://app.example.com")
        refused = preflight(client, PAGE)
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert refused.status_code == 400


def test_off_sends_no_cors_headers(make_app: Callable[..., Any]) -> None:
    with make_app(cors_origins="off").test_client() as client:
        response = client.post(PREDICT, json={"instances": [IRIS_ROW]}, headers={**AUTH, "Origin": PAGE})
    assert response.status_code == 200
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]


@pytest.mark.parametrize(("headers", "content", "status", "kind"), [
    ({"Accept": "text/csv"}, b'{"instances": []}', 406, "not-acceptable"),
    ({}, None, 413, "payload-too-large"),
    ([("X-API-Key", AUTH["X-API-Key"]), ("X-API-Key", "other")], b'{"instances": []}', 400, "validation-error"),
], ids=["406", "413", "400-header-twice"])
def test_problems_answered_before_connexion_carry_cors_headers(
        make_app: Callable[..., Any], headers: Any, content: bytes | None, status: int, kind: str) -> None:
    """The outermost middleware answers these itself; without the headers a page would see an
    opaque network error instead of the problem."""
    from accord.service.settings import DEFAULT_MAX_BODY_BYTES

    pairs = list(headers.items()) if isinstance(headers, dict) else list(headers)
    if not any(name == "X-API-Key" for name, _ in pairs):
        pairs += list(AUTH.items())
    pairs += [("Origin", PAGE), ("Content-Type", "application/json")]
    body = content if content is not None else b"[" + b"0," * (DEFAULT_MAX_BODY_BYTES // 2) + b"0]"
    with make_app(cors_origins=PAGE).test_client() as client:
        response = client.post(PREDICT, content=body, headers=pairs)
    assert response.status_code == status
    assert response.headers["access-control-allow-origin"] == PAGE
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/" + kind)
    assert response.json()["request_id"] == response.headers["x-request-id"]


def test_early_problems_carry_no_cors_headers_when_cors_is_off(make_app: Callable[..., Any]) -> None:
    with make_app(cors_origins="off").test_client() as client:
        response = client.post(PREDICT, json={"instances": [IRIS_ROW]},
                               headers={**AUTH, "Origin": PAGE, "Accept": "text/csv"})
    assert response.status_code == 406
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]


def test_a_named_origin_may_call_with_credentials_and_reads_headers_by_name(make_app: Callable[..., Any]) -> None:
    """Fetch reads `*` literally for a credentialed call: the origin is echoed with `Vary: Origin`
    and the exposed headers are names, the contract's own response headers among them."""
    with make_app(cors_origins=PAGE).test_client() as client:
        response = client.post(PREDICT, json={"instances": [IRIS_ROW]}, headers={**AUTH, "Origin": PAGE})
        asked = preflight(client, PAGE, headers="content-type,x-api-key,idempotency-key")
    assert response.headers["access-control-allow-origin"] == PAGE
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "origin" in response.headers["vary"].lower()
    exposed = [h.strip() for h in response.headers["access-control-expose-headers"].split(",")]
    assert "*" not in exposed
    assert {"Location", "Retry-After", "X-Request-ID", "WWW-Authenticate"} <= set(exposed)
    assert asked.headers["access-control-allow-credentials"] == "true"
    assert asked.headers["access-control-allow-headers"] == "content-type,x-api-key,idempotency-key"


def test_any_origin_is_answered_without_credentials(make_app: Callable[..., Any]) -> None:
    with make_app(cors_origins="*").test_client() as client:
        response = client.get("/health/live", headers={"Origin": "https://app.example.com"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_exposed_headers_follow_the_document() -> None:
    from accord.service.cors import exposed_headers

    document = {"paths": {"/a": {"get": {"responses": {"200": {"headers": {"X-Rate-Limit": {}, "x-request-id": {}}}}}}}}
    names = exposed_headers(document)
    assert "X-Rate-Limit" in names
    assert [n.lower() for n in names].count("x-request-id") == 1
