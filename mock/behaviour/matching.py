"""Whether a request meets a rule's conditions: path / query / header values and body pointers.

Path, query and header values arrive as text; a condition written as a number or a boolean
compares with the text read as one (`version: 2` matches `?version=2`). Body values are
compared as the JSON they are. A missing value fails every test except `present: false`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from accord import pointers

if TYPE_CHECKING:
    from accord.mock.behaviour.model import Condition

_MISSING: Any = object()


class RequestView:
    """The values rules read, taken from an exchange once and parsed only when asked."""

    def __init__(self, path: dict[str, str], query: list[tuple[str, str]], headers: dict[str, str],
                 body: bytes, content_type: str) -> None:
        self.path = path
        self.query = query
        self.headers = headers
        self._raw = body
        self._content_type = content_type
        self._body: Any = _MISSING
        self._parsed = False

    def body(self) -> Any:
        if not self._parsed:
            self._parsed = True
            if self._raw and "json" in self._content_type:
                try:
                    self._body = orjson.loads(self._raw)
                except orjson.JSONDecodeError:
                    self._body = _MISSING
        return self._body

    def value(self, source: str, name: str) -> Any:
        return _READERS[source](self, name)


def _path(view: RequestView, name: str) -> Any:
    return view.path.get(name, _MISSING)


def _query(view: RequestView, name: str) -> Any:
    return next((v for k, v in view.query if k == name), _MISSING)


def _header(view: RequestView, name: str) -> Any:
    return view.headers.get(name, _MISSING)


def _body(view: RequestView, pointer: str) -> Any:
    document = view.body()
    if document is _MISSING:
        return _MISSING
    try:
        return pointers.resolve(document, pointer) if pointer else document
    except (KeyError, IndexError, ValueError, TypeError):
        return _MISSING


#: condition source -> how to read its value from the request
_READERS: dict[str, Callable[[RequestView, str], Any]] = {
    "path": _path, "query": _query, "header": _header, "body": _body,
}


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _equal(expected: Any, actual: Any, textual: bool) -> bool:
    if not textual:
        if isinstance(expected, bool) or isinstance(actual, bool):
            return expected is actual
        return bool(expected == actual)
    if isinstance(expected, bool):
        return actual.lower() == ("true" if expected else "false")
    if isinstance(expected, (int, float)):
        number = _as_number(actual)
        return number is not None and number == float(expected)
    return actual == ("" if expected is None else str(expected))


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else orjson.dumps(value).decode()


def holds(condition: Condition, view: RequestView) -> bool:
    """True when the request meets every test of the condition."""
    value = view.value(condition.source, condition.name)
    if value is _MISSING:
        return condition.present is False
    if condition.present is False:
        return False
    textual = condition.source != "body"
    if condition.has_equals and not _equal(condition.equals, value, textual):
        return False
    if condition.minimum is not None or condition.maximum is not None:
        number = _as_number(value)
        if number is None:
            return False
        if condition.minimum is not None and number < condition.minimum:
            return False
        if condition.maximum is not None and number > condition.maximum:
            return False
    return condition.regex is None or condition.regex.search(_as_text(value)) is not None


def matches(conditions: tuple[Condition, ...], view: RequestView) -> bool:
    return all(holds(c, view) for c in conditions)
