"""Consistency across operations: one pagination scheme, one error shape.

A web team writes one pagination helper and one error handler; the contract must let them.
Canonical pagination (reference/ml_serving.md §6): query `limit` + `page_token`, response
field `next_page_token`. The error shape is the one most error responses use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import orjson

from accord.lint.context import Hits, LintContext, Operation

PAGE_SIZE_PARAM = "limit"
PAGE_TOKEN_PARAM = "page_token"
NEXT_TOKEN_FIELD = "next_page_token"
#: Query parameters and response fields that mark an operation as returning a page.
PAGING_PARAMS = frozenset((PAGE_SIZE_PARAM, PAGE_TOKEN_PARAM, "page", "per_page", "page_size", "pageSize",
                           "pageToken", "cursor", "offset", "after", "before", "starting_after", "ending_before"))
PAGING_FIELDS = frozenset((NEXT_TOKEN_FIELD, "nextPageToken", "next_cursor", "nextCursor", "has_more", "hasMore"))


def consistent_pagination(ctx: LintContext) -> Hits:
    """List operations page alike: the same `limit` / `page_token` parameters, a `next_page_token` field."""
    definitions: dict[str, list[tuple[str, bytes]]] = {PAGE_SIZE_PARAM: [], PAGE_TOKEN_PARAM: []}
    for op in ctx.operations:
        if op.method != "get":
            continue
        query = {str(p.get("name")): (pointer, p) for pointer, p in ctx.parameters(op) if p.get("in") == "query"}
        page = _page_schema(ctx, op)
        fields = ctx.object_properties(page[1]) if page else {}
        if not (PAGING_PARAMS & set(query) or PAGING_FIELDS & set(fields)):
            continue
        for name in (PAGE_SIZE_PARAM, PAGE_TOKEN_PARAM):
            if name in query:
                at, parameter = query[name]
                definitions[name].append((at, _signature(ctx, parameter, ("name", "in", "required", "schema"))))
            else:
                yield op.pointer, f"List operation has no {name!r} query parameter."
        for other in sorted((PAGING_PARAMS & set(query)) - {PAGE_SIZE_PARAM, PAGE_TOKEN_PARAM}):
            yield (query[other][0],
                   f"List operations page with {PAGE_SIZE_PARAM!r} and {PAGE_TOKEN_PARAM!r}, not {other!r}.")
        if page is not None and NEXT_TOKEN_FIELD not in fields:
            yield page[0], f"List response has no {NEXT_TOKEN_FIELD!r} field."
    for name, found in definitions.items():
        yield from _outliers(found, f"{name!r} is defined differently here than on most list operations.")


def _page_schema(ctx: LintContext, op: Operation) -> tuple[str, Any] | None:
    """(pointer, schema) of the first 2xx JSON response of an operation."""
    for status, pointer, response in ctx.responses(op):
        if not status.startswith("2"):
            continue
        for media, media_pointer, entry in ctx.media_types(pointer, response):
            if "json" in media and "schema" in entry:
                return ctx.resolve(f"{media_pointer}/schema", entry["schema"])
    return None


def consistent_errors(ctx: LintContext) -> Hits:
    """Every error response (4xx, 5xx, default) uses the same schema."""
    found: list[tuple[str, bytes]] = []
    for op in ctx.operations:
        for status, pointer, response in ctx.responses(op):
            if not (status[:1] in ("4", "5") or status == "default"):
                continue
            for _, media_pointer, media in ctx.media_types(pointer, response):
                if "schema" in media:
                    found.append((f"{media_pointer}/schema", _schema_signature(ctx, media["schema"])))
    yield from _outliers(found, "Error response schema differs from the one most error responses use.")


def _outliers(found: list[tuple[str, bytes]], message: str) -> Iterator[tuple[str, str]]:
    """Each (distinct) pointer whose signature is not the most common one."""
    if not found:
        return
    usual, _ = Counter(signature for _, signature in found).most_common(1)[0]
    reported: set[str] = set()
    for pointer, signature in found:
        if signature != usual and pointer not in reported:
            reported.add(pointer)
            yield pointer, message


def _schema_signature(ctx: LintContext, schema: Any) -> bytes:
    """A schema's identity: the canonical JSON of what it resolves to (a `$ref` and an inlined copy agree)."""
    return orjson.dumps(ctx.deref(schema), option=orjson.OPT_SORT_KEYS)


def _signature(ctx: LintContext, node: dict[str, Any], keys: tuple[str, ...]) -> bytes:
    picked = {key: ctx.deref(node[key]) if key == "schema" else node[key] for key in keys if key in node}
    return orjson.dumps(picked, option=orjson.OPT_SORT_KEYS)
