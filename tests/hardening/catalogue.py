"""The bad-input catalogue: one table of hostile requests, each written as the bytes on the wire.

Every case is sent over a raw socket to a real server (uvicorn + httptools), because the HTTP
parser decides what a malformed request becomes before any application code runs, and httpx
normalises or refuses most of what is interesting here (CRLF in a header, a NUL in the path, raw
bytes that are not UTF-8, two Content-Lengths). Each case names its category, so the counts in
docs/reliability.md come from this table (`python -m tests.hardening.catalogue`).

What every case must get, from the mock and from the service alike: a 4xx (or the answer the
contract documents for that request) as `application/problem+json`, no 500, no traceback text,
and the server still answering its health check afterwards.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

#: The development-style key both servers are started with in these tests.
KEY = "hardening-key-7f3a"
PREDICT = "/v1/models/iris-classifier/predict"
JOBS = "/v1/models/iris-classifier/prediction-jobs"
IRIS = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}
VALID = json.dumps({"instances": [IRIS]}).encode()

#: Body-size limits as documented: docs/data-team.md (service) and docs/web-team.md (mock).
SERVICE_LIMIT = 1024 * 1024
SERVICE_JOB_LIMIT = 16 * 1024 * 1024
MOCK_LIMIT = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Case:
    """One hostile request. `raw`, when given, is sent verbatim instead of the built request."""

    id: str
    category: str
    method: str = "POST"
    target: bytes = PREDICT.encode()
    headers: tuple[tuple[bytes, bytes], ...] = ()
    body: bytes | Callable[[], bytes] = b""
    auth: bool = True
    json_type: bool = True
    raw: bytes | None = None
    #: Statuses accepted besides "any 4xx", per target ("*" for both), each with its reason
    #: in the case's comment (e.g. the 200 of a body within the mock's larger limit).
    also: dict[str, frozenset[int]] = field(default_factory=dict)
    #: Text that must appear in the problem's `detail` (e.g. the documented body limit).
    detail: dict[str, str] = field(default_factory=dict)

    def accepted(self, target: str) -> frozenset[int]:
        """Statuses other than 4xx this target may answer: the contract's documented answer."""
        return self.also.get("*", frozenset()) | self.also.get(target, frozenset())

    def payload(self) -> bytes:
        return self.body() if callable(self.body) else self.body

    def request(self, host: bytes) -> bytes:
        """The request bytes: HTTP/1.1, Connection: close, Content-Length unless given."""
        if self.raw is not None:
            return self.raw.replace(b"{host}", host)
        body = self.payload()
        lines = [self.method.encode() + b" " + self.target + b" HTTP/1.1", b"Host: " + host, b"Connection: close"]
        if self.auth:
            lines.append(b"X-API-Key: " + KEY.encode())
        if self.json_type and self.method in ("POST", "PUT", "PATCH"):
            lines.append(b"Content-Type: application/json")
        names = {name.lower() for name, _ in self.headers}
        lines.extend(name + b": " + value for name, value in self.headers)
        if b"transfer-encoding" not in names and b"content-length" not in names and (
            body or self.method in ("POST", "PUT", "PATCH")
        ):
            lines.append(b"Content-Length: " + str(len(body)).encode())
        return b"\r\n".join(lines) + b"\r\n\r\n" + body


def ok(*statuses: int, on: str = "*") -> dict[str, frozenset[int]]:
    return {on: frozenset(statuses)}


def _nested(depth: int) -> bytes:
    return b'{"instances": [' + b"[" * depth + b"]" * depth + b"]}"


def _nested_objects(depth: int) -> bytes:
    return b'{"instances": [' + b'{"a":' * depth + b"1" + b"}" * depth + b"]}"


def _iris(**changes: object) -> bytes:
    return json.dumps({"instances": [{**IRIS, **changes}]}).encode()


def _with_value(literal: str) -> bytes:
    return b'{"instances": [{"sepal_length_cm": ' + literal.encode() + b', "sepal_width_cm": 3.5, ' \
        b'"petal_length_cm": 1.4, "petal_width_cm": 0.2}]}'


def _big_int() -> bytes:
    return _with_value("9" * 5000)


def _over(limit: int) -> Callable[[], bytes]:
    def build() -> bytes:
        padding = b" " * (limit + 1 - len(VALID))
        return VALID[:-1] + padding + VALID[-1:]

    return build


