"""Handlers for the `health` operations: liveness and readiness (not authenticated)."""

from __future__ import annotations

from impl.context import services
from impl.responses import Response, json_response

RETRY_AFTER_SECONDS = "5"


def get_liveness() -> Response:
    return json_response({"status": "ok"})


def get_readiness() -> Response:
    registry = services().registry
    models = [{"id": e.definition.id, "version": e.version, "ready": e.ready} for e in registry.entries.values()]
    if all(m["ready"] for m in models):
        return json_response({"status": "ready", "models": models})
    return json_response({"status": "not_ready", "models": models}, 503, {"Retry-After": RETRY_AFTER_SECONDS})
