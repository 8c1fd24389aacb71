"""Deliberately broken copies of a real service: an ASGI wrapper that drifts one response.

The real service stays as it is; the wrapper rewrites the JSON body of the responses it
selects, so a test proves that a checker (the contract suite, `accord verify`) notices the
drift and names where it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from accord import pointers

Selector = Callable[[dict[str, Any]], bool]


def drop_field(service: Any, pointer: str, selects: Selector, *, status: int = 200) -> Any:
    """`service`, except that responses with `status` to requests `selects(scope)` accepts
    lose the field at `pointer` (RFC 6901; `/predictions/0/label`, `/task`)."""
    *parent, last = pointers.split(pointer)

    async def broken(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not selects(scope):
            return await service(scope, receive, send)
        held: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def rewrite(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                held["start"] = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            start, body = held["start"], b"".join(chunks)
            if start["status"] == status:
                data = orjson.loads(body)
                holder = pointers.resolve(data, pointers.join("", *parent)) if parent else data
                if isinstance(holder, dict):
                    holder.pop(last, None)
                elif isinstance(holder, list) and last.isdigit() and int(last) < len(holder):
                    holder.pop(int(last))
                body = orjson.dumps(data)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await service(scope, receive, rewrite)

    return broken
