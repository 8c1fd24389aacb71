"""Run a uvicorn server so that Ctrl-C ends the command with exit code 130.

uvicorn catches SIGINT to shut down gracefully, then raises the signal again under the handler
that was there before: Python's KeyboardInterrupt in a terminal, but nothing at all where SIGINT
was inherited as ignored (a job started with `&` from a script, a supervisor), and `uvicorn.run`
swallows the KeyboardInterrupt in any case. Both ended with exit 0, as if the server had finished.
Here the server notes the SIGINT and `run` raises KeyboardInterrupt once it has shut down, which
accord.cli.main turns into 130. SIGTERM is left to uvicorn (a graceful stop, then the signal's
default action).
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any


def run(config: Any) -> None:
    """Serve `config` (a uvicorn.Config) until stopped; KeyboardInterrupt after a SIGINT."""
    import uvicorn

    class Server(uvicorn.Server):
        interrupted = False

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            if sig == signal.SIGINT:
                self.interrupted = True
            super().handle_exit(sig, frame)

    server = Server(config)
    server.run()  # a KeyboardInterrupt re-raised by uvicorn (SIGINT not ignored) propagates
    if server.interrupted:
        raise KeyboardInterrupt
