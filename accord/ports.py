"""Can a server listen on this address? Asked by `accord mock` and `accord serve` before they
start, so a port already taken is one clear line and exit code 2, not uvicorn's bind error
after the start-up log has announced the server as running.

The check binds and closes a socket with SO_REUSEADDR, as uvicorn binds, so a port left in
TIME_WAIT by a server that just stopped still counts as free. Another process could take the
port between the check and the server's own bind; uvicorn's error still covers that.
"""

from __future__ import annotations

import errno
import socket

from accord.errors import UsageError


def ensure_free(host: str, port: int, *, command: str, hint: str) -> None:
    """Raise UsageError naming `host:port` when nothing can listen there; port 0 is always free."""
    if port == 0:
        return
    if not 0 < port <= 65535:  # getaddrinfo would wrap 99999 to 34463 and pass it
        raise UsageError(f"{command}: port {port} is not a TCP port (1-65535); choose another with {hint}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                            flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise UsageError(f"{command}: cannot listen on {host!r}: {exc.strerror}") from exc
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"{command}: port {port} on {host} is already in use (by another server, or an "
                                 f"earlier run still going); stop it, or choose another port with {hint}") from exc
            raise UsageError(f"{command}: cannot listen on {host}:{port}: {exc.strerror}") from exc
