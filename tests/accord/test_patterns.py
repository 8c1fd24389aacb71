"""accord.patterns: Java's spellings in `pattern`s (AWS documents) read as Java means them, each
checked through the validators that compile them (jsonschema-rs, via SchemaCompiler)."""

from __future__ import annotations

import pytest

from accord.patterns import prepare
from accord.schemas import PatternNote, SchemaCompiler

# (pattern as AWS writes it, a string it matches, a string it does not match)
SHAPES = [
    # Java's POSIX classes (US-ASCII): ECMA has no such names
    ("xdigit", r"^\p{XDigit}{8}-\p{XDigit}{4}$", "0aF9c3d2-bEEF", "0aF9c3d2-bEEG"),
    ("alnum", r"^[\-\p{Alnum}_:.]+$", "a-Z_0:.", "é"),
    ("punct", r"^\p{Punct}+$", "$+<=>^`|~", "a"),  # Java's Punct holds symbols Unicode's P does not
    ("print", r"^\p{Print}*$", "Hello, world ~", "tab\there"),
    ("graph", r"^[\p{Graph}]+", "a!~", " a"),
    ("blank-and-cntrl", r"^[\p{Blank}]+[^\p{Cntrl}]*$", " \tok", " \tno\x7f"),
    ("space", r"^\p{Space}+$", " \t\r\n\x0b\x0c", "\u00a0"),
    ("digit-with-upper-is-java", r"^[\p{Upper}\p{Digit}_]+$", "AB_9", "ÀB"),
    ("letter-or-digit", r"^(\p{LD}|\p{Punct}| )+$", "Zoë 42!", "\t"),
    ("all", r"^[\p{all}]*$", "any\nthing", None),
    ("one-letter-property", r"^\pL+$", "ünï", "a1"),
    ("negated-java-class", r"^\P{XDigit}+$", "xyz", "xaz"),
    # surrogates: a pair is its code point, the UTF-16 idiom is every astral character,
    # a lone surrogate matches nothing (AWS's `\uD800\uDBFF-\uDC00\uDFFF`, as Java and ECMA read it)
    ("surrogate-pair", r"^\uD83D\uDE00$", "\U0001F600", "\U0001F601"),
    ("astral-idiom", r"^[\uD800-\uDBFF][\uDC00-\uDFFF]$", "\U00010348", "a"),
    ("pair-range", r"^[\uD800\uDC00-\uDBFF\uDFFF]+$", "\U0001F600\U00010000", "a"),
    ("lone-surrogates", r"^[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\r\n\t]*$", "line\tone\r\n",
     "\U0001F600"),
    ("lookahead-and-surrogates", r"(?!\s*$)[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t]*", "x", "  "),
    # escapes
    ("octal", r"^[^/:|\000-\037]+$", "name", "a\x1fb"),
    ("x-braces", r"^[$\-._+!*\x{60}(),;/?:@=&\w]+$", "a`b", "a#b"),
    ("anchors", r"\A[a-zA-Z0-9_]+\z", "snap_1", "snap-1"),
    ("end-before-terminator", r"^ab\Z", "ab\n", "ab\n\n"),
    ("quoted", r"^\Qa.b*\E$", "a.b*", "axbb"),
    # structure
    ("intersection", r"^[\p{Print}&&[^|:/]]+$", "a b.c", "a|b"),
    ("quantified-lookahead", r"^(\/|(\/(?!\.)+[^$#<>;`|&?{}^*/\n]+){1,4})$", "/home/user", "/.hidden"),
    ("lone-brace", r"^\{[\w\s:\{\}\[\]\"]*}$", "{a: b}", "{a: b"),
    ("lone-bracket", r"^{0-9]{1,15}$", "{0-9]]", "{0-9"),
    ("brace-in-class", r"^[\p{XDigit}{2}:?]*$", "0a:{2}?", "g"),
    ("dash-beside-class-escape", r"^[a-zA-Z0-9\s-_()\[\]]+$", "Jane Doe-_(x)", "Jane*"),
    # a huge repeat at an unanchored end: jsonschema-rs refuses its size; the lower bound finds the same strings
    ("huge-edge-repeat", r"\S{1,8192}", "  x  ", "   "),
    ("huge-edge-repeat-class", r"[^\p{C}]{1,2048}", "ok", "\x01"),
]


