"""String values: plain text of a given length, the `format`s OpenAPI names, and patterns.

Each format generator takes the random source and the length bounds and returns a value of
that format; formats with a fixed shape (uuid, date) ignore the bounds and the caller's
final validation catches the rare schema that asks for a uuid of length 3.
"""

from __future__ import annotations

import base64
import datetime
import string
from collections.abc import Callable
from random import Random

from accord.mock.generation.errors import GenerationError
from accord.mock.generation.patterns import PatternGenerator

UNBOUNDED_LENGTH = 24  # plain text aims at most this long when maxLength does not say
PATTERN_TRIES = 24

WORDS = (
    "alpha", "amber", "apple", "atlas", "beacon", "birch", "bright", "canyon", "cedar", "cloud",
    "copper", "coral", "delta", "ember", "falcon", "fern", "forest", "galaxy", "harbor", "hazel",
    "indigo", "island", "jasper", "juniper", "lake", "lumen", "maple", "meadow", "nova", "oak",
    "ocean", "orbit", "pebble", "pine", "prairie", "quartz", "raven", "river", "sage", "sierra",
    "solar", "spruce", "stone", "summit", "tidal", "valley", "willow", "zephyr",
)
_WORD_COUNT = len(WORDS)
_ALNUM = string.ascii_letters + string.digits
_LOWER = string.ascii_lowercase
_HOSTS = ("example.com", "example.org", "example.net")

FormatGenerator = Callable[[Random, int, "int | None"], str]


def randint(rng: Random, low: int, high: int) -> int:
    """`rng.randint` for small spans, at a third of its cost (the hot path draws many)."""
    span = high - low + 1
    if span < 1 << 50:
        return low + int(rng.random() * span)
    return rng.randint(low, high)


def _word(rng: Random) -> str:
    return WORDS[int(rng.random() * _WORD_COUNT)]


def _chars(rng: Random, pool: str, count: int) -> str:
    size = len(pool)
    return "".join(pool[int(rng.random() * size)] for _ in range(count))


def _length(rng: Random, low: int, high: int | None, typical_low: int, typical_high: int) -> int:
    """A length in [low, high], near the typical range when the bounds allow it."""
    start = max(low, typical_low)
    stop = typical_high if high is None else min(high, typical_high)
    if stop < start:
        stop = start if high is None else max(low, min(high, start))
        start = min(start, stop)
    return randint(rng, start, stop) if stop > start else start


def text(rng: Random, low: int = 0, high: int | None = None) -> str:
    """Words separated by spaces, fitted to [low, high] characters."""
    if low == 0 and high is None:  # the common case: one to three words
        count = 1 + int(rng.random() * 3)
        return " ".join([WORDS[int(rng.random() * _WORD_COUNT)] for _ in range(count)])
    if high is not None and high <= 0:
        return ""
    target = _length(rng, low, high, 1, UNBOUNDED_LENGTH)
    parts: list[str] = []
    size = 0
    while size < target:
        word = _word(rng)
        parts.append(word)
        size += len(word) + (1 if len(parts) > 1 else 0)
        if len(parts) >= 3 and size >= max(low, 1) and high is None:
            break
    value = " ".join(parts)
    if high is not None and len(value) > high:
        value = value[:high].rstrip() or value[:high]
    if len(value) < low:
        value += _chars(rng, _LOWER, low - len(value))
    return value


# -- formats ----------------------------------------------------------------------------------

# Dates fall in 2019–2026; the strings are built on the first draw (not at start-up: ~3 ms), so a
# draw is one index (hot path).
_DATES: list[str] = []


def _dates() -> list[str]:
    if not _DATES:
        first = datetime.date(2019, 1, 1).toordinal()
        _DATES.extend(datetime.date.fromordinal(first + n).isoformat() for n in range(8 * 365))
    return _DATES
_MINUTES = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)]


def _date(rng: Random) -> str:
    return _dates()[int(rng.random() * 2920)]


