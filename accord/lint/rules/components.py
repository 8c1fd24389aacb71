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
    referrers: dict[str, set[str]] = {}  # component pointer -> where its references come from
    for where, target in _refs(ctx.document):
        referrers.setdefault(_component_of(target), set()).add(_component_of(where))
    inlined_at = _inlined_at(ctx)
    for kind in COMPONENT_TYPES:
        section = components.get(kind)
        if not isinstance(section, dict):
            continue
        for name, value in section.items():
            pointer = pointers.join("", "components", kind, name)
            if referrers.get(pointer, set()) - {pointer}:
                continue
            if _alias_used(ctx, value, pointer, referrers):
                continue
            source = ctx.source_map.get(pointer)
            if source is not None and any(
                where != pointer and not where.startswith(pointer + "/") for where in inlined_at.get(source, ())
            ):
                continue
            yield pointer, "Potentially unused component has been detected."


def _alias_used(ctx: LintContext, value: Any, pointer: str, referrers: dict[str, set[str]]) -> bool:
    """A component written as `$ref: <file>` names that file; it is used when the file is.

    The bundler hoists a referenced file into a component of its own (listed in the source
    map); the alias and every direct use of the file then refer to that one. An alias of a
    component written in the same document is an ordinary component: unused if unreferenced.
    """
    ref = value.get("$ref") if isinstance(value, dict) and len(value) == 1 else None
    if not (isinstance(ref, str) and "#" in ref):
        return False
    target = _component_of(unquote(ref.split("#", 1)[1]))
    if target not in ctx.source_map:
        return False
    return bool(referrers.get(target, set()) - {pointer, target})


def _component_of(pointer: str) -> str:
    """/components/<kind>/<name> for a pointer inside a component, else the pointer itself."""
    return "/".join(pointer.split("/")[:4]) if pointer.startswith("/components/") else pointer


def _refs(document: Any) -> Iterator[tuple[str, str]]:
    """(where, in-document target) of every `$ref` (a file part is dropped: bundled refs name the root)."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and "#" in ref:
                yield where, unquote(ref.split("#", 1)[1])
            stack.extend((f"{where}/{pointers.escape(k)}", v) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((f"{where}/{i}", v) for i, v in enumerate(node) if isinstance(v, (dict, list)))


def _inlined_at(ctx: LintContext) -> dict[Any, list[str]]:
    """source (file, pointer) -> every bundled pointer it was inlined at."""
    result: dict[Any, list[str]] = {}
    for where, source in ctx.source_map.items():
        result.setdefault(source, []).append(where)
    return result
