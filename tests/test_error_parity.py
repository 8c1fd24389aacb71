"""The mock and the service answer the same bad request (a bad body, a bad parameter, a missing or
wrong key) with the same `errors` entries: the same
pointers (a missing property's own, one per unexpected property), the same `in`, the same words
(accord/violations.py). A web team's code that highlights the field named by a pointer, and a
consumer contract recorded on the mock (accord verify), then work unchanged against the service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from starlette.testclient import TestClient

from accord.contract_tests.serving import serve_app
from accord.mock.app import create_app as create_mock
from accord.mock.testing import serve_mock
from impl.app import close_app
from impl.app import create_app as create_service

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "openapi.yaml"
KEY = "parity-key"
PREDICT = "/v1/models/iris-classifier/predict"
ROW = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TestClient]]:
    service = create_service(SPEC, jobs_db=tmp_path_factory.mktemp("jobs") / "jobs.sqlite3", api_keys=[KEY])
    with TestClient(service.middleware, raise_server_exceptions=False) as on_service, \
            TestClient(create_mock(SPEC, api_keys=[KEY]), raise_server_exceptions=False) as on_mock:
        yield {"mock": on_mock, "service": on_service}
    close_app(service)


def entries(response: Any) -> list[dict[str, str]]:
    return sorted(response.json()["errors"], key=lambda e: (e.get("in", ""), e.get("parameter", ""),
                                                               e.get("pointer", "")))


BODIES = {
    "missing-field": {"instances": [{"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4}]},
    "wrong-type": {"instances": [{**ROW, "petal_width_cm": "wide"}]},
    "out-of-range": {"instances": [{**ROW, "petal_length_cm": 99, "sepal_width_cm": -1}]},
    "extra-properties": {"instances": [{**ROW, "typo": 1, "other": 2}]},
    "several-instances": {"instances": [{**ROW, "sepal_length_cm": "x"}, {"sepal_width_cm": 3.5}],
                          "options": {"top_k": 0}},
    "empty-object": {},
    "not-an-array": {"instances": {"sepal_length_cm": 5.1}},
}


@pytest.mark.parametrize("body", list(BODIES.values()), ids=list(BODIES))
def test_body_errors_are_the_same_on_both(clients: dict[str, TestClient], body: dict[str, Any]) -> None:
    answers = {name: c.post(PREDICT, json=body, headers={"X-API-Key": KEY}) for name, c in clients.items()}
    assert answers["mock"].status_code == answers["service"].status_code == 400
    assert entries(answers["mock"]) == entries(answers["service"])
    assert all(e["in"] == "body" and e["pointer"].startswith("#") for e in entries(answers["service"]))


@pytest.mark.parametrize("query", ["limit=500", "limit=0", "limit=abc"])
def test_parameter_errors_are_the_same_on_both(clients: dict[str, TestClient], query: str) -> None:
    answers = {name: c.get(f"/v1/models?{query}", headers={"X-API-Key": KEY}) for name, c in clients.items()}
    assert answers["mock"].status_code == answers["service"].status_code == 400
    assert entries(answers["mock"]) == entries(answers["service"])


def test_a_missing_property_is_pointed_at_itself(clients: dict[str, TestClient]) -> None:
    body = BODIES["missing-field"]
    for client in clients.values():
        answer = client.post(PREDICT, json=body, headers={"X-API-Key": KEY})
        assert entries(answer) == [{"pointer": "#/instances/0/petal_width_cm", "in": "body",
                                    "detail": "is a required property"}]


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}], ids=["no-key", "wrong-key"])
def test_a_401_is_the_same_on_both(clients: dict[str, TestClient], headers: dict[str, str]) -> None:
    answers = {name: c.get("/v1/models", headers=headers) for name, c in clients.items()}
    assert answers["mock"].status_code == answers["service"].status_code == 401
    assert entries(answers["mock"]) == entries(answers["service"])
    assert answers["mock"].json()["type"] == answers["service"].json()["type"]
    assert (answers["mock"].headers.get_list("www-authenticate")
            == answers["service"].headers.get_list("www-authenticate"))


@pytest.mark.parametrize("query", ["key", "api_key", "x-api-key", "X-API-Key"])
def test_a_key_in_the_query_string_is_not_read_by_either(clients: dict[str, TestClient], query: str) -> None:
    """The contract reads the key from the `X-API-Key` header only (info.description, "Authentication")."""
    answers = {name: c.get(f"/v1/models?{query}={KEY}") for name, c in clients.items()}
    assert answers["mock"].status_code == answers["service"].status_code == 401
    assert entries(answers["mock"]) == entries(answers["service"])
    # ...and both say why, naming the parameter the key was sent in.
    assert entries(answers["service"]) == [{
        "parameter": "X-API-Key", "in": "header",
        "detail": f"ApiKeyAuth: the header parameter 'X-API-Key' is missing (the query parameter '{query}' "
                  "is not read: a key goes in the header only)"}]
    for client in clients.values():  # the same key, where the contract says, is accepted
        assert client.get("/v1/models", headers={"X-API-Key": KEY}).status_code == 200


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Both servers over real HTTP (uvicorn on free ports), as `make run` starts them."""
    service = create_service(SPEC, jobs_db=tmp_path_factory.mktemp("jobs") / "jobs.sqlite3", api_keys=[KEY])
    try:
        with serve_app(service) as service_url, serve_mock(SPEC, api_keys=[KEY]) as mock:
            yield {"mock": mock.url, "service": service_url}
    finally:
        close_app(service)


@pytest.mark.parametrize(("path", "allow"), [("/v1/models", "GET"), ("/health/live", "GET"), (PREDICT, "POST"),
                                             ("/v1/prediction-jobs/some-job", "GET")])
def test_a_head_the_contract_does_not_declare_is_the_same_405_on_both(served: dict[str, str], path: str,
                                                                       allow: str) -> None:
    """The contract declares no `head`: HEAD is a 405 listing the declared methods on both servers
    (not GET's answer without its body), with the same error media type and no body on the wire."""
    answers = {name: requests.head(base + path, headers={"X-API-Key": KEY}, timeout=10)
               for name, base in served.items()}
    for name, answer in answers.items():
        assert answer.status_code == 405, (name, answer.status_code, answer.headers)
        assert answer.content == b"", name
    assert answers["mock"].headers["allow"] == answers["service"].headers["allow"] == allow
    assert answers["mock"].headers["content-type"] == answers["service"].headers["content-type"]
    assert answers["service"].headers["content-type"] == "application/problem+json"
    # GET on the same path is still answered (the key is read; a 405 comes before it on both).
    if "GET" in allow.split(", "):
        for name, base in served.items():
            assert requests.get(base + path, headers={"X-API-Key": KEY}, timeout=10).status_code != 405, name
