"""Container nodes: objects (properties, maps, min/maxProperties) and arrays (items, uniqueness).

Past `MAX_DEPTH` both take the shortest way out: only required properties, `minItems` items.
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Any

import orjson

from accord.mock.generation.errors import GenerationError
from accord.mock.generation.nodes import HARD_DEPTH, INFINITE, MAX_DEPTH, UNIQUE_TRIES, Node


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
    """Arrays: short by default (1–2 items), `minItems` honoured however large, no tick budget.

    `contains` fills the `min_contains` places right after the prefix (`minContains`, 1 by default).
    """

    __slots__ = ("contains", "items", "max_items", "min_contains", "min_items", "prefer", "prefix", "unique", "where")

    def __init__(self, prefix: list[Node], items: Node | None, contains: Node | None, min_items: int,
                 max_items: int | None, unique: bool, where: str, min_contains: int = 1,
                 prefer: tuple[int, int | None] | None = None) -> None:
        self.prefix = prefix
        self.items = items  # None: no items beyond the prefix (3.1 `items: false`)
        self.contains = contains
        self.min_items = min_items
        self.max_items = max_items
        self.unique = unique
        self.where = where
        self.min_contains = min_contains
        #: The item count preferred (json-schema-faker's minItems/maxItems options), already
        #: inside [min_items, max_items]; a shortfall down to min_items is still accepted.
        self.prefer = prefer

    def gen(self, rng: Random, depth: int) -> list[Any]:
        if depth > HARD_DEPTH:
            raise GenerationError("the schema nests without end (no finite instance found)", self.where)
        low = self.min_items
        if self.contains is not None:
            low = max(low, len(self.prefix) + self.min_contains)
            if self.max_items is not None:
                low = min(low, self.max_items)
        if depth > MAX_DEPTH:
            count = low
        else:
            count = max(low, 1 + int(rng.random() * 2))
            if self.prefer is not None:
                least, most = self.prefer
                count = max(count, least) if most is None else min(max(count, least), most)
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
        if self.contains is not None and index - len(self.prefix) < self.min_contains:
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
