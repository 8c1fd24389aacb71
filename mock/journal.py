"""A bounded journal of the requests the mock received, for assertions in tests.

journal.calls("POST /v1/models/{model_id}/predict")  # by method and path template
journal.calls("GET /health/live")                      # or by the concrete path
journal.last().status
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from accord.mock.exchange import decode_headers

#: Default number of requests kept; the oldest are dropped first.
DEFAULT_SIZE = 1000
#: Request bodies are kept up to this many bytes.
MAX_BODY_KEPT = 64 * 1024


#: Header and query parameter names whose values the served journal never shows: credentials.
_SECRET_MARKERS = ("key", "token", "auth", "secret", "cookie", "session", "password")
REDACTED = "[redacted]"


#: Names with a marker in them that are not credentials (compared lower-case, without `-` and `_`):
#: an Idempotency-Key is a value the client chose to make a retry safe, a page token a position in
#: a list; a developer debugging either needs to see it.
_NOT_SECRET = frozenset({"idempotencykey", "pagetoken", "nextpagetoken"})


def _secret(name: str) -> bool:
    lowered = name.lower()
    if lowered.replace("-", "").replace("_", "") in _NOT_SECRET:
        return False
    return any(marker in lowered for marker in _SECRET_MARKERS)


def redact(headers: dict[str, str]) -> dict[str, str]:
    """Headers with credential values replaced: /__accord/journal answers anyone who asks."""
    return {k: REDACTED if _secret(k) else v for k, v in headers.items()}


def redact_query(query: str) -> str:
    """`api_key=s3cr3t&limit=5` → `api_key=[redacted]&limit=5` (a key sent in the wrong place)."""
    parts = []
    for part in query.split("&"):
        name, sep, _value = part.partition("=")
        parts.append(f"{name}={REDACTED}" if sep and _secret(name) else part)
    return "&".join(parts)


@dataclass(slots=True, frozen=True)
class Entry:
    """One received request and the mock's answer."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    status: int
    operation: str | None  # operationId, else "METHOD /template"; None when no route matched
    template: str | None
    violations: tuple[dict[str, Any], ...] = field(default=())
    #: What answered besides the static response: scenario, rule, fault, network, latency_ms, state.
    answered_by: dict[str, Any] | None = None

    def json(self) -> Any:
        import orjson

        return orjson.loads(self.body) if self.body else None

    def as_dict(self) -> dict[str, Any]:
        """The entry as served over HTTP: credential headers redacted."""
        return {
            "method": self.method,
            "path": self.path,
            "query": redact_query(self.query),
            "headers": redact(self.headers),
            "body": self.body.decode("utf-8", errors="replace"),
            "status": self.status,
            "operation": self.operation,
            "template": self.template,
            "violations": list(self.violations),
            "answered_by": self.answered_by,
        }


def _entry(raw: tuple[Any, ...] | Entry) -> Entry:
    if isinstance(raw, Entry):
        return raw
    method, path, query, headers, body, status, operation, template, violations, *rest = raw
    return Entry(
        method=method,
        path=path,
        query=query.decode("latin-1"),
        # A prepared reply (mock/prepared.py) records the request's raw header pairs.
        headers=dict(headers) if isinstance(headers, dict) else decode_headers(headers),
        body=body[:MAX_BODY_KEPT],
        status=status,
        operation=operation,
        template=template,
        violations=tuple(v.sl_entry() for v in violations),
        answered_by=rest[0] if rest else None,
    )


class Journal:
    """Thread-safe bounded list of entries (the server thread writes, the test thread reads).

    The server appends raw tuples (deque appends are atomic); they become `Entry` values
    only when read, so recording costs the hot path almost nothing.
    """

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._entries: deque[Any] = deque(maxlen=max(size, 0) or None)
        self._lock = threading.Lock()
        self.enabled = size > 0

    def record(self, entry: Entry | tuple[Any, ...]) -> None:
        if self.enabled:
            self._entries.append(entry)

    def entries(self) -> list[Entry]:
        with self._lock:
            raw = list(self._entries)
        return [_entry(e) for e in raw]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries())

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def calls(self, what: str | None = None) -> list[Entry]:
        """Entries matching "METHOD /path-or-template", "/path-or-template" or an operationId."""
        if what is None:
            return self.entries()
        method, _, target = what.partition(" ") if " " in what else ("", "", what)
        method = method.upper()
        return [
            e
            for e in self.entries()
            if (not method or e.method == method) and target in (e.path, e.template, e.operation)
        ]

    def last(self) -> Entry | None:
        entries = self.entries()
        return entries[-1] if entries else None
