"""The catalogue: real metrics, contract features joined with training ranges, pagination."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.impl.conftest import AUTH, assert_problem


def test_list_models_pages_through_all_five(client: TestClient) -> None:
    first = client.get("/v1/models?limit=3", headers=AUTH).json()
    assert len(first["data"]) == 3 and first["next_page_token"]
    second = client.get(f"/v1/models?limit=3&page_token={first['next_page_token']}", headers=AUTH).json()
    ids = [m["id"] for m in first["data"] + second["data"]]
    assert ids == sorted(ids) and len(ids) == 5 and second["next_page_token"] is None
    assert_problem(client.get("/v1/models?page_token=eyJvIjoyMH0", headers=AUTH), 400, "invalid-page-token")


def test_model_metadata(client: TestClient) -> None:
    iris = client.get("/v1/models/iris-classifier", headers=AUTH).json()
    assert iris["classes"] == ["setosa", "versicolor", "virginica"]
    assert iris["metrics"]["evaluation"]["n_test"] == 38 and iris["metrics"]["accuracy"] > 0.9
    feature = iris["features"][0]
    assert feature["name"] == "sepal_length_cm" and feature["unit"] == "cm"
    assert feature["exclusive_minimum"] is True and feature["maximum"] == 30
    assert feature["training_range"]["min"] >= 4.3
    digits = client.get("/v1/models/digits-classifier", headers=AUTH).json()
    assert digits["features"][0]["shape"] == [8, 8]
    cancer = client.get("/v1/models/breast-cancer-classifier", headers=AUTH).json()
    assert cancer["positive_class"] == "malignant" and "roc_auc" in cancer["metrics"]
    diabetes = client.get("/v1/models/diabetes-progression-regressor", headers=AUTH).json()
    assert diabetes["classes"] is None and diabetes["capabilities"]["probabilities"] is False


def test_versions(client: TestClient) -> None:
    versions = client.get("/v1/models/wine-classifier/versions", headers=AUTH).json()
    assert [v["version"] for v in versions["data"]] == ["1"] and versions["data"][0]["is_default"]
    version = client.get("/v1/models/wine-classifier/versions/1", headers=AUTH).json()
    assert version["algorithm"] == "StandardScaler+LogisticRegression"
    assert len(version["artifact_sha256"]) == 64 and version["training"]["random_state"] == 42
