"""The problem types this contract publishes (spec/openapi.yaml, ml_serving.md §6.4), added to
the kit's generic catalogue by `impl.setup`: `type` is `https://ml.example.com/problems/<name>`."""

from __future__ import annotations

from accord.service.problems import ProblemCatalogue

PROBLEM_BASE = "https://ml.example.com/problems/"

#: name → (status, title), beyond the kit's generic ones.
ML_TYPES: dict[str, tuple[int, str]] = {
    "invalid-page-token": (400, "Invalid page token"),
    "unauthorized": (401, "Missing or invalid API key"),
    "model-not-found": (404, "Model not found"),
    "model-version-not-found": (404, "Model version not found"),
    "job-not-found": (404, "Prediction job not found"),
    "job-not-finished": (409, "Prediction job has not finished"),
    "job-already-finished": (409, "Prediction job has already finished"),
    "idempotency-key-in-use": (409, "Idempotency-Key is in use by a request still in progress"),
    "job-results-expired": (410, "Prediction job results have expired"),
    "capability-not-supported": (422, "Capability not supported by this model"),
    "idempotency-key-reused": (422, "Idempotency-Key reused with a different request"),
    "model-not-ready": (503, "Model not ready"),
    "service-not-ready": (503, "Service not ready"),
    "job-store-unavailable": (503, "Job store unavailable"),
}

#: What the framework's bare statuses are called in this contract's catalogue.
ML_NAME_FOR_STATUS: dict[int, str] = {409: "job-not-finished", 422: "capability-not-supported",
                                      503: "model-not-ready"}

ML_PROBLEMS = ProblemCatalogue().extend(base=PROBLEM_BASE, types=ML_TYPES, name_for_status=ML_NAME_FOR_STATUS)
