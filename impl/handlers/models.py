"""Handlers for the `models` operations: the catalogue, its versions and their metrics."""

from __future__ import annotations

from accord.service.problems import ProblemError
from accord.service.responses import Response, json_response
from impl import metadata
from impl.context import services
from impl.models.registry import ModelEntry
from impl.pagination import InvalidPageToken


def _entry(model_id: str) -> ModelEntry:
    entry = services().registry.get(model_id)
    if entry is None:
        raise ProblemError("model-not-found", f"there is no model {model_id!r}")
    return entry


def _page_start(kind: str, filters: dict[str, str], page_token: str | None) -> str | None:
    if page_token is None:
        return None
    try:
        cursor = services().tokens.decode(page_token, kind, filters)
    except InvalidPageToken as exc:
        raise ProblemError("invalid-page-token", str(exc),
                           errors=[{"parameter": "page_token", "in": "query", "detail": str(exc)}]) from exc
    return str(cursor)


def list_models(limit: int = 20, page_token: str | None = None) -> Response:
    after = _page_start("models", {}, page_token)
    entries = sorted(services().registry.entries.values(), key=lambda e: e.definition.id)
    if after is not None:
        entries = [e for e in entries if e.definition.id > after]
    page = entries[:limit]
    more = len(entries) > limit
    token = services().tokens.encode("models", {}, page[-1].definition.id) if more and page else None
    return json_response({"data": [metadata.summary(e) for e in page], "next_page_token": token})


def get_model(model_id: str) -> Response:
    return json_response(metadata.model(services().document, _entry(model_id)))


def list_model_versions(model_id: str, limit: int = 20, page_token: str | None = None) -> Response:
    entry = _entry(model_id)
    after = _page_start("versions", {"model_id": model_id}, page_token)
    versions = [entry] if after is None or entry.version > after else []
    return json_response({"data": [metadata.version_summary(e) for e in versions[:limit]], "next_page_token": None})


def get_model_version(model_id: str, version: str) -> Response:
    entry = _entry(model_id)
    if version != entry.version:
        raise ProblemError("model-version-not-found", f"{model_id} has no version {version!r}")
    return json_response(metadata.version(entry))
