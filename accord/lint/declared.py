"""Rules declared in a ruleset file (`given` / `then`), run natively on the document.

    check = declared_check(definition)      # a Rule.check: (LintContext) -> (pointer, message)...

As in Spectral: `given` selects nodes (JSONPath, by default on the document with `$ref`s
resolved), each `then` picks a `field` of each node (`@key`: each key; `$...`: a JSONPath
under the node; else a dotted path, absent fields included) and applies a core function.
A result is reported where its node is written: through `$ref`s to the definition, and at
the closest existing node when the field is absent (Spectral's paths).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord import pointers
from accord.lint.context import Hits, LintContext
from accord.lint.functions import FUNCTIONS, MISSING, Call, Path
from accord.lint.jsonpath import query, shared_walks


@dataclass(slots=True, frozen=True)
class Then:
    function: str
    field: str | None = None
    options: Any = None


@dataclass(slots=True, frozen=True)
class Definition:
    """A `given`/`then` rule as written in a ruleset file (aliases already expanded per format)."""

    name: str
    given: Mapping[str, tuple[str, ...]]  # version -> paths (aliases expand per document format)
    then: tuple[Then, ...]
    message: str | None = None
    description: str | None = None
    resolved: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)


def declared_check(definition: Definition) -> Callable[[LintContext], Hits]:
    def check(ctx: LintContext) -> Hits:
        return _run(definition, ctx)
    check.__name__ = f"declared:{definition.name}"
    return check


def _run(definition: Definition, ctx: LintContext) -> Hits:
    data = resolved_document(ctx) if definition.resolved else ctx.document
    walks = ctx.cache.setdefault("walks-resolved" if definition.resolved else "walks", {})
    for given in definition.given.get(ctx.version, ()):
        with shared_walks(walks):
            selected = list(query(given, data))
        for path, value in selected:
            for then in definition.then:
                function = FUNCTIONS[then.function]
                for target_path, target in _targets(value, then.field):
                    full = (*path, *target_path)
                    call = Call(full, data, lambda: references(ctx))
                    for result_path, message in function(target, then.options, call):
                        where = result_path if result_path is not None else full
                        pointer = definition_pointer(ctx, where, definition.resolved)
                        yield pointer, _message(definition, message, where, pointer, ctx)


def _targets(value: Any, field_path: str | None) -> Iterator[tuple[Path, Any]]:
    if not isinstance(value, (dict, list)) or field_path is None:
        yield (), value
        return
    if field_path == "@key":
        if isinstance(value, dict):
            for key in value:
                yield (key,), key
        return
    if field_path.startswith("$"):
        found = list(query(field_path, value))
        yield from found or [((), MISSING)]
        return
    tokens: list[str | int] = [int(t) if t.isdigit() else t
                               for t in re.findall(r"[^.\[\]'\"]+|(?<=\[['\"])[^'\"]*(?=['\"]\])", field_path)]
    node: Any = value
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, dict) and str(token) in node:
            node = node[str(token)]
        elif isinstance(node, list) and isinstance(token, int) and token < len(node):
            node = node[token]
        else:
            node = MISSING
            break
    yield tuple(tokens), node


def _message(definition: Definition, result: str, path: Path, pointer: str, ctx: LintContext) -> str:
    prop = str(path[-1]) if path else ""
    result = result.replace("{{property}}", f'"{prop}" property' if prop else "").strip()
    if definition.message is None:
        return definition.description or result
    try:
        value = pointers.resolve(ctx.document, pointer)
    except (KeyError, IndexError, ValueError, TypeError):
        value = None
    names = {"error": result, "description": definition.description or "", "property": prop,
             "path": pointer or "#", "value": value if isinstance(value, (str, int, float)) else ""}
    text = re.sub(r"\{\{(\w+)\}\}", lambda m: str(names.get(m.group(1), m.group(0))), definition.message)
    return text.strip()


def definition_pointer(ctx: LintContext, path: Sequence[str | int], resolved: bool) -> str:
    """Where the node at `path` (of the resolved document) is written, as a pointer into the
    bundled document: `$ref`s followed to their definitions, absent tail tokens dropped."""
    document = ctx.document
    node: Any = document
    where: list[str] = []
    for token in path:
        if resolved:
            node, where = _through_ref(document, node, where)
        key: Any = token
        if isinstance(node, dict) and str(key) in node:
            node = node[str(key)]
            where.append(str(key))
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
            where.append(str(key))
        else:
            break
    else:
        if resolved:
            node, where = _through_ref(document, node, where)
    return pointers.from_path(where)


def _through_ref(document: Any, node: Any, where: list[str]) -> tuple[Any, list[str]]:
    for _ in range(32):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#"):
            break
        try:
            target = pointers.resolve(document, ref[1:])
        except (KeyError, IndexError, ValueError, TypeError):
            break
        node, where = target, pointers.split(ref[1:])
    return node, where


def references(ctx: LintContext) -> set[str]:
    """Every internal `$ref` target in the document, as a pointer (unreferencedReusableObject)."""
    cached = ctx.cache.get("references")
    if cached is None:
        cached = set()
        stack: list[Any] = [ctx.document]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#"):
                    cached.add(ref[1:])
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
            elif isinstance(node, list):
                stack.extend(v for v in node if isinstance(v, (dict, list)))
        ctx.cache["references"] = cached
    return cached


def resolved_document(ctx: LintContext) -> Any:
    """The document with internal `$ref`s replaced by their targets (shared, not copied per use;
    a reference back into a target being resolved stays a `$ref`, as cycles must)."""
    cached = ctx.cache.get("resolved")
    if cached is None:
        cached = _Resolver(ctx.document).resolve(ctx.document, "")
        ctx.cache["resolved"] = cached
    return cached


class _Resolver:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.memo: dict[str, Any] = {}
        self.building: set[str] = set()

    def resolve(self, node: Any, pointer: str) -> Any:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20000))
        try:
            return self._node(node, pointer)
        finally:
            sys.setrecursionlimit(limit)

    def _node(self, node: Any, pointer: str) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                return self._target(node, ref[1:])
            if pointer in self.memo:
                return self.memo[pointer]
            return {key: self._node(value, f"{pointer}/{pointers.escape(key)}") if isinstance(value, (dict, list))
                    else value for key, value in node.items()}
        if isinstance(node, list):
            return [self._node(value, f"{pointer}/{index}") if isinstance(value, (dict, list)) else value
                    for index, value in enumerate(node)]
        return node

    def _target(self, node: dict[str, Any], target: str) -> Any:
        if target in self.memo:
            return self.memo[target]
        if target in self.building:
            return node
        try:
            raw = pointers.resolve(self.document, target)
        except (KeyError, IndexError, ValueError, TypeError):
            return node
        self.building.add(target)
        try:
            value = self._node(raw, target)
        finally:
            self.building.discard(target)
        self.memo[target] = value
        return value
