"""Strings that match a JSON Schema `pattern`, generated from the regular expression's syntax tree.

Prism's static mode ignores `pattern` and sends values its own validator rejects (stoplightio/prism
#964, #2243, #2698). Here a pattern is parsed once with Python's `re._parser` (sre_parse) and turned
into a tree of small generator closures: literals, classes, ranges, the categories \\d \\w \\s,
repeats (unbounded ones capped small), groups, alternation, anchors and back-references.
Look-arounds are skipped while generating; the caller checks the result against the compiled
pattern and retries a bounded number of times.

JSON Schema patterns are ECMA 262 and unanchored: a few ECMA-only spellings (`(?<name>`,
`\\p{L}`) are rewritten to Python ones first, and characters are drawn from ASCII so that `\\d`
and `\\w` mean the same in both dialects.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING, Any

from accord.patterns import prepare

if TYPE_CHECKING:  # typeshed describes the parser under its pre-3.11 names (same module, renamed)
    import sre_constants as _c
    import sre_parse as _parser
else:
    import re._constants as _c
    from re import _parser

Emit = Callable[[Random, list[str], dict[int, str]], None]
#: An opcode's argument in sre's syntax tree: an int, a tuple or a list of subpatterns, by opcode.
Av = Any

UNBOUNDED_EXTRA = 3  # `*`, `+` and `{m,}` repeat at most m + 3 times
_PRINTABLE = [c for c in string.printable if c not in "\t\n\r\x0b\x0c"]
_CATEGORIES: dict[object, str] = {
    _c.CATEGORY_DIGIT: string.digits,
    _c.CATEGORY_NOT_DIGIT: string.ascii_letters + "-_ .",
    _c.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    _c.CATEGORY_NOT_WORD: " -.,:/@",
    _c.CATEGORY_SPACE: " ",
    _c.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
}
#: Letters beyond Latin-1 (Latin Extended-A, Greek, Cyrillic, CJK), for classes that leave out ASCII.
_BEYOND_ASCII = [chr(code) for code in (*range(0x100, 0x180), *range(0x391, 0x3AA), *range(0x410, 0x450),
                                         *range(0x4E00, 0x4E40))]
_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")
_NAMED_BACKREF = re.compile(r"\\k<(\w+)>")
_UNICODE_CLASSES = {  # ECMA \p{...} → the ASCII part of the class (inside brackets)
    "L": "A-Za-z", "Letter": "A-Za-z", "Alphabetic": "A-Za-z",
    "Lu": "A-Z", "Uppercase_Letter": "A-Z", "Ll": "a-z", "Lowercase_Letter": "a-z",
    "N": "0-9", "Nd": "0-9", "Number": "0-9", "Decimal_Number": "0-9",
    "P": "!-/:-@", "Punctuation": "!-/:-@", "Z": " ", "Zs": " ", "Space_Separator": " ",
}
_UNICODE_CLASS = re.compile(r"\\([pP])\{(\w+)\}")
_CODE_POINT = re.compile(r"(?<!\\)((?:\\\\)*)\\u\{([0-9A-Fa-f]+)\}")  # ECMA's \u{1F600}


def _ascii_class(name: str, negated: bool) -> str:
    """The printable ASCII members of \\p{name} (\\P{name}: of its complement), as class text."""
    members = _UNICODE_CLASSES.get(name)
    if members is None:
        if len(name) <= 2 and name[:1] in "LMNPSZC":  # a General_Category: read it off the ASCII table
            chars = [c for c in _PRINTABLE if unicodedata.category(c).startswith(name)]
        else:
            chars = [c for c in _PRINTABLE if c.isalnum()]
    else:
        chars = [c for c in _PRINTABLE if re.fullmatch(f"[{members}]", c)]
    if negated:
        chars = [c for c in _PRINTABLE if c not in chars]
    if not chars:  # no printable ASCII member (\p{C}): one member beyond it keeps the class valid
        chars = [next((chr(code) for code in range(0x80, 0x3000) if unicodedata.category(chr(code)).startswith(name)),
                      "\uFFFF")] if len(name) <= 2 and not negated else ["\uFFFF"]
        return "".join(f"\\u{ord(c):04X}" for c in chars)
    return "".join("\\" + c if c in "\\]-[^" else c for c in chars)


class PatternError(ValueError):
    """The pattern cannot be parsed, or no string can be generated from it."""


@dataclass(slots=True, frozen=True)
class PatternGenerator:
    """Generates strings matching one pattern; `anchored_*` tell whether padding is allowed."""

    source: str
    matcher: re.Pattern[str]
    emit: Emit
    anchored_start: bool
    anchored_end: bool
    items: tuple[tuple[object, Av], ...] = ()

    def generate(self, rng: Random) -> str:
        out: list[str] = []
        self.emit(rng, out, {})
        return "".join(out)

    def matches(self, value: str) -> bool:
        return self.matcher.search(value) is not None

    def stretched(self, extra: int) -> PatternGenerator:
        """The same pattern with unbounded repeats (`+`, `*`, `{m,}`) drawn up to m + `extra`
        times: how a value anchored at both ends reaches a `minLength` (`^arn:.+:pipeline/.+$`)."""
        key = f"{extra}\x00{self.source}"
        cached = _stretched.get(key)
        if cached is None:
            cached = PatternGenerator(self.source, self.matcher, _sequence(self.items, extra),
                                      self.anchored_start, self.anchored_end, self.items)
            _stretched[key] = cached
        return cached


_cache: dict[str, PatternGenerator] = {}
_stretched: dict[str, PatternGenerator] = {}


def compile_pattern(source: str) -> PatternGenerator:
    """The generator for `source`, cached; raises PatternError when it cannot be parsed."""
    cached = _cache.get(source)
    if cached is not None:
        return cached
    python_source = _to_python(source)
    try:
        parsed = _parser.parse(python_source)
        matcher = re.compile(python_source)
    except (re.error, OverflowError, RecursionError) as exc:
        raise PatternError(f"pattern {source!r} cannot be parsed: {exc}") from exc
    items = tuple(parsed.data)
    generator = PatternGenerator(
        source=source,
        matcher=matcher,
        emit=_sequence(items, UNBOUNDED_EXTRA),
        anchored_start=_starts_anchored(items),
        anchored_end=_ends_anchored(items),
        items=items,
    )
    _cache[source] = generator
    return generator


def _to_python(source: str) -> str:
    """The pattern as validators read it (`accord.patterns.prepare`: Java's spellings translated),
    with the ECMA 262 spellings Python's `re` lacks rewritten (named groups, \\k<>, \\u{…},
    \\p{...} and \\P{...} as their ASCII members), and what ECMA reads as plain characters inside
    a class but Python may one day read as set syntax escaped: `[` (a nested set), `&&`, `||`,
    `~~` and `--` (set operations). Python warns on them today (FutureWarning "Possible nested
    set"), and AWS patterns carry them (`[[A-Z0-9]{1,18}`)."""
    prepared = prepare(source)
    if prepared.ecma is None:
        raise PatternError(f"pattern {source!r} cannot be read: {prepared.problem}")
    source = _NAMED_BACKREF.sub(r"(?P=\1)", _NAMED_GROUP.sub("(?P<", prepared.ecma))
    if "\\u{" in source:
        source = _CODE_POINT.sub(lambda m: f"{m.group(1)}\\U{int(m.group(2), 16):08X}", source)
    if "\\p{" not in source and "\\P{" not in source and "[" not in source:
        return source
    out: list[str] = []
    in_class = False
    class_start = 0  # where the class's members begin in `out` (after `[` and a `^`)
    index = 0
    while index < len(source):
        char = source[index]
        match = _UNICODE_CLASS.match(source, index) if char == "\\" else None
        if match is not None:
            ascii_class = _ascii_class(match.group(2), match.group(1) == "P")
            out.append(ascii_class if in_class else f"[{ascii_class}]")
            index = match.end()
            continue
        if char == "\\":
            out.append(source[index:index + 2])
            index += 2
            continue
        if not in_class:
            if char == "[":
                in_class = True
                out.append(char)
                index += 1
                if source.startswith("^", index):
                    out.append("^")
                    index += 1
                class_start = len(out)
                continue
        elif char == "]" and len(out) > class_start:  # `[]…]` in Python, `[]` in ECMA: kept as it was
            in_class = False
        elif char == "[" or (char in "&|~-" and out[-1] == char and len(out) > class_start):
            char = "\\" + char
        out.append(char)
        index += 1
    return "".join(out)


# -- syntax tree → closures ---------------------------------------------------------------------

def _sequence(items: Sequence[tuple[object, Av]], extra: int) -> Emit:
    parts = [part for op, av in items if (part := _node(op, av, extra)) is not None]
    if len(parts) == 1:
        return parts[0]

    def emit(rng: Random, out: list[str], groups: dict[int, str]) -> None:
        for part in parts:
            part(rng, out, groups)

    return emit


def _node(op: object, av: Av, extra: int) -> Emit | None:
    builder = _BUILDERS.get(op)
    if builder is None:
        raise PatternError(f"unsupported regular expression construct {op}")
    return builder(av, extra)


def _literal(av: Av, extra: int) -> Emit:
    char = chr(av)

    def emit(rng: Random, out: list[str], groups: dict[int, str]) -> None:
        out.append(char)

    return emit


def _choice_of(chars: str | list[str]) -> Emit:
    pool = list(chars)
    if not pool:
        raise PatternError("a character class that matches nothing")

    def emit(rng: Random, out: list[str], groups: dict[int, str]) -> None:
        out.append(pool[int(rng.random() * len(pool))])

    emit.pool = pool  # type: ignore[attr-defined]  # lets a repeat draw its characters in one go
    return emit


def _not_literal(av: Av, extra: int) -> Emit:
    return _choice_of([c for c in _PRINTABLE if c != chr(av)])


def _any(av: Av, extra: int) -> Emit:
    return _choice_of(string.ascii_letters + string.digits)


def _in(av: Av, extra: int) -> Emit:
    items = list(av)
    negate = bool(items) and items[0][0] is _c.NEGATE
    if negate:
        items = items[1:]
    chars: set[str] = set()
    for op, value in items:
        if op is _c.LITERAL:
            chars.add(chr(value))
        elif op is _c.RANGE:
            low, high = value
            if high - low > 400:  # a wide Unicode range: a sample of it is enough
                high = low + 400
            chars.update(chr(code) for code in range(low, high + 1))
        elif op is _c.CATEGORY:
            chars.update(_CATEGORIES.get(value, ""))
        else:
            raise PatternError(f"unsupported class member {op}")
    if negate:
        pool = [c for c in _PRINTABLE if c not in chars and not _matched_by_category(c, items)]
        if not pool:  # the class leaves out all of ASCII (`[^\u0000-\u00FF]`): look further
            pool = [c for c in _BEYOND_ASCII if c not in chars and not _matched_by_category(c, items)]
        return _choice_of(pool)
    # Prefer printable characters when the class has some (e.g. [^\s] written as a range).
    printable = sorted(c for c in chars if c.isprintable())
    return _choice_of(printable or sorted(chars))


def _matched_by_category(char: str, items: Sequence[tuple[object, Av]]) -> bool:
    for op, value in items:
        if op is _c.CATEGORY and char in _CATEGORIES.get(value, ""):
            return True
    return False


def _repeat(av: Av, extra: int) -> Emit:
    low, high, body = av
    if high is _c.MAXREPEAT:
        high = low + extra
    inner = _sequence(list(body), extra)
    pool: list[str] | None = getattr(inner, "pool", None)
    if pool is not None:  # a repeated character class ([a-z0-9-]{0,62}): one loop, no call per character
        size = len(pool)

        def emit_chars(rng: Random, out: list[str], groups: dict[int, str]) -> None:
            draw = rng.random
            count = low if low == high else low + int(draw() * (high - low + 1))
            out.append("".join([pool[int(draw() * size)] for _ in range(count)]))

        return emit_chars

    def emit(rng: Random, out: list[str], groups: dict[int, str]) -> None:
        for _ in range(low if low == high else low + int(rng.random() * (high - low + 1))):
            inner(rng, out, groups)

    return emit


def _subpattern(av: Av, extra: int) -> Emit:
    group, _add_flags, _del_flags, body = av
    inner = _sequence(list(body), extra)
    if group is None:
        return inner

    def emit(rng: Random, out: list[str], groups: dict[int, str]) -> None:
        start = len(out)
        inner(rng, out, groups)
        groups[group] = "".join(out[start:])

    return emit


def _atomic(av: Av, extra: int) -> Emit:
    return _sequence(list(av), extra)


def _branch(av: Av, extra: int) -> Emit:
    _unused, alternatives = av
    options = [_sequence(list(alt), extra) for alt in alternatives]

    def emit(rng: Random, out: list[str], groups: dict[int, str]) -> None:
        options[int(rng.random() * len(options))](rng, out, groups)

    return emit


def _groupref(av: Av, extra: int) -> Emit:
    def emit(rng: Random, out: list[str], groups: dict[int, str]) -> None:
        out.append(groups.get(av, ""))

    return emit


def _skip(av: Av, extra: int) -> None:
    """Anchors and look-arounds produce no characters (look-arounds are checked afterwards)."""
    return


def _category(av: Av, extra: int) -> Emit:
    return _choice_of(_CATEGORIES.get(av, string.ascii_letters))


_BUILDERS: dict[object, Callable[[Av, int], Emit | None]] = {
    _c.LITERAL: _literal,
    _c.NOT_LITERAL: _not_literal,
    _c.ANY: _any,
    _c.IN: _in,
    _c.MAX_REPEAT: _repeat,
    _c.MIN_REPEAT: _repeat,
    _c.SUBPATTERN: _subpattern,
    _c.BRANCH: _branch,
    _c.GROUPREF: _groupref,
    _c.AT: _skip,
    _c.ASSERT: _skip,
    _c.ASSERT_NOT: _skip,
    _c.CATEGORY: _category,
}
if hasattr(_c, "POSSESSIVE_REPEAT"):
    _BUILDERS[_c.POSSESSIVE_REPEAT] = _repeat
if hasattr(_c, "ATOMIC_GROUP"):
    _BUILDERS[_c.ATOMIC_GROUP] = _atomic


def _starts_anchored(items: Sequence[tuple[object, Av]]) -> bool:
    return bool(items) and items[0][0] is _c.AT and items[0][1] in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING)


def _ends_anchored(items: Sequence[tuple[object, Av]]) -> bool:
    return bool(items) and items[-1][0] is _c.AT and items[-1][1] in (_c.AT_END, _c.AT_END_STRING)
