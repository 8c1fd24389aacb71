"""Handlers for the `health` operations: liveness and readiness (not authenticated)."""

from __future__ import annotations

from typing import Any

from accord.service.problems import PROBLEM_JSON, problem_body
from accord.service.responses import Response, json_response
from impl.context import request_id, services
from impl.models.registry import ModelEntry

RETRY_AFTER_SECONDS = "5"


def get_liveness() -> Response:
    return json_response({"status": "ok"})


def _readiness(entry: ModelEntry) -> dict[str, Any]:
    """A model's id, version, readiness and the sha256 of its artefact (replicas can be compared)."""
    item: dict[str, Any] = {"id": entry.definition.id, "version": entry.version, "ready": entry.ready}
    sha = (entry.manifest or {}).get("sha256")
    if isinstance(sha, str) and len(sha) == 64:
        item["sha256"] = sha
    return item


def get_readiness() -> Response:
    registry = services().registry
    models = [_readiness(e) for e in registry.entries.values()]
    if all(m["ready"] for m in models):
        return json_response({"status": "ready", "models": models})
    missing = sum(not m["ready"] for m in models)
    body = problem_body("service-not-ready", detail=f"{missing} of {len(models)} models are not ready",
                        instance="/health/ready", request_id=request_id())
    body["models"] = models
    return json_response(body, 503, {"Retry-After": RETRY_AFTER_SECONDS, "Content-Type": PROBLEM_JSON})
