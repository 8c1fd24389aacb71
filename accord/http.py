"""HTTP primitives the mock and the service share: reading `Accept` (RFC 9110 §12.5.1).

One reading, so both servers answer a client the same way:

- A media range is `type/subtype` or `type/*` or `*/*`, case-insensitive; a lone `*` reads as
  `*/*` (old clients send it, Java's HttpURLConnection among them). Parameters other than the
  weight are ignored for matching.
- The weight `q` (RFC 9110 §12.4.2) is a number from 0 to 1 with at most three decimals; `.5`
  reads as 0.5 (the same clients send it). `q=0` means "not acceptable".
- What does not read — an empty member, a range without a subtype, `*/json`, or a weight that is
  not a number from 0 to 1 with at most three decimals (`q=banana`, `q=2`, `q=-1`,
  `q=0.0001`) — is skipped: the grammar does not make it a media range, and guessing a weight
  for it would either invent a preference (1) or a refusal (0). A header with nothing usable is
  disregarded, as RFC 9110 §12.5.1 allows, and reads as no preference, like no header at all.
- The most specific range that matches a media type gives its weight (`application/json;q=0`
  beats `*/*`); between equally specific ones, the higher weight.

Callers cache results per header value: parsing is not per-request work.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_QVALUE = re.compile(r"(?:[01](?:\.[0-9]{0,3})?|\.[0-9]{1,3})")


class MediaRange(NamedTuple):
    """One usable member of an `Accept` value, lower-cased."""

    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        """0 for `*/*`, 1 for `type/*`, 2 for `type/subtype`."""
        return 0 if self.type == "*" else 1 if self.subtype == "*" else 2


def parse_qvalue(text: str) -> float | None:
    """An RFC 9110 weight as a number, or None when it is not one from 0 to 1 with at most 3 decimals."""
    text = text.strip()
    if not _QVALUE.fullmatch(text):
        return None
    q = float(text)
    return q if q <= 1.0 else None


def parse_accept(header: str) -> list[MediaRange]:
    """The usable media ranges of an `Accept` value, in the order sent (see the module docstring)."""
    ranges = []
    for member in header.split(","):
        media, *params = member.split(";")
        media = media.strip().lower()
        if media == "*":
            media = "*/*"
        kind, slash, sub = media.partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q: float | None = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = parse_qvalue(value)
                break
        if q is not None:
            ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> tuple[float, int]:
    """(weight, specificity) the ranges give `media_type` (`type/subtype`, parameters ignored):
    those of the most specific matching range, the higher weight among equals; (0.0, -1) if none."""
    q, rank, _position = match(ranges, media_type)
    return q, rank


def match(ranges: list[MediaRange], media_type: str) -> tuple[float, int, int]:
    """`quality`, and the position in `ranges` of the range that gave it (the first of equals);
    (0.0, -1, len(ranges)) if none matches. The position breaks ties between media types the
    client weighs alike: `text/plain, application/json` lists text/plain first."""
    kind, _, sub = media_type.partition(";")[0].strip().lower().partition("/")
    best_q, best_rank, best_position = 0.0, -1, len(ranges)
    for position, r in enumerate(ranges):
        if r.type not in ("*", kind) or r.subtype not in ("*", sub):
            continue
        rank = r.specificity
        if rank > best_rank or (rank == best_rank and r.q > best_q):
            best_q, best_rank, best_position = r.q, rank, position
    return best_q, best_rank, best_position
