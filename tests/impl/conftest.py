"""Fixtures for the service: models trained once per session, a fresh job store per test."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from impl.app import close_app, create_app
from impl.models.registry import ModelRegistry, get_registry

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
KEY = "test-key"
AUTH = {"X-API-Key": KEY}


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Trained once per session (a few seconds), shared read-only by every test."""
    folder = tmp_path_factory.mktemp("models")
    get_registry(folder)
    return folder


@pytest.fixture(scope="session")
def registry(models_dir: Path) -> ModelRegistry:
    return get_registry(models_dir)


@pytest.fixture
def copied_models(models_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the trained artefacts, for tests that damage them."""
    target = tmp_path / "models"
    shutil.copytree(models_dir, target)
    return target


@pytest.fixture
def make_app(models_dir: Path, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    apps: list[Any] = []

    def build(**kw: Any) -> Any:
        kw.setdefault("models_dir", models_dir)
        kw.setdefault("jobs_db", tmp_path / "jobs.sqlite3")
        kw.setdefault("api_keys", [KEY])
        app = create_app(SPEC, **kw)
        apps.append(app)
        return app

    yield build
    for app in apps:
        close_app(app)


@pytest.fixture(scope="session")
def shared_app(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One app for the tests that need no special configuration (building one costs ~1 s)."""
    app = create_app(SPEC, models_dir=models_dir, jobs_db=tmp_path_factory.mktemp("jobs") / "jobs.sqlite3",
                     api_keys=[KEY])
    yield app
    close_app(app)


@pytest.fixture
def client(shared_app: Any) -> Iterator[TestClient]:
    with shared_app.test_client(raise_server_exceptions=False) as c:
        yield c


IRIS_ROW = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}
DIABETES_ROW = {"age_years": 50, "sex": 1, "bmi_kg_m2": 25.0, "bp_mmhg": 90.0, "total_cholesterol": 180.0,
                "ldl": 100.0, "hdl": 50.0, "cholesterol_hdl_ratio": 4.0, "log_triglycerides": 4.5, "glucose": 90.0}


def assert_problem(response: Any, status: int, name: str | None = None) -> dict[str, Any]:
    """A problem+json of our shape, with request_id matching the X-Request-ID header."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://ml.example.com/problems/")
    if name is not None:
        assert body["type"] == f"https://ml.example.com/problems/{name}"
    assert body["title"] and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    return body


# -- the cluster deployment's servers: real PostgreSQL and Redis processes on loopback ----------------


def _servers_installed() -> None:
    from tools.local_servers import missing

    absent = missing()
    if absent:  # `make test` installs them first (the `cluster-servers` target)
        pytest.fail(f"{', '.join(absent)} not installed: run `make cluster-servers` (apt-get) or `make test`")


def _local_server(kind: Any, prefix: str, **options: Any) -> Iterator[Any]:
    """A tools.local_servers server in a /tmp folder of its own, started for the session; stopped and
    its folder removed afterwards, also when starting fails half-way."""
    _servers_installed()
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    server = kind(folder, **options)
    try:
        server.start()
        yield server
    finally:
        try:
            server.stop()  # a no-op when it never started or already exited
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """One PostgreSQL server for the session (~2 s to initdb and start); tests take databases in it."""
    from tools.local_servers import Postgres

    yield from _local_server(Postgres, "accord-test-pg-", durable=False)


_databases = itertools.count()


@pytest.fixture
def postgres_url(postgres: Any) -> str:
    """A fresh, empty database of the session's server (the store migrates it on opening)."""
    url: str = postgres.create_database(f"test_{os.getpid()}_{next(_databases)}")
    return url


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Any]:
    from tools.local_servers import Redis

    yield from _local_server(Redis, "accord-test-redis-")
