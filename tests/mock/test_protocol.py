"""mock/protocol.py: requests answered straight from the parser, byte for byte the answers of the
ASGI path, over real sockets — keep-alive, pipelining, HTTP/1.0, HEAD, bodies in pieces — and every
request it must not answer itself left to uvicorn's ASGI path."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import PETS, build_app

from accord.mock import protocol as protocol_module
from accord.mock.app import MockApp
from accord.mock.protocol import DIRECT_BODY, MockHttpProtocol
from accord.mock.testing import ASGISyncTransport, RunningMock, serve_mock

NEW_PET = b'{"name": "Kit", "kind": "cat"}'
BAD_PET = b'{"name": 3, "kind": "bird", "extra": true}'


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with serve_mock(PETS) as running:
        yield running


def port_of(running: RunningMock) -> int:
    return int(running.url.rsplit(":", 1)[1])


def request(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
            version: str = "1.1") -> bytes:
    lines = [f"{method} {path} HTTP/{version}", "Host: mock", "X-API-Key: k1"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
        if "Content-Type" not in (headers or {}):
            lines.append("Content-Type: application/json")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Reader:
    """Responses read one after the other from a socket (Content-Length framing, as the mock sends)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def response(self, head_only: bool = False) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            assert self._fill(), f"connection closed before a response: {self.buffer!r}"
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in lines:
            name, _, value = line.partition(": ")
            assert name == name.lower(), f"header names are sent lower-case: {line!r}"
            assert name not in headers, f"{name} sent twice"
            headers[name] = value
        length = 0 if head_only else int(headers["content-length"])
        while len(self.buffer) < length:
            assert self._fill(), "connection closed inside a body"
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split()[1]), headers, body

    def closed(self) -> bool:
        """True when the server closed the connection (and sent nothing more)."""
        self.sock.settimeout(5)
        return not self._fill() and not self.buffer


def connect(running: RunningMock) -> tuple[socket.socket, Reader]:
    sock = socket.create_connection(("127.0.0.1", port_of(running)), timeout=10)
    return sock, Reader(sock)


def exchange(running: RunningMock, data: bytes, count: int = 1) -> list[tuple[int, dict[str, str], bytes]]:
    sock, reader = connect(running)
    with sock:
        sock.sendall(data)
        return [reader.response() for _ in range(count)]


def comparable(status: int, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], Any]:
    """What must be equal between two answers to the same request: request ids and dates left out."""
    kept = {k: v for k, v in headers.items() if k not in ("date", "server", "x-request-id", "content-length")}
    parsed: Any = body
    if "json" in headers.get("content-type", ""):
        parsed = json.loads(body)
        if isinstance(parsed, dict):
            parsed.pop("request_id", None)
    return status, kept, parsed


