"""Handlers for the `health` operations: liveness and readiness (not authenticated)."""

from __future__ import annotations

from accord.service.problems import PROBLEM_JSON, problem_body
from accord.service.responses import Response, json_response
from impl.context import request_id, services

RETRY_AFTER_SECONDS = "5"


def get_liveness() -> Response:
    return json_response({"status": "ok"})


def get_readiness() -> Response:
    registry = services().registry
    models = [{"id": e.definition.id, "version": e.version, "ready": e.ready} for e in registry.entries.values()]
    if all(m["ready"] for m in models):
        return json_response({"status": "ready", "models": models})
    missing = sum(not m["ready"] for m in models)
    body = problem_body("service-not-ready", detail=f"{missing} of {len(models)} models are not ready",
                        instance="/health/ready", request_id=request_id())
    body["models"] = models
    return json_response(body, 503, {"Retry-After": RETRY_AFTER_SECONDS, "Content-Type": PROBLEM_JSON})
