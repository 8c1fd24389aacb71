"""Content negotiation on `Accept` (RFC 9110 §12.5.1): can the client take what we produce?

Every operation of the contract answers application/json, or application/problem+json on error,
and documents 406 `not-acceptable` for a client that accepts neither. The check runs in the
outermost middleware, before routing, so it must be cheap: a parsed header is cached by its bytes
(clients send the same few values over and over), and the common values short-circuit.

Matching follows the RFC: for each type we produce, the *most specific* media range that matches
it decides its weight (`application/json;q=0` beats `*/*`), and a weight of 0 means "not
acceptable". Parameters other than `q` are ignored; ranges that cannot be parsed are skipped,
and a header with no usable range at all is treated as no preference (lenient, like no header).
"""

from __future__ import annotations

from functools import lru_cache

#: What the service can produce: success bodies and problem bodies.
PRODUCED: tuple[tuple[str, str], ...] = (("application", "json"), ("application", "problem+json"))
PRODUCED_TEXT = "application/json and application/problem+json"

#: Header values that always accept (no parsing needed).
_ALWAYS = frozenset({b"", b"*/*", b"application/json", b"application/problem+json", b"*"})


def _weight(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 1.0  # an unreadable weight is ignored, not treated as a refusal
            return q if 0.0 <= q <= 1.0 else 1.0
    return 1.0


def parse(header: str) -> list[tuple[str, str, float]]:
    """`(type, subtype, q)` per usable media range, lower-cased; a lone `*` reads as `*/*`."""
    ranges = []
    for item in header.split(","):
        media, *params = item.split(";")
        media = media.strip().lower()
        if media == "*":
            media = "*/*"
        kind, slash, sub = media.partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        ranges.append((kind, sub, _weight(params)))
    return ranges


def _specificity(kind: str, sub: str) -> int:
    return 0 if kind == "*" else 1 if sub == "*" else 2


def quality(ranges: list[tuple[str, str, float]], produced: tuple[str, str]) -> float:
    """The weight the client gives `produced`: that of the most specific matching range, else 0."""
    best_rank, best_q = -1, 0.0
    for kind, sub, q in ranges:
        if kind not in ("*", produced[0]) or sub not in ("*", produced[1]):
            continue
        rank = _specificity(kind, sub)
        if rank > best_rank or (rank == best_rank and q > best_q):
            best_rank, best_q = rank, q
    return best_q


#: Only short values are cached, so a client cannot fill memory with long distinct headers.
_CACHEABLE_BYTES = 256


def acceptable(header: bytes) -> bool:
    """True when the `Accept` value allows application/json or application/problem+json."""
    value = header.strip()
    if value in _ALWAYS:
        return True
    return _decide_cached(value) if len(value) <= _CACHEABLE_BYTES else _decide(value)


@lru_cache(maxsize=512)
def _decide_cached(value: bytes) -> bool:
    return _decide(value)


def _decide(value: bytes) -> bool:
    ranges = parse(value.decode("latin-1"))
    if not ranges:
        return True
    return any(quality(ranges, produced) > 0 for produced in PRODUCED)
