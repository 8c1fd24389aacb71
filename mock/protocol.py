"""The mock's HTTP/1.1 protocol: httptools under uvicorn, answering most requests without ASGI.

uvicorn hands every request to the application through ASGI: a scope, a request-response cycle
with its event, a task, `receive` and `send` coroutines, and a check of every response header.
For a mock whose answer is ready in microseconds that machinery costs more than the answer itself
(a bare ASGI app returning fixed bytes under uvicorn: ~20 µs per request here; the same bytes
written by a bare httptools protocol: about a third of that). So the mock answers a request
*directly* from the parser's callbacks when nothing in it needs the event loop:

- the app says it can (`immediate`: no validating proxy, no scenarios, rules or faults — the steps
  that wait on a timer, an upstream or the client);
- the request is whole and small: no `Transfer-Encoding`, a Content-Length up to `DIRECT_BODY`,
  no `Expect: 100-continue`, no upgrade;
- nothing is in flight on the connection (no earlier response still being written, no pipelined
  request queued) and the client is reading what it is sent (the transport is not paused).

The answer is the app's own (`answer_now`: a prepared reply, else the same pipeline as the ASGI
path, run to completion without waiting), written as uvicorn writes one: its status line, its
default headers (`date`, `server`), the answer's headers, `connection: close` when the connection
ends, no body for HEAD. Every other request goes through uvicorn's ASGI path, unchanged.

Parser refusals get a problem+json 400 (accord/protocol.py).
"""

from __future__ import annotations

import logging
import urllib.parse
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE

from accord.mock.problems import PROBLEM_JSON, problem
from accord.mock.problems import render as render_problem
from accord.mock.wire import HEAD_LINES, header_lines
from accord.protocol import ProblemHttpToolsProtocol

log = logging.getLogger("accord.mock")

#: The largest body a request answered directly may carry; a larger one goes through ASGI (and
#: the pipeline's own limit, `--max-body`, answers 413 there).
DIRECT_BODY = 256 * 1024
#: Request headers that decide whether a request can be answered directly.
_FRAMING = frozenset({b"content-length", b"transfer-encoding", b"expect"})
_CRLF = b"\r\n"
_CLOSE_END = b"connection: close\r\n\r\n"
#: uvicorn's default headers (`date`, `server`) as lines, and the list they were made from.
_defaults: tuple[Any, bytes] = (None, b"")
_FAILED = "The mock failed on this request; see its log"


