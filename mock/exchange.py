"""One request/response exchange over raw ASGI: what the pipeline steps read and produce."""

from __future__ import annotations

import itertools
import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from accord.mock import prism
from accord.mock.problems import PROBLEM_JSON, Violation, problem
from accord.mock.problems import render as render_problem

if TYPE_CHECKING:
    from accord.mock.behaviour.engine import Note
    from accord.mock.compiler import MediaBody, Operation, PathItem
    from accord.mock.negotiation import Preferences
    from accord.mock.parameters import RequestParts

Headers = list[tuple[bytes, bytes]]


#: Operations under same-shape templates: (path item, operation, the path's values) each.
Twins = tuple[tuple["PathItem", "Operation", tuple[str, ...]], ...]


@dataclass(slots=True)
class Reply:
    """A response ready to send: status, headers (without Content-Length) and body bytes."""

    status: int
    headers: Headers
    body: bytes = b""


#: An incoming X-Request-ID is echoed on answers the contract does not describe only when it is
#: this tame (the same rule as the example contract's own X-Request-ID parameter).
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_PREFIX = uuid.uuid4().hex[:20]
#: The random, per-process part of every id: version 4 and the RFC 4122 variant set.
_HEAD = f"{_PREFIX[:8]}-{_PREFIX[8:12]}-4{_PREFIX[13:16]}-a{_PREFIX[17:20]}-".encode("ascii")
#: The whole id as one bytes format (the head holds hex digits and dashes only: no `%` to escape).
_FORMAT = _HEAD + b"%012x"
_COUNTER = itertools.count(1)


def next_request_id() -> bytes:
    """A fresh UUID-formatted id: random per process (version 4 bits set), then a counter.

    Unique within the process (the counter) and across processes (the 80 random bits). `uuid.uuid4()`
    per request costs more than everything else a GET does; one formatting is the cheapest way found.
    """
    return _FORMAT % (next(_COUNTER) & 0xFFFFFFFFFFFF)


#: Header names already decoded: clients send the same few names on every request, and looking
#: one up costs less than decoding it. Bounded: names past the bound are decoded every time.
_NAMES: dict[bytes, str] = {}
NAMES_KEPT = 512


def _name(raw: bytes) -> str:
    name = raw.decode("latin-1")
    if len(_NAMES) < NAMES_KEPT:
        _NAMES[raw] = name
    return name


def decode_headers(raw_headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """ASGI's header pairs as text; repeated fields joined (RFC 9110 §5.3)."""
    headers: dict[str, str] = {}
    known = _NAMES.get
    for raw_key, raw_value in raw_headers:
        headers[known(raw_key) or _name(raw_key)] = raw_value.decode("latin-1")
    if len(headers) != len(raw_headers):
        headers = {}
        for raw_key, raw_value in raw_headers:
            key, value = raw_key.decode("latin-1").lower(), raw_value.decode("latin-1")
            if key in headers:
                headers[key] += ("; " if key == "cookie" else ", ") + value
            else:
                headers[key] = value
    return headers


def problem_reply(status: int, body: dict[str, Any], extra: Headers | None = None) -> Reply:
    headers: Headers = [(b"content-type", PROBLEM_JSON.encode())]
    if extra:
        headers.extend(extra)
    return Reply(status, headers, render_problem(body))


@dataclass(slots=True)
class Exchange:
    """The request as the pipeline sees it, and what the steps found out about it."""

    scope: dict[str, Any]
    receive: Any
    method: str
    path: str
    query: bytes
    headers: dict[str, str]
    body: bytes = b""
    item: PathItem | None = None
    op: Operation | None = None
    values: tuple[str, ...] = ()
    #: Other operations for the method under a template of the same shape (`/a/{id}` and `/a/{key}`,
    #: which OpenAPI forbids and documents carry): tried in turn when the request breaks `op`.
    twins: Twins = ()
    parts: RequestParts | None = None
    prefs: Preferences | None = None
    violations: list[Violation] = field(default_factory=list)  # warnings kept for sl-violations
    note: Note | None = None  # what the behaviour (rules, faults, state) did: for the journal
    prism_errors: bool = True  # generic problems in Prism's words (CompiledApi.prism_errors)
    static: bool = False  # the default response by `respond`, static or generated (mock/prepared.py)
    body_read: bool = False  # `body` is the whole body, read (mock/prepared_bodies.py)
    #: The body's media and parsed value, known not to validate (mock/prepared_bodies.py).
    checked: tuple[MediaBody, Any] | None = None

    @classmethod
    def from_scope(cls, scope: dict[str, Any], receive: Any) -> Exchange:
        headers = decode_headers(scope["headers"])
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else scope["path"]
        if "?" in path:  # some servers leave the query in raw_path
            path = path.split("?", 1)[0]
        return cls(scope, receive, scope["method"].upper(), path, scope.get("query_string", b""), headers)

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-request-id")

    def trace_id(self) -> str:
        """The id an answer the contract does not describe carries: the caller's when tame."""
        sent = self.request_id
        if sent is not None and SAFE_REQUEST_ID.fullmatch(sent):
            return sent
        return next_request_id().decode("ascii")

    def generic(self, status: int, detail: str, extra: Headers | None = None, *, prism_code: str | None = None,
                **members: Any) -> Reply:
        """A problem for what no operation documents (404, 405, 406, 413…), with a request id.

        With `prism_code`, and unless the document has its own problem convention
        (`CompiledApi.prism_errors`), the body is Prism's (mock/prism.py: its type, title and
        `members`); the request id then travels in the X-Request-ID header only.
        """
        rid = self.trace_id()
        headers: Headers = [(b"x-request-id", rid.encode("ascii"))]
        if extra:
            headers.extend(extra)
        if prism_code is not None and self.prism_errors:
            return problem_reply(status, prism.problem(prism_code, status, detail, **members), headers)
        return problem_reply(status, problem(status, detail, instance=self.path, request_id=rid), headers)


async def read_within(receive: Any, limit: int, first: dict[str, Any] | None = None) -> bytes | None:
    """The whole request body from ASGI `receive`, or None once it passes `limit` bytes; `first`:
    a message the caller has already received."""
    chunks: list[bytes] = []
    size = 0
    message = first
    while True:
        if message is None:
            message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        if not message.get("more_body", False):
            if not chunks:  # the whole body in one message: the common case, nothing to join
                return chunk
            chunks.append(chunk)
            break
        chunks.append(chunk)
        message = None
    return b"".join(chunks)
