"""The outermost layer (impl/middleware.py) over HTTP: 406 on Accept, before routing and security."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.impl.conftest import AUTH, IRIS_ROW, ROOT, assert_problem

PREDICT = "/v1/models/iris-classifier/predict"


@pytest.mark.parametrize("accept", ["text/csv", "application/json;q=0, application/problem+json;q=0", "text/*"])
def test_unacceptable_accept_is_406_problem(client: TestClient, accept: str) -> None:
    response = client.post(PREDICT, json={"instances": [IRIS_ROW]},
                           headers={**AUTH, "Accept": accept, "X-Request-ID": "neg-1"})
    body = assert_problem(response, 406, "not-acceptable")
    assert body["request_id"] == "neg-1"
    assert body["instance"] == PREDICT
    assert "application/json" in body["detail"]


@pytest.mark.parametrize("path", ["/health/live", "/v1/models", "/v1/models/iris-classifier"])
def test_406_on_get_operations_too(client: TestClient, path: str) -> None:
    response = client.get(path, headers={**AUTH, "Accept": "application/xml"})
    assert_problem(response, 406, "not-acceptable")
    assert len(response.headers["x-request-id"]) == 32  # generated when none was sent


def test_406_comes_before_authentication(client: TestClient) -> None:
    assert_problem(client.get("/v1/models", headers={"Accept": "text/csv"}), 406, "not-acceptable")


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/problem+json",
                                    "text/html, */*;q=0.1", "application/*"])
def test_acceptable_accept_is_served(client: TestClient, accept: str | None) -> None:
    headers = dict(AUTH) if accept is None else {**AUTH, "Accept": accept}
    response = client.post(PREDICT, json={"instances": [IRIS_ROW]}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["predictions"][0]["label"] == "setosa"


def test_problem_only_client_still_gets_its_errors(client: TestClient) -> None:
    """A client accepting only problem+json is not refused: errors are what it can take."""
    response = client.get("/v1/models", headers={"Accept": "application/problem+json"})
    assert_problem(response, 401, "unauthorized")


def test_repeated_accept_lines_are_combined(client: TestClient) -> None:
    headers = [("accept", "text/csv"), ("accept", "application/json"), ("x-api-key", AUTH["X-API-Key"])]
    assert client.get("/v1/models", headers=headers).status_code == 200


def test_swagger_ui_is_exempt(client: TestClient) -> None:
    response = client.get("/ui/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


def test_a_scaffolded_stub_answers_501_with_its_own_detail(make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `accord scaffold` writes, served: the detail naming the operation reaches the client."""
    from accord.loading import load_spec
    from accord.scaffold import operations, render_stub
    from impl.handlers import models

    document = load_spec(ROOT / "spec" / "openapi.yaml").document
    op = next(o for o in operations(document) if o.operation_id == "getModel")
    namespace: dict[str, Any] = {}
    exec("from typing import Any\n" + render_stub(document, op), namespace)  # our own generator's output
    monkeypatch.setattr(models, "get_model", namespace["get_model"])
    with make_app().test_client() as client:
        response = client.get("/v1/models/iris-classifier", headers=AUTH)
    assert_problem(response, 501, "not-implemented")
    assert response.json()["detail"] == "getModel has no implementation yet"


def test_client_errors_leave_no_connexion_warning_in_the_log(client: TestClient,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    """A wrong key is in the access log with its status; Connexion's repr line is not repeated."""
    with caplog.at_level(logging.DEBUG):
        assert client.get("/v1/models", headers={"X-API-Key": "wrong"}).status_code == 401
        assert client.post(PREDICT, json={"instances": [{}]}, headers=AUTH).status_code == 400
    assert not [r for r in caplog.records if r.name.startswith("connexion") and r.levelno >= logging.WARNING]
