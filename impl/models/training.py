"""Train one pipeline on its bundled dataset with a stratified hold-out, and measure it."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from impl.models.catalogue import MODEL_VERSION, ModelDefinition

RANDOM_STATE = 42
TEST_FRACTION = 0.25


@dataclass(slots=True, frozen=True)
class TrainedModel:
    pipeline: Pipeline
    manifest: dict[str, Any]


def build_pipeline(definition: ModelDefinition) -> Pipeline:
    if definition.task == "regression":
        estimator: Any = Ridge(alpha=1.0)
    else:
        estimator = LogisticRegression(max_iter=2000)
    return Pipeline([("scaler", StandardScaler()), ("model", estimator)])


def _round(value: float) -> float:
    return round(float(value), 6)


def evaluate(definition: ModelDefinition, pipeline: Pipeline, X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Hold-out metrics: accuracy, f1_macro, ROC AUC, log loss; or r2, rmse, mae."""
    evaluation = {
        "method": "holdout",
        "test_fraction": TEST_FRACTION,
        "stratified": definition.task == "classification",
        "random_state": RANDOM_STATE,
        "n_test": len(y),
    }
    if definition.task == "regression":
        predicted = pipeline.predict(X)
        return {
            "task": "regression",
            "evaluation": evaluation,
            "r2": _round(metrics.r2_score(y, predicted)),
            "rmse": _round(np.sqrt(metrics.mean_squared_error(y, predicted))),
            "mae": _round(metrics.mean_absolute_error(y, predicted)),
        }
    predicted = pipeline.predict(X)
    proba = pipeline.predict_proba(X)
    classes = list(pipeline.classes_)
    result: dict[str, Any] = {
        "task": "classification",
        "evaluation": evaluation,
        "accuracy": _round(metrics.accuracy_score(y, predicted)),
        "f1_macro": _round(metrics.f1_score(y, predicted, average="macro")),
    }
    if len(classes) == 2:
        positive = definition.positive_class or classes[1]
        scores = proba[:, classes.index(positive)]
        result["roc_auc"] = _round(metrics.roc_auc_score(y == positive, scores))
    else:
        result["roc_auc_ovr"] = _round(metrics.roc_auc_score(y, proba, multi_class="ovr", labels=classes))
    result["log_loss"] = _round(metrics.log_loss(y, proba, labels=classes))
    return result


def train(definition: ModelDefinition) -> TrainedModel:
    """Fit the pipeline on 75 % of the data and describe it in a manifest (without the sha256)."""
    data = definition.loader()
    stratify = data.y if definition.task == "classification" else None
    X_train, X_test, y_train, y_test = train_test_split(
        data.X, data.y, test_size=TEST_FRACTION, random_state=RANDOM_STATE, stratify=stratify
    )
    pipeline = build_pipeline(definition).fit(X_train, y_train)
    lows, highs = X_train.min(axis=0), X_train.max(axis=0)
    manifest: dict[str, Any] = {
        "model_id": definition.id,
        "version": MODEL_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "algorithm": definition.algorithm,
        "task": definition.task,
        "dataset": {"name": definition.dataset_name, "source": definition.dataset_source,
                    "n_samples": len(data.y)},
        "features": list(data.feature_names),
        "source_features": list(data.source_names),
        "classes": [str(c) for c in pipeline.classes_] if definition.task == "classification" else None,
        "training_ranges": {
            name: {"min": float(lo), "max": float(hi)}
            for name, lo, hi in zip(data.feature_names, lows, highs, strict=True)
        },
        "metrics": evaluate(definition, pipeline, X_test, y_test),
        "library_versions": {
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "training": {"n_train": len(y_train), "random_state": RANDOM_STATE,
                     "test_fraction": TEST_FRACTION},
        "n_train": len(y_train),
        "random_state": RANDOM_STATE,
    }
    return TrainedModel(pipeline=pipeline, manifest=manifest)
