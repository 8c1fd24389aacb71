"""mock/proxy.py: the validating proxy in front of the real service and of a deliberately wrong one."""

from __future__ import annotations

import asyncio
import gzip
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from accord.consumer.contract import read_contract
from accord.contract_tests.serving import serve_app
from accord.mock.proxy import Upstream
from accord.mock.testing import serve_mock
from tests.web_client import IRIS, run_session

pytestmark = pytest.mark.integration  # the mock and the service on real ports

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
KEY = {"X-API-Key": "accord-dev-key"}
JOB = {"id": "job_01HZX3K8Q2", "model_id": "iris-classifier", "model_version": "3", "status": "queued",
       "created_at": "2025-06-01T09:31:02Z", "started_at": None, "finished_at": None, "expires_at": None,
       "progress": {"total": 1, "completed": 0}, "request_id": "r1", "error": None}
#: path -> (status, content type, body, extra headers): each breaks the contract in one way
#: (every answer carries the X-Request-ID the contract requires)
WRONG: dict[str, tuple[int, str, bytes, list[tuple[bytes, bytes]]]] = {
    "/v1/models": (200, "application/json", b'{"data": "not a list", "next_page_token": null}', []),
    "/v1/models/iris-classifier": (418, "application/json", b"{}", []),
    "/v1/models/wine-classifier": (200, "text/plain", b"hello", []),
    "/v1/models/iris-classifier/prediction-jobs": (202, "application/json", orjson.dumps(JOB),
                                                   [(b"retry-after", b"2")]),  # no Location
    "/v1/models/breast-cancer-classifier": (501, "application/problem+json", b'{"title": "Not Implemented"}', []),
    # for THINGS (a document without a problem convention of its own): pretty-printed, to be relayed as sent
    "/things": (200, "application/json", b'{\n  "items": "none"\n}', []),
    "/things/1": (201, "application/json", b'{"id": 1}', []),
}
#: A document of the Prism kind: no error responses, no problem convention; /things breaks its schema.
THINGS = """
openapi: 3.0.3
info: {title: things, version: '1'}
paths:
  /things:
    get:
      responses:
        '200':
          description: the things
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties:
                  id: {type: integer}
                  items: {type: array}
  /things/{id}:
    get:
      deprecated: true
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: X-Tenant, in: header, required: true, schema: {type: string}}
      responses:
        '200':
          description: one thing
          content:
            application/json:
              schema: {type: object}
"""


