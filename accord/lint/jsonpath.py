"""Spectral's `given` JSONPath dialect, evaluated with python-jsonpath.

Spectral evaluates `given` with nimma / jsonpath-plus: JSONPath plus JavaScript in filters
and a few extensions. The common forms are rewritten into python-jsonpath's syntax:

    $.paths.*~                        keys:        $.paths.~
    $.paths[*][get,put]               bare names:  $.paths[*]['get','put']
    [?(@property === 'get')]          current key: [?(# == 'get')]     (@key too)
    [?(@.type == 'string' && !@.format)]           kept (&&, ||, ! are shared)
    [?(@property.match(/^x-/i))]      regex:       [?(jsmatch(#, '^x-', 'i'))]  (JS search semantics)
    [?(@.name.startsWith('x'))]       .startsWith / .endsWith / .includes('s') on strings
    [?(['a','b'].includes(@.in))]     membership:  [?(@.in in ['a','b'])]
    [?(@.enum.length > 1)]            length:      [?(length(@.enum) > 1)]

What cannot be rewritten (`@path`, `@parent`, `@parentProperty`, `typeof`, arbitrary JS)
raises UnsupportedPath, and the rule using it is reported as not run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

import jsonpath
from jsonpath.exceptions import JSONPathError
from jsonpath.filter import UNDEFINED, UNDEFINED_LITERAL
from jsonpath.function_extensions import ExpressionType, FilterFunction
from jsonpath.match import JSONPathMatch
from jsonpath.segments import JSONPathRecursiveDescentSegment


class UnsupportedPath(ValueError):
    """A `given` (or `then.field`) path this dialect cannot evaluate."""


class _JsMatch(FilterFunction):
    """`jsmatch(value, pattern, flags)`: JavaScript's `String.prototype.match` as a test (search)."""

    arg_types = [ExpressionType.VALUE, ExpressionType.VALUE, ExpressionType.VALUE]  # noqa: RUF012 (the base's shape)
    return_type = ExpressionType.LOGICAL

    def __call__(self, value: object, pattern: object, flags: object) -> bool:
        if not isinstance(value, str) or not isinstance(pattern, str):
            return False
        return js_regex(pattern, flags if isinstance(flags, str) else "").search(value) is not None


class _JsTruthy(FilterFunction):
    """`jstruthy(value)`: JavaScript truthiness, what a bare `@.x` means in a Spectral filter
    (in RFC 9535 it only tests that `x` exists: `required: false` would pass)."""

    arg_types = [ExpressionType.VALUE]  # noqa: RUF012 (the base's shape)
    return_type = ExpressionType.LOGICAL

    def __call__(self, value: object) -> bool:
        if value is None or value is False or value == "" or value is UNDEFINED or value is UNDEFINED_LITERAL:
            return False
        return not (isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0)


class _Env(jsonpath.JSONPathEnvironment):
    def setup_function_extensions(self) -> None:
        super().setup_function_extensions()
        self.function_extensions["jsmatch"] = _JsMatch()
        self.function_extensions["jstruthy"] = _JsTruthy()


_ENV = _Env()
#: Descendant walks of one document, shared by every rule's query (see `shared_walks`).
_WALKS: ContextVar[dict[int, list[JSONPathMatch]] | None] = ContextVar("accord_lint_walks", default=None)


