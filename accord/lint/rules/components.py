"""oas3-unused-component: reusable objects nothing refers to.

A component counts as used when a `$ref` anywhere points at it (or into it), or, in a
multi-file document, when the file it was loaded from was also inlined somewhere else:
the bundler copies an external file at each `$ref`, so that use leaves no `#/components` ref.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from accord import pointers
from accord.lint.context import Hits, LintContext

COMPONENT_TYPES = ("schemas", "responses", "parameters", "examples", "requestBodies", "headers", "links", "callbacks")


def unused_component(ctx: LintContext) -> Hits:
    components = ctx.document.get("components")
    if not isinstance(components, dict):
        return
    used = {"/".join(target.split("/")[:4]) for target in _ref_targets(ctx.document)}
    inlined_at = _inlined_at(ctx)
    for kind in COMPONENT_TYPES:
        section = components.get(kind)
        if not isinstance(section, dict):
            continue
        for name in section:
            pointer = pointers.join("", "components", kind, name)
            if pointer in used:
                continue
            source = ctx.source_map.get(pointer)
            if source is not None and any(
                where != pointer and not where.startswith(pointer + "/") for where in inlined_at.get(source, ())
            ):
                continue
            yield pointer, "Potentially unused component has been detected."


def _ref_targets(document: Any) -> Iterator[str]:
    """The in-document pointer of every `$ref` (a file part is dropped: bundled refs name the root)."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and "#" in ref:
                yield unquote(ref.split("#", 1)[1])
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))


def _inlined_at(ctx: LintContext) -> dict[Any, list[str]]:
    """source (file, pointer) -> every bundled pointer it was inlined at."""
    result: dict[Any, list[str]] = {}
    for where, source in ctx.source_map.items():
        result.setdefault(source, []).append(where)
    return result
