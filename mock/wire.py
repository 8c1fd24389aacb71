"""Response headers as HTTP/1.1 writes them: `name: value` lines, checked as uvicorn checks them.

The mock's protocol (mock/protocol.py) writes answers itself; a header line is written only when
its name is a lower-case token and its value holds no control character but a tab (RFC 9110
section 5), the rule uvicorn applies before it writes a header. A reply prepared once
(mock/prepared.py) carries its lines ready, under `HEAD_LINES` in its start message: the check
is made when the reply is prepared, not on every answer.
"""

from __future__ import annotations

import re

#: The key of an `http.response.start` message holding its headers already as `header_lines`
#: gives them (an extension key: ASGI servers ignore it).
HEAD_LINES = "accord.head"

_BAD_NAME = re.compile(b'[^!#$%&\'*+\\-.^_`|~0-9a-z]')
_BAD_VALUE = re.compile(b"[\x00-\x08\x0a-\x1f\x7f]")
#: Headers the server writes itself, from the connection's state.
_FRAMING = frozenset({b"connection", b"transfer-encoding"})
#: Headers whose value is new on every answer: their lines are not kept.
_PER_REQUEST = frozenset({b"x-request-id"})
#: Names already checked (a document declares a bounded set of them).
_GOOD_NAMES: set[bytes] = set()
#: Header lines by (name, value): most of an answer's headers repeat from answer to answer (the
#: document's, CORS, Link); a request id or a length that changes costs a line each time.
_LINES: dict[tuple[bytes, bytes], bytes] = {}
LINES_KEPT = 4096


class HeaderError(ValueError):
    """A header that HTTP/1.1 cannot carry as it is."""


def header_lines(headers: list[tuple[bytes, bytes]]) -> bytes:
    """`name: value\r\n` for each header, names lower-cased; HeaderError for a name that is not a
    token or a value with a control character. Each distinct header's line is made once."""
    get = _LINES.get
    parts = []
    for header in headers:
        line = get(header) if header.__class__ is tuple else None
        if line is None:
            line = _line(header)
        parts.append(line)
    return b"".join(parts)


def _line(header: tuple[bytes, bytes]) -> bytes:
    name, value = header
    if name not in _GOOD_NAMES:
        name = checked_name(name)
    if name in _FRAMING:
        raise HeaderError(f"{name.decode('latin-1')} is the server's to send, not an answer's")
    if _BAD_VALUE.search(value):
        raise HeaderError(f"the value of the {name.decode('latin-1')} header is not valid HTTP")
    line = b"%s: %s\r\n" % (name, value)
    if len(_LINES) >= LINES_KEPT:
        _LINES.clear()
    if header.__class__ is tuple and name not in _PER_REQUEST:
        _LINES[header] = line
    return line


def checked_name(name: bytes) -> bytes:
    """`name` lower-cased, once checked to be a token (HeaderError otherwise)."""
    lowered = name.lower()
    if not lowered or _BAD_NAME.search(lowered):
        raise HeaderError(f"the header name {name!r} is not an HTTP token")
    _GOOD_NAMES.add(lowered)
    return lowered
