"""JSON Schema `pattern`s as jsonschema-rs (and the mock's generator) can read them.

A `pattern` is an ECMA 262 regular expression. Documents converted from Java models (AWS's, all
Smithy) carry Java's syntax where ECMA's Unicode mode has none, and jsonschema-rs refused the whole
schema ("is not a regex"). `prepare` rewrites each such construct into the ECMA spelling of what
Java means by it, and only those: whatever ECMA reads is left as written.

- `\\p{XDigit}`, `\\p{Alnum}`, `\\p{Punct}`, `\\p{Graph}`, `\\p{Print}`, `\\p{Digit}`, `\\p{Blank}`,
  `\\p{Cntrl}`, `\\p{Space}` (Java's US-ASCII POSIX classes; ECMA has none of these names,
  jsonschema-rs read some of them loosely as wider Unicode properties), `\\p{L1}`, `\\p{LD}`,
  `\\p{all}`, and the one-letter `\\pL`;
- `\\uD83D\\uDE00` (a surrogate pair) as the code point it encodes, `[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]`
  as every astral code point; a lone surrogate matches no character of a Unicode string (as in
  ECMA's Unicode mode and in Java), so it is left out of its class;
- octal escapes (`\\037`), `\\x{60}`, `\\A`, `\\z`, `\\Z`, `\\Q…\\E`, class intersections
  (`[\\p{Print}&&[^|:/]]`, computed when both sides are plain character sets);
- a quantified look-around (`(?!\\.)+`): the assertion once, or nothing when it may repeat 0 times;
- a `{` or `}` that is no quantifier, as the character; a `-` beside a class escape inside a
  class (`[\\s-_]`), as the character (ECMA 262 Annex B);
- a huge repeat at an unanchored end (`\\S{1,8192}`): its lower bound (the same matches, as a
  search; the regex engine refuses the full size).

What has no faithful reading (`\\p` with no name, inline flags such as `(?i)`, atomic groups,
possessive quantifiers, POSIX bracket expressions, where ECMA, Java and POSIX disagree) is
reported, not guessed: `prepare` gives the reason, and the caller leaves the pattern out of the
compiled schema and says where it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jsonschema_rs

from accord import pointers

#: A repeat bound above this, at an unanchored end, is reduced to the lower bound.
HUGE_REPEAT = 1000
_MAX_CODE_POINT = 0x10FFFF
_CLASS_ESCAPES = frozenset("dDsSwW")
_Ranges = tuple[tuple[int, int], ...]


def _r(*pairs: tuple[str, str]) -> _Ranges:
    return tuple((ord(low), ord(high)) for low, high in pairs)


#: Java's POSIX character classes (java.util.regex.Pattern: US-ASCII only), by name.
JAVA_CLASSES: dict[str, _Ranges] = {
    "Digit": _r(("0", "9")),
    "Alnum": _r(("0", "9"), ("A", "Z"), ("a", "z")),
    "Punct": _r(("!", "/"), (":", "@"), ("[", "`"), ("{", "~")),
    "Graph": _r(("!", "~")),
    "Print": _r((" ", "~")),
    "Blank": _r(("\t", "\t"), (" ", " ")),
    "Cntrl": _r(("\x00", "\x1f"), ("\x7f", "\x7f")),
    "XDigit": _r(("0", "9"), ("A", "F"), ("a", "f")),
    "Space": _r(("\t", "\r"), (" ", " ")),
    "L1": _r(("\x00", "\xff")),
}
#: Names ECMA 262 defines too, as Unicode properties: read as Java's only in a pattern that is
#: Java by its other members (`[\\p{Upper}\\p{Digit}_]`).
JAVA_WHEN_JAVA: dict[str, _Ranges] = {
    "Upper": _r(("A", "Z")), "Lower": _r(("a", "z")), "Alpha": _r(("A", "Z"), ("a", "z")),
}
_JAVA_ONLY = re.compile(r"\\[pP]\{(?:XDigit|Alnum|Punct|Graph|Print|Digit|Blank|Cntrl|Space|L1|LD|all)\}|\\[AzZQ]|&&\[")
#: Java classes with Unicode members: their ECMA spelling inside a class.
_JAVA_UNICODE = {"LD": r"\p{L}\p{Nd}", "all": r"\s\S"}
_ONE_LETTER = frozenset("LMNPSZC")
_SIMPLE_ESCAPES = {"t": 0x09, "n": 0x0A, "r": 0x0D, "f": 0x0C, "v": 0x0B, "e": 0x1B, "a": 0x07}
_QUANTIFIER = re.compile(r"\{(\d+)(,(\d*))?\}")
_NAME = re.compile(r"\{(\^?)([A-Za-z0-9_ =]+)\}")


@dataclass(slots=True, frozen=True)
class PreparedPattern:
    """`source` as written; `ecma` what the validators compile (None: it cannot be read, and
    `problem` says why)."""

    source: str
    ecma: str | None
    problem: str | None = None


class _Unreadable(Exception):
    pass


_WRITTEN: dict[str, str] = {}  # translated pattern -> the first source translated to it


@lru_cache(maxsize=8192)
def prepare(source: str) -> PreparedPattern:
    """The pattern as jsonschema-rs reads it, or why it cannot be read."""
    if _PLAIN.fullmatch(source):
        return PreparedPattern(source, source)
    try:
        ecma = _Translator(source).run()
    except _Unreadable as exc:
        if compiles(source):  # a spelling this reading refuses but jsonschema-rs takes
            return PreparedPattern(source, source)
        return PreparedPattern(source, None, str(exc))
    if ecma != source:
        _WRITTEN.setdefault(ecma, source)
    return PreparedPattern(source, ecma)


def as_written(ecma: str) -> str:
    """The pattern as the document writes it, for a pattern `prepare` translated (messages quote
    the document, not the translation)."""
    return _WRITTEN.get(ecma, ecma)


@lru_cache(maxsize=8192)
def compiles(ecma: str) -> bool:
    """Whether jsonschema-rs compiles `ecma` as a `pattern`."""
    try:
        jsonschema_rs.Draft4Validator({"pattern": ecma})
    except (ValueError, jsonschema_rs.ValidationError):
        return False
    return True


def iter_unreadable(document: Any) -> Iterator[tuple[str, PreparedPattern]]:
    """(pointer, pattern) for every `pattern` in the document that cannot be read (examples and
    `x-` extensions are not schemas, so not searched)."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            source = node.get("pattern")
            if isinstance(source, str) and (prepared := prepare(source)).ecma is None:
                yield f"{pointer}/pattern", prepared
            stack.extend((f"{pointer}/{pointers.escape(str(key))}", value) for key, value in node.items()
                         if isinstance(value, (dict, list)) and key not in ("example", "examples")
                         and not str(key).startswith("x-"))
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{index}", value) for index, value in enumerate(node)
                         if isinstance(value, (dict, list)))


