"""Handlers for the `predictions` operations: one typed endpoint per model, one implementation."""

from __future__ import annotations

from typing import Any

from impl.context import request_id, services
from impl.models.predict import CapabilityError, PredictOptions
from impl.models.registry import ModelEntry
from impl.problems import ProblemError
from impl.responses import Response, json_response

RETRY_AFTER_SECONDS = "5"


def serving_entry(model_id: str, version: str | None) -> ModelEntry:
    """The model version that will serve this request, or the problem that says why none can."""
    entry = services().registry.get(model_id)
    if entry is None:
        raise ProblemError("model-not-found", f"there is no model {model_id!r}")
    if version is not None and version != entry.version:
        raise ProblemError("model-version-not-found", f"{model_id} has no version {version!r}",
                           errors=[{"parameter": "version", "in": "query", "detail": "is not a version of this model"}])
    if not entry.ready:
        # entry.error names files and digests: it is logged at load time, never sent to clients.
        raise ProblemError("model-not-ready", f"{model_id} version {entry.version} is not loaded",
                           headers={"Retry-After": RETRY_AFTER_SECONDS})
    return entry


def capability_problem(exc: CapabilityError) -> ProblemError:
    return ProblemError("capability-not-supported", exc.detail, errors=[{"pointer": exc.pointer, "detail": exc.detail}])


def predict(model_id: str, body: dict[str, Any], version: str | None) -> Response:
    entry = serving_entry(model_id, version)
    assert entry.predictor is not None  # serving_entry checked readiness
    try:
        predictions = entry.predictor.predict(body["instances"], PredictOptions.from_body(body.get("options")))
    except CapabilityError as exc:
        raise capability_problem(exc) from exc
    return json_response({"request_id": request_id(), "model_id": model_id, "model_version": entry.version,
                          "predictions": predictions})


def predict_iris(body: dict[str, Any], version: str | None = None) -> Response:
    return predict("iris-classifier", body, version)


def predict_wine(body: dict[str, Any], version: str | None = None) -> Response:
    return predict("wine-classifier", body, version)


def predict_breast_cancer(body: dict[str, Any], version: str | None = None) -> Response:
    return predict("breast-cancer-classifier", body, version)


def predict_diabetes_progression(body: dict[str, Any], version: str | None = None) -> Response:
    return predict("diabetes-progression-regressor", body, version)


def predict_digits(body: dict[str, Any], version: str | None = None) -> Response:
    return predict("digits-classifier", body, version)
