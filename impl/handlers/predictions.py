"""Handlers for the `predictions` operations: one typed endpoint per model, one implementation.

They are coroutines: a request whose predict is cheap runs it inline on the event loop, which
saves the thread-pool hop Connexion makes for plain functions and the contention for the GIL
between that thread and the loop. Costlier ones (explanations for many instances or features)
go to a worker thread (`anyio.to_thread.run_sync`) so one big request does not hold up the others.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread

from accord.service.problems import ProblemError
from accord.service.responses import Response, json_response
from impl.context import request_id, services
from impl.models.predict import CapabilityError, PredictOptions
from impl.models.registry import ModelEntry

RETRY_AFTER_SECONDS = "5"
#: Predictions run on the event loop up to this much work: one unit per instance, or per instance
#: and feature when explanations are asked for (each contribution is built in Python). Measured
#: here, 100 instances without explanations take 0.6-1.5 ms for every model; with explanations,
#: 100 iris rows take ~2 ms and 100 digits ~7 ms, which go to a thread.
INLINE_MAX_WORK = 100


def predict_work(entry: ModelEntry, instances: int, options: PredictOptions) -> int:
    """The work units of one predict call (see INLINE_MAX_WORK)."""
    if not options.explain:
        return instances
    return instances * (64 if entry.definition.pixels else len(entry.definition.feature_names))


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
    errors = [{"pointer": exc.pointer, "in": "body", "detail": exc.detail}]
    return ProblemError("capability-not-supported", exc.detail, errors=errors)


async def predict(model_id: str, body: dict[str, Any], version: str | None) -> Response:
    entry = serving_entry(model_id, version)
    assert entry.predictor is not None  # serving_entry checked readiness
    instances, options = body["instances"], PredictOptions.from_body(body.get("options"))
    try:
        if predict_work(entry, len(instances), options) <= INLINE_MAX_WORK:
            predictions = entry.predictor.predict(instances, options)
        else:
            predictions = await anyio.to_thread.run_sync(entry.predictor.predict, instances, options)
    except CapabilityError as exc:
        raise capability_problem(exc) from exc
    return json_response({"request_id": request_id(), "model_id": model_id, "model_version": entry.version,
                          "predictions": predictions})


async def predict_iris(body: dict[str, Any], version: str | None = None) -> Response:
    return await predict("iris-classifier", body, version)


async def predict_wine(body: dict[str, Any], version: str | None = None) -> Response:
    return await predict("wine-classifier", body, version)


async def predict_breast_cancer(body: dict[str, Any], version: str | None = None) -> Response:
    return await predict("breast-cancer-classifier", body, version)


async def predict_diabetes_progression(body: dict[str, Any], version: str | None = None) -> Response:
    return await predict("diabetes-progression-regressor", body, version)


async def predict_digits(body: dict[str, Any], version: str | None = None) -> Response:
    return await predict("digits-classifier", body, version)
