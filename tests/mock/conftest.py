"""Shared fixtures for the mock's tests: fixture documents and in-process clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from accord.loading import load_spec
from accord.mock.app import MockApp, create_app
from accord.mock.testing import ASGISyncTransport, accord_mock, accord_mock_spec  # noqa: F401 - fixtures

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PETS = FIXTURES / "mock-pets" / "openapi.yaml"
PETS_31 = FIXTURES / "mock-pets-31" / "openapi.yaml"
KEY = {"X-API-Key": "k1"}


def build_app(path: Path | str, **options: Any) -> MockApp:
    return create_app(load_spec(path), **options)


def pytest_configure(config: pytest.Config) -> None:
    # What `pytest_plugins = ["accord.mock.testing"]` does in a root conftest.
    config.addinivalue_line("markers", "accord_mock(spec=None, **options): options for the accord_mock fixture")


@pytest.fixture
def make_client() -> Iterator[Callable[..., httpx.Client]]:
    clients: list[httpx.Client] = []

    def make(path: Path | str = PETS, **options: Any) -> httpx.Client:
        app = build_app(path, **options)
        client = httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock")
        client.mock_app = app  # type: ignore[attr-defined]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def pets(make_client: Callable[..., httpx.Client]) -> httpx.Client:
    return make_client(PETS)
