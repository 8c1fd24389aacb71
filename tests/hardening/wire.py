"""HTTP/1.1 over a raw socket: send bytes exactly as written, read one answer back.

Used for the catalogue because httpx (rightly) refuses to write most hostile requests.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names; repeated fields joined with ", "
    body: bytes
    raw: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def exchange(port: int, request: bytes, *, timeout: float = 300.0) -> Answer:
    """Send `request` and read until the server closes (every request says Connection: close).

    No half-close after sending: uvicorn takes a FIN as the client going away and may drop the
    answer, which would blame the server for the client's manners.
    """
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer (413, 400) and close before reading everything
        chunks: list[bytes] = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return parse(b"".join(chunks))


def parse(raw: bytes) -> Answer:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise AssertionError(f"no complete HTTP answer: {raw[:200]!r}")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        key = name.strip().lower().decode("latin-1")
        text = value.strip().decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _dechunk(body)
    elif "content-length" in headers:
        body = body[: int(headers["content-length"])]
    return Answer(status, headers, body, raw)


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return bytes(out)
