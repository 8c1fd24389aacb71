"""Validation errors of a large instance in bounded time.

jsonschema-rs builds every error before `iter_errors` yields the first, at ~25-50 µs each: a
4 MB body of two million wrong array items kept the mock's and the service's event loops busy
for minutes (docs/reliability.md). `errors_of` asks for every error only when the instance is
small; for a large one it reports the first violation of the whole instance (`validate` stops
there: cheap) and every violation of a sample whose arrays are cut short, so the work is bounded
by `SAMPLE_NODES` however large the body is. Callers cap the errors they list anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: Instances with at most this many JSON values get every error, as before.
FULL_NODES = 5_000
#: The sample of a larger instance keeps about this many values (arrays cut, objects whole).
SAMPLE_NODES = 500
#: Kinds an array cut short can make up (its length is no longer the instance's): not reported
#: from the sample; the first violation of the whole instance still reports a real one.
_LENGTH_KINDS = frozenset({"minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains"})


def size_at_most(value: Any, limit: int) -> bool:
    """Whether `value` holds at most `limit` JSON values (stops counting past the limit)."""
    stack = [value]
    seen = 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > limit:
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def sample(value: Any, budget: int = SAMPLE_NODES) -> Any:
    """A copy with arrays cut once about `budget` values were kept (each keeps its first item)."""
    remaining = [budget]

    def copy(item: Any, depth: int) -> Any:
        remaining[0] -= 1
        if depth > 200:  # deeper than any schema cares: stop copying
            return None
        if isinstance(item, dict):
            return {k: copy(v, depth + 1) for k, v in item.items()}
        if isinstance(item, list):
            kept = []
            for index, element in enumerate(item):
                if index and remaining[0] <= 0:
                    break
                kept.append(copy(element, depth + 1))
            return kept
        return item

    return copy(value, 0)


def _kind(error: Any) -> str:
    return getattr(getattr(error, "kind", None), "name", "") or type(getattr(error, "kind", None)).__name__


def errors_of(validator: Any, instance: Any, *, text_bytes: int | None = None) -> Iterator[Any]:
    """The validation errors of `instance`: all of them when it is small, else the first one of
    the whole instance followed by those found in a bounded sample of it.

    `text_bytes`: the length of the JSON text `instance` was parsed from, when it was. A JSON
    text holds at most as many values as it has bytes (every value takes at least one byte of
    its own: a digit, a quote, a bracket), so a text of at most FULL_NODES bytes is small
    without walking the value to count."""
    if (text_bytes is not None and text_bytes <= FULL_NODES) or size_at_most(instance, FULL_NODES):
        yield from validator.iter_errors(instance)
        return
    first = None
    try:
        validator.validate(instance)
    except ValueError as exc:  # jsonschema_rs.ValidationError is a ValueError
        if not hasattr(exc, "instance_path"):
            raise
        first = exc
    if first is None:
        return
    yield first
    key = (tuple(first.instance_path), _kind(first))
    for error in validator.iter_errors(sample(instance)):
        if _kind(error) in _LENGTH_KINDS or (tuple(error.instance_path), _kind(error)) == key:
            continue
        yield error
