"""The middleware stack (impl/pipeline.py): Connexion's checks, built once per operation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from connexion.middleware.request_validation import RequestValidationOperation
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from accord.service.pipeline import (
    MAX_CACHED_KEYS,
    DocsGate,
    OncePerOperationValidation,
    _bounded_cache,
    _route_prefixes,
)
from tests.impl.conftest import AUTH, IRIS_ROW, assert_problem

PREDICT = "/v1/models/iris-classifier/predict"


def _stack(app: Any, kind: type) -> Any:
    """The middleware of this class in a started app's stack."""
    found = [m for m in app.middleware.middleware_stack if isinstance(m, kind)]
    assert len(found) == 1
    return found[0]


def _validation(app: Any, operation_id: str) -> OncePerOperationValidation:
    from accord.service.pipeline import OncePerOperationRequestValidation

    middleware = _stack(app, OncePerOperationRequestValidation)
    (api,) = [a for apis in middleware.apis.values() for a in apis]
    operation = api.operations[operation_id]
    assert isinstance(operation, OncePerOperationValidation)
    return operation


def test_validators_are_built_once_and_still_refuse_bad_requests(client: TestClient, shared_app: Any) -> None:
    assert client.post(PREDICT, json={"instances": [IRIS_ROW]}, headers=AUTH).status_code == 200
    operation = _validation(shared_app, "predictIris")
    parameters = operation._parameter_validator
    body = operation._body_validator(("application/json", "utf-8"))
    assert parameters is not None and body is not None

    # The same validator objects serve the next requests, and they still validate.
    bad = assert_problem(client.post(PREDICT, json={"instances": [{**IRIS_ROW, "petal_width_cm": "wide"}]},
                                     headers=AUTH), 400, "validation-error")
    assert bad["errors"] == [
        {"pointer": "#/instances/0/petal_width_cm", "in": "body", "detail": "must be of type number"}]
    extra = assert_problem(client.post(PREDICT + "?nope=1", json={"instances": [IRIS_ROW]}, headers=AUTH),
                           400, "validation-error")
    assert extra["errors"][0]["parameter"] == "nope"
    assert_problem(client.post(PREDICT, content=b"x=1", headers={**AUTH, "Content-Type": "text/plain"}),
                   415, "unsupported-media-type")
    assert operation._parameter_validator is parameters
    assert operation._body_validator(("application/json", "utf-8")) is body
    assert client.post(PREDICT, json={"instances": [IRIS_ROW]}, headers=AUTH).status_code == 200


def test_odd_charsets_are_served_without_growing_the_cache(client: TestClient, shared_app: Any) -> None:
    for i in range(MAX_CACHED_KEYS + 5):
        response = client.post(PREDICT, content=b'{"instances": [{}]}',
                               headers={**AUTH, "Content-Type": f"application/json; charset=x-odd-{i}"})
        assert_problem(response, 400, "validation-error")  # each still validated (the instance lacks fields)
    operation = _validation(shared_app, "predictIris")
    cache = operation._body_validator.__closure__  # type: ignore[attr-defined]
    sizes = [len(c.cell_contents) for c in cache if isinstance(c.cell_contents, dict)]
    assert sizes and max(sizes) <= MAX_CACHED_KEYS


def test_mime_check_matches_connexions(shared_app: Any, client: TestClient) -> None:
    client.get("/health/live")  # builds the stack
    operation = _validation(shared_app, "predictIris")
    for mime in ("application/json", "APPLICATION/JSON", "application/problem+json", "text/plain", "*/*"):
        try:
            RequestValidationOperation.validate_mime_type(operation, mime)
            expected = True
        except Exception:
            expected = False
        try:
            operation.validate_mime_type(mime)
            got = True
        except Exception:
            got = False
        assert got is expected, mime


def test_bounded_cache_remembers_up_to_the_limit() -> None:
    calls: list[Any] = []

    def double(key: Any) -> Any:
        calls.append(key)
        return key * 2

    cached = _bounded_cache(double)
    for key in range(MAX_CACHED_KEYS + 3):
        assert cached(key) == key * 2
    assert cached(0) == 0 and cached(MAX_CACHED_KEYS + 2) == 2 * (MAX_CACHED_KEYS + 2)
    # The first keys were remembered; the ones past the limit are computed again each time.
    assert calls.count(0) == 1 and calls.count(MAX_CACHED_KEYS + 2) == 2
    assert cached([1]) == [1, 1]  # unhashable: computed, not cached


def test_route_prefixes_descend_into_mounted_routers() -> None:
    async def endpoint(*args: Any) -> None: ...

    routes = [Mount("", routes=[Route("/openapi.json", endpoint), Route("/ui/{rest}", endpoint)]),
              Mount("/static", app=endpoint)]
    assert sorted(_route_prefixes(routes)) == ["/openapi.json", "/static", "/ui/"]


@pytest.mark.parametrize("path", ["/ui", "/ui/", "/openapi.json", "/openapi.yaml"])
def test_docs_are_still_served_behind_the_gate(client: TestClient, shared_app: Any, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code in (200, 307), response.text
    gate = _stack(shared_app, DocsGate)
    assert path.startswith(gate._prefixes)


def test_api_paths_skip_the_docs_router(make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    entered: list[str] = []
    original = DocsGate.__bases__[0].__call__

    async def spy(self: Any, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            entered.append(scope["path"])
        await original(self, scope, receive, send)

    monkeypatch.setattr(DocsGate.__bases__[0], "__call__", spy)
    with app.test_client(raise_server_exceptions=False) as c:
        assert c.post(PREDICT, json={"instances": [IRIS_ROW]}, headers=AUTH).status_code == 200
        assert_problem(c.get("/nowhere", headers=AUTH), 404, "not-found")
        assert c.get("/ui/").status_code == 200
    assert entered == ["/ui/"]


@pytest.mark.parametrize("headers", [
    [(b"content-type", b"application/json")],
    [(b"content-type", b"application/json; charset=latin-1")],
    [(b"x-api-key", b"k"), (b"content-type", b"Application/JSON;charset=utf-8;q=1")],
    [(b"content-type", b"text/plain"), (b"content-type", b"application/json")],
    [(b"x-api-key", b"k")],
    [],
], ids=["plain", "charset", "mixed-case", "two-fields", "none", "no-headers"])
def test_content_type_is_read_as_connexion_reads_it(client: TestClient, shared_app: Any,
                                                    headers: list[tuple[bytes, bytes]]) -> None:
    client.get("/health/live")  # builds the stack
    operation = _validation(shared_app, "predictIris")
    assert operation.extract_content_type(headers) == RequestValidationOperation.extract_content_type(operation,
                                                                                                        headers)


def test_response_validation_middleware_only_when_responses_are_validated() -> None:
    from connexion.middleware.response_validation import ResponseValidationMiddleware

    from accord.service.pipeline import middlewares

    assert ResponseValidationMiddleware in middlewares(True)
    assert ResponseValidationMiddleware not in middlewares(False)
    assert len(middlewares(True)) == len(middlewares(False)) + 1


def test_memoised_body_definition_answers_as_connexions(shared_app: Any, client: TestClient) -> None:
    client.get("/health/live")  # builds the stack
    operation = _validation(shared_app, "predictIris")._operation
    original = type(operation).body_definition
    for content_type in (None, "application/json", "text/plain"):
        assert operation.body_definition(content_type) == original(operation, content_type)
        assert operation.body_definition(content_type=content_type) == original(operation, content_type)
        assert operation.body_schema(content_type) == original(operation, content_type).get("schema", {})
