"""The HTTP/1.1 protocol the mock and the service run under uvicorn: httptools, except that a
request the parser refuses gets a problem+json answer instead of uvicorn's plain-text 400.

A CRLF or a NUL inside a header, a bare LF, two Content-Lengths, Content-Length with chunked,
raw bytes that are not a URL, an unknown method: httptools stops before the application sees
anything, and uvicorn writes `400 text/plain "Invalid HTTP request received."`. The contract
promises RFC 9457 problems for every error, so this subclass writes one (and still closes the
connection: after a framing error nothing else on it can be trusted, RFC 9112 section 11.2).

Each server subclasses `ProblemHttpToolsProtocol` at module level with its own `problem_type`
(uvicorn pickles the protocol class by reference when it spawns worker processes).
"""

from __future__ import annotations

import uuid

import orjson
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

DETAIL = "the request is not valid HTTP/1.1 (RFC 9112); nothing in it was processed"


def parser_problem(problem_type: str, request_id: str) -> bytes:
    """The body of the 400 for a request the HTTP parser refused."""
    return orjson.dumps({"type": problem_type, "title": "Bad Request", "status": 400, "detail": DETAIL,
                         "request_id": request_id})


class ProblemHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol; parser refusals answered as application/problem+json."""

    #: The problem `type` URI for "malformed request" of the server using this protocol.
    problem_type = "about:blank"

    def send_400_response(self, msg: str) -> None:
        request_id = uuid.uuid4().hex
        body = parser_problem(self.problem_type, request_id)
        content = [STATUS_LINE[400]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: application/problem+json\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"x-request-id: " + request_id.encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()
