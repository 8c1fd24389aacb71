"""The mock in a test suite: in-process or on a free port, with its request journal.

    from accord.mock.testing import serve_mock, mock_client

    with serve_mock("spec/openapi.yaml") as mock:          # real uvicorn, free port
        requests.get(mock.url + "/health/live")
        assert mock.journal.calls("GET /health/live")

    with mock_client("spec/openapi.yaml") as client:        # in-process (httpx.Client)
        client.get("/health/live")

As a pytest plugin (`pytest_plugins = ["accord.mock.testing"]`) it provides the `accord_mock`
fixture; choose the document with `@pytest.mark.accord_mock(spec="...", dynamic=True)` or
the `accord_mock_spec` fixture.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from accord import config as accord_config
from accord.loading import Spec
from accord.mock.app import MockApp, create_app
from accord.mock.journal import Journal
from accord.mock.server import protocol

#: Seconds to wait for the server thread to start listening.
START_TIMEOUT = 30.0


@dataclass(slots=True)
class RunningMock:
    """A mock listening on `url`; `journal` lists what it received."""

    url: str
    app: MockApp

    @property
    def journal(self) -> Journal:
        return self.app.journal


@contextmanager
def serve_mock(
    spec: Spec | str | Path = accord_config.DEFAULT_SPEC, *, host: str = "127.0.0.1", port: int = 0, **options: Any
) -> Iterator[RunningMock]:
    """Serve the document under uvicorn in a background thread; port 0 picks a free port."""
    import uvicorn

    app = create_app(spec, **options)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_level="warning", lifespan="on",
                                           http=protocol(), ws="none", proxy_headers=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="accord-mock")
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("the mock server did not start")
        time.sleep(0.01)
    try:
        yield RunningMock(f"http://{host}:{bound}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class ASGISyncTransport(httpx.BaseTransport):
    """Drives an ASGI app from a synchronous httpx.Client (one event loop per request)."""

    def __init__(self, app: Any) -> None:
        self._transport = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def exchange() -> httpx.Response:
            response = await self._transport.handle_async_request(request)
            body = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=body, request=request)

        return asyncio.run(exchange())


@contextmanager
def mock_client(
    spec: Spec | str | Path | MockApp = accord_config.DEFAULT_SPEC, **options: Any
) -> Iterator[httpx.Client]:
    """An httpx.Client talking to the mock in-process; `client.journal` is the journal."""
    app = spec if isinstance(spec, MockApp) else create_app(spec, **options)
    with httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock") as client:
        client.journal = app.journal  # type: ignore[attr-defined]
        client.mock_app = app  # type: ignore[attr-defined]
        yield client


try:
    import pytest
except ImportError:  # pragma: no cover - the helpers above work without pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    def pytest_configure(config: Any) -> None:
        config.addinivalue_line("markers", "accord_mock(spec=None, **options): options for the accord_mock fixture")

    @pytest.fixture
    def accord_mock_spec() -> str:
        """The document the `accord_mock` fixture serves; override it in a conftest."""
        return accord_config.DEFAULT_SPEC

    @pytest.fixture
    def accord_mock(request: Any, accord_mock_spec: str) -> Iterator[RunningMock]:
        """A mock on a free port for the test, with `.url` and `.journal`."""
        marker = request.node.get_closest_marker("accord_mock")
        options = dict(marker.kwargs) if marker else {}
        spec = options.pop("spec", accord_mock_spec)
        with serve_mock(spec, **options) as running:
            yield running
