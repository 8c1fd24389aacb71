"""What a consumer relies on in a response, checked the Pact way: by type, lenient on extras.

A recorded response says: this status, this media type, these headers present, and every field
the consumer got present again with a value of the same JSON type. Values may differ and extra
fields are fine (Pact's `type` matcher, Postel's law). A recorded `null` pins nothing (the type
the consumer expects is unknown); an array's elements are each checked against the recorded
elements (any one of them may fit, so lists of mixed shapes are not flagged).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from accord import pointers
from accord.consumer.contract import Body, Response
from accord.locations import Location

#: Header values and body fields are compared by these JSON types.
_TYPES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "boolean"),  # before int: bool is an int in Python
    ((int, float), "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
    (type(None), "null"),
)


def json_type(value: Any) -> str:
    return next(name for kind, name in _TYPES if isinstance(value, kind))


@dataclass(slots=True, frozen=True)
class Mismatch:
    """One thing the consumer relies on that the response does not give.

    `where` is status, content-type, header, body, or request (it could not be replayed);
    `name` the header; `pointer` an RFC 6901 pointer into the response body.
    """

    where: str
    message: str
    name: str = ""
    pointer: str = ""

    @property
    def location(self) -> Location:
        """Where in the interaction's JSON (`/response/body/content/...`) the expectation is."""
        return Location(pointer=self._pointer())

    def _pointer(self) -> str:
        if self.where == "body":
            return "/response/body/content" + self.pointer
        if self.where == "header":
            return pointers.join("/response/headers", self.name)
        if self.where == "content-type":
            return "/response/headers/Content-Type"
        if self.where == "request":
            return "/request"
        return "/response/status"


@dataclass(slots=True, frozen=True)
class Actual:
    """A response as the target sent it."""

    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body) if self.body else None


def media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def check_response(expected: Response, actual: Actual) -> list[Mismatch]:
    """Every way `actual` fails what the consumer got in `expected` (empty: it satisfies it)."""
    if actual.status != expected.status:
        return [Mismatch("status", f"status {actual.status}, the consumer got {expected.status}")]
    found: list[Mismatch] = []
    want_type = media_type(expected.content_type)
    got_type = media_type(actual.headers.get("content-type"))
    if want_type and got_type != want_type:
        found.append(Mismatch("content-type", f"content type {got_type or '(none)'}, the consumer got {want_type}"))
    for name in expected.headers:
        if name.lower() != "content-type" and name.lower() not in actual.headers:
            found.append(Mismatch("header", f"header {name} is missing", name=name))
    if expected.body is not None and not found:
        found.extend(_check_body(expected.body, actual))
    return found


def _check_body(expected: Body, actual: Actual) -> list[Mismatch]:
    if not expected.json:
        return [] if actual.body else [Mismatch("body", "the body is empty; the consumer got one")]
    try:
        value = actual.json()
    except orjson.JSONDecodeError as exc:
        return [Mismatch("body", f"the body is not JSON ({exc.msg})")]
    return list(_compare(expected.content, value, ()))


def _compare(expected: Any, actual: Any, path: tuple[str | int, ...]) -> Iterator[Mismatch]:
    if expected is None:
        return
    want, got = json_type(expected), json_type(actual)
    pointer = pointers.from_path(path)
    if want != got:
        message = f"{_name(pointer)} is {_article(got)}, the consumer got {_article(want)}"
        yield Mismatch("body", message, pointer=pointer)
        return
    if want == "object":
        for key, inner in expected.items():
            if key not in actual:
                yield Mismatch("body", f"{_name(pointers.from_path((*path, key)))} is missing",
                               pointer=pointers.from_path((*path, key)))
            else:
                yield from _compare(inner, actual[key], (*path, key))
    elif want == "array" and expected:
        for index, item in enumerate(actual):
            best: list[Mismatch] | None = None
            for template in expected:
                problems = list(_compare(template, item, (*path, index)))
                if not problems:
                    best = []
                    break
                if best is None:
                    best = problems
            yield from best or []


def _name(pointer: str) -> str:
    return f"field {pointer}" if pointer else "the body"


def _article(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


# -- values carried from earlier responses ----------------------------------------------------
def evaluate(expression: str, status: int, headers: dict[str, str], body: Any) -> str | None:
    """An OpenAPI runtime expression (§4.8.20.4) over a response; None when it yields nothing."""
    if expression == "$statusCode":
        return str(status)
    if expression.startswith("$response.header."):
        return headers.get(expression.removeprefix("$response.header.").lower())
    if expression.startswith("$response.body"):
        fragment = expression.removeprefix("$response.body")
        try:
            value = pointers.resolve(body, fragment.removeprefix("#")) if fragment else body
        except (KeyError, ValueError):
            return None
        if isinstance(value, (dict, list)) or value is None:
            return None
        return str(value).lower() if isinstance(value, bool) else str(value)
    return None


# -- what a consumer uses (for `accord diff --consumer`) ---------------------------------------
def field_paths(value: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every field of a JSON value as a path of names, `[]` standing for any array item."""
    if isinstance(value, dict):
        for key, inner in value.items():
            path = (*prefix, str(key))
            yield path
            yield from field_paths(inner, path)
    elif isinstance(value, list):
        for item in value:
            yield (*prefix, "[]")
            yield from field_paths(item, (*prefix, "[]"))
