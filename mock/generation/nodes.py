"""The compiled form of a schema: a tree of small nodes, each with `gen(rng, depth)` and `cost`.

The planner (`mock.generation.planner`) builds the tree once per schema and direction; a
request then only walks it. `depth` counts enclosing objects and arrays: past `MAX_DEPTH` a node
takes the shortest way out (only required properties, the fewest items, null when allowed, the
cheapest `oneOf` branch), which is what ends recursive schemas. `cost` estimates the size of
that shortest way, so a recursive branch is never preferred when a finite one exists.
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Any, Protocol

import orjson

from mock.generation.errors import GenerationError
from mock.generation.strings import WORDS

MAX_DEPTH = 4  # past this many nested objects/arrays, take the shortest way out
HARD_DEPTH = 48  # a schema still nesting here has no finite instance the generator can find
INFINITE = 1 << 30
UNIQUE_TRIES = 16
REJECTION_TRIES = 12
NULL_SHARE = 0.1  # how often a nullable value is null outside the shortest way out

Check = Callable[[Any], bool]


class Node(Protocol):
    def gen(self, rng: Random, depth: int) -> Any: ...
    def cost(self, stack: set[int]) -> int: ...


class ConstNode:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def gen(self, rng: Random, depth: int) -> Any:
        return self.value

    def cost(self, stack: set[int]) -> int:
        return 1


class ChoiceNode:
    """One of a fixed list of values (`enum`)."""

    __slots__ = ("values",)

    def __init__(self, values: list[Any]) -> None:
        self.values = values

    def gen(self, rng: Random, depth: int) -> Any:
        return self.values[int(rng.random() * len(self.values))]

    def cost(self, stack: set[int]) -> int:
        return 1


class BoolNode:
    __slots__ = ()

    def gen(self, rng: Random, depth: int) -> bool:
        return rng.random() < 0.5

    def cost(self, stack: set[int]) -> int:
        return 1


class AnyNode:
    """A schema that says nothing about its value: a plausible word."""

    __slots__ = ()

    def gen(self, rng: Random, depth: int) -> Any:
        return WORDS[int(rng.random() * len(WORDS))]

    def cost(self, stack: set[int]) -> int:
        return 1


class ImpossibleNode:
    """A schema no value satisfies; raises only when generation actually reaches it."""

    __slots__ = ("reason", "where")

    def __init__(self, reason: str, where: str) -> None:
        self.reason = reason
        self.where = where

    def gen(self, rng: Random, depth: int) -> Any:
        raise GenerationError(self.reason, self.where)

    def cost(self, stack: set[int]) -> int:
        return INFINITE


class Slot:
    """Stands for a node still being compiled (a recursive `$ref`); filled in afterwards."""

    __slots__ = ("node",)

    def __init__(self) -> None:
        self.node: Node | None = None

    def gen(self, rng: Random, depth: int) -> Any:
        return self.node.gen(rng, depth)  # type: ignore[union-attr]

    def cost(self, stack: set[int]) -> int:
        if id(self) in stack or self.node is None:
            return INFINITE
        stack.add(id(self))
        try:
            return self.node.cost(stack)
        finally:
            stack.discard(id(self))


class TypeChoiceNode:
    """A schema allowing several types (3.1 `type: [string, integer]`, or no type at all)."""

    __slots__ = ("options",)

    def __init__(self, options: list[Node]) -> None:
        self.options = options

    def gen(self, rng: Random, depth: int) -> Any:
        return self.options[int(rng.random() * len(self.options))].gen(rng, depth)

    def cost(self, stack: set[int]) -> int:
        return min(option.cost(stack) for option in self.options)


class NullableNode:
    """Mostly the inner value, sometimes null; always null on the shortest way out."""

    __slots__ = ("inner",)

    def __init__(self, inner: Node) -> None:
        self.inner = inner

    def gen(self, rng: Random, depth: int) -> Any:
        if depth > MAX_DEPTH or rng.random() < NULL_SHARE:
            return None
        try:
            return self.inner.gen(rng, depth)
        except GenerationError:
            return None

    def cost(self, stack: set[int]) -> int:
        return 1


class CandidatesNode:
    """The schema's own valid `example`/`examples`/`default` most of the time, else generated."""

    __slots__ = ("inner", "values")
    SHARE = 0.75

    def __init__(self, values: list[Any], inner: Node) -> None:
        self.values = values
        self.inner = inner

    def gen(self, rng: Random, depth: int) -> Any:
        if depth > MAX_DEPTH or rng.random() < self.SHARE:
            return self.values[int(rng.random() * len(self.values))]
        return self.inner.gen(rng, depth)

    def cost(self, stack: set[int]) -> int:
        return 1


