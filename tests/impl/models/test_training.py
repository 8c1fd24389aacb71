"""Training: real hold-out metrics, string labels, training ranges, a complete manifest."""

from __future__ import annotations

import pytest

from impl.models.catalogue import MODELS
from impl.models.registry import ModelRegistry

# Measured with this exact recipe (ml_serving.md §6.3 has the same iris/wine/digits/diabetes figures).
EXPECTED = {
    "iris-classifier": ("accuracy", 0.92),
    "wine-classifier": ("accuracy", 0.97),
    "breast-cancer-classifier": ("accuracy", 0.95),
    "digits-classifier": ("accuracy", 0.96),
    "diabetes-progression-regressor": ("r2", 0.45),
}


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_manifest_is_complete(registry: ModelRegistry, model_id: str) -> None:
    entry = registry.get(model_id)
    assert entry is not None and entry.ready, entry and entry.error
    manifest = entry.manifest
    assert manifest is not None
    for key in ("version", "created_at", "algorithm", "metrics", "training_ranges", "library_versions",
                "n_train", "random_state", "sha256"):
        assert key in manifest, key
    assert manifest["version"] == "1"
    assert manifest["random_state"] == 42
    assert set(manifest["library_versions"]) >= {"scikit-learn", "numpy", "python"}
    assert len(manifest["sha256"]) == 64
    metric, floor = EXPECTED[model_id]
    assert manifest["metrics"][metric] >= floor
    assert manifest["metrics"]["evaluation"]["test_fraction"] == 0.25


def test_classifier_metrics_have_auc_and_log_loss(registry: ModelRegistry) -> None:
    iris = registry.get("iris-classifier").manifest["metrics"]  # type: ignore[union-attr]
    assert iris["roc_auc_ovr"] > 0.98 and 0 < iris["log_loss"] < 0.5 and iris["f1_macro"] > 0.9
    assert iris["evaluation"]["n_test"] == 38
    cancer = registry.get("breast-cancer-classifier").manifest["metrics"]  # type: ignore[union-attr]
    assert cancer["roc_auc"] > 0.98
    diabetes = registry.get("diabetes-progression-regressor").manifest["metrics"]  # type: ignore[union-attr]
    assert 40 < diabetes["rmse"] < 70 and 30 < diabetes["mae"] < 60


def test_labels_are_strings_never_codes(registry: ModelRegistry) -> None:
    assert registry.get("breast-cancer-classifier").manifest["classes"] == ["benign", "malignant"]  # type: ignore[union-attr]
    assert registry.get("digits-classifier").manifest["classes"] == [str(d) for d in range(10)]  # type: ignore[union-attr]
    assert registry.get("wine-classifier").manifest["classes"] == ["class_0", "class_1", "class_2"]  # type: ignore[union-attr]


def test_feature_names_are_the_contract_names(registry: ModelRegistry) -> None:
    ranges = registry.get("wine-classifier").manifest["training_ranges"]  # type: ignore[union-attr]
    assert "od280_od315_of_diluted_wines" in ranges
    diabetes = registry.get("diabetes-progression-regressor").manifest  # type: ignore[union-attr]
    assert diabetes["features"][:3] == ["age_years", "sex", "bmi_kg_m2"]
    # Raw units (scaled=False): ages in years, not mean-centred values.
    assert diabetes["training_ranges"]["age_years"]["min"] >= 18
    assert "mean_concave_points" in registry.get("breast-cancer-classifier").manifest["training_ranges"]  # type: ignore[union-attr]