class MockHttpProtocol(ProblemHttpToolsProtocol):
    """uvicorn's httptools protocol; requests the mock can answer at once are answered without ASGI."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        app = self.config.app
        #: The app answering directly (MockApp, ReloadingApp), None: everything through ASGI.
        self.mock: Any = app if hasattr(app, "answer_now") else None
        self.direct = False  # the message being parsed is answered directly
        self.direct_body = b""
        self.direct_keep_alive = True
        self.length = 0  # the request's Content-Length (-1: chunked, or a value the limit refuses)
        self.closing = False  # shutdown asked while a direct request was being read
        #: Keep-alive: reads and answers so far, and their count when the idle timer was armed.
        self.activity = 0
        self.armed_at = -1

    def _unsupported_upgrade_warning(self) -> None:
        """The mock serves HTTP/1.1 only (uvicorn runs it with `ws="none"`): a WebSocket or h2c
        Upgrade is answered as plain HTTP, which RFC 9110 §7.8 allows. uvicorn would warn on each
        such request and advise installing a WebSocket library, which would not help."""
        self.logger.debug("Upgrade request answered as plain HTTP/1.1 (the mock serves no WebSocket)")

    # Parser callbacks

    def on_message_begin(self) -> None:
        # uvicorn's, but the scope is built once the request line and headers are known
        # (`on_headers_complete`): a request answered directly needs only part of it.
        self.url = b""
        self.expect_100_continue = False
        self.headers = []
        self.length = 0

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        value = value.rstrip(b" \t")  # as uvicorn: RFC 9110 section 5.5 excludes trailing OWS
        if name in _FRAMING:
            if name == b"expect":
                if value.lower() == b"100-continue":
                    self.expect_100_continue = True
            elif name == b"transfer-encoding" or not value.isdigit():
                self.length = -1
            else:
                self.length = int(value)
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        mock = self.mock
        cycle = self.cycle
        if (mock is None or not mock.immediate or self.expect_100_continue or not 0 <= self.length <= DIRECT_BODY
                or self.pipeline or (cycle is not None and not cycle.response_complete) or self.flow.write_paused
                or self.limit_concurrency is not None or self.parser.should_upgrade()):
            self.scope = {  # uvicorn's on_message_begin
                "type": "http",
                "asgi": {"version": self.asgi_version, "spec_version": "2.3"},
                "http_version": "1.1",
                "server": self.server,
                "client": self.client,
                "scheme": self.scheme,  # type: ignore[typeddict-item]
                "root_path": self.root_path,
                "headers": self.headers,
                "state": self.app_state.copy(),
            }
            super().on_headers_complete()
            return
        parser = self.parser
        http_version = parser.get_http_version()
        url = httptools.parse_url(self.url)
        raw_path = url.path
        path = raw_path.decode("ascii")
        if "%" in path:
            path = urllib.parse.unquote(path)
        if self.root_path:
            path = self.root_path + path
            raw_path = self.root_path.encode("ascii") + raw_path
        # What the mock reads of a scope (Exchange.from_scope, MockApp.prepared).
        self.scope = {"type": "http", "http_version": http_version, "method": parser.get_method().decode("ascii"),
                      "path": path, "raw_path": raw_path, "query_string": url.query or b"",
                      "headers": self.headers}  # type: ignore[typeddict-item]
        self.direct_keep_alive = http_version != "1.0" and parser.should_keep_alive()
        self.direct_body = b""
        self.direct = True

    def on_body(self, body: bytes) -> None:
        if self.direct:
            self.direct_body += body
        else:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self.direct:
            super().on_message_complete()
            return
        self.direct = False
        # Nothing may escape a parser callback: httptools would turn it into a 400 for bad HTTP.
        try:
            start, end = self.mock.answer_now(self.scope, self.direct_body)
            data = self.render(start, end)
        except Exception:
            log.exception("internal error on %s %s", self.scope["method"], self.scope["path"])
            data = self.render(*_failure())
        self.direct_body = b""
        self.transport.write(data)
        self.server_state.total_requests += 1
        if not self.direct_keep_alive or self.closing:
            self.transport.close()
        elif self.timeout_keep_alive_task is None:
            self.arm()

    def render(self, start: dict[str, Any], end: dict[str, Any]) -> bytes:
        """The response's bytes, as uvicorn's `RequestResponseCycle.send` writes them: the status
        line, uvicorn's default headers, the answer's headers (`answer_now` gives Content-Length
        and no Connection header), `connection: close` when the connection ends here, and the body
        (none for HEAD)."""
        global _defaults
        status = start["status"]
        defaults = self.server_state.default_headers  # a new list every second (the date)
        made = _defaults  # read once: servers in other threads may replace it meanwhile
        if defaults is not made[0]:
            made = _defaults = (defaults, header_lines(defaults))
        lines = start.get(HEAD_LINES)
        if lines is None:
            lines = header_lines(start["headers"])
        ending = _CRLF if self.direct_keep_alive and not self.closing else _CLOSE_END
        body = b"" if self.scope["method"] == "HEAD" else end.get("body", b"")
        return b"".join((STATUS_LINE.get(status) or b"HTTP/1.1 %d \r\n" % status, made[1], lines, ending, body))

    # Keep-alive: one idle timer per connection, re-armed when it fires after activity, instead of
    # a timer armed and cancelled for every request.

    def _unset_keepalive_if_required(self) -> None:  # uvicorn calls it on every read and answer
        self.activity += 1

    def arm(self) -> None:
        """Close the connection after `timeout_keep_alive` seconds without a request."""
        self.armed_at = self.activity
        self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)

    def timeout_keep_alive_handler(self) -> None:
        self.timeout_keep_alive_task = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if (self.activity != self.armed_at or self.direct or self.pipeline
                or (cycle is not None and not cycle.response_complete)):
            self.arm()  # busy since it was armed: idle time counts from now
            return
        self.transport.close()

    def on_response_complete(self) -> None:  # uvicorn's, with `arm`
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self.activity += 1
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
        elif self.timeout_keep_alive_task is None:
            self.arm()

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if self.timeout_keep_alive_task is not None:
            self.timeout_keep_alive_task.cancel()
            self.timeout_keep_alive_task = None

    def shutdown(self) -> None:
        if self.direct:  # a request being read: answered, then the connection closes
            self.closing = True
            return
        super().shutdown()


def _failure() -> tuple[dict[str, Any], dict[str, Any]]:
    """The 500 for a failure inside the mock (logged by the caller)."""
    body = render_problem(problem(500, _FAILED))
    return ({"type": "http.response.start", "status": 500,
             "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", b"%d" % len(body))]},
            {"type": "http.response.body", "body": body})