def _chunked(*chunks: bytes) -> bytes:
    return b"".join(f"{len(c):x}\r\n".encode() + c + b"\r\n" for c in chunks) + b"0\r\n\r\n"


def _raw(method: bytes, target: bytes, *headers: bytes, body: bytes = b"") -> bytes:
    lines = [method + b" " + target + b" HTTP/1.1", b"Host: {host}", b"Connection: close", *headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


_AUTH = b"X-API-Key: " + KEY.encode()
_JSON = b"Content-Type: application/json"

CASES: tuple[Case, ...] = (
    # -- malformed and truncated JSON ------------------------------------------------------------
    Case("json-truncated", "malformed JSON", body=VALID[: len(VALID) // 2]),
    Case("json-empty-object-open", "malformed JSON", body=b"{"),
    Case("json-trailing-garbage", "malformed JSON", body=VALID + b"}}"),
    Case("json-trailing-comma", "malformed JSON", body=b'{"instances": [1,],}'),
    Case("json-single-quotes", "malformed JSON", body=b"{'instances': []}"),
    Case("json-comment", "malformed JSON", body=b'{"instances": [] /* hi */}'),
    Case("json-two-documents", "malformed JSON", body=VALID + b"\n" + VALID),
    Case("json-bom", "malformed JSON", body=b"\xef\xbb\xbf" + VALID),
    Case("json-unterminated-string", "malformed JSON", body=b'{"instances": "abc'),
    Case("json-bare-scalar", "malformed JSON", body=b"42"),
    Case("json-null", "malformed JSON", body=b"null"),
    Case("json-array-top", "malformed JSON", body=b"[]"),
    Case("json-empty-body", "malformed JSON", body=b""),
    Case("json-whitespace-body", "malformed JSON", body=b"   \r\n\t "),
    Case("json-lone-surrogate-escape", "malformed JSON", body=_with_value('"\\ud800"')),
    Case("json-duplicate-keys", "malformed JSON",
         body=b'{"instances": [], "instances": [{"sepal_length_cm": 1}]}'),
    Case("json-content-length-short", "malformed JSON", headers=((b"Content-Length", b"10"),), body=VALID[:10]),
    # -- content types ---------------------------------------------------------------------------
    # No Content-Type: RFC 9110 section 8.3 lets a recipient examine the data; Connexion takes the
    # operation's only media type (JSON), the mock answers 415.
    Case("ctype-missing", "content type", json_type=False, body=VALID, also=ok(200, on="impl")),
    Case("ctype-text-plain", "content type", json_type=False, headers=((b"Content-Type", b"text/plain"),),
         body=VALID),
    Case("ctype-form", "content type", json_type=False,
         headers=((b"Content-Type", b"application/x-www-form-urlencoded"),), body=b"instances=1"),
    Case("ctype-multipart", "content type", json_type=False,
         headers=((b"Content-Type", b"multipart/form-data; boundary=x"),),
         body=b"--x\r\nContent-Disposition: form-data; name=\"instances\"\r\n\r\n1\r\n--x--\r\n"),
    Case("ctype-xml", "content type", json_type=False, headers=((b"Content-Type", b"application/xml"),),
         body=b"<instances/>"),
    Case("ctype-garbage", "content type", json_type=False, headers=((b"Content-Type", b";;;==="),), body=VALID),
    Case("ctype-json-latin1-charset", "content type", json_type=False,
         headers=((b"Content-Type", b"application/json; charset=latin-1"),), body=b'{"instances": ["\xe9"]}'),
    Case("ctype-two-headers", "content type", json_type=False,
         headers=((b"Content-Type", b"application/json"), (b"Content-Type", b"text/plain")), body=VALID),
    Case("accept-image-only", "content type", headers=((b"Accept", b"image/png"),), body=VALID),
    # -- invalid UTF-8 ---------------------------------------------------------------------------
    Case("utf8-body-invalid-byte", "invalid UTF-8", body=b'{"instances": ["\xff\xfe"]}'),
    Case("utf8-body-overlong-slash", "invalid UTF-8", body=b'{"instances": ["\xc0\xaf"]}'),
    Case("utf8-body-truncated-sequence", "invalid UTF-8", body=b'{"instances": ["\xe2\x82"]}'),
    Case("utf8-body-surrogate-bytes", "invalid UTF-8", body=b'{"instances": ["\xed\xa0\x80"]}'),
    Case("utf8-query-invalid", "invalid UTF-8", method="GET", target=b"/v1/prediction-jobs?model_id=%ff%fe"),
    Case("utf8-query-raw-bytes", "invalid UTF-8", method="GET", target=b"/v1/prediction-jobs?model_id=\xff"),
    Case("utf8-path-percent", "invalid UTF-8", method="GET", target=b"/v1/models/%ff%fe"),
    Case("utf8-path-raw-bytes", "invalid UTF-8", method="GET", target=b"/v1/models/\xff\xfe"),
    Case("utf8-header-key", "invalid UTF-8", headers=((b"X-API-Key", b"\xff\xfe\xfd"),), auth=False, body=VALID),
    Case("utf8-header-request-id", "invalid UTF-8", headers=((b"X-Request-ID", b"\xc3\x28"),), body=b"{"),
    Case("utf8-header-idempotency", "invalid UTF-8", target=JOBS.encode(),
         headers=((b"Idempotency-Key", b"\xff\xff"),), body=VALID),
    # -- NaN, Infinity and huge numbers ----------------------------------------------------------
    Case("number-nan", "NaN/Infinity/huge numbers", body=_with_value("NaN")),
    Case("number-infinity", "NaN/Infinity/huge numbers", body=_with_value("Infinity")),
    Case("number-minus-infinity", "NaN/Infinity/huge numbers", body=_with_value("-Infinity")),
    Case("number-1e400", "NaN/Infinity/huge numbers", body=_with_value("1e400")),
    Case("number-minus-1e400", "NaN/Infinity/huge numbers", body=_with_value("-1e400")),
    Case("number-5000-digits", "NaN/Infinity/huge numbers", body=_big_int),
    Case("number-tiny", "NaN/Infinity/huge numbers", body=_with_value("1e-400")),
    Case("number-huge-limit", "NaN/Infinity/huge numbers", method="GET",
         target=b"/v1/prediction-jobs?limit=" + b"9" * 5000),
    Case("number-nan-limit", "NaN/Infinity/huge numbers", method="GET", target=b"/v1/prediction-jobs?limit=NaN"),
    Case("number-huge-version", "NaN/Infinity/huge numbers", target=PREDICT.encode() + b"?version=1e400",
         body=VALID),
    # -- very long strings -----------------------------------------------------------------------
    Case("long-string-value", "long strings", body=_iris(sepal_length_cm="x" * 500_000)),
    Case("long-property-name", "long strings",
         body=json.dumps({"instances": [{**IRIS, "y" * 200_000: 1}]}).encode()),
    Case("long-path-segment", "long strings", method="GET", target=b"/v1/models/" + b"a" * 60_000),
    Case("long-query", "long strings", method="GET", target=b"/v1/prediction-jobs?model_id=" + b"b" * 60_000),
    Case("long-header-value", "long strings", headers=((b"X-Request-ID", b"r" * 60_000),), body=b"{"),
    Case("long-api-key", "long strings", auth=False, headers=((b"X-API-Key", b"k" * 60_000),), body=VALID),
    Case("many-headers", "long strings",
         headers=tuple((f"X-Pad-{i}".encode(), b"v") for i in range(500)), body=b"{"),
    # -- deep nesting ----------------------------------------------------------------------------
    Case("nested-arrays-1000", "deep nesting", body=_nested(1000)),
    Case("nested-arrays-100000", "deep nesting", body=_nested(100_000)),
    Case("nested-objects-10000", "deep nesting", body=_nested_objects(10_000)),
    Case("nested-unclosed-100000", "deep nesting", body=b'{"instances": ' + b"[" * 100_000),
    # -- body size -------------------------------------------------------------------------------
    # Valid JSON padded past the service's 1 MiB: within the mock's 10 MiB, so a 200 there.
    Case("size-over-predict-limit", "body size", body=_over(SERVICE_LIMIT), also=ok(200, on="mock"),
         detail={"impl": str(SERVICE_LIMIT)}),
    Case("size-over-every-limit", "body size", body=_over(SERVICE_JOB_LIMIT),
         detail={"impl": str(SERVICE_LIMIT), "mock": str(MOCK_LIMIT)}),
    Case("size-declared-only", "body size", headers=((b"Content-Length", str(SERVICE_JOB_LIMIT + 1).encode()),),
         body=b"{", detail={"impl": str(SERVICE_LIMIT), "mock": str(MOCK_LIMIT)}),
    Case("size-chunked-over", "body size", headers=((b"Transfer-Encoding", b"chunked"),),
         body=lambda: _chunked(*([b" " * 1_000_000] * 18), VALID),
         detail={"impl": str(SERVICE_LIMIT), "mock": str(MOCK_LIMIT)}),
    Case("size-jobs-over-limit", "body size", target=JOBS.encode(), body=_over(SERVICE_JOB_LIMIT),
         detail={"impl": str(SERVICE_JOB_LIMIT), "mock": str(MOCK_LIMIT)}),
    Case("size-instances-101", "body size", body=json.dumps({"instances": [IRIS] * 101}).encode()),
    Case("size-content-length-huge-number", "body size",
         headers=((b"Content-Length", b"9" * 40),), body=b"{"),
    # -- header and parameter injection ----------------------------------------------------------
    Case("inject-crlf-in-header", "injection", raw=_raw(b"POST", PREDICT.encode(), _AUTH, _JSON,
                                                         b"X-Request-ID: a\r\nSet-Cookie: x=1", b"Content-Length: 1",
                                                         body=b"{")),
    Case("inject-bare-lf-in-header", "injection", raw=_raw(b"POST", PREDICT.encode(), _AUTH, _JSON,
                                                            b"X-Request-ID: a\nX-Evil: 1", b"Content-Length: 1",
                                                            body=b"{")),
    Case("inject-nul-in-header", "injection", headers=((b"X-Request-ID", b"a\x00b"),), body=b"{"),
    Case("inject-nul-in-api-key", "injection", auth=False, headers=((b"X-API-Key", KEY.encode() + b"\x00"),),
         body=VALID),
    Case("inject-crlf-encoded-query", "injection", method="GET",
         target=b"/v1/prediction-jobs?model_id=iris%0d%0aSet-Cookie:%20x=1"),
    Case("inject-nul-encoded-query", "injection", method="GET", target=b"/v1/prediction-jobs?model_id=a%00b"),
    Case("inject-request-id-crlf-encoded", "injection", headers=((b"X-Request-ID", b"a%0d%0aSet-Cookie:x"),),
         body=b"{"),
    Case("inject-space-in-target", "injection", raw=_raw(b"GET", b"/v1/models /x")),
    Case("inject-api-key-in-query", "injection", auth=False, target=PREDICT.encode() + b"?api_key=" + KEY.encode(),
         body=VALID),
    Case("inject-header-folding", "injection", raw=_raw(b"POST", PREDICT.encode(), _AUTH, _JSON,
                                                         b"X-Request-ID: a", b" folded", b"Content-Length: 1",
                                                         body=b"{")),
    Case("inject-two-content-lengths", "injection", raw=_raw(b"POST", PREDICT.encode(), _AUTH, _JSON,
                                                              b"Content-Length: 1", b"Content-Length: 5",
                                                              body=b"{")),
    Case("inject-cl-and-chunked", "injection", raw=_raw(b"POST", PREDICT.encode(), _AUTH, _JSON,
                                                         b"Content-Length: 3", b"Transfer-Encoding: chunked",
                                                         body=b"1\r\n{\r\n0\r\n\r\n")),
    Case("inject-negative-content-length", "injection", headers=((b"Content-Length", b"-1"),), body=b"{"),
    Case("inject-sql-in-path", "injection", method="GET", target=b"/v1/prediction-jobs/x'%20OR%201=1--"),
    Case("inject-sql-in-query", "injection", method="GET",
         target=b"/v1/prediction-jobs?status=queued'%20OR%20'1'='1"),
    # The mock issues no page tokens, so any string is one to it; the service verifies its HMAC.
    Case("inject-page-token-garbage", "injection", method="GET",
         target=b"/v1/prediction-jobs?page_token=%22%3E%3Cscript%3E", also=ok(200, on="mock")),
    # -- odd path encodings and traversal --------------------------------------------------------
    Case("path-encoded-slash", "path encoding/traversal", method="GET", target=b"/v1/models/iris%2Fclassifier"),
    Case("path-encoded-nul", "path encoding/traversal", method="GET", target=b"/v1/models/iris%00"),
    Case("path-overlong-slash", "path encoding/traversal", method="GET", target=b"/v1/models/%c0%af%c0%afetc"),
    Case("path-dot-dot", "path encoding/traversal", method="GET", target=b"/v1/models/../../../etc/passwd"),
    Case("path-encoded-dot-dot", "path encoding/traversal", method="GET",
         target=b"/v1/models/%2e%2e%2f%2e%2e%2fetc%2fpasswd"),
    Case("path-double-encoded", "path encoding/traversal", method="GET", target=b"/v1/models/%252e%252e%252f"),
    Case("path-backslash", "path encoding/traversal", method="GET", target=b"/v1/models/..\\..\\etc\\passwd"),
    Case("path-absolute-uri", "path encoding/traversal", method="GET", target=b"http://evil.example/etc/passwd"),
    Case("path-no-leading-slash", "path encoding/traversal", raw=_raw(b"GET", b"v1/models")),
    Case("path-asterisk", "path encoding/traversal", raw=_raw(b"GET", b"*")),
    Case("path-double-slash", "path encoding/traversal", method="GET", target=b"//v1//models"),
    Case("path-semicolon", "path encoding/traversal", method="GET", target=b"/v1/models;x=1"),
    Case("path-unknown-method", "path encoding/traversal", raw=_raw(b"BREW", b"/v1/models", _AUTH)),
    Case("docs-mock-dot-dot", "path encoding/traversal", method="GET",
         target=b"/__accord/docs/../../../../etc/passwd"),
    Case("docs-mock-encoded-dot-dot", "path encoding/traversal", method="GET",
         target=b"/__accord/docs/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd"),
    Case("docs-mock-encoded-slash", "path encoding/traversal", method="GET",
         target=b"/__accord/docs/..%2f..%2fapp.py"),
    Case("docs-mock-absolute", "path encoding/traversal", method="GET", target=b"/__accord/docs//etc/passwd"),
    Case("docs-mock-dotfile", "path encoding/traversal", method="GET", target=b"/__accord/docs/.%2e/__init__.py"),
    Case("docs-mock-nul", "path encoding/traversal", method="GET", target=b"/__accord/docs/index.html%00.js"),
    Case("docs-ui-dot-dot", "path encoding/traversal", method="GET", target=b"/ui/../../../../etc/passwd"),
    Case("docs-ui-encoded-dot-dot", "path encoding/traversal", method="GET",
         target=b"/ui/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd"),
    Case("docs-ui-encoded-slash", "path encoding/traversal", method="GET", target=b"/ui/..%2f..%2f..%2fsetup.py"),
    Case("docs-ui-absolute", "path encoding/traversal", method="GET", target=b"/ui//etc/passwd"),
    Case("docs-ui-nul", "path encoding/traversal", method="GET", target=b"/ui/index.html%00.js"),
    Case("docs-ui-backslash", "path encoding/traversal", method="GET", target=b"/ui/..%5c..%5c..%5cetc%5cpasswd"),
    # -- duplicate parameters --------------------------------------------------------------------
    # A repeated scalar query parameter: one of the values is taken, which is a valid request.
    Case("dup-query-limit", "duplicate parameters", method="GET", target=b"/v1/prediction-jobs?limit=1&limit=2",
         also=ok(200)),
    Case("dup-query-version", "duplicate parameters", target=PREDICT.encode() + b"?version=1&version=2",
         body=VALID, also=ok(200, on="mock")),
    Case("dup-api-key-header", "duplicate parameters", auth=False,
         headers=((b"X-API-Key", KEY.encode()), (b"X-API-Key", b"wrong")), body=VALID),
    Case("dup-request-id-header", "duplicate parameters",
         headers=((b"X-Request-ID", b"a"), (b"X-Request-ID", b"b")), body=b"{"),
    Case("dup-idempotency-header", "duplicate parameters", target=JOBS.encode(),
         headers=((b"Idempotency-Key", b"k1"), (b"Idempotency-Key", b"k2")), body=VALID),
    # The mock ignores query parameters the operation does not declare (as Prism does).
    Case("dup-query-unknown", "duplicate parameters", method="GET",
         target=b"/v1/prediction-jobs?nope=1&nope=2", also=ok(200, on="mock")),
    # -- protocol and framing --------------------------------------------------------------------
    Case("protocol-trace", "protocol", raw=_raw(b"TRACE", PREDICT.encode(), _AUTH)),
    Case("protocol-connect", "protocol", raw=_raw(b"CONNECT", b"evil.example:443", _AUTH)),
    Case("protocol-http2-preface", "protocol", raw=b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
    Case("protocol-http09", "protocol", raw=b"GET /v1/models\r\n\r\n"),
    Case("protocol-http-version-9", "protocol", raw=b"GET /health/live HTTP/9.9\r\nHost: {host}\r\n\r\n"),
    Case("protocol-no-host", "protocol", raw=b"POST " + PREDICT.encode() + b" HTTP/1.1\r\nConnection: close\r\n"
         + _AUTH + b"\r\n" + _JSON + b"\r\nContent-Length: 1\r\n\r\n{"),
    Case("protocol-two-hosts", "protocol", raw=_raw(b"POST", PREDICT.encode(), b"Host: evil.example", _AUTH, _JSON,
                                                     b"Content-Length: 1", body=b"{")),
    Case("protocol-expect-continue-over-limit", "protocol",
         headers=((b"Expect", b"100-continue"), (b"Content-Length", str(SERVICE_JOB_LIMIT + 1).encode())),
         detail={"impl": str(SERVICE_LIMIT), "mock": str(MOCK_LIMIT)}),
    Case("protocol-gzip-encoded-body", "protocol", headers=((b"Content-Encoding", b"gzip"),),
         body=b"\x1f\x8b\x08\x00" + b"\x00" * 20),
    Case("protocol-accept-q-nan", "protocol", headers=((b"Accept", b"application/json;q=NaN, */*;q=1e400"),),
         body=b"{"),
    Case("protocol-accept-huge", "protocol", headers=((b"Accept", b", ".join([b"a/b;q=0.1"] * 5000)),), body=VALID),
    Case("protocol-query-bad-percent", "protocol", method="GET", target=b"/v1/prediction-jobs?limit=%&limit=%zz"),
    Case("protocol-prefer-code-huge", "protocol", headers=((b"Prefer", b"code=" + b"9" * 400),), body=b"{"),
    Case("protocol-mock-code-query", "protocol", target=PREDICT.encode() + b"?__code=1e400&__dynamic=maybe",
         body=b"{"),
    Case("protocol-many-properties", "protocol",
         body=json.dumps({"instances": [{**IRIS, **{f"p{i}": 1 for i in range(60_000)}}]}).encode()),
    Case("protocol-huge-array", "protocol", target=JOBS.encode(),
         body=b'{"instances": [' + b",".join([b"1"] * 2_000_000) + b"]}"),
    # -- chunked bodies --------------------------------------------------------------------------
    Case("chunked-valid-json-bad-schema", "chunked bodies", headers=((b"Transfer-Encoding", b"chunked"),),
         body=_chunked(b'{"instances"', b": []}")),
    Case("chunked-malformed-size", "chunked bodies", raw=_raw(b"POST", PREDICT.encode(), _AUTH, _JSON,
                                                              b"Transfer-Encoding: chunked",
                                                              body=b"zz\r\n{}\r\n0\r\n\r\n")),
    Case("chunked-truncated-json", "chunked bodies", headers=((b"Transfer-Encoding", b"chunked"),),
         body=_chunked(VALID[:20])),
    # httptools decodes the chunked framing and ignores the other coding name; the body is then
    # valid JSON. RFC 9112 section 6.1 suggests 501, which the contract does not document.
    Case("chunked-unknown-coding", "chunked bodies", headers=((b"Transfer-Encoding", b"gzip, chunked"),),
         body=_chunked(VALID), also=ok(200)),
    Case("chunked-extension", "chunked bodies", headers=((b"Transfer-Encoding", b"chunked"),),
         body=b"5;evil=1\r\n{\"ins\r\n0\r\n\r\n"),
)


def counts() -> Counter[str]:
    """Cases per category (docs/reliability.md)."""
    return Counter(case.category for case in CASES)


if __name__ == "__main__":
    for category, n in counts().items():
        print(f"| {category} | {n} |")
    print(f"| total | {len(CASES)} |")
