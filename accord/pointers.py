"""RFC 6901 JSON pointers: escape, split, join and resolve."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join("/" + escape(str(t)) for t in tokens)


def split(pointer: str) -> list[str]:
    """Split a pointer (with or without a leading `#`, URI-encoded or not) into tokens."""
    if pointer.startswith("#"):
        pointer = unquote(pointer[1:])
    if pointer in ("", "/") and pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [unescape(t) if "~" in t else t for t in pointer[1:].split("/")]


def from_path(path: Sequence[str | int]) -> str:
    return join("", *path)


def resolve(document: Any, pointer: str) -> Any:
    """The node at `pointer`; raises KeyError when there is none."""
    node = document
    for token in split(pointer):
        if isinstance(node, dict):
            if token not in node:
                raise KeyError(token)
            node = node[token]
        elif isinstance(node, list):
            try:
                node = node[int(token)]
            except (ValueError, IndexError) as exc:
                raise KeyError(token) from exc
        else:
            raise KeyError(token)
    return node
