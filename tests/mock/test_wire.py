"""mock/wire.py: header lines as HTTP/1.1 carries them, and what it refuses to write."""

from __future__ import annotations

import pytest

from accord.mock.wire import HeaderError, header_lines


def test_lines_are_lower_case_name_colon_value():
    headers = [(b"Content-Type", b"application/json"), (b"x-total", b"2"), (b"x-tab", b"a\tb")]
    assert header_lines(headers) == b"content-type: application/json\r\nx-total: 2\r\nx-tab: a\tb\r\n"
    assert header_lines(headers) == header_lines(list(headers))  # the second time, from the kept lines
    assert header_lines([[b"x-list", b"1"]]) == b"x-list: 1\r\n"  # ASGI allows pairs as lists


@pytest.mark.parametrize(("header", "why"), [
    ((b"x-note", b"a\r\nset-cookie: x=1"), "the value of the x-note header is not valid HTTP"),
    ((b"x-note", b"a\x00b"), "the value of the x-note header is not valid HTTP"),
    ((b"x note", b"1"), "is not an HTTP token"),
    ((b"x:note", b"1"), "is not an HTTP token"),
    ((b"", b"1"), "is not an HTTP token"),
    ((b"Connection", b"close"), "connection is the server's to send"),
    ((b"transfer-encoding", b"chunked"), "transfer-encoding is the server's to send"),
])
def test_what_http_cannot_carry_is_refused(header: tuple[bytes, bytes], why: str):
    with pytest.raises(HeaderError, match=why):
        header_lines([(b"x-ok", b"1"), header])