@pytest.mark.parametrize(("pattern", "good", "bad"), [s[1:] for s in SHAPES], ids=[s[0] for s in SHAPES])
def test_a_java_shape_is_read_as_java_means_it(pattern, good, bad):
    compiler = SchemaCompiler({}, "3.0")
    schema = {"type": "string", "pattern": pattern}
    assert prepare(pattern).ecma is not None, prepare(pattern).problem
    assert compiler.is_valid(schema, good)
    if bad is not None:
        assert not compiler.is_valid(schema, bad)


def test_a_pattern_ecma_reads_is_left_as_written():
    for pattern in (r"^[a-z]+\d{2,4}$", r"^\p{L}+$", r"[\u00C0-\u00FF]", r"^(?<year>\d{4})$", r"\S{1,64}"):
        assert prepare(pattern).ecma == pattern


UNREADABLE = [
    ("escaped-property", r"[^\p\{C\}]*\+"),  # AWS IoT Jobs: `\p` with no name (escaped twice)
    ("inline-flag", r"^(?i)arn:aws$"),
    ("atomic-group", r"^(?>a+)b$"),
    ("possessive", r"^a++b$"),
    ("posix-bracket", r"^[[:alnum:]_]+$"),  # a class to POSIX, characters to ECMA and to Java
    ("negated-unicode-java-class-in-class", r"[\P{LD}x]"),
]


@pytest.mark.parametrize("pattern", [u[1] for u in UNREADABLE], ids=[u[0] for u in UNREADABLE])
def test_a_pattern_without_a_faithful_reading_says_why(pattern):
    prepared = prepare(pattern)
    assert prepared.ecma is None
    assert "at character" in (prepared.problem or "")


def test_an_unreadable_pattern_is_left_out_located_and_the_rest_still_checks():
    document = {"components": {"schemas": {"Key": {"type": "string", "maxLength": 5, "pattern": r"[^\p\{C\}]*\+"}}}}
    notes: list[PatternNote] = []
    compiler = SchemaCompiler(document, "3.0", on_pattern=notes.append)
    schema = {"type": "object", "properties": {"key": {"$ref": "#/components/schemas/Key"}}}
    assert compiler.is_valid(schema, {"key": "abc"})
    assert not compiler.is_valid(schema, {"key": "abcdef"})  # maxLength still holds
    assert not compiler.is_valid(schema, {"key": 5})
    assert [(n.pointer, n.pattern) for n in notes] == [("/components/schemas/Key/pattern", r"[^\p\{C\}]*\+")]
    compiler.is_valid(schema, {"key": "x"}, "request")  # said once, whatever the direction
    assert len(notes) == 1


def test_a_pattern_jsonschema_rs_refuses_is_left_out_located():
    """A pattern the translation leaves alone but jsonschema-rs refuses (here: too large to compile)."""
    notes: list[PatternNote] = []
    compiler = SchemaCompiler({}, "3.0", on_pattern=notes.append)
    schema = {"type": "object", "properties": {"blob": {"type": "string", "pattern": "^.{0,262144}$"}}}
    validator = compiler.validator(schema, "request", where="/paths/~1x/post/requestBody/content/x/schema")
    assert validator.is_valid({"blob": "x"})
    assert not validator.is_valid({"blob": 1})
    assert [n.pointer for n in notes] == ["/paths/~1x/post/requestBody/content/x/schema/properties/blob/pattern"]
    assert "jsonschema-rs" in notes[0].problem


def test_pattern_properties_are_translated_too():
    compiler = SchemaCompiler({}, "3.0")
    schema = {"type": "object", "patternProperties": {r"^\p{XDigit}+$": {"type": "integer"}}}
    assert compiler.is_valid(schema, {"beef": 1, "zzz": "free"})
    assert not compiler.is_valid(schema, {"beef": "not an integer"})