# -- class members --------------------------------------------------------------------------

@dataclass(slots=True)
class _Member:
    """One member of a character class: a set of code points (`ranges`), or ECMA text that
    stands for a set we do not enumerate (`\\d`, `\\p{L}`)."""

    ranges: _Ranges = ()
    text: str = ""
    single: int | None = None  # a single character (may start or end a range)

    @property
    def computable(self) -> bool:
        return not self.text


def _normalise(ranges: list[tuple[int, int]]) -> _Ranges:
    out: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return tuple(out)


def _complement(ranges: _Ranges) -> _Ranges:
    out: list[tuple[int, int]] = []
    start = 0
    for low, high in _normalise(list(ranges)):
        if low > start:
            out.append((start, low - 1))
        start = high + 1
    if start <= _MAX_CODE_POINT:
        out.append((start, _MAX_CODE_POINT))
    return tuple(out)


def _intersect(left: _Ranges, right: _Ranges) -> _Ranges:
    return _complement(_normalise([*_complement(left), *_complement(right)]))


def _without_surrogates(ranges: _Ranges) -> _Ranges:
    out: list[tuple[int, int]] = []
    for low, high in ranges:
        if low < 0xD800:
            out.append((low, min(high, 0xD7FF)))
        if high > 0xDFFF:
            out.append((max(low, 0xE000), high))
    return tuple(out)


def _char(code: int, in_class: bool = True) -> str:
    """A code point as ECMA's Unicode mode writes it, inside a class or outside one."""
    char = chr(code)
    if 0x20 < code < 0x7F:
        return "\\" + char if char in ("\\]-[^" if in_class else "\\]^$[/{}()|.*+?") else char
    if code == 0x20:
        return " "
    if code < 0x100:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\u{{{code:X}}}"


