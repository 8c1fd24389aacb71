"""The registry of a process that must not train (the cluster deployment): artefacts or nothing."""

from __future__ import annotations

from pathlib import Path

from impl.models.registry import ModelRegistry


def test_a_replica_that_does_not_train_refuses_missing_artefacts(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "empty", train=False).load_all()
    assert registry.entries and not any(e.ready for e in registry.entries.values())
    assert all("python -m impl.models build" in (e.error or "") for e in registry.entries.values())
    assert not (tmp_path / "empty").exists()  # nothing trained, nothing written


def test_it_loads_artefacts_built_beforehand(models_dir: Path) -> None:
    registry = ModelRegistry(models_dir, train=False).load_all()
    assert registry.all_ready
