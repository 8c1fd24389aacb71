"""Real servers on free loopback ports for the browser tests: the service (uvicorn), and a static
file server for the demo page, on an origin of its own so every API call is cross-origin."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from accord.contract_tests.serving import serve_app

#: An ASGI app under uvicorn in a thread on a free port (the contract tests' own helper).
serve_asgi = serve_app


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_static(folder: Path, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a folder as static files (what `make demo` does with python -m http.server)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="browser-static")
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
