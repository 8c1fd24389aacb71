"""Real servers for the hardening suite: the mock and the service on free loopback ports, started
once per session with the CLI a user runs, models trained once into a session folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hardening.catalogue import KEY
from tests.hardening.servers import Server, mock_server, service


@pytest.fixture(scope="session")
def trained_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Artefacts trained once per session (in this process), loaded by every service started."""
    from impl.models.registry import get_registry

    folder = tmp_path_factory.mktemp("hardening-models")
    get_registry(folder)
    return folder


@pytest.fixture(scope="session")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hardening-logs")


@pytest.fixture(scope="session")
def servers(trained_models: Path, logs: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    jobs = tmp_path_factory.mktemp("hardening-jobs") / "jobs.sqlite3"
    running = {
        "mock": mock_server(logs / "mock.log", KEY),
        "impl": service(logs / "service.log", KEY, trained_models, jobs),
    }
    try:
        for server in running.values():
            server.start()
        yield running
    finally:
        for server in running.values():
            server.stop()