class NotNode:
    """Values of `inner` that none of the `not` schemas accepts (by rejection)."""

    __slots__ = ("inner", "rejects", "where")

    def __init__(self, inner: Node, rejects: list[Check], where: str) -> None:
        self.inner = inner
        self.rejects = rejects
        self.where = where

    def gen(self, rng: Random, depth: int) -> Any:
        for _ in range(REJECTION_TRIES):
            value = self.inner.gen(rng, depth)
            if not any(reject(value) for reject in self.rejects):
                return value
        raise GenerationError("every value tried is excluded by `not`", self.where)

    def cost(self, stack: set[int]) -> int:
        return self.inner.cost(stack)


class BranchesNode:
    """`oneOf` / `anyOf`: one branch; for `oneOf` the value must match no other branch.

    `others[i]` are the checks of the branches other than i (empty for `anyOf`). When a
    `oneOf`'s branches overlap (open objects whose properties all fit each other), the branch
    is generated on its shortest way (fewer properties), and `rescue(i, value)` may add a
    property another branch declares with a value that branch rejects; both are checked.
    """

    __slots__ = ("branches", "kind", "others", "rescue", "where")

    def __init__(self, kind: str, branches: list[Node], others: list[list[Check]],
                 rescue: Callable[[int, Any], Any] | None, where: str) -> None:
        self.kind = kind
        self.branches = branches
        self.others = others
        self.rescue = rescue
        self.where = where

    def gen(self, rng: Random, depth: int) -> Any:
        count = len(self.branches)
        if depth > MAX_DEPTH:
            order = sorted(range(count), key=lambda i: self.branches[i].cost(set()))
        else:
            start = int(rng.random() * count)
            order = [(start + step) % count for step in range(count)]
        last: GenerationError | None = None
        overlapping: list[tuple[int, Any]] = []
        for index in order:
            for _ in range(2):
                try:
                    value = self.branches[index].gen(rng, depth)
                except GenerationError as exc:
                    last = exc
                    break
                if not any(check(value) for check in self.others[index]):
                    return value
                overlapping.append((index, value))
        for index, value in overlapping[::2]:
            found = self._disambiguate(index, value, rng, depth)
            if found is not _NONE:
                return found
        if last is not None and not overlapping:
            raise last
        raise GenerationError(f"no value matches exactly one `{self.kind}` branch", self.where)

    def _disambiguate(self, index: int, value: Any, rng: Random, depth: int) -> Any:
        if self.rescue is not None:
            rescued = self.rescue(index, value)
            if rescued is not None:
                return rescued
        try:
            lean = self.branches[index].gen(rng, max(depth, MAX_DEPTH + 1))
        except GenerationError:
            return _NONE
        if not any(check(lean) for check in self.others[index]):
            return lean
        if self.rescue is not None:
            rescued = self.rescue(index, lean)
            if rescued is not None:
                return rescued
        return _NONE

    def cost(self, stack: set[int]) -> int:
        return min(branch.cost(stack) for branch in self.branches)


_NONE: Any = object()