def _ranges_text(ranges: _Ranges) -> str:
    parts = []
    for low, high in ranges:
        if low == high:
            parts.append(_char(low))
        elif high == low + 1:
            parts.append(_char(low) + _char(high))
        else:
            parts.append(f"{_char(low)}-{_char(high)}")
    return "".join(parts)


def _is_hex(digits: str) -> bool:
    return bool(digits) and all(c in "0123456789abcdefABCDEF" for c in digits)


def _is_surrogate(code: int) -> bool:
    return 0xD800 <= code <= 0xDFFF


# -- the translator ---------------------------------------------------------------------------

class _Translator:
    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        # (index in `out` where the last atom starts, whether it is a look-around)
        self.last_atom: tuple[int, bool] | None = None
        self.groups: list[tuple[int, bool]] = []  # open groups: (start in `out`, is a look-around)
        self.top_atoms: list[tuple[int, int, int, int]] = []  # (atom start, quantifier at, min, max)
        self.alternation = False
        self.class_changed = False
        #: Java by some member ECMA cannot read: then `&&` intersects and `\\p{Upper}` is ASCII.
        self.java = _JAVA_ONLY.search(source) is not None
        self.names = {**JAVA_CLASSES, **JAVA_WHEN_JAVA} if self.java else JAVA_CLASSES

    def fail(self, why: str) -> _Unreadable:
        return _Unreadable(f"{why} (at character {self.pos} of the pattern)")

    def run(self) -> str:
        src = self.src
        while self.pos < len(src):
            char = src[self.pos]
            if char == "\\":
                self.escape()
            elif char == "[":
                self.char_class()
            elif char == "(":
                self.open_group()
            elif char == ")":
                self.close_group()
            elif char in "*+?{":
                self.quantifier()
            elif char in "}]":  # no quantifier, no class: the character (Java, ECMA Annex B)
                self.atom("\\" + char)
                self.pos += 1
            elif char == "|":
                self.alternation = self.alternation or not self.groups
                self.out.append(char)
                self.last_atom = None
                self.pos += 1
            elif char in "^$":
                self.out.append(char)
                self.last_atom = None
                self.pos += 1
            else:
                self.atom(char)
                self.pos += 1
        if self.groups:
            raise self.fail("a group is not closed")
        translated = "".join(self.out)
        if self.reduce_huge_edges() and not compiles(translated):
            return "".join(self.out)
        return translated

    def atom(self, text: str, lookaround: bool = False) -> None:
        self.last_atom = (len(self.out), lookaround)
        self.out.append(text)

    # -- escapes outside a class
    def escape(self) -> None:
        src, pos = self.src, self.pos
        letter = src[pos + 1:pos + 2]
        if letter == "":
            raise self.fail("the pattern ends with a backslash")
        if letter in "pP":
            self.atom(self.property_outside(letter == "P"))
            return
        if letter == "A":
            self.out.append("^")
            self.last_atom = None
            self.pos += 2
            return
        if letter == "z":
            self.out.append("$")
            self.last_atom = None
            self.pos += 2
            return
        if letter == "Z":  # Java: the end, or before a line terminator that ends the input
            self.out.append("(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?$)")
            self.last_atom = None
            self.pos += 2
            return
        if letter == "Q":
            end = src.find("\\E", pos + 2)
            literal = src[pos + 2:] if end < 0 else src[pos + 2:end]
            self.pos = len(src) if end < 0 else end + 2
            if literal:
                self.atom("(?:" + "".join(_char(ord(c), in_class=False) for c in literal) + ")")
            return
        found = self.code_escape()
        if found is not None:
            code, translated = found
            if _is_surrogate(code):
                self.atom("[^\\s\\S]")  # a lone surrogate: no character of a Unicode string
            else:
                self.atom(_char(code, in_class=False) if translated else src[pos:self.pos])
            return
        self.atom(src[pos:pos + 2])
        self.pos += 2

    def code_escape(self) -> tuple[int, bool] | None:
        """A `\\u`, `\\x` or octal escape at `pos`, read as one code point (a surrogate pair
        escaped as two `\\u` is one), and whether ECMA needs it rewritten; `pos` moves past it.
        None (unmoved) for other escapes."""
        src, pos = self.src, self.pos
        letter = src[pos + 1]
        if letter == "u":
            if src.startswith("{", pos + 2):
                end = src.find("}", pos + 3)
                digits = src[pos + 3:end] if end > 0 else ""
                if not digits or not _is_hex(digits):
                    raise self.fail("a \\u{…} escape without hexadecimal digits")
                self.pos = end + 1
                return int(digits, 16), False
            digits = src[pos + 2:pos + 6]
            if len(digits) != 4 or not _is_hex(digits):
                return None
            code = int(digits, 16)
            self.pos = pos + 6
            if 0xD800 <= code <= 0xDBFF and src.startswith("\\u", self.pos):
                low = src[self.pos + 2:self.pos + 6]
                if len(low) == 4 and _is_hex(low) \
                        and 0xDC00 <= int(low, 16) <= 0xDFFF:
                    self.pos += 6
                    return 0x10000 + ((code - 0xD800) << 10) + (int(low, 16) - 0xDC00), True
            return code, _is_surrogate(code)
        if letter == "x" and _is_hex(src[pos + 2:pos + 4]) and pos + 4 <= len(src):
            self.pos = pos + 4
            return int(src[pos + 2:pos + 4], 16), False
        if letter == "0" and not src[pos + 2:pos + 3].isdigit():
            self.pos = pos + 2
            return 0, False
        if letter == "x" and src.startswith("{", pos + 2):  # Java and PCRE: \x{h…h}
            end = src.find("}", pos + 3)
            digits = src[pos + 3:end] if end > 0 else ""
            if not digits or not _is_hex(digits) or int(digits, 16) > _MAX_CODE_POINT:
                raise self.fail("a \\x{…} escape without a code point")
            self.pos = end + 1
            return int(digits, 16), True
        if letter == "0" and src[pos + 2:pos + 3] in tuple("01234567"):  # Java's \0n, \0nn, \0mnn
            digits = ""
            for char in src[pos + 2:pos + 5]:
                if char not in "01234567" or int(digits + char, 8) > 0o377:
                    break
                digits += char
            self.pos = pos + 2 + len(digits)
            return int(digits, 8), True
        if letter in _SIMPLE_ESCAPES and letter in "ea":  # Java's \e and \a (ECMA has neither)
            self.pos = pos + 2
            return _SIMPLE_ESCAPES[letter], True
        return None

    def property_name(self, negated: bool) -> tuple[str, bool]:
        """The name after `\\p`/`\\P` (`pos` moves past it) and whether it is negated."""
        src, pos = self.src, self.pos
        letter = src[pos + 2:pos + 3]
        if letter in _ONE_LETTER:  # Java's \pL
            self.pos = pos + 3
            return letter, negated
        match = _NAME.match(src, pos + 2)
        if match is None:
            raise self.fail(f"\\{src[pos + 1]} is not followed by a property name in braces")
        self.pos = match.end()
        return match.group(2), negated != bool(match.group(1))

    def property_outside(self, negated: bool) -> str:
        name, negated = self.property_name(negated)
        if name in self.names:
            return ("[^" if negated else "[") + _ranges_text(self.names[name]) + "]"
        if name in _JAVA_UNICODE:
            return ("[^" if negated else "[") + _JAVA_UNICODE[name] + "]"
        return ("\\P{" if negated else "\\p{") + name + "}"

    # -- groups and quantifiers
    def open_group(self) -> None:
        src, pos = self.src, self.pos
        lookaround = src.startswith(("(?=", "(?!", "(?<=", "(?<!"), pos)
        if src.startswith("(?", pos) and not lookaround and not src.startswith(("(?:", "(?<"), pos):
            raise self.fail(f"the group {src[pos:pos + 4]!r}… has no ECMA form (inline flags, an atomic group?)")
        opener = _GROUP_OPENER.match(src, pos)
        text = opener.group(0) if opener is not None else "("
        self.groups.append((len(self.out), lookaround))
        self.out.append(text)
        self.last_atom = None
        self.pos += len(text)

    def close_group(self) -> None:
        if not self.groups:
            raise self.fail("a ')' closes no group")
        start, lookaround = self.groups.pop()
        self.out.append(")")
        self.last_atom = (start, lookaround)
        self.pos += 1

    def quantifier(self) -> None:
        src, pos = self.src, self.pos
        char = src[pos]
        if char == "{":
            match = _QUANTIFIER.match(src, pos)
            if match is None:  # no quantifier: the character (Java and ECMA Annex B)
                self.atom("\\{")
                self.pos += 1
                return
            low = int(match.group(1))
            high = low if match.group(2) is None else (int(match.group(3)) if match.group(3) else -1)
            end = match.end()
        else:
            low, high = {"*": (0, -1), "+": (1, -1), "?": (0, 1)}[char]
            end = pos + 1
        if self.last_atom is None:
            raise self.fail(f"the quantifier {src[pos:end]!r} follows nothing")
        if src.startswith("+", end):
            raise self.fail("a possessive quantifier has no ECMA form")
        lazy = src.startswith("?", end)
        atom_start, lookaround = self.last_atom
        if lookaround:  # a quantified assertion (ECMA Annex B, Java): once, or not at all
            if low == 0:
                del self.out[atom_start:]
            self.pos = end + (1 if lazy else 0)
            self.last_atom = None
            return
        if not self.groups:
            self.top_atoms.append((atom_start, len(self.out), low, high))
        self.out.append(src[pos:end] + ("?" if lazy else ""))
        self.pos = end + (1 if lazy else 0)
        self.last_atom = None

    def reduce_huge_edges(self) -> bool:
        """`X{m,n}` first or last in an unanchored pattern matches where `X{m}` does (a search
        may start or stop anywhere); the regex engine refuses the size of a huge n. Whether
        there was one to reduce."""
        if self.alternation or not self.top_atoms:
            return False
        out, reduced = self.out, False
        _start, at, low, high = self.top_atoms[-1]
        if at == len(out) - 1 and high > HUGE_REPEAT:
            out[at], reduced = f"{{{low}}}", True
        start, at, low, high = self.top_atoms[0]
        if start == 0 and high > HUGE_REPEAT:
            out[at], reduced = f"{{{low}}}", True
        return reduced

    # -- character classes
    def char_class(self) -> None:
        """A class as ECMA reads it, rewritten only where Java's members or intersections are in it."""
        src = self.src
        start = self.pos
        idiom = _ASTRAL_IDIOM.match(src, start)
        if idiom is not None:  # the UTF-16 spelling of one astral character
            self.pos = idiom.end()
            self.atom("[\\u{10000}-\\u{10FFFF}]")
            return
        posix = _POSIX_BRACKET.match(src, start + 1)
        if posix is not None:
            raise self.fail(f"{posix.group(0)!r} is a POSIX class to POSIX, characters to ECMA and Java "
                            "(which disagree on which)")
        self.pos += 1
        self.class_changed = False
        negated = src.startswith("^", self.pos)
        if negated:
            self.pos += 1
        operands: list[list[_Member]] = [self.class_members(start)]
        while self.java and src.startswith("&&", self.pos):
            self.pos += 2
            self.class_changed = True
            if src.startswith("[", self.pos):  # Java's nested class as an operand
                self.pos += 1
                inner_negated = src.startswith("^", self.pos)
                self.pos += inner_negated
                inner = self.class_members(self.pos - 1)
                self.pos += 1  # its `]`
                ranges = self.computed(inner)
                operands.append([_Member(ranges=_complement(ranges) if inner_negated else ranges)])
                operands[-1].extend(self.class_members(self.pos))
            else:
                operands.append(self.class_members(self.pos))
        self.pos += 1  # the class's `]`
        if not self.class_changed:
            self.atom(ecma_class_ranges(src[start:self.pos]))
            return
        if len(operands) > 1:
            ranges = self.computed(operands[0])
            for other in operands[1:]:
                ranges = _intersect(ranges, self.computed(other))
            members = [_Member(ranges=ranges)]
        else:
            members = operands[0]
        texts = [m.text for m in members if m.text]
        body = "".join(texts) + _ranges_text(_without_surrogates(_normalise([r for m in members for r in m.ranges])))
        if not body:
            self.atom("[\\s\\S]" if negated else "[^\\s\\S]")
        else:
            self.atom(("[^" if negated else "[") + body + "]")

    def computed(self, members: list[_Member]) -> _Ranges:
        if not all(m.computable for m in members):
            raise self.fail("a class intersection with a Unicode class or \\d, \\s, \\w cannot be computed")
        return _normalise([r for m in members for r in m.ranges])

    def class_members(self, start: int) -> list[_Member]:
        """The members up to the class's `]` or a `&&` (`pos` stops there)."""
        src = self.src
        members: list[_Member] = []
        while True:
            if self.pos >= len(src):
                raise self.fail("a character class is not closed")
            if (self.java and src.startswith("&&", self.pos)) or src[self.pos] == "]":
                # `[]`, `[^]`: ECMA's empty class (Java reads `]` as a member there)
                return members
            member = self.class_member()
            if not src.startswith("-", self.pos) or src.startswith("-]", self.pos) or self.pos + 1 >= len(src):
                members.append(member)
                continue
            self.pos += 1  # a range, unless one side is a class escape (ECMA Annex B: then `-` is itself)
            high = self.class_member()
            if member.single is not None and high.single is not None:
                if high.single < member.single:
                    raise self.fail("a class range runs backwards")
                members.append(_Member(ranges=((member.single, high.single),)))
            else:
                members.extend((member, _Member(ranges=((0x2D, 0x2D),), single=0x2D), high))

    def class_member(self) -> _Member:
        """The member at `pos`; a lone surrogate has no code points (no string holds one)."""
        src, pos = self.src, self.pos
        char = src[pos]
        if char != "\\":
            self.pos += 1
            return _Member(ranges=((ord(char), ord(char)),), single=ord(char))
        letter = src[pos + 1:pos + 2]
        if letter in _CLASS_ESCAPES:
            self.pos += 2
            return _Member(text=src[pos:pos + 2])
        if letter in "pP":
            name, negated = self.property_name(letter == "P")
            if name in self.names:
                self.class_changed = True
                ranges = self.names[name]
                return _Member(ranges=_complement(ranges) if negated else ranges)
            if name in _JAVA_UNICODE:
                self.class_changed = True
                if name == "all" and negated:
                    return _Member()
                if negated:
                    raise self.fail(f"\\P{{{name}}} inside a class has no ECMA form")
                return _Member(text=_JAVA_UNICODE[name])
            if self.src[pos + 2:pos + 3] != "{":
                self.class_changed = True
            return _Member(text=("\\P{" if negated else "\\p{") + name + "}")
        found = self.code_escape()
        if found is not None:
            code, translated = found
            self.class_changed = self.class_changed or translated
            if _is_surrogate(code):
                return _Member(single=code)
            return _Member(ranges=((code, code),), single=code)
        if letter == "c" and src[pos + 2:pos + 3].isalpha():
            self.pos += 3
            code = ord(src[pos + 2]) % 32
        elif letter in _SIMPLE_ESCAPES:
            self.pos += 2
            code = _SIMPLE_ESCAPES[letter]
        elif letter == "b":  # ECMA: backspace inside a class
            self.pos += 2
            code = 8
        elif letter.isalnum():
            raise self.fail(f"\\{letter} is no escape inside a class")
        else:
            self.pos += 2
            code = ord(letter)
        return _Member(ranges=((code, code),), single=code)


