"""Artefacts: skops only, sha256 checked, untrusted types refused, the rest keep serving."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import skops.io as sio
from sklearn.pipeline import Pipeline

from impl.errors import ArtefactError
from impl.models import store
from impl.models.registry import ModelRegistry


class Gadget:
    """A type skops does not trust: loading a file holding one must be refused."""


def _paths(models_dir: Path, model_id: str = "iris-classifier") -> tuple[Path, Path]:
    folder = store.version_dir(models_dir, model_id, "1")
    return folder / store.ARTEFACT, folder / store.MANIFEST


def test_round_trip(copied_models: Path) -> None:
    pipeline, manifest = store.load(copied_models, "iris-classifier", "1")
    assert isinstance(pipeline, Pipeline)
    assert manifest["sha256"] == store.sha256_file(_paths(copied_models)[0])


def test_tampered_artefact_is_refused(copied_models: Path) -> None:
    artefact, _ = _paths(copied_models)
    data = bytearray(artefact.read_bytes())
    data[-10] ^= 0xFF
    artefact.write_bytes(bytes(data))
    with pytest.raises(ArtefactError, match="sha256 mismatch"):
        store.load(copied_models, "iris-classifier", "1")


def test_untrusted_type_is_refused_even_with_a_matching_checksum(copied_models: Path) -> None:
    artefact, manifest_path = _paths(copied_models)
    artefact.write_bytes(sio.dumps({"payload": Gadget()}))
    manifest = json.loads(manifest_path.read_text())
    manifest["sha256"] = hashlib.sha256(artefact.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ArtefactError, match=r"untrusted types: .*Gadget"):
        store.load(copied_models, "iris-classifier", "1")


def test_corrupt_artefact_with_matching_checksum_is_refused(copied_models: Path) -> None:
    artefact, manifest_path = _paths(copied_models)
    artefact.write_bytes(b"not a zip file")
    manifest = json.loads(manifest_path.read_text())
    manifest["sha256"] = hashlib.sha256(b"not a zip file").hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ArtefactError, match="not a readable skops file"):
        store.load(copied_models, "iris-classifier", "1")


def test_unreadable_manifest_is_refused(copied_models: Path) -> None:
    _, manifest_path = _paths(copied_models)
    manifest_path.write_text("{not json")
    with pytest.raises(ArtefactError, match="manifest unreadable"):
        store.load(copied_models, "iris-classifier", "1")


def test_registry_marks_only_the_damaged_model_not_ready(copied_models: Path) -> None:
    artefact, _ = _paths(copied_models, "wine-classifier")
    artefact.write_bytes(artefact.read_bytes() + b"x")
    registry = ModelRegistry(copied_models).load_all()
    wine = registry.get("wine-classifier")
    assert wine is not None and not wine.ready and "sha256 mismatch" in (wine.error or "")
    assert registry.get("iris-classifier").ready  # type: ignore[union-attr]
    assert not registry.all_ready
    # A refused artefact is never silently retrained over.
    assert artefact.exists()


def test_missing_models_are_trained_and_saved(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path).load_all()
    assert registry.all_ready
    for model_id in registry.entries:
        artefact, manifest = _paths(tmp_path, model_id)
        assert artefact.read_bytes()[:2] == b"PK"  # a skops zip, not a pickle
        assert json.loads(manifest.read_text())["sha256"] == store.sha256_file(artefact)


def _rewrite_checksum(manifest_path: Path, artefact: Path) -> None:
    manifest = json.loads(manifest_path.read_text())
    manifest["sha256"] = hashlib.sha256(artefact.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))


class _Payload:
    """A pickle that, if ever unpickled, creates `target` (the proof that it ran)."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (Path(self.target).touch, ())


def test_a_pickle_posing_as_an_artefact_is_never_unpickled(copied_models: Path, tmp_path: Path) -> None:
    import pickle

    artefact, manifest_path = _paths(copied_models)
    sentinel = tmp_path / "pickle-ran"
    payload = pickle.dumps(_Payload(sentinel))
    pickle.loads(payload)  # the payload works: unpickling it creates the sentinel
    assert sentinel.exists()
    sentinel.unlink()
    artefact.write_bytes(payload)
    _rewrite_checksum(manifest_path, artefact)  # an attacker who can write the folder can do this too
    with pytest.raises(ArtefactError, match="not a readable skops file"):
        store.load(copied_models, "iris-classifier", "1")
    registry = ModelRegistry(copied_models).load_all()
    assert not registry.get("iris-classifier").ready  # type: ignore[union-attr]
    assert not sentinel.exists()


def test_a_skops_file_naming_a_dangerous_callable_is_refused(copied_models: Path, tmp_path: Path) -> None:
    import zipfile

    artefact, manifest_path = _paths(copied_models)
    with zipfile.ZipFile(artefact) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(files["schema.json"])
    schema["__class__"], schema["__module__"] = "system", "os"  # what the file asks to instantiate
    files["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(artefact, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    _rewrite_checksum(manifest_path, artefact)
    with pytest.raises(ArtefactError, match=r"untrusted types: .*os\.system"):
        store.load(copied_models, "iris-classifier", "1")


def test_another_models_artefact_under_a_rewritten_manifest_is_refused(copied_models: Path) -> None:
    """The checksum matches, the types are trusted, but the file is not the model the manifest
    describes (wine's 13 features behind iris's 4): refused at load, not a 500 per request."""
    iris, manifest_path = _paths(copied_models)
    wine, _ = _paths(copied_models, "wine-classifier")
    iris.write_bytes(wine.read_bytes())
    _rewrite_checksum(manifest_path, iris)
    registry = ModelRegistry(copied_models).load_all()
    entry = registry.get("iris-classifier")
    assert entry is not None and not entry.ready and "13 features" in (entry.error or "")
    assert registry.get("wine-classifier").ready  # type: ignore[union-attr]
