"""The five models of the contract: which dataset, which API feature names, which labels.

API feature names are part of the contract (spec/), so they are spelled out here rather than
derived at run time from scikit-learn's names, which could change between releases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn import datasets

MODEL_VERSION = "1"


@dataclass(slots=True, frozen=True)
class Dataset:
    """Raw features (n_samples × n_features), string targets (or floats), and names."""

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    source_names: tuple[str, ...]


@dataclass(slots=True, frozen=True)
class ModelDefinition:
    id: str
    title: str
    task: str  # "classification" | "regression"
    dataset_name: str
    dataset_source: str
    feature_names: tuple[str, ...]
    units: dict[str, str | None]
    loader: Callable[[], Dataset]
    #: Only the binary classifier has a positive class (for ROC AUC and thresholds).
    positive_class: str | None = None
    #: The digits model takes one 8×8 `pixels` array instead of named features.
    pixels: bool = False
    output_unit: str | None = None

    @property
    def algorithm(self) -> str:
        return "StandardScaler+Ridge" if self.task == "regression" else "StandardScaler+LogisticRegression"


def _labelled(bunch: Any, api_names: tuple[str, ...]) -> Dataset:  # bunch: a scikit-learn Bunch (untyped)
    target_names = np.asarray(bunch.target_names).astype(str)
    return Dataset(
        X=np.asarray(bunch.data, dtype=float),
        y=target_names[np.asarray(bunch.target)],
        feature_names=api_names,
        source_names=tuple(bunch.feature_names),
    )


IRIS_FEATURES = ("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm")
WINE_FEATURES = tuple(n.replace("/", "_") for n in (
    "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
    "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
    "od280/od315_of_diluted_wines", "proline",
))
_CANCER_MEASURES = ("radius", "texture", "perimeter", "area", "smoothness", "compactness",
                    "concavity", "concave_points", "symmetry", "fractal_dimension")
BREAST_CANCER_FEATURES = (
    tuple(f"mean_{m}" for m in _CANCER_MEASURES)
    + tuple(f"{m}_error" for m in _CANCER_MEASURES)
    + tuple(f"worst_{m}" for m in _CANCER_MEASURES)
)
DIABETES_FEATURES = ("age_years", "sex", "bmi_kg_m2", "bp_mmhg", "total_cholesterol", "ldl", "hdl",
                     "cholesterol_hdl_ratio", "log_triglycerides", "glucose")
DIGITS_FEATURES = tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8))


def _load_iris() -> Dataset:
    return _labelled(datasets.load_iris(), IRIS_FEATURES)


def _load_wine() -> Dataset:
    return _labelled(datasets.load_wine(), WINE_FEATURES)


def _load_breast_cancer() -> Dataset:
    # sklearn's target 0 is *malignant*: labels go through target_names, never 0/1.
    return _labelled(datasets.load_breast_cancer(), BREAST_CANCER_FEATURES)


def _load_diabetes() -> Dataset:
    # Raw units (ml_serving.md §6.1): the web team never sends pre-scaled values.
    bunch = datasets.load_diabetes(scaled=False)
    return Dataset(
        X=np.asarray(bunch.data, dtype=float),
        y=np.asarray(bunch.target, dtype=float),
        feature_names=DIABETES_FEATURES,
        source_names=tuple(bunch.feature_names),
    )


def _load_digits() -> Dataset:
    bunch = datasets.load_digits()
    return Dataset(
        X=np.asarray(bunch.data, dtype=float),
        y=np.asarray(bunch.target).astype(str),
        feature_names=DIGITS_FEATURES,
        source_names=tuple(bunch.feature_names),
    )


MODELS: dict[str, ModelDefinition] = {
    d.id: d
    for d in (
        ModelDefinition(
            id="iris-classifier", title="Iris species classifier", task="classification",
            dataset_name="iris", dataset_source="sklearn.datasets.load_iris",
            feature_names=IRIS_FEATURES, units=dict.fromkeys(IRIS_FEATURES, "cm"), loader=_load_iris,
        ),
        ModelDefinition(
            id="wine-classifier", title="Wine cultivar classifier", task="classification",
            dataset_name="wine", dataset_source="sklearn.datasets.load_wine",
            feature_names=WINE_FEATURES, units=dict.fromkeys(WINE_FEATURES), loader=_load_wine,
        ),
        ModelDefinition(
            id="breast-cancer-classifier", title="Breast cancer diagnosis classifier",
            task="classification", dataset_name="breast_cancer",
            dataset_source="sklearn.datasets.load_breast_cancer",
            feature_names=BREAST_CANCER_FEATURES, units=dict.fromkeys(BREAST_CANCER_FEATURES),
            loader=_load_breast_cancer, positive_class="malignant",
        ),
        ModelDefinition(
            id="diabetes-progression-regressor", title="Diabetes progression regressor",
            task="regression", dataset_name="diabetes",
            dataset_source="sklearn.datasets.load_diabetes(scaled=False)",
            feature_names=DIABETES_FEATURES,
            units={"age_years": "years", "sex": None, "bmi_kg_m2": "kg/m2", "bp_mmhg": "mmHg",
                   "total_cholesterol": "mg/dL", "ldl": "mg/dL", "hdl": "mg/dL",
                   "cholesterol_hdl_ratio": "ratio", "log_triglycerides": "log", "glucose": "mg/dL"},
            loader=_load_diabetes, output_unit="progression_score",
        ),
        ModelDefinition(
            id="digits-classifier", title="Handwritten digit classifier (8x8)", task="classification",
            dataset_name="digits", dataset_source="sklearn.datasets.load_digits",
            feature_names=DIGITS_FEATURES, units=dict.fromkeys(DIGITS_FEATURES), loader=_load_digits,
            pixels=True,
        ),
    )
}