class _SharedDescent(JSONPathRecursiveDescentSegment):
    """`..` that visits each object once per walk (a `$ref` target shared by many uses is one
    definition, reported once anyway) and, inside `shared_walks()`, reuses the walk from the
    root or a top-level member for every rule that starts one there."""

    #: (member, value) every child a filter selector keeps must have, when it says so (see _guard).
    guards: tuple[tuple[str, str] | None, ...] = ()

    def resolve(self, nodes: Iterable[JSONPathMatch]) -> Iterable[JSONPathMatch]:
        """As the library's, but a filter with a guard skips nodes none of whose children pass it."""
        for node in nodes:
            for visited in self._visit(node):
                for selector, guard in zip(self.selectors, self.guards or (None,) * len(self.selectors),
                                           strict=True):
                    if guard is not None and not _any_child_has(visited.obj, guard):
                        continue
                    yield from selector.resolve(visited)

    def _visit(self, node: JSONPathMatch, depth: int = 1) -> Iterable[JSONPathMatch]:
        walks = _WALKS.get()
        if walks is None or len(node.parts) > 1:
            return self._walk(node)
        key = id(node.obj)
        if key not in walks:
            walks[key] = list(self._walk(node))
        return walks[key]

    @staticmethod
    def _walk(start: JSONPathMatch) -> Iterator[JSONPathMatch]:
        seen: set[int] = set()
        stack = [start]
        while stack:
            node = stack.pop()
            yield node
            obj = node.obj
            if isinstance(obj, Mapping):
                children: Iterable[tuple[Any, Any]] = obj.items()
            elif isinstance(obj, Sequence) and not isinstance(obj, str):
                children = enumerate(obj)
            else:
                continue
            found = []
            for name, value in children:
                if isinstance(value, (Mapping, Sequence)) and not isinstance(value, str) and id(value) not in seen:
                    seen.add(id(value))
                    found.append(node.new_child(value, name))
            stack.extend(reversed(found))


@contextmanager
def shared_walks(cache: dict[int, list[JSONPathMatch]]) -> Iterator[None]:
    """Within this block, descendant walks from the same start node are done once (`cache`)."""
    token = _WALKS.set(cache)
    try:
        yield
    finally:
        _WALKS.reset(token)


def _any_child_has(obj: Any, guard: tuple[str, str]) -> bool:
    key, value = guard
    children = obj.values() if isinstance(obj, Mapping) else obj if isinstance(obj, list) else ()
    return any(isinstance(child, Mapping) and child.get(key) == value for child in children)


def _guard(selector: Any) -> tuple[str, str] | None:
    """(member, string) a filter's conjunction requires (`@['type'] == 'string' && ...`), else None.

    Only a necessary condition is taken: no `||` and no negated group, so skipping a node whose
    children all fail it changes no result."""
    expression = getattr(selector, "expression", None)
    if expression is None:
        return None
    text = str(expression)
    if "||" in text or "!(" in text:
        return None
    found = re.search(r"(?<!!)@\['([^'\\]+)'\] == (?:'([^'\\]*)'|\"([^\"\\]*)\")", text)
    if found is None:
        return None
    return found.group(1), found.group(2) if found.group(2) is not None else found.group(3)


def _share_descents(compiled: Any) -> Any:
    for segment in getattr(compiled, "segments", ()):
        if type(segment) is JSONPathRecursiveDescentSegment:
            segment.__class__ = _SharedDescent
            shared: _SharedDescent = segment  # type: ignore[assignment]  # the class was just swapped
            shared.guards = tuple(_guard(selector) for selector in segment.selectors)
    return compiled
_UNSUPPORTED = ("@path", "@parentProperty", "@parent", "typeof ", "@root", "=>", "function")


@lru_cache(maxsize=1024)
def js_regex(pattern: str, flags: str = "") -> re.Pattern[str]:
    """A JavaScript regular expression as a Python one (the common subset; `/re/flags` or bare)."""
    literal = re.fullmatch(r"/(.+)/([a-z]*)", pattern, re.S)
    if literal is not None:
        pattern, flags = literal.group(1), flags + literal.group(2)
    value = 0
    for flag, python in (("i", re.I), ("m", re.M), ("s", re.S)):
        if flag in flags:
            value |= python
    pattern = re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", pattern)  # named groups
    pattern = pattern.replace(r"\/", "/")
    try:
        return re.compile(pattern, value)
    except re.error as exc:
        raise UnsupportedPath(f"regular expression {pattern!r}: {exc}") from exc


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


_JS_STRING = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_OPERAND = r"(@(?:property|key)|@(?:\.[\w$-]+|\[[^\]]*\])*)"