def _time(rng: Random) -> str:
    return f"{_MINUTES[int(rng.random() * 1440)]}:{int(rng.random() * 60):02d}Z"


def _date_time(rng: Random, low: int, high: int | None) -> str:
    return f"{_dates()[int(rng.random() * 2920)]}T{_MINUTES[int(rng.random() * 1440)]}:{int(rng.random() * 60):02d}Z"


def _uuid(rng: Random, low: int, high: int | None) -> str:
    bits = rng.getrandbits(128)
    bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
    bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
    raw = f"{bits:032x}"
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def _email(rng: Random, low: int, high: int | None) -> str:
    return f"{_word(rng)}.{_word(rng)}@{_HOSTS[int(rng.random() * 3)]}"


def _hostname(rng: Random, low: int, high: int | None) -> str:
    return f"{_word(rng)}.{_HOSTS[int(rng.random() * 3)]}"


def _uri(rng: Random, low: int, high: int | None) -> str:
    return f"https://{_HOSTS[int(rng.random() * 3)]}/{_word(rng)}/{randint(rng, 1, 999)}"


def _uri_reference(rng: Random, low: int, high: int | None) -> str:
    return f"/{_word(rng)}/{randint(rng, 1, 999)}"


def _uri_template(rng: Random, low: int, high: int | None) -> str:
    return f"https://{_HOSTS[0]}/{_word(rng)}/{{id}}"


def _ipv4(rng: Random, low: int, high: int | None) -> str:
    return f"{randint(rng, 1, 223)}.{randint(rng, 0, 255)}.{randint(rng, 0, 255)}.{randint(rng, 1, 254)}"


def _ipv6(rng: Random, low: int, high: int | None) -> str:
    return "2001:db8:" + ":".join(f"{rng.getrandbits(16):x}" for _ in range(6))


