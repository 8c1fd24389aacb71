"""Predictions through HTTP on the held-out data score as the catalogue says."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from starlette.testclient import TestClient

from impl.models.catalogue import MODELS
from impl.models.training import RANDOM_STATE, TEST_FRACTION
from tests.impl.conftest import AUTH, DIABETES_ROW, IRIS_ROW, assert_problem

PATHS = {model_id: f"/v1/models/{model_id}/predict" for model_id in MODELS}


def _instances(model_id: str, X: np.ndarray) -> list[dict[str, object]]:
    definition = MODELS[model_id]
    if definition.pixels:
        return [{"pixels": row.reshape(8, 8).astype(int).tolist()} for row in X]
    rows = []
    for row in X:
        values = dict(zip(definition.feature_names, (float(v) for v in row), strict=True))
        if "sex" in values:
            values["sex"] = int(values["sex"])
        rows.append(values)
    return rows


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_held_out_score_matches_the_catalogue(client: TestClient, model_id: str) -> None:
    definition = MODELS[model_id]
    data = definition.loader()
    stratify = data.y if definition.task == "classification" else None
    _, X_test, _, y_test = train_test_split(data.X, data.y, test_size=TEST_FRACTION, random_state=RANDOM_STATE,
                                            stratify=stratify)
    predictions = []
    for start in range(0, len(X_test), 100):
        response = client.post(PATHS[model_id], json={"instances": _instances(model_id, X_test[start:start + 100])},
                               headers=AUTH)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["model_id"] == model_id and body["model_version"] == "1"
        predictions += body["predictions"]
    metrics = client.get(f"/v1/models/{model_id}", headers=AUTH).json()["metrics"]
    if definition.task == "regression":
        values = np.array([p["value"] for p in predictions])
        r2 = 1 - np.sum((y_test - values) ** 2) / np.sum((y_test - y_test.mean()) ** 2)
        assert math.isclose(r2, metrics["r2"], abs_tol=1e-4)
    else:
        labels = [p["label"] for p in predictions]
        assert all(isinstance(label, str) for label in labels)
        accuracy = float(np.mean(np.array(labels) == y_test))
        assert math.isclose(accuracy, metrics["accuracy"], abs_tol=1e-4)


def test_breast_cancer_labels_are_names(client: TestClient) -> None:
    data = MODELS["breast-cancer-classifier"].loader()
    response = client.post(PATHS["breast-cancer-classifier"],
                           json={"instances": _instances("breast-cancer-classifier", data.X[:5])}, headers=AUTH)
    labels = {p["label"] for p in response.json()["predictions"]}
    assert labels <= {"malignant", "benign"} and "malignant" in labels


def test_warnings_and_explanations_over_http(client: TestClient) -> None:
    body = client.post(PATHS["iris-classifier"],
                       json={"instances": [IRIS_ROW, {**IRIS_ROW, "petal_length_cm": 9.5}],
                             "options": {"explain": True, "top_k": 2}}, headers=AUTH).json()
    first, second = body["predictions"]
    assert first["warnings"] == [] and len(first["probabilities"]) == 2
    assert first["explanation"]["method"] == "linear_contribution"
    assert second["warnings"][0]["feature"] == "petal_length_cm"


def test_regressor(client: TestClient) -> None:
    body = client.post(PATHS["diabetes-progression-regressor"], json={"instances": [DIABETES_ROW]},
                       headers=AUTH).json()
    (prediction,) = body["predictions"]
    assert prediction["task"] == "regression" and 25 < prediction["value"] < 346
    response = client.post(PATHS["diabetes-progression-regressor"],
                           json={"instances": [DIABETES_ROW], "options": {"top_k": 1}}, headers=AUTH)
    # The regressor's options offer no top_k: a validation error naming it, not a capability refusal.
    body = assert_problem(response, 400, "validation-error")
    assert [e["pointer"] for e in body["errors"]] == ["#/options/top_k"]


def test_more_than_100_instances_is_400(client: TestClient) -> None:
    body = assert_problem(client.post(PATHS["iris-classifier"], json={"instances": [IRIS_ROW] * 101}, headers=AUTH),
                          400)
    assert body["errors"][0]["pointer"] == "#/instances"


def test_inline_and_offloaded_batches_answer_alike(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import anyio.to_thread

    from impl.handlers import predictions

    offloaded: list[int] = []
    run_sync = anyio.to_thread.run_sync

    async def counting(function: object, *args: object, **kw: object) -> object:
        offloaded.append(len(args[0]))  # type: ignore[arg-type]
        return await run_sync(function, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(predictions.anyio.to_thread, "run_sync", counting)
    path = PATHS["iris-classifier"]
    row = {**IRIS_ROW, "petal_length_cm": 4.5}
    inline_rows = predictions.INLINE_MAX_WORK // 4  # iris has 4 features
    options = {"explain": True}
    small = client.post(path, json={"instances": [row] * inline_rows, "options": options}, headers=AUTH)
    assert offloaded == []
    large = client.post(path, json={"instances": [row] * (inline_rows + 1), "options": options}, headers=AUTH)
    assert offloaded == [inline_rows + 1]
    plain = client.post(path, json={"instances": [row] * 100}, headers=AUTH)  # no explanations: inline
    assert offloaded == [inline_rows + 1]
    assert small.status_code == large.status_code == plain.status_code == 200
    assert len(large.json()["predictions"]) == inline_rows + 1
    assert {str(p) for p in small.json()["predictions"] + large.json()["predictions"]} == {
        str(small.json()["predictions"][0])}
    assert plain.json()["predictions"][0]["label"] == small.json()["predictions"][0]["label"]
    assert large.json()["request_id"] == large.headers["x-request-id"]
