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

import ipaddress
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any


def run(config: Any, *, bind_first: bool = False, on_listening: Callable[[], None] | None = None) -> None:
    """Serve `config` (a uvicorn.Config) until stopped; KeyboardInterrupt after a SIGINT.

    `bind_first`: an address given as an IP is bound here, before the loop starts; uvicorn would
    look it up in a worker thread, and meanwhile the loop runs other work (the mock's background
    warm-up) before it listens. uvicorn then skips its "running on" line (the mock logs its own).
    A host name is left to uvicorn, which binds every address it resolves to. `on_listening` is
    called in the loop once the server listens (after the app's lifespan start-up).
    """
    import uvicorn

    class Server(uvicorn.Server):
        interrupted = False

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            if sig == signal.SIGINT:
                self.interrupted = True
            super().handle_exit(sig, frame)

        async def startup(self, sockets: list[Any] | None = None) -> None:
            await super().startup(sockets=sockets)
            if on_listening is not None and self.started:
                on_listening()

    server = Server(config)
    sockets = [config.bind_socket()] if bind_first and _is_ip(config.host) else None
    server.run(sockets=sockets)  # a KeyboardInterrupt re-raised by uvicorn (SIGINT not ignored) propagates
    if server.interrupted:
        raise KeyboardInterrupt


def _is_ip(host: Any) -> bool:
    try:
        ipaddress.ip_address(str(host))
    except ValueError:
        return False
    return True
