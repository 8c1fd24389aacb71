"""Turn validated API instances into predictions: labels, sorted probabilities, warnings, explanations.

scikit-learn runs with `assume_finite=True, skip_parameter_validation=True` here: inputs were
validated by the contract and the strict body parser (finite numbers only), and the pipeline
is our own, so re-checking both on every call only adds fixed per-call cost.

Explanations are exact for these linear pipelines: on the standardised features z,
`baseline + Σ coef_i · z_i` equals the predicted class's logit (log-odds for the binary model)
or the regression value, so contributions add up to what the model computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sklearn
from sklearn.pipeline import Pipeline

from impl.models.catalogue import ModelDefinition


class CapabilityError(ValueError):
    """An option the model cannot honour (e.g. `top_k` on a regressor): 422 capability-not-supported."""

    def __init__(self, detail: str, pointer: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.pointer = pointer


@dataclass(slots=True, frozen=True)
class PredictOptions:
    return_probabilities: bool = True
    top_k: int | None = None
    explain: bool = False

    @classmethod
    def from_body(cls, options: Mapping[str, Any] | None) -> PredictOptions:
        options = options or {}
        return cls(
            return_probabilities=bool(options.get("return_probabilities", True)),
            top_k=options.get("top_k"),
            explain=bool(options.get("explain", False)),
        )


def check_options(definition: ModelDefinition, options: PredictOptions) -> None:
    if definition.task == "regression" and options.top_k is not None:
        raise CapabilityError(
            f"{definition.id} is a regressor: it has no classes to rank, so top_k is not supported",
            "#/options/top_k",
        )


def to_matrix(definition: ModelDefinition, instances: Sequence[Mapping[str, Any]]) -> np.ndarray:
    if definition.pixels:
        return np.asarray([np.asarray(i["pixels"], dtype=float).reshape(64) for i in instances])
    names = definition.feature_names
    return np.asarray([[float(i[n]) for n in names] for i in instances], dtype=float)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _warnings(definition: ModelDefinition, ranges: Mapping[str, Mapping[str, float]], row: np.ndarray,
              outside: np.ndarray) -> list[dict[str, Any]]:
    found = []
    for j in np.flatnonzero(outside):
        name = definition.feature_names[j]
        unit = definition.units.get(name)
        suffix = f" {unit}" if unit else ""
        low, high = ranges[name]["min"], ranges[name]["max"]
        found.append({
            "code": "feature_out_of_training_range",
            "feature": name,
            "message": (f"{_fmt(row[j])}{suffix} is outside the training range "
                        f"{_fmt(low)}–{_fmt(high)}{suffix}; prediction may be unreliable"),
        })
    return found


@dataclass(slots=True)
class Predictor:
    """A loaded pipeline with what serving needs precomputed (ranges as arrays, coefficients)."""

    definition: ModelDefinition
    pipeline: Pipeline
    manifest: dict[str, Any]
    _low: np.ndarray = field(init=False, repr=False)
    _high: np.ndarray = field(init=False, repr=False)
    _classes: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        ranges = self.manifest["training_ranges"]
        names = self.definition.feature_names
        self._low = np.asarray([ranges[n]["min"] for n in names])
        self._high = np.asarray([ranges[n]["max"] for n in names])
        self._classes = [str(c) for c in getattr(self.pipeline, "classes_", [])]

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    def predict(self, instances: Sequence[Mapping[str, Any]], options: PredictOptions) -> list[dict[str, Any]]:
        check_options(self.definition, options)
        X = to_matrix(self.definition, instances)
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            if self.definition.task == "regression":
                return self._regression(X, options)
            return self._classification(X, options)

    def _row_warnings(self, X: np.ndarray) -> list[list[dict[str, Any]]]:
        """Per row, the out-of-training-range warnings (most rows have none: checked in one pass)."""
        empty: list[list[dict[str, Any]]] = [[] for _ in range(len(X))]
        # Digits pixels are 0..16 by construction; only named physical features get range warnings.
        if self.definition.pixels:
            return empty
        outside = (X < self._low) | (X > self._high)
        ranges = self.manifest["training_ranges"]
        for i in np.flatnonzero(outside.any(axis=1)).tolist():
            empty[i] = _warnings(self.definition, ranges, X[i], outside[i])
        return empty

    def _regression(self, X: np.ndarray, options: PredictOptions) -> list[dict[str, Any]]:
        explanations = self._explain(X) if options.explain else None
        warnings = self._row_warnings(X)
        unit = self.definition.output_unit
        out = []
        for i, value in enumerate(self.pipeline.predict(X).tolist()):
            item: dict[str, Any] = {"task": "regression", "value": float(value)}
            if unit:
                item["unit"] = unit
            if explanations is not None:
                item["explanation"] = explanations[i]
            item["warnings"] = warnings[i]
            out.append(item)
        return out

    def _classification(self, X: np.ndarray, options: PredictOptions) -> list[dict[str, Any]]:
        explanations = self._explain(X) if options.explain else None
        warnings = self._row_warnings(X)
        proba = self.pipeline.predict_proba(X)
        order = np.argsort(-proba, axis=1, kind="stable")
        keep = order.shape[1] if options.top_k is None else min(options.top_k, order.shape[1])
        classes = self._classes
        out = []
        # Plain lists: indexing numpy arrays element by element costs more than the model here.
        for i, (ranked, row) in enumerate(zip(order.tolist(), proba.tolist(), strict=True)):
            item: dict[str, Any] = {"task": "classification", "label": classes[ranked[0]]}
            if options.return_probabilities:
                item["probabilities"] = [{"label": classes[k], "probability": row[k]} for k in ranked[:keep]]
            if explanations is not None:
                item["explanation"] = explanations[i]
            item["warnings"] = warnings[i]
            out.append(item)
        return out

    def _explain(self, X: np.ndarray) -> list[dict[str, Any]]:
        scaler, model = self.pipeline[0], self.pipeline[-1]
        Z = scaler.transform(X)
        coef = np.atleast_2d(model.coef_)
        intercept = np.atleast_1d(model.intercept_)
        names = self.definition.feature_names
        explanations = []
        if self.definition.task == "regression":
            rows = [(coef[0], float(intercept[0]), "value")] * len(X)
        else:
            rows = []
            predicted = model.predict(Z)
            for label in predicted:
                k = self._classes.index(str(label))
                if coef.shape[0] == 1:
                    # Binary: coef_ is the log-odds of classes_[1]; the other class is its negation.
                    sign = 1.0 if k == 1 else -1.0
                    rows.append((sign * coef[0], sign * float(intercept[0]), f"log_odds:{label}"))
                else:
                    rows.append((coef[k], float(intercept[k]), f"log_odds:{label}"))
        for i, (weights, baseline, output) in enumerate(rows):
            contributions = weights * Z[i]
            ranked = np.argsort(-np.abs(contributions), kind="stable")
            explanations.append({
                "method": "linear_contribution",
                "output": output,
                "baseline": baseline,
                "contributions": [
                    {"feature": names[j], "value": float(X[i, j]), "contribution": float(contributions[j])}
                    for j in ranked
                ],
            })
        return explanations
