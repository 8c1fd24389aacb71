"""The app as a whole, through real HTTP round trips: errors, request ids, keys, start-up."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from accord.loading import load_spec
from accord.service.errors import MissingHandlersError
from accord.service.resolver import resolve_handlers
from impl.models.predict import Predictor
from tests.impl.conftest import AUTH, IRIS_ROW, KEY, SPEC, assert_problem

PREDICT = "/v1/models/iris-classifier/predict"
JSON = {**AUTH, "Content-Type": "application/json"}


def test_request_id_is_echoed_or_generated(client: TestClient) -> None:
    echoed = client.get("/health/live", headers={"X-Request-ID": "web-7f3a1c"})
    assert echoed.headers["x-request-id"] == "web-7f3a1c"
    generated = client.get("/health/live")
    assert len(generated.headers["x-request-id"]) == 32
    predicted = client.post(PREDICT, json={"instances": [IRIS_ROW]}, headers={**AUTH, "X-Request-ID": "abc.1"})
    assert predicted.json()["request_id"] == "abc.1" == predicted.headers["x-request-id"]


@pytest.mark.parametrize(
    ("content", "headers", "fragment"),
    [
        (b'{"instances": [', JSON, "not valid JSON"),
        (b'{"instances":[{"sepal_length_cm":NaN,"sepal_width_cm":3.5,"petal_length_cm":1.4,"petal_width_cm":0.2}]}',
         JSON, "NaN"),
        (b'{"instances":[{"sepal_length_cm":Infinity}]}', JSON, "Infinity"),
        (b'{"instances":[{"sepal_length_cm":1e999,"sepal_width_cm":3.5,"petal_length_cm":1.4,"petal_width_cm":0.2}]}',
         JSON, "out of range"),
        (b'{"instances":[{"sepal_length_cm":"\xff\xfe"}]}', JSON, "UTF-8"),
        (b"", JSON, "required"),
        (b"null", JSON, "required"),
    ],
    ids=["truncated", "nan", "infinity", "overflow", "invalid-utf8", "empty", "null"],
)
def test_malformed_bodies_are_400(client: TestClient, content: bytes, headers: dict[str, str], fragment: str) -> None:
    body = assert_problem(client.post(PREDICT, content=content, headers=headers), 400, "validation-error")
    assert fragment.lower() in (body["detail"] + str(body.get("errors", ""))).lower()


def test_all_body_violations_are_listed_with_pointers(client: TestClient) -> None:
    bad = {"instances": [{"sepal_length_cm": 5.1, "sepal_width_cm": -1, "petal_length_cm": 99, "typo": 1},
                         {**IRIS_ROW, "petal_width_cm": "wide"}],
           "options": {"top_k": 0}}
    body = assert_problem(client.post(PREDICT, json=bad, headers=AUTH), 400, "validation-error")
    pointers = {e["pointer"]: e["detail"] for e in body["errors"]}
    assert pointers == {
        "#/instances/0/petal_length_cm": "must be <= 30",
        "#/instances/0/petal_width_cm": "is a required property",
        "#/instances/0/sepal_width_cm": "must be > 0",
        "#/instances/0/typo": "is not allowed (additional property)",
        "#/instances/1/petal_width_cm": "must be of type number",
        "#/options/top_k": "must be >= 1",
    }
    assert body["detail"] == "6 errors in request body"


def test_errors_are_capped_at_50(client: TestClient) -> None:
    bad = {"instances": [{**IRIS_ROW, "sepal_length_cm": -1}] * 100}
    body = assert_problem(client.post(PREDICT, json=bad, headers=AUTH), 400)
    assert len(body["errors"]) == 50


def test_parameter_violations_are_listed(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/models?limit=0&colour=red", headers=AUTH), 400, "validation-error")
    assert {(e["parameter"], e["in"]) for e in body["errors"]} == {("limit", "query"), ("colour", "query")}
    assert all("pointer" not in e for e in body["errors"])


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "name"),
    [
        ("post", PREDICT, {"content": b"a=1", "headers": {**AUTH, "Content-Type": "text/plain"}}, 415,
         "unsupported-media-type"),
        ("post", PREDICT, {"json": {"instances": [IRIS_ROW]}}, 401, "unauthorized"),
        ("post", PREDICT, {"json": {"instances": [IRIS_ROW]}, "headers": {"X-API-Key": "wrong"}}, 401, "unauthorized"),
        ("get", "/v1/nothing-here", {"headers": AUTH}, 404, "not-found"),
        ("delete", "/v1/models", {"headers": AUTH}, 405, "method-not-allowed"),
        ("get", "/v1/models/no-such-model", {"headers": AUTH}, 404, "model-not-found"),
        ("get", "/v1/models/iris-classifier/versions/99", {"headers": AUTH}, 404, "model-version-not-found"),
        ("post", PREDICT + "?version=7", {"json": {"instances": [IRIS_ROW]}, "headers": AUTH}, 404,
         "model-version-not-found"),
    ],
    ids=["content-type", "no-key", "wrong-key", "unknown-path", "wrong-method", "unknown-model", "unknown-version",
         "pinned-unknown-version"],
)
def test_framework_errors_have_our_shape(client: TestClient, method: str, url: str, kwargs: dict[str, Any],
                                         status: int, name: str) -> None:
    response = getattr(client, method)(url, **kwargs)
    body = assert_problem(response, status, name)
    assert body["instance"] == url.split("?")[0]


def test_body_size_limit_is_413(client: TestClient) -> None:
    huge = b'{"instances":[' + b" " * (1024 * 1024 + 1) + b"]}"
    assert_problem(client.post(PREDICT, content=huge, headers=JSON), 413, "payload-too-large")


def test_unexpected_errors_are_500_without_a_trace(make_app: Callable[..., Any],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Predictor, "predict", explode)
    with app.test_client(raise_server_exceptions=False) as c:
        response = c.post(PREDICT, json={"instances": [IRIS_ROW]}, headers=AUTH)
    assert_problem(response, 500, "internal-error")
    assert "secret internals" not in response.text


def test_health_needs_no_key_and_keys_come_from_the_environment(
        make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_API_KEYS", "alpha, beta")
    with make_app(api_keys=None).test_client() as c:
        assert c.get("/health/live").status_code == 200
        assert c.get("/v1/models", headers={"X-API-Key": "beta"}).status_code == 200
        assert c.get("/v1/models", headers={"X-API-Key": KEY}).status_code == 401


def test_development_key_when_nothing_is_configured(make_app: Callable[..., Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORD_API_KEYS", raising=False)
    monkeypatch.delenv("ACCORD_API_KEYS_FILE", raising=False)
    with make_app(api_keys=None).test_client() as c:
        assert c.get("/v1/models", headers={"X-API-Key": "accord-dev-key"}).status_code == 200


def test_keys_file(make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.write_text("# ops keys\nfrom-file\n")
    monkeypatch.delenv("ACCORD_API_KEYS", raising=False)
    monkeypatch.setenv("ACCORD_API_KEYS_FILE", str(keys))
    with make_app(api_keys=None).test_client() as c:
        assert c.get("/v1/models", headers={"X-API-Key": "from-file"}).status_code == 200
        assert c.get("/v1/models", headers={"X-API-Key": "accord-dev-key"}).status_code == 401


def test_swagger_ui_and_spec_are_served(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["openapi"] == "3.0.3"
    assert client.get("/ui/").status_code == 200


def test_every_answer_names_the_served_document(client: TestClient) -> None:
    """RFC 8631 `service-desc`, as the mock does with its own path: the demo page reads it."""
    for response in (client.get("/health/live"), client.get("/v1/models"), client.get("/nowhere")):
        assert response.headers["link"] == '</openapi.json>; rel="service-desc"'


@pytest.mark.parametrize("path", ["/openapi.json", "/openapi.yaml"])
def test_the_served_document_names_this_service_as_its_server(client: TestClient, path: str) -> None:
    """Swagger UI's Servers dropdown lists the served `servers`; Connexion's `[{url: ''}]` showed it empty."""
    text = client.get(path).text
    # The bundled document is ~1 MB: read as what it says it is, with the C parsers (PyYAML's pure
    # Python loader took seconds per call).
    served = json.loads(text) if path.endswith(".json") else yaml.load(text, Loader=yaml.CSafeLoader)
    assert served["servers"] == [{"url": "/", "description": "this service (accord serve)"}]


def test_missing_handlers_fail_start_up_with_the_full_list(tmp_path: Path) -> None:
    document = copy.deepcopy(load_spec(SPEC).document)
    document["paths"]["/v1/extra"] = {"get": {"operationId": "getExtraThing", "tags": ["models"],
                                              "responses": {"200": {"description": "ok"}}}}
    document["paths"]["/v1/other"] = {"post": {"operationId": "doOther", "tags": ["brand-new"],
                                               "responses": {"200": {"description": "ok"}}}}
    with pytest.raises(MissingHandlersError) as info:
        resolve_handlers(document, "impl.handlers")
    assert [op for op, _ in info.value.missing] == ["getExtraThing", "doOther"]
    assert "impl.handlers.models.get_extra_thing" in str(info.value)
    assert "impl.handlers.brand_new.do_other" in str(info.value)


def test_create_app_refuses_a_contract_with_unimplemented_operations(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                "paths": {"/x": {"get": {"operationId": "getX", "responses": {"200": {"description": "ok"}}}}}}
    spec.write_text(yaml.safe_dump(document))
    from impl.app import create_app

    with pytest.raises(MissingHandlersError, match="getX"):
        create_app(spec, models_dir=tmp_path / "m", jobs_db=tmp_path / "j.db")
    assert not (tmp_path / "m").exists()  # failed before training or opening anything


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}], ids=["no-key", "wrong-key"])
def test_a_401_says_how_to_authenticate(client: TestClient, headers: dict[str, str]) -> None:
    """RFC 9110 section 11.6.1: a 401 carries WWW-Authenticate; the same challenge as the mock's."""
    response = client.get("/v1/models", headers=headers)
    body = assert_problem(response, 401, "unauthorized")
    assert response.headers.get_list("www-authenticate") == ['ApiKey in="header", name="X-API-Key"']
    why = "the credential is not a known key" if headers else "the header parameter 'X-API-Key' is missing"
    assert body["errors"] == [{"parameter": "X-API-Key", "in": "header", "detail": f"ApiKeyAuth: {why}"}]


def test_other_errors_carry_no_challenge(client: TestClient) -> None:
    response = client.get("/v1/models/no-such-model", headers=AUTH)
    assert response.status_code == 404 and "www-authenticate" not in response.headers
