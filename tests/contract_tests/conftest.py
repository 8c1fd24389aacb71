"""Fixtures for the harness's own tests: the widgets contract and a served copy of its service."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

WIDGETS_SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "contract-widgets" / "openapi.yaml"


@pytest.fixture
def widgets_spec() -> Path:
    return WIDGETS_SPEC


@pytest.fixture
def served_widgets() -> Iterator[str]:
    """The correct widgets service under uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    from tests.contract_tests.widgets import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the widgets service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
