"""Cursor pagination for stateful lists: `limit` and an opaque page token, as the contract says.

The query parameter names come from the operation (`limit`; `page_token`, `cursor`, `after`,
`page`), the next-token member from the response schema (`next_page_token`, `next_cursor`,
`next`). The token is the offset, base64url-encoded; one this mock did not issue is a request
error (answered with the operation's documented 400).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from accord.openapi import deref

TOKEN_PARAMETERS = ("page_token", "cursor", "after", "page", "pageToken", "next")
NEXT_MEMBERS = ("next_page_token", "next_cursor", "nextPageToken", "next", "cursor")
ARRAY_MEMBERS = ("data", "items", "results", "records", "content")
DEFAULT_LIMIT = 20


class BadToken(ValueError):
    """Internal: a page token this mock did not issue; answered as a 400 problem."""

    def __init__(self, parameter: str) -> None:
        super().__init__(f"{parameter} was not issued by this mock")
        self.parameter = parameter


@dataclass(frozen=True, slots=True)
class Page:
    offset: int
    limit: int
    next_token: str | None


def encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def decode(token: str, parameter: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise BadToken(parameter) from None
    if not (text.startswith("o") and text[1:].isdigit()) or encode(int(text[1:])) != token:
        raise BadToken(parameter)
    return int(text[1:])


def _default_limit(document: dict[str, Any], op: Any) -> int:
    for parameter in op.parameters:
        if parameter.name == "limit" and parameter.location == "query":
            schema = deref(document, parameter.schema)
            if isinstance(schema, dict) and isinstance(schema.get("default"), int):
                return int(schema["default"])
    return DEFAULT_LIMIT


def page(document: dict[str, Any], op: Any, query: Sequence[tuple[str, str]], total: int) -> Page:
    """The slice the request asks for; BadToken for a token this mock did not issue."""
    values = dict(query)
    limit = _default_limit(document, op)
    if values.get("limit", "").isdigit():
        limit = max(1, int(values["limit"]))
    offset = 0
    declared = {p.name for p in op.parameters if p.location == "query"}
    for name in TOKEN_PARAMETERS:
        if name in values and name in declared:
            offset = decode(values[name], name)
            break
    end = offset + limit
    return Page(offset, limit, encode(end) if end < total else None)


def array_member(members: dict[str, Any], document: dict[str, Any]) -> str | None:
    """The member of a list body that holds the items."""
    arrays = [n for n, s in members.items() if isinstance(deref(document, s), dict)
              and deref(document, s).get("type") == "array"]
    return next((n for n in ARRAY_MEMBERS if n in arrays), arrays[0] if arrays else None)


def next_member(members: dict[str, Any]) -> str | None:
    return next((n for n in NEXT_MEMBERS if n in members), None)
