"""Job identifiers: `job_` + a 26-character ULID (48-bit millisecond time, 80 random bits).

Crockford base32 keeps ids alphanumeric (the contract's pattern is `^job_[A-Za-z0-9]{10,40}$`)
and time-ordered, which makes them readable in logs and cheap to index.
"""

from __future__ import annotations

import os
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_job_id(now: float | None = None) -> str:
    millis = int((time.time() if now is None else now) * 1000) & ((1 << 48) - 1)
    value = (millis << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "job_" + "".join(reversed(chars))
