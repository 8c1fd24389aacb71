"""Prediction: sorted probabilities, top_k, warnings, exact linear explanations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from impl.models.predict import CapabilityError, PredictOptions
from impl.models.registry import ModelRegistry
from tests.impl.conftest import DIABETES_ROW, IRIS_ROW


def test_probabilities_sorted_and_sum_to_one(registry: ModelRegistry) -> None:
    (prediction,) = registry.get("iris-classifier").predictor.predict([IRIS_ROW], PredictOptions())  # type: ignore[union-attr]
    assert prediction["label"] == "setosa"
    probabilities = [p["probability"] for p in prediction["probabilities"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert math.isclose(sum(probabilities), 1.0, rel_tol=1e-9)
    assert prediction["probabilities"][0]["label"] == prediction["label"]
    assert prediction["warnings"] == []


def test_top_k_and_no_probabilities(registry: ModelRegistry) -> None:
    predictor = registry.get("wine-classifier").predictor  # type: ignore[union-attr]
    row = dict(zip(predictor.definition.feature_names, [13.0, 2.0, 2.4, 19.0, 100, 2.3, 2.0, 0.36, 1.6, 5.0,
                                                      0.96, 2.6, 750], strict=True))
    (top1,) = predictor.predict([row], PredictOptions(top_k=1))
    assert len(top1["probabilities"]) == 1
    (top9,) = predictor.predict([row], PredictOptions(top_k=9))
    assert len(top9["probabilities"]) == 3
    (bare,) = predictor.predict([row], PredictOptions(return_probabilities=False))
    assert "probabilities" not in bare and bare["label"].startswith("class_")


def test_out_of_training_range_warns(registry: ModelRegistry) -> None:
    row = {**IRIS_ROW, "petal_length_cm": 9.5}
    (prediction,) = registry.get("iris-classifier").predictor.predict([row], PredictOptions())  # type: ignore[union-attr]
    (warning,) = prediction["warnings"]
    assert warning["code"] == "feature_out_of_training_range"
    assert warning["feature"] == "petal_length_cm"
    assert "9.5 cm" in warning["message"]


@pytest.mark.parametrize("model_id", ["iris-classifier", "breast-cancer-classifier"])
def test_explanation_adds_up_to_the_predicted_log_odds(registry: ModelRegistry, model_id: str) -> None:
    predictor = registry.get(model_id).predictor  # type: ignore[union-attr]
    data = predictor.definition.loader()
    rows = [dict(zip(predictor.definition.feature_names, x, strict=True)) for x in data.X[:20]]
    predictions = predictor.predict(rows, PredictOptions(explain=True))
    Z = predictor.pipeline[0].transform(data.X[:20])
    decision = np.atleast_2d(predictor.pipeline[-1].decision_function(Z).T).T
    classes = list(predictor.pipeline.classes_)
    for i, prediction in enumerate(predictions):
        explanation = prediction["explanation"]
        assert explanation["output"] == f"log_odds:{prediction['label']}"
        total = explanation["baseline"] + sum(c["contribution"] for c in explanation["contributions"])
        if len(classes) == 2:
            expected = decision[i, 0] if prediction["label"] == classes[1] else -decision[i, 0]
        else:
            expected = decision[i, classes.index(prediction["label"])]
        assert math.isclose(total, expected, rel_tol=1e-9, abs_tol=1e-9)
        magnitudes = [abs(c["contribution"]) for c in explanation["contributions"]]
        assert magnitudes == sorted(magnitudes, reverse=True)


def test_regression_explanation_adds_up_to_the_value(registry: ModelRegistry) -> None:
    predictor = registry.get("diabetes-progression-regressor").predictor  # type: ignore[union-attr]
    (prediction,) = predictor.predict([DIABETES_ROW], PredictOptions(explain=True))
    explanation = prediction["explanation"]
    assert explanation["output"] == "value"
    total = explanation["baseline"] + sum(c["contribution"] for c in explanation["contributions"])
    assert math.isclose(total, prediction["value"], rel_tol=1e-9)
    assert prediction["unit"] == "progression_score"


def test_top_k_on_a_regressor_is_a_capability_error(registry: ModelRegistry) -> None:
    predictor = registry.get("diabetes-progression-regressor").predictor  # type: ignore[union-attr]
    with pytest.raises(CapabilityError) as info:
        predictor.predict([DIABETES_ROW], PredictOptions(top_k=2))
    assert info.value.pointer == "#/options/top_k"


def test_digits_take_an_8x8_image(registry: ModelRegistry) -> None:
    data = registry.get("digits-classifier").predictor.definition.loader()  # type: ignore[union-attr]
    image = data.X[0].reshape(8, 8).astype(int).tolist()
    (prediction,) = registry.get("digits-classifier").predictor.predict([{"pixels": image}], PredictOptions())  # type: ignore[union-attr]
    assert prediction["label"] == data.y[0] == "0"
