"""The models this process serves: trained on first start when missing, verified and loaded after.

One registry per models directory per process (a module-level cache), so building the app twice,
or running lifespan per request under Schemathesis's ASGI transport, never retrains or reloads.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from impl.errors import ArtefactError
from impl.models import store
from impl.models.catalogue import MODEL_VERSION, MODELS, ModelDefinition
from impl.models.predict import Predictor
from impl.models.training import train

log = logging.getLogger("impl.models")


@dataclass(slots=True)
class ModelEntry:
    definition: ModelDefinition
    version: str
    predictor: Predictor | None = None
    error: str | None = None
    manifest: dict[str, Any] | None = None

    @property
    def ready(self) -> bool:
        return self.predictor is not None


class ModelRegistry:
    """Every model of the catalogue, each either ready (a verified Predictor) or refused."""

    def __init__(self, models_dir: Path, *, train: bool = True) -> None:
        self.models_dir = models_dir
        #: False in the cluster deployment: artefacts are built once (`python -m impl.models build`),
        #: so every replica and worker serves the same bytes; a missing one is refused, not trained.
        self.train = train
        self.entries: dict[str, ModelEntry] = {}

    def load_all(self) -> ModelRegistry:
        for definition in MODELS.values():
            self.entries[definition.id] = self._load_one(definition)
        return self

    def _load_one(self, definition: ModelDefinition) -> ModelEntry:
        entry = ModelEntry(definition=definition, version=MODEL_VERSION)
        try:
            if not self.train and not store.exists(self.models_dir, definition.id, MODEL_VERSION):
                raise ArtefactError(definition.id, f"no artefact in {self.models_dir} and this process does not "
                                    "train (cluster deployment): build them once with `python -m impl.models build`")
            if not store.exists(self.models_dir, definition.id, MODEL_VERSION):
                with store.training_lock(self.models_dir):
                    # Another process may have trained it while we waited for the lock.
                    if not store.exists(self.models_dir, definition.id, MODEL_VERSION):
                        log.info("training %s (no artefact in %s)", definition.id, self.models_dir)
                        trained = train(definition)
                        store.save(self.models_dir, trained.pipeline, trained.manifest)
            pipeline, manifest = store.load(self.models_dir, definition.id, MODEL_VERSION)
            if manifest.get("features") != list(definition.feature_names):
                raise ArtefactError(definition.id, "manifest features do not match this service's catalogue; "
                                    "delete the model folder to retrain")
            width = getattr(pipeline, "n_features_in_", len(definition.feature_names))
            if width != len(definition.feature_names):  # e.g. another model's file, checksum rewritten
                raise ArtefactError(definition.id, f"artefact takes {width} features, the manifest lists "
                                    f"{len(definition.feature_names)}: it is not the model its manifest describes")
            try:
                entry.predictor = Predictor(definition, pipeline, manifest)
            except (KeyError, TypeError, ValueError) as exc:
                raise ArtefactError(definition.id, f"manifest is incomplete: {exc!r}") from exc
            entry.manifest = manifest
        except ArtefactError as exc:
            log.error("%s; the model is not ready, the others keep serving", exc)
            entry.error = str(exc)
            try:
                entry.manifest = store.read_manifest(self.models_dir, definition.id, MODEL_VERSION)
            except ArtefactError:
                entry.manifest = None
        return entry

    def get(self, model_id: str) -> ModelEntry | None:
        return self.entries.get(model_id)

    @property
    def all_ready(self) -> bool:
        return all(e.ready for e in self.entries.values())


_cache: dict[Path, ModelRegistry] = {}
_cache_lock = threading.Lock()


def get_registry(models_dir: Path, *, train: bool = True) -> ModelRegistry:
    """The registry for `models_dir`, trained (when `train`) or loaded once per process."""
    key = models_dir.resolve()
    with _cache_lock:
        registry = _cache.get(key)
        if registry is None or (registry.train and not train):
            registry = _cache[key] = ModelRegistry(key, train=train).load_all()
        return registry


def forget(models_dir: Path | None = None) -> None:
    """Drop cached registries (tests that change artefacts on disk)."""
    with _cache_lock:
        if models_dir is None:
            _cache.clear()
        else:
            _cache.pop(models_dir.resolve(), None)
