"""mock/behaviour/control.py: /__accord/scenario and /__accord/reset over HTTP (in-process)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from accord.mock.app import create_app
from accord.mock.testing import ASGISyncTransport

SPEC = Path(__file__).resolve().parents[3] / "spec" / "openapi.yaml"
EXAMPLE = SPEC.parent / "mock-behaviour.yaml"


@pytest.fixture(scope="module")
def client() -> httpx.Client:
    app = create_app(SPEC, rules=EXAMPLE, scenario="slow-inference", stateful=True, api_keys=["k"])
    return httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock", headers={"X-API-Key": "k"})


def test_scenario_is_read_switched_and_reset(client: httpx.Client) -> None:
    current = client.get("/__accord/scenario").json()
    assert current["scenario"] == "slow-inference"
    assert set(current["available"]) == {"default", "model-overloaded", "model-loading", "slow-inference",
                                         "flaky-network"}
    assert client.put("/__accord/scenario", json={"name": "model-loading"}).json()["scenario"] == "model-loading"
    reset = client.post("/__accord/reset")
    assert reset.status_code == 200 and reset.json()["scenario"] == "slow-inference"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("PUT", "/__accord/scenario", {"scenario": "nope"}, 404),
        ("PUT", "/__accord/scenario", {"colour": "blue"}, 400),
        ("PUT", "/__accord/scenario", None, 400),
        ("DELETE", "/__accord/scenario", None, 405),
        ("GET", "/__accord/reset", None, 405),
    ],
)
def test_bad_control_requests_are_problems(client: httpx.Client, method: str, path: str, body: object,
                                           status: int) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status


def test_reset_drops_created_resources(client: httpx.Client) -> None:
    iris = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}
    created = client.post("/v1/models/iris-classifier/prediction-jobs", json={"instances": [iris]})
    assert created.status_code == 202
    location = created.headers["location"]
    assert client.get(location).status_code == 200
    assert client.post("/__accord/reset").json()["dropped"] >= 1
    assert client.get(location).status_code == 404
    assert client.get("/v1/prediction-jobs").json()["data"] == []