class WrongUpstream:
    """A tiny ASGI service that answers each known path wrongly and remembers what it received."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.bodies: dict[tuple[str, str], bytes] = {}
        self.headers: dict[tuple[str, str], dict[bytes, bytes]] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        self.received.append((scope["method"], scope["path"]))
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        self.bodies[(scope["method"], scope["path"])] = body
        self.headers[(scope["method"], scope["path"])] = dict(scope["headers"])
        if scope["path"] == "/health/live":
            await asyncio.sleep(3)  # slower than the proxy's timeout in the timeout test
        status, media, body, extra = WRONG.get(scope["path"], (200, "application/json", b"{}", []))
        headers = [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode()),
                   (b"x-request-id", b"r1"), (b"access-control-allow-origin", b"https://upstream.example"), *extra]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def wrong() -> Iterator[tuple[str, WrongUpstream]]:
    upstream = WrongUpstream()
    with serve_app(upstream) as url:
        yield url, upstream


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from impl.app import close_app, create_app

    app = create_app(SPEC, jobs_db=tmp_path_factory.mktemp("jobs") / "jobs.db", api_keys=["accord-dev-key"])
    try:
        with serve_app(app) as url:
            yield url
    finally:
        close_app(app)


@pytest.fixture(scope="module")
def things(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("things") / "things.yaml"
    path.write_text(THINGS)
    return path


def _violations(response: httpx.Response) -> list[dict[str, Any]]:
    return orjson.loads(response.headers["sl-violations"])


def test_the_real_service_passes_through_clean(service: str, caplog: pytest.LogCaptureFixture,
                                               tmp_path: Path) -> None:
    caplog.set_level(logging.INFO, "accord.mock")
    recording = tmp_path / "web.json"
    with serve_mock(SPEC, proxy=service, record=recording) as proxy:
        seen = run_session(proxy.url)
        created = httpx.post(proxy.url + "/v1/models/iris-classifier/prediction-jobs", headers=KEY,
                             json={"instances": [IRIS]})
    assert seen["label"] == "setosa" and seen["results"] in (200, 409)
    assert created.status_code == 202 and "sl-violations" not in created.headers
    assert created.json()["id"] != "job_01HZX3K8Q2"  # the service's job, not the mock's example
    assert created.headers["location"] == f"/v1/prediction-jobs/{created.json()['id']}"
    assert not [r for r in caplog.records if "breaks the contract" in r.getMessage()]
    # the recording holds what the service answered: its job ids, carried into the polls
    interactions = read_contract(recording).interactions
    job = next(i for i in interactions if i.operation == "createIrisPredictionJob")
    assert job.response.body is not None and job.response.body.content["id"] != "job_01HZX3K8Q2"
    poll = next(i for i in interactions if i.operation == "getPredictionJob")
    assert poll.request.path == f"/v1/prediction-jobs/{job.response.body.content['id']}"
    assert [c.source for c in poll.carried] == [job.key]


@pytest.mark.parametrize(
    ("method", "path", "status", "location"),
    [
        ("GET", "/v1/models", 200, ["response", "body", "data"]),
        ("GET", "/v1/models/iris-classifier", 418, ["response", "status"]),
        ("GET", "/v1/models/wine-classifier", 200, ["response", "content-type"]),
        ("POST", "/v1/models/iris-classifier/prediction-jobs", 202, ["response", "header", "Location"]),
    ],
)
def test_a_wrong_upstream_is_reported_in_header_and_log(wrong: tuple[str, WrongUpstream],
                                                        caplog: pytest.LogCaptureFixture, method: str, path: str,
                                                        status: int, location: list[str]) -> None:
    url, _ = wrong
    caplog.set_level(logging.WARNING, "accord.mock")
    body = {"instances": [IRIS]} if method == "POST" else None
    with serve_mock(SPEC, proxy=url) as proxy:
        response = httpx.request(method, proxy.url + path, headers=KEY, json=body)
    assert response.status_code == status  # relayed as it came
    reported = _violations(response)
    assert [v["location"] for v in reported] == [location]
    # Prism's severity: an undocumented status is an error for a 2xx only
    assert reported[0]["severity"] == ("Warning" if status == 418 else "Error")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"{method} {path} -> {status} breaks the contract" in logged
    if location[1] == "body":
        assert reported[0]["message"] == "must be array"  # ajv's words, as for the request's violations
        assert 'response body #/data: "not a list" is not of type "array"' in logged


def test_errors_answers_500_with_the_violations_in_the_documents_convention(wrong: tuple[str, WrongUpstream]) -> None:
    url, _ = wrong
    with serve_mock(SPEC, upstream=Upstream(url, errors=True)) as proxy:
        bad = httpx.get(proxy.url + "/v1/models", headers=KEY)
        undeclared = httpx.get(proxy.url + "/v1/models/wine-classifier", headers=KEY)
        undocumented = httpx.get(proxy.url + "/v1/models/iris-classifier", headers=KEY)
    assert bad.status_code == 500 and bad.headers["content-type"] == "application/problem+json"
    problem = bad.json()  # the contract has its own problem convention: accord's members
    assert problem["status"] == 500 and problem["upstream_status"] == 200 and problem["request_id"]
    assert problem["errors"] == [{"in": "response body", "pointer": "#/data",
                                  "detail": '"not a list" is not of type "array"'}]
    assert [v["location"] for v in _violations(bad)] == [["response", "body", "data"]]
    assert undeclared.status_code == 500 and undeclared.json()["errors"][0]["in"] == "response content-type"
    # an undocumented 4xx is reported, not replaced (Prism: a warning unless the status is a 2xx)
    assert undocumented.status_code == 418 and _violations(undocumented)[0]["severity"] == "Warning"


def test_errors_answers_prisms_violations_problem_for_a_document_without_a_convention(
        wrong: tuple[str, WrongUpstream], things: Path) -> None:
    url, _ = wrong
    with serve_mock(things, upstream=Upstream(url, errors=True)) as strict, serve_mock(things, proxy=url) as plain:
        answered = httpx.get(strict.url + "/things")
        relayed = httpx.get(plain.url + "/things")
    assert answered.status_code == 500 and answered.headers["content-type"] == "application/problem+json"
    assert answered.json() == {
        "type": "https://stoplight.io/prism/errors#VIOLATIONS",
        "title": "Request/Response not valid",
        "status": 500,
        "detail": "Your request/response is not valid and the --errors flag is set, so Prism is generating this "
                  "error for you.",
        "validation": [
            {"location": ["response", "body"], "severity": "Error", "code": "required",
             "message": "Response body must have required property 'id'"},
            {"location": ["response", "body", "items"], "severity": "Error", "code": "type",
             "message": "Response body property items must be array"},
        ],
    }
    # without --errors: relayed byte for byte, the violations in the header in ajv's words
    assert relayed.status_code == 200 and relayed.content == WRONG["/things"][2]
    assert [(v["location"], v["message"]) for v in _violations(relayed)] == [
        (["response", "body"], "must have required property 'id'"),
        (["response", "body", "items"], "must be array"),
    ]


def test_upstream_501_falls_back_to_the_mock(wrong: tuple[str, WrongUpstream]) -> None:
    url, upstream = wrong
    with serve_mock(SPEC, proxy=url) as proxy, serve_mock(SPEC) as plain:
        proxied = httpx.get(proxy.url + "/v1/models/breast-cancer-classifier", headers=KEY)
        mocked = httpx.get(plain.url + "/v1/models/breast-cancer-classifier", headers=KEY)
    assert ("GET", "/v1/models/breast-cancer-classifier") in upstream.received
    assert proxied.status_code == mocked.status_code == 200
    assert proxied.json() == mocked.json()
    assert "sl-violations" not in proxied.headers


def test_with_errors_an_invalid_request_is_answered_by_the_mock_and_not_forwarded(
        wrong: tuple[str, WrongUpstream], things: Path) -> None:
    url, upstream = wrong
    path = "/v1/models/wine-classifier/predict"
    with serve_mock(SPEC, upstream=Upstream(url, errors=True)) as proxy:
        unauthenticated = httpx.post(proxy.url + path, json={"instances": []})
        invalid = httpx.post(proxy.url + path, headers=KEY, json={"instances": []})
    assert unauthenticated.status_code == 401
    assert invalid.status_code == 400 and invalid.json()["errors"][0]["pointer"] == "#/instances"
    assert ("POST", path) not in upstream.received
    with serve_mock(things, upstream=Upstream(url, errors=True)) as proxy:
        generic = httpx.get(proxy.url + "/things/2")  # no X-Tenant; the document documents no 4xx
    assert generic.status_code == 422 and generic.json()["validation"] == [
        {"location": ["header"], "severity": "Error", "code": "required",
         "message": "Request header must have required property 'x-tenant'"}]
    assert ("GET", "/things/2") not in upstream.received


def test_without_errors_an_invalid_request_is_forwarded_and_both_directions_reported(
        wrong: tuple[str, WrongUpstream]) -> None:
    url, upstream = wrong
    path = "/v1/models/digits-classifier/predict"
    with serve_mock(SPEC, proxy=url) as proxy:
        response = httpx.post(proxy.url + path, json={"instances": []})  # no key, and too few instances
    assert ("POST", path) in upstream.received
    assert response.status_code == 200
    locations = [v["location"][:2] for v in _violations(response)]
    assert locations[0] == ["request"] and _violations(response)[0]["code"] == 401
    assert ["request", "body"] in locations and ["response", "body"] in locations


def test_without_errors_what_the_document_does_not_route_is_forwarded_as_is(wrong: tuple[str, WrongUpstream],
                                                                            things: Path) -> None:
    url, upstream = wrong
    with serve_mock(things, proxy=url) as proxy:
        unknown_path = httpx.post(proxy.url + "/v1/models/breast-cancer-classifier?x=1", content=b"raw")
        unknown_method = httpx.delete(proxy.url + "/things")
    # relayed as the service answered (its 501 too: there is no operation for the mock to answer)
    assert unknown_path.status_code == 501 and unknown_path.content == WRONG["/v1/models/breast-cancer-classifier"][2]
    assert upstream.bodies[("POST", "/v1/models/breast-cancer-classifier")] == b"raw"
    assert unknown_method.status_code == 200 and unknown_method.content == WRONG["/things"][2]
    for response in (unknown_path, unknown_method):
        assert _violations(response) == [{"location": ["request"], "severity": "Warning",
                                          "message": "Selected route not found"}]
    upstream.received.clear()
    with serve_mock(things, proxy=url, errors=True) as proxy:  # the settings' way (accord mock --errors)
        assert httpx.get(proxy.url + "/nowhere").status_code == 404
        assert httpx.delete(proxy.url + "/things").status_code == 405
    assert upstream.received == []


def test_a_get_with_a_body_is_forwarded_with_it_and_reported(wrong: tuple[str, WrongUpstream], things: Path) -> None:
    url, upstream = wrong
    with serve_mock(things, proxy=url) as proxy:
        forwarded = httpx.request("GET", proxy.url + "/things/1", headers={"X-Tenant": "t"}, json={})
    assert forwarded.status_code == 201 and upstream.bodies[("GET", "/things/1")] == b"{}"
    assert forwarded.headers.get_list("deprecation") == ["true"]  # the operation is deprecated (Prism)
    reported = _violations(forwarded)
    assert reported[0]["location"] == ["request", "body"] and reported[0]["code"] == "415"
    with serve_mock(things, upstream=Upstream(url, errors=True)) as proxy:
        refused = httpx.request("GET", proxy.url + "/things/1", headers={"X-Tenant": "t"}, json={})
    assert refused.status_code == 415  # the operation takes no body: the mock's answer


def test_cors_is_the_proxys_own(wrong: tuple[str, WrongUpstream]) -> None:
    url, _ = wrong
    with serve_mock(SPEC, proxy=url) as proxy:
        response = httpx.get(proxy.url + "/v1/models/wine-classifier", headers={**KEY, "Origin": "https://app.example"})
    assert response.headers.get_list("access-control-allow-origin") == ["https://app.example"]


def test_an_unreachable_upstream_is_a_502_problem() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with serve_mock(SPEC, proxy=f"http://127.0.0.1:{closed}") as proxy:
        response = httpx.get(proxy.url + "/v1/models", headers=KEY)
    assert response.status_code == 502 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The upstream service is unreachable (ConnectError)"


def test_a_slow_upstream_is_a_504_problem(wrong: tuple[str, WrongUpstream]) -> None:
    url, _ = wrong
    with serve_mock(SPEC, upstream=Upstream(url, timeout=0.5)) as proxy:
        response = httpx.get(proxy.url + "/health/live")
    assert response.status_code == 504 and response.json()["status"] == 504


def test_proxy_url_must_be_http() -> None:
    from accord.errors import UsageError

    with pytest.raises(UsageError, match="--proxy must be an http"):
        Upstream("ftp://example")


def test_an_encoded_request_body_travels_with_its_content_encoding(wrong: tuple[str, WrongUpstream],
                                                                   things: Path) -> None:
    url, upstream = wrong
    packed = gzip.compress(b'{"a": 1}')
    with serve_mock(things, proxy=url) as proxy:
        response = httpx.post(proxy.url + "/elsewhere", content=packed,
                              headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert response.status_code == 200 and "deprecation" not in response.headers
    assert upstream.bodies[("POST", "/elsewhere")] == packed
    assert upstream.headers[("POST", "/elsewhere")][b"content-encoding"] == b"gzip"
