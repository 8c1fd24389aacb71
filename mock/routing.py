"""Path matching: a segment trie where literal segments are tried before templated ones.

OpenAPI 3 §4.8.8: "When matching URLs, concrete (non-templated) paths would be matched before
their templated counterparts." Prism scores +1 per exact segment and +0.5 per templated one;
walking the trie literal-first yields matches in that order. Server URLs are ignored for
routing, as in Prism (call `/pets`, not `/api/v1/pets`).

A path key may carry a fragment, as AWS's published documents do (`/#X-Amz-Target=Svc.Op`,
`/{Bucket}#uploads`, `/{Bucket}/{Key}#partNumber&uploadId`): a fragment never travels in an
HTTP request (RFC 3986 §3.5), so clients send the path before `#`, and the operation is told
apart by what the fragment names — a header or query parameter with that value, or a query
parameter that is present. `Fragment` holds those conditions; `mock/app.py`'s `route` picks
among the operations of one path and method.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import parse_qs, unquote

T = TypeVar("T")

_TEMPLATE = re.compile(r"\{([^{}/]+)\}")


@dataclass(slots=True)
class _Node(Generic[T]):
    literal: dict[str, _Node[T]] = field(default_factory=dict)
    # (regex, names, child): segments mixing text and templates, e.g. "{name}.json"
    partial: list[tuple[re.Pattern[str], tuple[str, ...], _Node[T]]] = field(default_factory=list)
    param: tuple[str, _Node[T]] | None = None
    leaves: list[T] = field(default_factory=list)  # same shape, other names: /a/{id} and /a/{key}


@dataclass(slots=True)
class Match(Generic[T]):
    """A matched target and the decoded values of its templated parts, in template order.

    Not frozen, and not to be changed: made per request, and a frozen dataclass's __init__ costs
    four times a plain one's."""

    target: T
    values: tuple[str, ...]
    group: int = 0  # matches with the same group share one shape (/a/{id} and /a/{key})


class PathEncodingError(ValueError):
    """A percent-encoded path segment that is not valid UTF-8."""


def split_path(raw: str) -> list[str]:
    """Split the raw (still percent-encoded) path on `/`, then decode each segment.

    Splitting first keeps an encoded slash (`%2F`) inside its segment.
    """
    segments = raw[1:].split("/") if raw[:1] == "/" else raw.split("/")
    if "%" not in raw:
        return segments
    try:
        return [unquote(s, errors="strict") if "%" in s else s for s in segments]
    except UnicodeDecodeError as exc:
        raise PathEncodingError("the path is not valid UTF-8 once percent-decoded") from exc


class Router(Generic[T]):
    """Maps path templates to targets; `match` yields every match, best first."""

    def __init__(self) -> None:
        self._root: _Node[T] = _Node()

    def add(self, template: str, target: T) -> None:
        node = self._root
        for segment in split_template(template):
            names = tuple(_TEMPLATE.findall(segment))
            if not names:
                node = node.literal.setdefault(segment, _Node())
            elif _TEMPLATE.fullmatch(segment):
                # /a/{id} and /a/{key}/b share one node: names are bound per leaf, in order.
                if node.param is None:
                    node.param = (names[0], _Node())
                node = node.param[1]
            else:
                pattern = _segment_regex(segment)
                for existing, _, child in node.partial:
                    if existing.pattern == pattern.pattern:
                        node = child
                        break
                else:
                    child = _Node()
                    node.partial.append((pattern, names, child))
                    node = child
        node.leaves.append(target)

    def match(self, segments: list[str], *, empty: bool = False) -> list[Match[T]]:
        """Every template matching `segments`, literal-first (the best match first).

        `empty`: an empty segment before the last may fill a template (`/groups//members` is
        `/groups/{group}/members` with group "", RFC 6570's expansion of an empty value); callers
        try it only when nothing else matched. A trailing slash never fills one."""
        found: list[Match[T]] = []
        self._walk(self._root, segments, 0, len(segments), (), empty, found)
        return found

    def _walk(self, node: _Node[T], segments: list[str], index: int, last: int, values: tuple[str, ...],
              empty: bool, found: list[Match[T]]) -> None:
        """Append the matches under `node` to `found`, in order (a plain recursion: a generator per
        level cost as much as the rest of a request's routing)."""
        if index == last:
            for leaf in node.leaves:
                found.append(Match(leaf, values, id(node)))
            return
        segment = segments[index]
        child = node.literal.get(segment)
        if child is not None:
            self._walk(child, segments, index + 1, last, values, empty, found)
        if node.partial:
            for pattern, _names, partial_child in node.partial:
                hit = pattern.fullmatch(segment)
                if hit:
                    self._walk(partial_child, segments, index + 1, last, values + hit.groups(), empty, found)
        # An empty segment does not fill a template: `/pets/` is not `/pets/{id}` with id "".
        if node.param is not None and (segment or (empty and index < last - 1)):
            self._walk(node.param[1], segments, index + 1, last, (*values, segment), empty, found)


@dataclass(slots=True, frozen=True)
class Fragment:
    """The conditions a path key's `#…` part sets: (name, value) pairs, value None for "present".

    `where` says, per condition, where the path item's operations declare the name ("header" or
    "query"); a name declared nowhere ("") is looked for in both.
    """

    conditions: tuple[tuple[str, str | None], ...]
    where: tuple[str, ...] = ()  # per condition: "header", "query" or "" (either)

    def holds(self, headers: Mapping[str, str], query: Mapping[str, list[str]]) -> bool:
        for (name, value), where in zip(self.conditions, self.where or ("",) * len(self.conditions), strict=True):
            sent: list[str] = []
            if where != "query" and name.lower() in headers:
                sent.append(headers[name.lower()].strip())
            if where != "header":
                sent.extend(query.get(name, ()))
            if not sent or (value is not None and value not in sent):
                return False
        return True

    def describe(self) -> str:
        return " and ".join(name if value is None else f"{name}: {value}" for name, value in self.conditions)


def split_fragment(template: str) -> tuple[str, Fragment | None]:
    """`/{Bucket}#uploads` → ("/{Bucket}", Fragment((("uploads", None),))); no `#`: (template, None)."""
    path, hash_sign, fragment = template.partition("#")
    if not hash_sign:
        return template, None
    conditions: list[tuple[str, str | None]] = []
    for part in fragment.split("&"):
        name, equals, value = part.partition("=")
        if name:
            conditions.append((unquote(name), unquote(value) if equals else None))
    return path, Fragment(tuple(conditions)) if conditions else None


def query_values(raw: bytes) -> dict[str, list[str]]:
    """The query string's values by name (blank values kept: `?uploads` names `uploads`)."""
    return parse_qs(raw.decode("latin-1"), keep_blank_values=True)


def split_template(template: str) -> list[str]:
    return template.split("/")[1:] if template.startswith("/") else template.split("/")


def template_names(template: str) -> list[str]:
    """Parameter names in the order they appear in the template."""
    return _TEMPLATE.findall(template)


def _segment_regex(segment: str) -> re.Pattern[str]:
    parts: list[str] = []
    last = 0
    for hit in _TEMPLATE.finditer(segment):
        parts.append(re.escape(segment[last : hit.start()]))
        parts.append("(.+?)")
        last = hit.end()
    parts.append(re.escape(segment[last:]))
    return re.compile("".join(parts))
