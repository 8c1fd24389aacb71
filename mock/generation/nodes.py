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

from accord.mock.generation.errors import GenerationError
from accord.mock.generation.strings import WORDS

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


class JsonPathValue:
    """A value still to be resolved: what `path` finds in the finished body, else `fallback`
    (json-schema-faker's `jsonPath` keyword with `resolveJsonPath`; `Generator` resolves it)."""

    __slots__ = ("check", "fallback", "path")

    def __init__(self, path: str, fallback: Any, check: Check) -> None:
        self.path = path
        self.fallback = fallback
        self.check = check


class JsonPathNode:
    """A schema with a `jsonPath`: its own generated value, to be replaced once the body is whole."""

    __slots__ = ("check", "inner", "path")

    def __init__(self, path: str, inner: Node, check: Check) -> None:
        self.path = path
        self.inner = inner
        self.check = check

    def gen(self, rng: Random, depth: int) -> Any:
        return JsonPathValue(self.path, self.inner.gen(rng, depth), self.check)

    def cost(self, stack: set[int]) -> int:
        return self.inner.cost(stack)
