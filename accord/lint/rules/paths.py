"""Path rules: templates declared and used, keys well formed, no two paths matching alike."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import combinations
from typing import Any

from accord import openapi, pointers
from accord.lint.context import Hits, LintContext

#: Spectral's path template pattern (`{name}`, also `{;name}`, `{?name}`, `{name*}`).
_TEMPLATE = re.compile(r"\{;?\??[A-Za-z0-9_\-]+\*?\}")
_SEGMENT_TEMPLATE = re.compile(r"\{[^{}/]*\}")


def _paths(ctx: LintContext) -> dict[str, Any]:
    paths = ctx.document.get("paths")
    return paths if isinstance(paths, dict) else {}


def _template_names(path: str) -> list[str]:
    return [re.sub(r"[{}?*;]", "", match) for match in _TEMPLATE.findall(path)]


def path_params(ctx: LintContext) -> Hits:
    """Every `{name}` in a path is declared as a required path parameter, once; every declared one is used."""
    for entry in openapi.path_items(ctx.document):
        path, item = entry.path, entry.item
        if item is None:
            continue
        expected: list[str] = []
        for name in _template_names(path):
            if name in expected:
                yield (pointers.join("", "paths", path),
                       f'Path "{path}" must not use parameter "{{{name}}}" multiple times.')
            else:
                expected.append(name)
        shared: dict[str, str] = {}
        yield from _declared(ctx, item.get("parameters"), f"{entry.pointer}/parameters", shared)
        for method, operation in openapi.item_operations(item):
            own: dict[str, str] = {}
            op_pointer = pointers.join(entry.pointer, method)
            yield from _declared(ctx, operation.get("parameters"), f"{op_pointer}/parameters", own)
            defined = {**shared, **own}
            for name, at in defined.items():
                if name not in expected:
                    yield at, f'Parameter "{name}" must be used in path "{path}".'
            for name in expected:
                if name not in defined:
                    yield op_pointer, f'Operation must define parameter "{{{name}}}" as expected by path "{path}".'


def _declared(ctx: LintContext, raw: Any, pointer: str, into: dict[str, str]) -> Hits:
    if not isinstance(raw, list):
        return
    for index, entry in enumerate(raw):
        param = ctx.deref(entry)
        if not isinstance(param, dict) or param.get("in") != "path" or "name" not in param:
            continue
        at = f"{pointer}/{index}"
        name = str(param["name"])
        if param.get("required") is not True:
            yield at, f'Path parameter "{name}" must have "required" property that is set to "true".'
        if name in into:
            yield at, f'Path parameter "{name}" must not be defined multiple times.'
        else:
            into[name] = at


def path_declarations_must_exist(ctx: LintContext) -> Hits:
    for path in _paths(ctx):
        if "{}" in path:
            yield (pointers.join("", "paths", path),
                   'Path parameter declarations must not be empty, ex."/given/{}" is invalid.')


def path_keys_no_trailing_slash(ctx: LintContext) -> Hits:
    for path in _paths(ctx):
        if len(path) > 1 and path.endswith("/"):
            yield pointers.join("", "paths", path), "Path must not end with slash."


def path_not_include_query(ctx: LintContext) -> Hits:
    for path in _paths(ctx):
        if "?" in path:
            yield pointers.join("", "paths", path), "Path must not include query string."


def path_ambiguous(ctx: LintContext) -> Hits:
    """Equivalent templates (`/a/{x}` and `/a/{y}`) MUST NOT exist (OAS 3.0.3 §4.7.8)."""
    for first, second, verdict in _overlaps(ctx):
        if verdict == "equivalent":
            yield pointers.join("", "paths", second), f'Paths "{first}" and "{second}" must not be equivalent.'


def path_crossed(ctx: LintContext) -> Hits:
    """Crossed templates (`/{kind}/me` and `/books/{id}` both match `/books/me`) leave the choice
    of operation to each router, so the mock and the service may answer the same request differently."""
    for first, second, verdict in _overlaps(ctx):
        if verdict == "crossed":
            yield (pointers.join("", "paths", second),
                   f'Paths "{first}" and "{second}" both match some requests, and neither is more specific.')


def _overlaps(ctx: LintContext) -> Iterator[tuple[str, str, str]]:
    by_length: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    for path in _paths(ctx):
        shape = _shape(path)
        by_length.setdefault(len(shape), []).append((path, shape))
    for group in by_length.values():
        for (first, a), (second, b) in combinations(group, 2):
            verdict = _compare(a, b)
            if verdict in ("equivalent", "crossed"):
                yield first, second, verdict


def _shape(path: str) -> tuple[str, ...]:
    """Segments, each template replaced by `%` (Spectral's normalisation)."""
    return tuple(_SEGMENT_TEMPLATE.sub("%", segment) for segment in path.split("/"))


def _compare(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    """equivalent | crossed | ordered (one is more specific everywhere) | distinct."""
    a_concrete = b_concrete = False
    for left, right in zip(a, b, strict=True):
        if left == right:
            continue
        if _matches(left, right):
            a_concrete = True
        elif _matches(right, left):
            b_concrete = True
        else:
            return "distinct"
    if not a_concrete and not b_concrete:
        return "equivalent"
    return "crossed" if a_concrete and b_concrete else "ordered"


def _matches(concrete: str, template: str) -> bool:
    """Does the (more concrete) segment fall inside what the templated segment accepts?"""
    if "%" not in template:
        return False
    if template == "%":
        return True
    if "%" in concrete:
        return False
    pattern = ".+".join(re.escape(part) for part in template.split("%"))
    return re.fullmatch(pattern, concrete) is not None
