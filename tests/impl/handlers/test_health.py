"""Health: liveness always, readiness 503 while a model is refused (the others still serve)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from impl.models import store
from tests.impl.conftest import AUTH, IRIS_ROW, assert_problem


def test_live_and_ready(make_app: Callable[..., Any]) -> None:
    with make_app().test_client() as client:
        assert client.get("/health/live").json() == {"status": "ok"}
        ready = client.get("/health/ready")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert {m["id"] for m in ready.json()["models"]} == {
            "iris-classifier", "wine-classifier", "breast-cancer-classifier", "diabetes-progression-regressor",
            "digits-classifier"}


def test_a_tampered_artefact_makes_the_service_not_ready(make_app: Callable[..., Any], copied_models: Path) -> None:
    artefact = store.version_dir(copied_models, "iris-classifier", "1") / store.ARTEFACT
    data = bytearray(artefact.read_bytes())
    data[len(data) // 2] ^= 0xFF
    artefact.write_bytes(bytes(data))
    with make_app(models_dir=copied_models).test_client(raise_server_exceptions=False) as client:
        ready = client.get("/health/ready")
        assert_problem(ready, 503, "service-not-ready")
        assert ready.headers["retry-after"]
        states = {m["id"]: m["ready"] for m in ready.json()["models"]}
        assert states["iris-classifier"] is False and states["wine-classifier"] is True
        refused = client.post("/v1/models/iris-classifier/predict", json={"instances": [IRIS_ROW]}, headers=AUTH)
        assert_problem(refused, 503, "model-not-ready")
        assert refused.headers["retry-after"]
        assert client.get("/v1/models/iris-classifier", headers=AUTH).json()["status"] == "unavailable"
    shutil.rmtree(copied_models)


def test_readiness_names_the_sha256_of_every_artefact(make_app: Callable[..., Any], models_dir: Path) -> None:
    with make_app().test_client() as client:
        models = client.get("/health/ready").json()["models"]
    for model in models:
        manifest = store.read_manifest(models_dir, model["id"], model["version"])
        assert model["sha256"] == manifest["sha256"] == store.sha256_file(
            store.version_dir(models_dir, model["id"], model["version"]) / store.ARTEFACT)
