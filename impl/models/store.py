"""Artefacts on disk: skops files (never pickle) with a JSON manifest carrying their sha256.

Layout: `<models_dir>/<model_id>/<version>/model.skops` and `manifest.json`. Loading checks the
checksum first, then asks skops which types the file would instantiate and refuses anything
outside an allow-list, so a tampered artefact is refused rather than executed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import skops.io as sio
from sklearn.pipeline import Pipeline

from impl.errors import ArtefactError

ARTEFACT = "model.skops"
MANIFEST = "manifest.json"

#: Types skops may instantiate beyond its own default-trusted set. Our pipelines need none today
#: (`get_untrusted_types` is empty); anything listed here must be a scikit-learn or NumPy type.
TRUSTED_TYPES: frozenset[str] = frozenset()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def version_dir(models_dir: Path, model_id: str, version: str) -> Path:
    return models_dir / model_id / version


@contextlib.contextmanager
def training_lock(models_dir: Path) -> Iterator[None]:
    """Serialise training between processes (two uvicorn workers starting on an empty dir)."""
    models_dir.mkdir(parents=True, exist_ok=True)
    with (models_dir / ".lock").open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def save(models_dir: Path, pipeline: Pipeline, manifest: dict[str, Any]) -> dict[str, Any]:
    """Write artefact then manifest (with the artefact's sha256); returns the manifest written."""
    target = version_dir(models_dir, manifest["model_id"], manifest["version"])
    target.mkdir(parents=True, exist_ok=True)
    data = sio.dumps(pipeline)
    _atomic_write(target / ARTEFACT, data)
    written = {**manifest, "artefact": ARTEFACT, "sha256": hashlib.sha256(data).hexdigest()}
    _atomic_write(target / MANIFEST, json.dumps(written, indent=2, sort_keys=True).encode())
    return written


def exists(models_dir: Path, model_id: str, version: str) -> bool:
    target = version_dir(models_dir, model_id, version)
    return (target / MANIFEST).is_file() or (target / ARTEFACT).is_file()


def read_manifest(models_dir: Path, model_id: str, version: str) -> dict[str, Any]:
    path = version_dir(models_dir, model_id, version) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ArtefactError(model_id, f"manifest missing: {path}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArtefactError(model_id, f"manifest unreadable: {path}: {exc}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("sha256"), str):
        raise ArtefactError(model_id, f"manifest has no sha256: {path}")
    return manifest


def load(models_dir: Path, model_id: str, version: str) -> tuple[Pipeline, dict[str, Any]]:
    """Verify and load one artefact; raises ArtefactError rather than loading anything doubtful."""
    manifest = read_manifest(models_dir, model_id, version)
    path = version_dir(models_dir, model_id, version) / manifest.get("artefact", ARTEFACT)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArtefactError(model_id, f"artefact unreadable: {path}: {exc}") from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != manifest["sha256"]:
        raise ArtefactError(
            model_id, f"sha256 mismatch for {path}: manifest says {manifest['sha256']}, file is {actual}"
        )
    try:
        untrusted = set(sio.get_untrusted_types(data=data))
    except Exception as exc:  # skops raises many kinds on a corrupt zip
        raise ArtefactError(model_id, f"artefact is not a readable skops file: {path}: {exc}") from exc
    refused = sorted(untrusted - TRUSTED_TYPES)
    if refused:
        raise ArtefactError(model_id, f"artefact contains untrusted types: {', '.join(refused)}")
    try:
        pipeline = sio.loads(data, trusted=sorted(untrusted))
    except Exception as exc:
        raise ArtefactError(model_id, f"artefact failed to load: {path}: {exc}") from exc
    if not isinstance(pipeline, Pipeline):
        raise ArtefactError(model_id, f"artefact holds a {type(pipeline).__name__}, not a Pipeline")
    return pipeline, manifest
