"""mock/behaviour/steps.py through real HTTP round trips (in-process ASGI): rules, faults,
scenarios and latency observed as configured, every answer still within the contract."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conforms import assert_conforms

from accord.loading import load_spec
from accord.mock.app import MockApp, create_app
from accord.mock.behaviour.model import Latency
from accord.mock.testing import ASGISyncTransport

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT / "spec" / "openapi.yaml"
EXAMPLE = ROOT / "spec" / "mock-behaviour.yaml"
KEY = {"X-API-Key": "accord-dev-key"}
IRIS = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}
PREDICT = "/v1/models/iris-classifier/predict"


@pytest.fixture(scope="module")
def contract() -> object:
    return load_spec(SPEC)


def _client(app: MockApp) -> httpx.Client:
    return httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock", headers=KEY)


@pytest.fixture
def example(contract: object) -> Iterator[httpx.Client]:
    app = create_app(contract, rules=EXAMPLE, seed=3, api_keys=["accord-dev-key"])  # type: ignore[arg-type]
    with _client(app) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client


def test_a_rule_picks_the_named_example_from_a_body_field(example: httpx.Client) -> None:
    app = example.app  # type: ignore[attr-defined]
    plain = assert_conforms(app, "predictIris", example.post(PREDICT, json={"instances": [IRIS]}))
    assert "explanation" not in plain["predictions"][0]
    assert app.journal.last().answered_by == {}  # nothing but the static answer
    explained = example.post(PREDICT, json={"instances": [IRIS], "options": {"explain": True}})
    assert explained.status_code == 200
    assert "explanation" in assert_conforms(app, "predictIris", explained)["predictions"][0]
    assert app.journal.last().answered_by == {"rule": "explain-requested"}


def test_a_rule_picks_a_documented_error_by_path_and_header(example: httpx.Client) -> None:
    app = example.app  # type: ignore[attr-defined]
    retired = example.get("/v1/models/retired-model")
    assert retired.status_code == 404
    assert assert_conforms(app, "getModel", retired)["type"].endswith("/model-not-found")
    assert example.get("/v1/models/iris-classifier").status_code == 200
    busy = example.post("/v1/models/iris-classifier/prediction-jobs", json={"instances": [IRIS]},
                        headers={"Idempotency-Key": "in-flight-42"})
    assert busy.status_code == 409
    assert_conforms(app, "createIrisPredictionJob", busy)
    assert app.journal.last().answered_by == {"rule": "idempotency-key-in-flight"}


def test_an_invalid_request_is_still_rejected_before_any_rule(example: httpx.Client) -> None:
    bad = example.post(PREDICT, json={"instances": [{**IRIS, "petal_length_cm": "long"}], "options": {"explain": True}})
    assert bad.status_code == 400
    assert not example.app.journal.last().answered_by  # type: ignore[attr-defined]


def test_a_scenario_by_header_injects_documented_faults(example: httpx.Client) -> None:
    app = example.app  # type: ignore[attr-defined]
    # the example's ~800 ms log-normal delay, shortened so the test does not wait (sampling: test_engine.py)
    app.behaviour.plans["model-overloaded"]["predictIris"].latency[:] = [Latency("quick", None, "fixed", 1.0)]
    seen: dict[int, int] = {}
    for _ in range(30):
        response = example.post(PREDICT, json={"instances": [IRIS]}, headers={"X-Accord-Scenario": "model-overloaded"})
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        body = assert_conforms(app, "predictIris", response)
        entry = app.journal.last()
        assert entry.answered_by["scenario"] == "model-overloaded"
        assert entry.answered_by["latency_ms"] == 1.0
        if response.status_code == 429:
            assert response.headers["retry-after"] == "3" and entry.answered_by["fault"] == "rate-limited"
            assert body["instance"] == PREDICT
        elif response.status_code == 503:
            assert response.headers["retry-after"] == "10" and entry.answered_by["fault"] == "model-reloading"
    assert set(seen) == {200, 429, 503}, seen
    # other clients are not affected
    assert example.post(PREDICT, json={"instances": [IRIS]}).status_code == 200


def test_faults_are_deterministic_under_a_seed(contract: object) -> None:
    def statuses(seed: int) -> list[int]:
        app = create_app(contract, rules=EXAMPLE, seed=seed, scenario="model-overloaded", api_keys=["k"])  # type: ignore[arg-type]
        app.behaviour.plans["model-overloaded"]["predictIris"].latency.clear()  # no waiting here
        with httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock", headers={"X-API-Key": "k"}) as c:
            return [c.post(PREDICT, json={"instances": [IRIS]}).status_code for _ in range(16)]

    first = statuses(11)
    assert first == statuses(11)
    assert 429 in first
    assert first != statuses(12)


def test_switching_the_scenario_at_run_time(example: httpx.Client) -> None:
    app = example.app  # type: ignore[attr-defined]
    assert example.get("/__accord/scenario").json()["scenario"] == "default"
    switched = example.put("/__accord/scenario", json={"scenario": "model-loading"})
    assert switched.status_code == 200 and switched.json()["scenario"] == "model-loading"
    loading = example.post(PREDICT, json={"instances": [IRIS]})
    assert loading.status_code == 503 and loading.headers["retry-after"] == "5"
    assert assert_conforms(app, "predictIris", loading)["type"].endswith("/model-not-ready")
    # getModel documents no 503: it keeps answering normally
    assert example.get("/v1/models/iris-classifier").status_code == 200
    # a client can still opt out for one request
    opted_out = example.post(PREDICT, json={"instances": [IRIS]}, headers={"X-Accord-Scenario": "default"})
    assert opted_out.status_code == 200
    assert example.put("/__accord/scenario", json={"scenario": "default"}).json()["scenario"] == "default"
    assert example.post(PREDICT, json={"instances": [IRIS]}).status_code == 200


def test_an_unknown_scenario_header_is_a_documented_400(example: httpx.Client) -> None:
    response = example.post(PREDICT, json={"instances": [IRIS]}, headers={"X-Accord-Scenario": "nope"})
    assert response.status_code == 400
    body = assert_conforms(example.app, "predictIris", response)  # type: ignore[attr-defined]
    assert body["errors"][0]["parameter"] == "x-accord-scenario"


@pytest.mark.parametrize("stateful", [False, True], ids=["static", "stateful"])
def test_a_scenario_header_without_a_behaviour_file_is_a_documented_400(contract: object, stateful: bool) -> None:
    """Answering as usual would look like the scenario did nothing; the 400 says what is missing."""
    app = create_app(contract, api_keys=["accord-dev-key"], stateful=stateful)  # type: ignore[arg-type]
    with _client(app) as client:
        refused = client.post(PREDICT, json={"instances": [IRIS]}, headers={"X-Accord-Scenario": "model-loading"})
        plain = client.post(PREDICT, json={"instances": [IRIS]}, headers={"X-Accord-Scenario": "default"})
    assert refused.status_code == 400
    body = assert_conforms(app, "predictIris", refused)
    assert body["errors"][0]["parameter"] == "x-accord-scenario"
    assert "'model-loading'" in body["errors"][0]["detail"] and "--rules" in body["errors"][0]["detail"]
    assert plain.status_code == 200  # `default` is no scenario at all


def test_fixed_latency_is_applied_and_journalled(tmp_path: Path, contract: object) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("latency:\n  - operation: getLiveness\n    fixed: 30\n", encoding="utf-8")
    app = create_app(contract, rules=rules)  # type: ignore[arg-type]
    with _client(app) as client:
        assert client.get("/health/live").status_code == 200
        assert app.journal.last().answered_by == {"latency_ms": 30.0}
        client.get("/health/ready")
        assert app.journal.last().answered_by == {}


def test_a_literal_body_rule(tmp_path: Path, contract: object) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - operation: getLiveness\n    when: {query: {probe: {present: true}}}\n"
                     "    then:\n      body: {status: ok}\n", encoding="utf-8")
    app = create_app(contract, rules=rules)  # type: ignore[arg-type]
    with _client(app) as client:
        response = client.get("/health/live", params={"probe": "1"})
        assert response.json() == {"status": "ok"}
        assert_conforms(app, "getLiveness", response)
        assert app.journal.last().answered_by == {"rule": "rules/0"}


def test_an_example_chosen_by_a_rule_repeats_the_request_id(example: httpx.Client) -> None:
    body = {"instances": [{"age_years": 50, "sex": 1, "bmi_kg_m2": 25.0, "bp_mmhg": 90.0, "total_cholesterol": 180.0,
                           "ldl": 100.0, "hdl": 50.0, "cholesterol_hdl_ratio": 3.6, "log_triglycerides": 4.5,
                           "glucose": 90.0}]}
    response = example.post("/v1/models/diabetes-progression-regressor/prediction-jobs", json=body,
                            headers={"X-Request-ID": "front-42", "Idempotency-Key": "reused-1"})
    assert response.status_code == 422
    problem = assert_conforms(example.app, "createDiabetesProgressionPredictionJob", response)  # type: ignore[attr-defined]
    assert problem["type"].endswith("/idempotency-key-reused")
    assert problem["request_id"] == response.headers["x-request-id"] == "front-42"
