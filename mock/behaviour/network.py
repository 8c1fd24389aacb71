"""Network-level faults: hold a connection open (`timeout`) or close it with no response (`drop`).

These are the only answers outside the contract, and they are named as such: no status, no
body, a closed connection, as a crashed or overloaded server behaves. ASGI has no message for
"close without answering", so the connection is reached through the server's request cycle
(uvicorn keeps it as `receive.__self__.transport`). In-process (no socket) the app simply
returns without a response, which ASGI clients report as a transport error.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger("accord.mock")


def _transport(receive: Any) -> Any:
    cycle = getattr(receive, "__self__", None)
    return getattr(cycle, "transport", None)


async def drop(receive: Any) -> None:
    """Close the connection without a response (a reset when the transport supports abort)."""
    transport = _transport(receive)
    if transport is None:
        return
    abort = getattr(transport, "abort", None) or transport.close
    abort()
    # Let the server see the connection lost before the app returns, so it does not answer 500.
    for _ in range(3):
        await asyncio.sleep(0)


async def hold(receive: Any, seconds: float) -> None:
    """Keep the connection open, answering nothing, for `seconds` (or until the client gives up)."""
    try:
        await asyncio.wait_for(_disconnected(receive), timeout=seconds)
    except TimeoutError:
        pass
    await drop(receive)


async def _disconnected(receive: Any) -> None:
    while True:
        message = await receive()
        if message.get("type") == "http.disconnect":
            return
