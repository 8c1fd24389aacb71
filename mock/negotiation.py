"""Which response: Prism's selection rules, `Prefer` preferences, and `Accept` negotiation.

- No code forced: the lowest 2xx (sorted as strings, so `200` before `2XX`), else `default`
  (served as 200), else the first response listed (anchors §2.5).
- `Prefer: code=N`: exact, else the `NXX` range, else `default`, all served as N; else 404.
- `Prefer` (RFC 7240) wins over the `__code`/`__example`/`__dynamic`/`__seed` query
  parameters all-or-nothing: when the header is present the query parameters are ignored.
- `Accept` (RFC 9110 §12.5.1, read by accord.http as the service reads it), as Prism's
  negotiator (the `accepts` package) chooses: the declared media type with the highest q, then
  the one a more specific range names, then the one named earlier in the header, then the one
  declared first. So `Accept: */*` (curl's and fetch()'s default) gets the first declared media
  type, the document's own preference. Without an `Accept` (or with nothing usable in it) the
  client states no preference: JSON first, else the first declared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from accord.http import MediaRange, match, parse_accept
from accord.mock.bodies import is_json

R = TypeVar("R")

_CODE = re.compile(r"\d{3}")
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_MEDIA_TYPE = re.compile(f"{_TOKEN}/{_TOKEN}")  # RFC 9110 §8.3.1
_PREFER_ITEM = re.compile(r'\s*([!#$%&\'*+\-.^_`|~0-9A-Za-z]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^,;\s]*))?')
#: Preference name -> query parameter name.
QUERY_NAMES = {"code": "__code", "example": "__example", "dynamic": "__dynamic", "seed": "__seed"}
_BY_QUERY_NAME = {query: key for key, query in QUERY_NAMES.items()}


@dataclass(slots=True, frozen=True)
class Preferences:
    """What the client asked for in this one request (never leaks into the next, cf. Prism #1071)."""

    code: int | None = None
    example: str | None = None
    dynamic: bool | None = None
    seed: str | None = None
    source: str = ""  # "header" | "query" | ""


NO_PREFERENCES = Preferences()


class PreferenceError(ValueError):
    """An invalid preference value; `parameter`/`location` say where it was sent."""

    def __init__(self, message: str, parameter: str, location: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.location = location


def parse_prefer(header: str) -> dict[str, str]:
    """RFC 7240 preferences: `name[=value][; param]`, comma separated; quoted values unquoted."""
    found: dict[str, str] = {}
    for item in header.split(","):
        head = item.split(";", 1)[0]
        hit = _PREFER_ITEM.match(head)
        if not hit or not hit.group(1):
            continue
        value = hit.group(2) or ""
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('\\"', '"')
        found.setdefault(hit.group(1).lower(), value)
    return found


def read_preferences(prefer: str | None, query: Iterable[tuple[str, str]]) -> Preferences:
    """The request's preferences; raises PreferenceError for an invalid code or dynamic value."""
    if prefer is not None:
        raw = parse_prefer(prefer)
        source, where = "header", ("Prefer", "header")
    else:
        raw = {}
        for key, value in query:
            if key in _BY_QUERY_NAME:
                raw.setdefault(_BY_QUERY_NAME[key], value)
        if not raw:
            return NO_PREFERENCES
        source, where = "query", ("", "query")
    code = dynamic = None
    if "code" in raw:
        if not _CODE.fullmatch(raw["code"]):
            raise PreferenceError(f"code must be three digits, got {raw['code']!r}", *_where(where, "code"))
        code = int(raw["code"])
    if "dynamic" in raw:
        if raw["dynamic"] not in ("true", "false"):
            raise PreferenceError(f"dynamic must be true or false, got {raw['dynamic']!r}", *_where(where, "dynamic"))
        dynamic = raw["dynamic"] == "true"
    return Preferences(code, raw.get("example") or None, dynamic, raw.get("seed") or None, source)


def _where(where: tuple[str, str], key: str) -> tuple[str, str]:
    name, location = where
    return (name or QUERY_NAMES[key], location)


# -- response selection -------------------------------------------------------------------------
def default_key(keys: Iterable[str]) -> str | None:
    """The response Prism serves by default: lowest 2xx (string order), `default`, first."""
    keys = list(keys)
    success = sorted(k for k in keys if len(k) == 3 and k[0] == "2" and (k[1:].isdigit() or k[1:].upper() == "XX"))
    if success:
        return success[0]
    if "default" in keys:
        return "default"
    return keys[0] if keys else None


def served_status(key: str, forced: int | None = None) -> int:
    if forced is not None:
        return forced
    if key.isdigit():
        return int(key)
    if key == "default":
        return 200
    return int(key[0]) * 100  # 2XX -> 200


def forced_key(responses: Mapping[str, R], code: int) -> str | None:
    """Exact code, then its `NXX` range, then `default` (anchors §2.5)."""
    text = str(code)
    if text in responses:
        return text
    for key in responses:
        if len(key) == 3 and key[0] == text[0] and key[1:].upper() == "XX":
            return key
    return "default" if "default" in responses else None


#: Statuses that name what is wrong (a credential, the media type): documented by a range (`4XX`)
#: they are still chosen before the fallbacks 400/422 (Prism tries each candidate exactly, then by
#: range, before the next); the fallbacks are tried exactly first, then by range.
PRECISE_STATUSES = frozenset({401, 415})


def error_key(responses: Mapping[str, R], candidates: tuple[int, ...]) -> tuple[str, int] | None:
    """The documented response for an invalid request: each candidate exactly (a precise status
    such as 415 also by range), then by range, then `default` served with the first candidate
    (Prism §2.8, plus ranges)."""
    for code in candidates:
        if str(code) in responses:
            return str(code), code
        if code in PRECISE_STATUSES and (key := _range_key(responses, code)) is not None:
            return key, code
    for code in candidates:
        if (key := _range_key(responses, code)) is not None:
            return key, code
    if "default" in responses:
        return "default", candidates[0]
    return None


def _range_key(responses: Mapping[str, R], code: int) -> str | None:
    for key in responses:
        if len(key) == 3 and key[0] == str(code)[0] and key[1:].upper() == "XX":
            return key
    return None


# -- Accept -------------------------------------------------------------------------------------
def choose_media(accept: str | None, served: list[str]) -> int | None:
    """Index of the declared media type to send (by its served type), None when none is acceptable.

    `Accept` is read by accord.http, as the service reads it; callers cache the answer per value."""
    if not served:
        return None
    ranges = parse_accept(accept) if accept is not None else []
    if not ranges:  # no header, or nothing usable in it: no preference
        for index, media in enumerate(served):
            if is_json(media):
                return index
        return 0
    best_index, best_score = None, None
    for index, media in enumerate(served):
        q, specificity, position = match(ranges, media)
        if q <= 0:
            continue
        # A content key that is no `type/subtype` (`description:` written one level too deep)
        # is chosen only when no real media type is acceptable.
        score = (_MEDIA_TYPE.fullmatch(media.split(";", 1)[0].strip()) is not None, q, specificity, -position, -index)
        if best_score is None or score > best_score:
            best_index, best_score = index, score
    if best_index is None:
        return _structured_suffix(ranges, served)
    return best_index


def _structured_suffix(ranges: list[MediaRange], served: list[str]) -> int | None:
    """`Accept: application/json` when the operation only serves `application/hal+json` (or
    `application/xml` and `…+xml`): the structured syntax suffix (RFC 6839) says the body is
    JSON (XML), which is what the client asked to read — served rather than a 406 the
    document does not describe."""
    for suffix in ("json", "xml"):
        if any(r.type == "application" and r.subtype == suffix and r.q > 0 for r in ranges):
            for index, media in enumerate(served):
                if media.startswith("application/") and media.endswith("+" + suffix):
                    return index
    return None