#: Nothing to translate: no escape, class, brace, special group or possessive quantifier.
_PLAIN = re.compile(r"(?:[^\\\[\]{}(+*?]|\((?!\?)|[+*?](?!\+))*")
_POSIX_BRACKET = re.compile(r"\^?\[:\^?[a-z]+:\]")
_GROUP_OPENER = re.compile(r"\(\?(?:[:=!]|<[=!]|<[A-Za-z_$][\w$]*>)")
_ASTRAL_IDIOM = re.compile(r"\[\\u[dD]800-\\u[dD][bB][fF][fF]\]\[\\u[dD][cC]00-\\u[dD][fF][fF][fF]\]")


def ecma_class_ranges(pattern: str) -> str:
    """`pattern` with a `-` next to a class escape inside a class (`[\\s-_]`) escaped: ECMA 262
    (Annex B.1.2, what browsers and Prism's ajv run) reads it as the character `-`, while
    jsonschema-rs (and Python's `re`) refuse the pattern as a bad range. AWS documents carry it
    (`^[a-zA-Z0-9\\s-_()\\[\\]]+$`)."""
    if "-" not in pattern or "[" not in pattern:
        return pattern
    out: list[str] = []
    in_class = False
    after_escape = False  # the previous class member is \d, \s, \w or their negations
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            token = pattern[index:index + 2]
            out.append(token)
            after_escape = in_class and token[1:] in _CLASS_ESCAPES
            index += 2
            continue
        if in_class and char == "-":
            ahead = pattern[index + 1:index + 3]
            if after_escape or (len(ahead) == 2 and ahead[0] == "\\" and ahead[1] in _CLASS_ESCAPES):
                char = "\\-"
        elif char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        after_escape = False
        index += 1
    return "".join(out)