def _string_value(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def _filter(expression: str) -> str:
    """Rewrite one JavaScript filter expression into python-jsonpath's filter syntax."""
    for token in _UNSUPPORTED:
        if token in expression:
            raise UnsupportedPath(f"filter uses {token.strip()}, which has no equivalent here")
    text = expression.replace("===", "==").replace("!==", "!=")
    # X.match(/re/flags) and X.match('re')  -> jsmatch(X, 're', 'flags')
    text = re.sub(_OPERAND + r"\.match\(/((?:[^/\\]|\\.)+)/([a-z]*)\)",
                  lambda m: f"jsmatch({m.group(1)}, {_quote(m.group(2))}, {_quote(m.group(3))})", text)
    text = re.sub(_OPERAND + r"\.match\((" + _JS_STRING + r")\)",
                  lambda m: f"jsmatch({m.group(1)}, {_quote(_string_value(m.group(2)))}, '')", text)
    # string helpers
    for method, prefix, suffix in (("startsWith", "^", ""), ("endsWith", "", "$"), ("includes", "", "")):
        def helper(m: re.Match[str], prefix: str = prefix, suffix: str = suffix) -> str:
            regex = prefix + re.escape(_string_value(m.group(2))) + suffix
            return f"jsmatch({m.group(1)}, {_quote(regex)}, '')"
        text = re.sub(_OPERAND + r"\." + method + r"\((" + _JS_STRING + r")\)", helper, text)
    # ['a','b'].includes(X) -> X in ['a','b']
    text = re.sub(r"(\[[^\[\]]*\])\.includes\(" + _OPERAND + r"\)", r"\2 in \1", text)
    # X.length -> length(X)
    text = re.sub(_OPERAND + r"\.length\b", r"length(\1)", text)
    # 'key' in @  -> @['key']
    text = re.sub(r"(" + _JS_STRING + r")\s+in\s+@(?![\w.\[])", r"@[\1]", text)
    text = text.replace("@property", "#").replace("@key", "#")
    # @.some-name -> @['some-name'] (JSONPath names cannot hold '-' or '$')
    text = re.sub(r"@((?:\.[\w]+)*)\.([\w$]*[-$][\w$-]*)", lambda m: f"@{m.group(1)}[{_quote(m.group(2))}]", text)
    if re.search(r"\.(?:indexOf|test|toLowerCase|toUpperCase|some|every|filter|map|keys|values)\(", text):
        raise UnsupportedPath(f"filter {expression!r} calls JavaScript methods that have no equivalent here")
    return _truthiness(text)


_BARE = re.compile(r"\s*(@(?:\.[\w$-]+|\[[^\]]*\])*|#)\s*")


def _truthiness(text: str) -> str:
    """Wrap each bare operand in a logical position (`@`, `@.x`, `!@.x`) in jstruthy(): in
    JavaScript `@.required` is false when required is false; in JSONPath it tests existence."""
    pieces = re.split(r"(\|\||&&|\(|\)|!(?!=))", text)
    out: list[str] = []
    calls: list[bool] = []  # for each open parenthesis: is it a function call's?
    for index, piece in enumerate(pieces):
        if piece == "(":
            before = "".join(out).rstrip()
            calls.append(bool(before) and (before[-1].isalnum() or before[-1] == "_"))
        elif piece == ")" and calls:
            calls.pop()
        elif index % 2 == 0 and not any(calls) and _BARE.fullmatch(piece):
            piece = piece.replace(piece.strip(), f"jstruthy({piece.strip()})", 1)
        out.append(piece)
    return "".join(out)


def _names(selector: str) -> str:
    """`[get,put]` -> `['get','put']` (jsonpath-plus accepts bare names in a union)."""
    parts = [part.strip() for part in selector.split(",")]
    if all(re.fullmatch(r"-?\d+|\*|'.*'|\".*\"", part) for part in parts):
        return selector
    return ",".join(part if re.fullmatch(r"-?\d+|'.*'|\".*\"", part) else _quote(part) for part in parts)


def translate(path: str) -> str:
    """Spectral's JSONPath dialect -> python-jsonpath syntax (raises UnsupportedPath)."""
    out: list[str] = []
    i = 0
    text = path.strip()
    while i < len(text):
        char = text[i]
        if text.startswith("[?(", i) or text.startswith("[?", i):
            start = i + (3 if text.startswith("[?(", i) else 2)
            depth, j, quote = 0, start, ""
            while j < len(text):  # find the bracket closing this filter, skipping strings and regexes
                c = text[j]
                if quote:
                    if c == "\\":
                        j += 1
                    elif c == quote:
                        quote = ""
                elif c in "'\"":
                    quote = c
                elif c == "/" and j > 0 and text[j - 1] in "(,!&| " and start < j:
                    quote = "/"
                elif c in "([":
                    depth += 1
                elif c in ")]":
                    if depth == 0:
                        break
                    depth -= 1
                j += 1
            inner = text[start:j]
            if text.startswith("[?(", i) and j < len(text) and text[j] == ")" and text[j + 1:j + 2] == "]":
                end = j + 2
            else:
                end = j + 1
                inner = inner[:-1] if inner.endswith(")") and text.startswith("[?(", i) else inner
            out.append(f"[?({_filter(inner)})]")
            i = end
        elif char == "[":
            j = text.index("]", i) if "]" in text[i:] else len(text)
            if out and out[-1] == ".":  # `.[a,b]` (jsonpath-plus) is `[a,b]`
                out.pop()
            out.append("[" + _names(text[i + 1:j]) + "]")
            i = j + 1
        elif char == "~":
            raise UnsupportedPath(f"'~' inside {path!r} (only a trailing ~ selects keys)")
        elif char == "." and text.startswith(".*", i) and not text.startswith("..", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("*")
            i += 1
        else:
            match = re.match(r"\.\.|\.|\$|[^.\[~*]+", text[i:])
            raw = match.group(0) if match else char
            token = raw
            if raw not in ("..", ".", "$") and not re.fullmatch(r"[A-Za-z_]\w*|@", raw):
                token = f"[{_quote(raw)}]"
                if out and out[-1] == ".":
                    out.pop()
            out.append(token)
            i += len(raw)
    return "".join(out)


def _unbalanced(path: str) -> str | None:
    """What is unbalanced in `path`: a bracket or parenthesis (outside quoted strings, escaped
    ones skipped) left open or closed without an opener, or an unterminated string; else None."""
    closers = {"]": "[", ")": "("}
    stack: list[str] = []
    quote: str | None = None
    escaped = False
    for char in path:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            stack.append(char)
        elif char in closers:
            if not stack or stack.pop() != closers[char]:
                return f"'{char}' without its opener"
    if quote:
        return f"an unterminated {quote} string"
    return f"'{stack[-1]}' never closed" if stack else None


@lru_cache(maxsize=1024)
def compile_path(path: str) -> tuple[Any, bool]:
    """(compiled python-jsonpath query, selects keys) for a Spectral `given` (raises UnsupportedPath)."""
    broken = _unbalanced(path)
    if broken:
        raise UnsupportedPath(f"JSONPath {path!r} is malformed: {broken}")
    keys = path.endswith("~")
    body = path[:-1] if keys else path
    if not body.startswith("$"):
        body = "$" + ("" if body.startswith((".", "[")) else ".") + body
    translated = translate(body)
    try:
        return _share_descents(_ENV.compile(translated)), keys
    except (JSONPathError, TypeError, ValueError) as exc:
        raise UnsupportedPath(f"JSONPath {path!r} (as {translated!r}): {exc}") from exc


def query(path: str, data: Any) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(path parts, value) of every node `path` selects in `data`; a trailing `~` yields keys."""
    compiled, keys = compile_path(path)
    for match in compiled.finditer(data):
        parts = tuple(match.parts)
        if keys:
            if parts and not isinstance(parts[-1], int):
                yield parts, parts[-1]
        else:
            yield parts, match.obj