def _byte(rng: Random, low: int, high: int | None) -> str:
    # base64 of n bytes has 4 * ceil(n / 3) characters
    chars = _length(rng, low, high, 8, 24)
    groups = max(-(-chars // 4), 1 if low > 0 else 0)
    if high is not None and groups * 4 > high:
        groups = high // 4
    return base64.b64encode(rng.randbytes(groups * 3)).decode("ascii")


def _binary(rng: Random, low: int, high: int | None) -> str:
    return _chars(rng, _ALNUM, _length(rng, low, high, 8, 16))


def _password(rng: Random, low: int, high: int | None) -> str:
    return _chars(rng, _ALNUM + "!#%*+-=?@_", _length(rng, low, high, 12, 16))


def _duration(rng: Random, low: int, high: int | None) -> str:
    unit = ("D", "M", "H")[int(rng.random() * 3)]
    return f"P{randint(rng, 1, 30)}D" if unit == "D" else f"PT{randint(rng, 1, 23)}{unit}"


def _json_pointer(rng: Random, low: int, high: int | None) -> str:
    return f"/{_word(rng)}/{randint(rng, 0, 9)}"


def _relative_json_pointer(rng: Random, low: int, high: int | None) -> str:
    return f"{randint(rng, 0, 3)}/{_word(rng)}"


def _regex(rng: Random, low: int, high: int | None) -> str:
    return f"^{_word(rng)}[0-9]+$"


FORMATS: dict[str, FormatGenerator] = {
    "date-time": _date_time,
    "date": lambda rng, low, high: _date(rng),
    "time": lambda rng, low, high: _time(rng),
    "duration": _duration,
    "uuid": _uuid,
    "email": _email,
    "idn-email": _email,
    "hostname": _hostname,
    "idn-hostname": _hostname,
    "uri": _uri,
    "url": _uri,
    "iri": _uri,
    "uri-reference": _uri_reference,
    "iri-reference": _uri_reference,
    "uri-template": _uri_template,
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "byte": _byte,
    "binary": _binary,
    "password": _password,
    "json-pointer": _json_pointer,
    "relative-json-pointer": _relative_json_pointer,
    "regex": _regex,
}


def _offsets(value: str) -> tuple[str, ...]:
    """A UTC time ending in `Z` as RFC 3339 also writes it: a numeric offset, fractional seconds."""
    if not value.endswith("Z"):
        return ()
    base = value[:-1]
    return (f"{base}+00:00", f"{base}.000Z", f"{base}.000+00:00", f"{base}-00:00", f"{base}.000000Z",
            f"{base}.000000+00:00", f"{base}z")


def _uuid_spellings(value: str) -> tuple[str, ...]:
    return (value.upper(), f"{{{value}}}", f"{{{value.upper()}}}")


def _none(value: str) -> tuple[str, ...]:
    return ()


#: Other spellings of a format's value that its grammar accepts, tried against a pattern
#: before the pattern's own values (which need not follow the format).
_SPELLINGS: dict[FormatGenerator, Callable[[str], tuple[str, ...]]] = {
    _date_time: _offsets,
    FORMATS["time"]: _offsets,
    _uuid: _uuid_spellings,
}


# -- the string node ----------------------------------------------------------------------------

class StringNode:
    """Generates strings for one (merged) string schema: length bounds, patterns, format."""

    __slots__ = ("format", "high", "low", "patterns", "where")

    def __init__(self, low: int, high: int | None, patterns: list[PatternGenerator],
                 format_name: str | None, where: str) -> None:
        self.low = low
        self.high = high
        self.patterns = patterns
        self.format = FORMATS.get(format_name) if format_name else None
        self.where = where

    def gen(self, rng: Random, depth: int) -> str:
        if self.patterns:
            return self._from_patterns(rng)
        if self.format is not None:
            value = self.format(rng, self.low, self.high)
            if not self._fits(value):  # length bounds: a longer or shorter spelling may meet them
                spellings = _SPELLINGS.get(self.format, _none)(value)
                return next((other for other in spellings if self._fits(other)), value)
            return value
        return text(rng, self.low, self.high)

    def cost(self, stack: set[int]) -> int:
        return 1

    def _fits(self, value: str) -> bool:
        size = len(value)
        return size >= self.low and (self.high is None or size <= self.high) and all(
            p.matches(value) for p in self.patterns)

    def _from_patterns(self, rng: Random) -> str:
        if self.format is not None:  # the pattern often just restates the format, in one spelling
            value = self.format(rng, self.low, self.high)
            for spelling in (value, *_SPELLINGS.get(self.format, _none)(value)):
                if self._fits(spelling):
                    return spelling
        primary = self.patterns[0]
        for _ in range(PATTERN_TRIES):
            value = primary.generate(rng)
            if self.format is not None and not primary.anchored_start:
                # a pattern that may match inside the value: after the format's own value (a URI
                # with the pattern's text as the end of its path)
                joined = self.format(rng, self.low, self.high) + value
                if self._fits(joined):
                    return joined
            if len(value) < self.low and primary.anchored_start and primary.anchored_end:
                # nothing can be added around it: let its unbounded repeats run longer instead
                primary = primary.stretched(2 * (self.low - len(value)))
                value = primary.generate(rng)
            if len(value) < self.low:
                value = self._pad(rng, primary, value)
            elif not primary.anchored_end:  # `^new-` says how a value starts: vary the rest
                longer = value + _chars(rng, _LOWER, int(rng.random() * 7))
                if self._fits(longer):
                    return longer
            if self._fits(value):
                return value
        raise GenerationError(
            f"no string of length {self.low}..{self.high if self.high is not None else ''} matching "
            f"{' and '.join(repr(p.source) for p in self.patterns)} found", self.where)

    def _pad(self, rng: Random, primary: PatternGenerator, value: str) -> str:
        missing = _chars(rng, _LOWER, self.low - len(value))
        if not primary.anchored_end:
            return value + missing
        if not primary.anchored_start:
            return missing + value
        return value
