"""Content negotiation on `Accept` (RFC 9110 §12.5.1): can the client take what we produce?

Every operation of the contract answers application/json, or application/problem+json on error,
and documents 406 `not-acceptable` for a client that accepts neither. The check runs in the
outermost middleware, before routing, so it must be cheap: a parsed header is cached by its bytes
(clients send the same few values over and over), and the common values short-circuit.

Parsing and matching are accord.http's, shared with the mock: the most specific matching range
decides a type's weight, `q=0` means "not acceptable", what cannot be read is skipped, and a
header with no usable range at all reads as no preference (like no header).
"""

from __future__ import annotations

from functools import lru_cache

from accord.http import parse_accept, quality

#: What the service can produce: success bodies and problem bodies.
PRODUCED = ("application/json", "application/problem+json")
PRODUCED_TEXT = "application/json and application/problem+json"

#: Header values that always accept (no parsing needed).
_ALWAYS = frozenset({b"", b"*/*", b"application/json", b"application/problem+json", b"*"})

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
    ranges = parse_accept(value.decode("latin-1"))
    if not ranges:
        return True
    return any(quality(ranges, produced)[0] > 0 for produced in PRODUCED)