class ObjectNode:
    """Objects: every property by default (realistic data), only required ones past MAX_DEPTH.

    No key outside `properties` is invented unless `minProperties` asks for it or the schema is
    a map (`additionalProperties` a schema and no `properties`).
    """

    __slots__ = (
        "extra",
        "extra_key",
        "fixed",
        "map_entries",
        "max_props",
        "min_props",
        "optional",
        "ordered",
        "required",
        "simple",
        "where",
    )

    def __init__(self, required: list[tuple[str, Node]], optional: list[tuple[str, Node]],
                 fixed: dict[str, Any], extra: Node | None, extra_key: Callable[[Random, int], str],
                 min_props: int, max_props: int | None, map_entries: bool, where: str,
                 declared_order: list[str] | None = None) -> None:
        self.required = required
        self.optional = optional
        self.fixed = fixed
        self.extra = extra
        self.extra_key = extra_key
        self.min_props = min_props
        self.max_props = max_props
        self.map_entries = map_entries
        self.where = where
        order = {name: index for index, name in enumerate(declared_order or ())}
        self.ordered = sorted([*required, *optional], key=lambda pair: order.get(pair[0], len(order)))
        self.simple = not fixed and not map_entries and min_props == 0 and (
            max_props is None or max_props >= len(self.ordered))

    def gen(self, rng: Random, depth: int) -> dict[str, Any]:
        if self.simple and depth <= MAX_DEPTH:  # the common case: every property, in document order
            inner = depth + 1
            try:
                return {name: node.gen(rng, inner) for name, node in self.ordered}
            except GenerationError:
                pass  # an optional property that cannot be generated: the general path leaves it out
        if depth > HARD_DEPTH:
            raise GenerationError("the schema nests without end (no finite instance found)", self.where)
        inner = depth + 1
        out: dict[str, Any] = {}
        for name, node in self.required:
            out[name] = node.gen(rng, inner)
        optional = self.optional
        if depth > MAX_DEPTH:
            optional = optional[: max(0, self.min_props - len(out))]
        elif self.max_props is not None and len(out) + len(optional) > self.max_props:
            room = max(0, self.max_props - len(out))
            optional = rng.sample(optional, room) if room < len(optional) else optional
        for name, node in optional:
            try:
                out[name] = node.gen(rng, inner)
            except GenerationError:
                continue  # e.g. an optional oneOf whose branches always overlap: leave it out
        if self.fixed:
            out.update(self.fixed)
        wanted = self.min_props
        if self.map_entries and depth <= MAX_DEPTH:
            wanted = max(wanted, len(out) + 1 + int(rng.random() * 2))
        if self.max_props is not None:
            wanted = min(wanted, self.max_props)
        if len(out) < wanted:
            self._fill(out, wanted, rng, inner)
        return out

    def _fill(self, out: dict[str, Any], wanted: int, rng: Random, depth: int) -> None:
        if self.extra is None:
            raise GenerationError(f"minProperties {wanted} needs keys the schema does not allow", self.where)
        for attempt in range(wanted * 4):
            key = self.extra_key(rng, attempt)
            if key not in out:
                out[key] = self.extra.gen(rng, depth)
                if len(out) >= wanted:
                    return
        raise GenerationError(f"could not find {wanted} distinct property names", self.where)

    def cost(self, stack: set[int]) -> int:
        total = 1
        for _name, node in self.required:
            total += node.cost(stack)
            if total >= INFINITE:
                return INFINITE
        return total


class ArrayNode:
    """Arrays: short by default (1–2 items), `minItems` honoured however large, no tick budget."""

    __slots__ = ("contains", "items", "max_items", "min_items", "prefix", "unique", "where")

    def __init__(self, prefix: list[Node], items: Node | None, contains: Node | None, min_items: int,
                 max_items: int | None, unique: bool, where: str) -> None:
        self.prefix = prefix
        self.items = items  # None: no items beyond the prefix (3.1 `items: false`)
        self.contains = contains
        self.min_items = min_items
        self.max_items = max_items
        self.unique = unique
        self.where = where

    def gen(self, rng: Random, depth: int) -> list[Any]:
        if depth > HARD_DEPTH:
            raise GenerationError("the schema nests without end (no finite instance found)", self.where)
        low = self.min_items
        if self.contains is not None:
            low = max(low, 1)
        if depth > MAX_DEPTH:
            count = low
        else:
            count = max(low, 1 + int(rng.random() * 2))
            if self.max_items is not None:
                count = min(count, self.max_items)
        if self.items is None:
            count = min(count, len(self.prefix))
        inner = depth + 1
        out: list[Any] = []
        seen: set[Any] = set()
        for index in range(count):
            node = self._node(index)
            tries = UNIQUE_TRIES if self.unique else 1
            for _ in range(tries):
                try:
                    value = node.gen(rng, inner)
                except GenerationError:
                    if len(out) >= low:
                        return out
                    raise
                if not self.unique:
                    break
                key = _identity(value)
                if key not in seen:
                    seen.add(key)
                    break
            else:
                if len(out) >= low:
                    return out
                raise GenerationError(f"could not find {low} distinct items for uniqueItems", self.where)
            out.append(value)
        return out

    def _node(self, index: int) -> Node:
        if index < len(self.prefix):
            return self.prefix[index]
        if index == len(self.prefix) and self.contains is not None:
            return self.contains
        return self.items  # type: ignore[return-value]

    def cost(self, stack: set[int]) -> int:
        if self.min_items == 0:
            return 1
        per_item = (self.items or self.prefix[0]).cost(stack) if (self.items or self.prefix) else 1
        return min(INFINITE, 1 + self.min_items * per_item)


def _identity(value: Any) -> Any:
    """A hashable stand-in for JSON equality (uniqueItems); `true` and 1 are kept apart."""
    if isinstance(value, (dict, list)):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    if isinstance(value, bool):
        return ("bool", value)
    return value