def via_asgi(app: MockApp, method: str, path: str, body: bytes,
             headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    with httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock") as client:
        response = client.request(method, path, content=body or None,
                                  headers={"X-API-Key": "k1", **({"Content-Type": "application/json"} if body else {}),
                                           **headers})
        return comparable(response.status_code, dict(response.headers), response.content)


CASES = [
    ("GET", "/pets", b"", {}),
    ("GET", "/pets", b"", {}),  # the second time, from the prepared reply
    ("GET", "/pets?limit=2", b"", {}),
    ("GET", "/pets?limit=0", b"", {}),  # 400/422: invalid query
    ("GET", "/pets", b"", {"Accept": "text/csv"}),
    ("GET", "/pets", b"", {"Accept": "image/png"}),  # 406
    ("GET", "/pets", b"", {"Origin": "http://127.0.0.1:5173"}),
    ("GET", "/pets/7", b"", {}),
    ("GET", "/pets/abc", b"", {}),
    ("POST", "/pets", NEW_PET, {}),
    ("POST", "/pets", BAD_PET, {}),
    ("POST", "/pets", b"{not json", {}),
    ("DELETE", "/pets/7", b"", {}),
    ("PUT", "/pets", b"", {}),  # 405
    ("GET", "/nowhere", b"", {}),  # 404
    ("GET", "/pets", b"", {"Prefer": "code=404"}),
]


@pytest.mark.parametrize(("method", "path", "body", "headers"), CASES)
def test_a_direct_answer_is_the_asgi_answer(mock: RunningMock, method: str, path: str, body: bytes,
                                            headers: dict[str, str]):
    [(status, sent_headers, sent_body)] = exchange(mock, request(method, path, body, headers))
    assert sent_headers["server"] and sent_headers["date"]  # uvicorn's default headers, as on the ASGI path
    assert comparable(status, sent_headers, sent_body) == via_asgi(build_app(PETS), method, path, body, headers)


def test_keep_alive_and_pipelined_requests_are_answered_in_order(mock: RunningMock):
    data = (request("GET", "/pets/7") + request("POST", "/pets", NEW_PET) + request("GET", "/nowhere")
            + request("POST", "/pets", BAD_PET) + request("GET", "/pets"))
    statuses = [status for status, _, _ in exchange(mock, data, count=5)]
    assert statuses[:3] == [200, 201, 404] and statuses[3] >= 400 and statuses[4] == 200
    sock, reader = connect(mock)
    with sock:
        for _ in range(3):  # one connection, request after request
            sock.sendall(request("GET", "/pets/7"))
            assert reader.response()[0] == 200


def test_a_body_arriving_in_pieces_is_read_whole(mock: RunningMock):
    sock, reader = connect(mock)
    with sock:
        data = request("POST", "/pets", NEW_PET)
        head_end = data.index(b"\r\n\r\n") + 4
        sock.sendall(data[:head_end])
        sock.sendall(data[head_end:head_end + 5])
        sock.sendall(data[head_end + 5:])
        status, _, body = reader.response()
    assert (status, json.loads(body)["name"]) == (201, "Kit")


def test_http_1_0_and_connection_close_end_the_connection(mock: RunningMock):
    for data in (request("GET", "/pets/7", version="1.0"), request("GET", "/pets/7", headers={"Connection": "close"})):
        sock, reader = connect(mock)
        with sock:
            sock.sendall(data)
            status, headers, _ = reader.response()
            assert (status, headers["connection"]) == (200, "close")
            assert reader.closed()


def test_head_gets_the_headers_without_a_body(mock: RunningMock):
    sock, reader = connect(mock)
    with sock:
        sock.sendall(request("HEAD", "/pets/7") + request("GET", "/pets/7"))
        status, headers, _ = reader.response(head_only=True)
        assert status == 405 and int(headers["content-length"]) > 0  # the length of the body not sent
        assert reader.response()[0] == 200  # the next answer starts right after the head


def test_requests_the_protocol_leaves_to_asgi_are_answered_there(mock: RunningMock):
    chunked = (b"POST /pets HTTP/1.1\r\nHost: mock\r\nX-API-Key: k1\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % len(NEW_PET) + NEW_PET + b"\r\n0\r\n\r\n")
    [(status, _, body)] = exchange(mock, chunked)
    assert (status, json.loads(body)["name"]) == (201, "Kit")
    big = json.dumps({"name": "Kit", "kind": "cat", "notes": "x" * (DIRECT_BODY + 10)}).encode()
    [(status, _, _)] = exchange(mock, request("POST", "/pets", big))
    assert status in (201, 422)  # answered by the pipeline through ASGI, not refused by the protocol
    sock, reader = connect(mock)
    with sock:  # Expect: 100-continue: the interim answer, then the final one (ASGI sends both)
        data = request("POST", "/pets", NEW_PET, {"Expect": "100-continue"})
        head_end = data.index(b"\r\n\r\n") + 4
        sock.sendall(data[:head_end])
        assert reader.response(head_only=True)[0] == 100
        sock.sendall(data[head_end:])
        assert reader.response()[0] == 201


@pytest.mark.parametrize("upgrade", ["websocket", "h2c"])
def test_an_upgrade_request_is_answered_as_plain_http(mock: RunningMock, upgrade: str, caplog):
    """No WebSocket (the mock has none; uvicorn used to hand the handshake to the app: a 500) and
    no warning telling the user to install a WebSocket library."""
    headers = {"Connection": "Upgrade", "Upgrade": upgrade, "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    with caplog.at_level("INFO"):
        [(status, _, body)] = exchange(mock, request("GET", "/pets", headers=headers))
    assert (status, isinstance(json.loads(body), list)) == (200, True)
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


def test_an_app_that_waits_is_served_through_asgi(tmp_path: Path):
    rules = tmp_path / "behaviour.yaml"
    rules.write_text("latency:\n  - {operation: getPet, fixed: 1}\n")
    with serve_mock(PETS, rules=str(rules)) as running:
        assert running.app.immediate is False
        [(status, _, _)] = exchange(running, request("GET", "/pets/7"))
    assert status == 200


def test_a_failure_inside_the_mock_is_a_500_problem_and_the_connection_goes_on(mock: RunningMock, monkeypatch,
                                                                              caplog):
    def broken(*_args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(mock.app, "answer_now", broken)
    sock, reader = connect(mock)
    with sock:
        sock.sendall(request("GET", "/pets/7"))
        status, headers, body = reader.response()
        monkeypatch.undo()
        sock.sendall(request("GET", "/pets/7"))
        assert reader.response()[0] == 200
    assert (status, headers["content-type"]) == (500, "application/problem+json")
    assert json.loads(body)["status"] == 500
    assert "internal error on GET /pets/7" in caplog.text


def test_a_header_value_that_is_not_valid_http_is_never_sent(mock: RunningMock, monkeypatch, caplog):
    """The document's header examples are checked when compiled; should anything else bring a CR or LF
    into a value, the protocol refuses to write it (as uvicorn does) and answers a 500 problem."""
    def smuggling(*_args: Any) -> Any:
        return ({"type": "http.response.start", "status": 200,
                 "headers": [(b"x-note", b"a\r\nset-cookie: x=1"), (b"content-length", b"2")]},
                {"type": "http.response.body", "body": b"{}"})

    monkeypatch.setattr(mock.app, "answer_now", smuggling)
    [(status, headers, body)] = exchange(mock, request("GET", "/pets/7"))
    assert "set-cookie" not in headers and "x-note" not in headers
    assert (status, headers["content-type"], json.loads(body)["status"]) == (500, "application/problem+json", 500)
    assert "the value of the x-note header is not valid HTTP" in caplog.text


def test_answers_are_built_by_the_protocol_not_by_uvicorn(mock: RunningMock, monkeypatch):
    """The direct path is taken: with the ASGI app unreachable, a plain request is still answered."""
    calls: list[str] = []
    real = MockHttpProtocol.render

    def spy(self: MockHttpProtocol, start: dict[str, Any], end: dict[str, Any]) -> bytes:
        calls.append(start["status"])
        return real(self, start, end)

    monkeypatch.setattr(MockHttpProtocol, "render", spy)
    [(status, _, _)] = exchange(mock, request("POST", "/pets", NEW_PET))
    assert status == 201 and calls == [201]
    assert protocol_module.DIRECT_BODY >= len(NEW_PET)
    assert uuid.UUID(exchange(mock, request("GET", "/pets"))[0][1]["x-request-id"])


class FakeTransport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def get_extra_info(self, key: str) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 5555)}.get(key)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


def test_an_idle_connection_is_closed_and_a_busy_one_is_not():
    """One idle timer per connection: when it fires after requests came in, it waits again."""
    import asyncio

    import uvicorn
    from uvicorn.server import ServerState

    async def scenario() -> list[bool]:
        config = uvicorn.Config(build_app(PETS), http=MockHttpProtocol, lifespan="off")
        config.load()
        proto = MockHttpProtocol(config=config, server_state=ServerState(), app_state={})
        transport = FakeTransport()
        proto.connection_made(transport)  # type: ignore[arg-type]
        proto.data_received(request("GET", "/pets/7"))
        seen = [b" 200 OK" in transport.written[-1], proto.timeout_keep_alive_task is not None]
        proto.data_received(request("GET", "/pets/7"))  # activity since the timer was armed
        proto.timeout_keep_alive_task.cancel()  # the timer fires now
        proto.timeout_keep_alive_handler()
        seen += [transport.closed, proto.timeout_keep_alive_task is not None]  # re-armed, still open
        proto.timeout_keep_alive_task.cancel()  # fires again, nothing came in meanwhile
        proto.timeout_keep_alive_handler()
        seen.append(transport.closed)
        proto.connection_lost(None)
        seen.append(proto.timeout_keep_alive_task is None)
        return seen

    assert asyncio.run(scenario()) == [True, True, False, True, True, True]


@pytest.mark.parametrize("dynamic", [False, True])
def test_prepared_header_lines_are_the_headers_as_written(dynamic: bool):
    """A plan's ready lines (wire.HEAD_LINES) are exactly what the protocol would write from its headers."""
    from accord.mock.wire import HEAD_LINES, header_lines

    app = build_app(PETS, dynamic=dynamic)
    ready = 0
    for headers in ([], [(b"x-request-id", b"abc-1")], [(b"x-request-id", b"not valid!")],
                    [(b"origin", b"http://127.0.0.1:5173")], [(b"accept", b"application/json")]):
        for path in ("/pets", "/pets/7", "/pets/8", "/pets/mine"):
            for _ in range(3):  # the first through the pipeline, then from the plan
                scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
                         "query_string": b"", "headers": [(b"x-api-key", b"k1"), *headers]}
                start, _end = app.answer_now(scope, b"")
                if HEAD_LINES in start:
                    ready += 1
                    assert start[HEAD_LINES] == header_lines(start["headers"])
    assert ready > 20
