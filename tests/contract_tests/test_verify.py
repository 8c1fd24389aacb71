"""contract_tests/verify.py and `accord verify`: a session recorded on the mock, replayed for real."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from accord.consumer.contract import Carried, Interaction, Request, Response, read_contract
from accord.consumer.matching import Actual
from accord.contract_tests.serving import serve_app
from accord.contract_tests.verify import _prepare, replay, report_json, verify_contract
from tests.contract_tests.broken import drop_field
from tests.web_client import record_session, run_refused_calls

pytestmark = pytest.mark.integration  # servers on real ports, recorded sessions replayed

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
KEY = "accord-dev-key"


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record_session(tmp_path_factory.mktemp("verify") / "web.json", SPEC)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Any]:
    from impl.app import close_app, create_app

    app = create_app(SPEC, jobs_db=tmp_path / "jobs.db", api_keys=[KEY])
    try:
        yield app
    finally:
        close_app(app)


def _verify_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from accord.cli import main; main()", "verify", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_recorded_on_the_mock_verifies_against_the_real_service(recording: Path) -> None:
    """Job ids differ between mock and service: the carried id is the service's own."""
    result = _verify_cli(str(recording), "--target", "impl")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == f"{recording} against impl: 5 interactions, verified\n"


def test_refused_calls_recorded_on_the_mock_verify_against_the_real_service(tmp_path: Path) -> None:
    """A 400 with per-field errors and a 401, as the page saw them on the mock: the service's answers
    have every field the page read (the same `errors` entries, accord/violations.py)."""
    from accord.mock.testing import serve_mock

    recording = tmp_path / "refused.json"
    with serve_mock(SPEC, record=recording) as mock:
        on_mock = run_refused_calls(mock.url)
    assert [(i.operation, i.response.status) for i in read_contract(recording).interactions] == [
        ("predictIris", 400), ("listModels", 401)]
    result = _verify_cli(str(recording), "--target", "impl")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == f"{recording} against impl: 2 interactions, verified\n"
    assert on_mock["field_errors"] == [("#/instances/0/petal_width_cm", "is a required property"),
                                       ("#/instances/0/sepal_length_cm", "must be > 0")]


def test_a_service_without_one_field_fails_at_that_field(recording: Path, service: Any) -> None:
    broken = drop_field(service, "/predictions/0/label",
                        lambda scope: scope["method"] == "POST" and scope["path"].endswith("/predict"))
    report = verify_contract(recording, broken, spec=SPEC, api_key=KEY, name="impl-without-label")
    assert not report.ok
    broken_ones = [(f.interaction.operation, [(m.where, m.pointer, m.message) for m in f.mismatches])
                   for f in report.failed]
    assert len(broken_ones) == 1, broken_ones
    (failed,) = report.failed
    assert failed.interaction.operation == "predictIris"
    assert [(m.where, m.pointer, m.message) for m in failed.mismatches] == [
        ("body", "/predictions/0/label", "field /predictions/0/label is missing")]
    assert failed.pointers() == ["/interactions/1/response/body/content/predictions/0/label"]


def test_cli_reports_each_broken_interaction_with_its_pointer(recording: Path, service: Any) -> None:
    broken = drop_field(service, "/model_version",
                        lambda scope: scope["method"] == "POST" and scope["path"].endswith("/predict"))
    with serve_app(broken) as url:
        result = _verify_cli(str(recording), "--target", url)
    assert result.returncode == 1, result.stderr
    description = read_contract(recording).interactions[1].description
    assert result.stdout.splitlines() == [
        f"{recording}#/interactions/1/response/body/content/model_version: {description} "
        "(POST /v1/models/iris-classifier/predict): field /model_version is missing",
        f"{recording} against {url}: 5 interactions, 1 of 5 interactions broken",
    ]


def test_the_mock_verifies_its_own_recording(recording: Path) -> None:
    report = verify_contract(recording, "mock", spec=SPEC)
    assert report.ok
    data = report_json(report)
    assert data["ok"] is True and data["target"] == "mock"
    assert [(i["operation"], i["status"], i["mismatches"]) for i in data["interactions"]] == [
        ("listModels", 200, []), ("predictIris", 200, []), ("createIrisPredictionJob", 202, []),
        ("getPredictionJob", 200, []), ("getPredictionJobResults", 200, [])]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "error: {file}:1: not JSON"),
        ('{"interactions": [{"request": {"method": "GET", "path": "/x"}, "response": {"status": "200"}}]}',
         "error: {file}:1: `status` must be an HTTP status code (100-599) at #/interactions/0/response/status"),
    ],
)
def test_an_unreadable_contract_exits_2_located(tmp_path: Path, content: str, message: str) -> None:
    file = tmp_path / "web.json"
    file.write_text(content)
    result = _verify_cli(str(file), "--target", "mock")
    assert result.returncode == 2
    assert result.stderr.startswith(message.format(file=file))


def test_carried_values_come_from_the_targets_earlier_answer() -> None:
    follow = Interaction("k2", "get", Request("GET", "/jobs/job_mock/results", headers={"X-API-Key": ["<redacted>"]}),
                         Response(200), carried=(Carried("path", "2", "k1", "$response.body#/id"),),
                         credentials=("X-API-Key",))
    whole = Interaction("k3", "follow", Request("GET", "/jobs/job_mock"), Response(200),
                        carried=(Carried("path", "", "k1", "$response.header.Location"),))
    seen = {"k1": Actual(202, {"content-type": "application/json", "location": "/jobs/job%2Freal"},
                         orjson.dumps({"id": "job/real"}))}
    assert _prepare(follow, seen, "key")[1:4] == ("/jobs/job%2Freal/results", [], [("X-API-Key", "key")])
    assert _prepare(whole, seen, "key")[1] == "/jobs/job%2Freal"


def test_not_yet_is_retried_while_the_consumer_got_a_success() -> None:
    calls: list[str] = []

    async def slow_results(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        calls.append(scope["path"])
        ready = len(calls) >= 3
        body = b'{"rows": [1]}' if ready else b'{"title": "not finished"}'
        media = b"application/json" if ready else b"application/problem+json"
        await send({"type": "http.response.start", "status": 200 if ready else 409,
                    "headers": [(b"content-type", media), (b"retry-after", b"0")]})
        await send({"type": "http.response.body", "body": body})

    from accord.consumer.contract import Body, ConsumerContract

    contract = ConsumerContract("web", "api", (
        Interaction("k", "results", Request("GET", "/results"),
                    Response(200, {"Content-Type": ["application/json"]}, Body({"rows": [1]}, "application/json"))),))
    with serve_app(slow_results) as url:
        (result,) = replay(contract, url, "key", patience=10)
    assert result.ok and result.status == 200 and len(calls) == 3
    calls.clear()
    with serve_app(slow_results) as url:
        (impatient,) = replay(contract, url, "key", patience=0)
    assert impatient.status == 409 and [m.where for m in impatient.mismatches] == ["status"]


def test_a_poll_still_in_progress_is_asked_again_until_it_holds_what_the_consumer_got() -> None:
    """The recording saw a running job (a string `started_at`); the target's job is still queued
    (null, with Retry-After): same status, so only the body says "not yet"."""
    calls: list[str] = []

    async def queued_then_running(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        calls.append(scope["path"])
        started = b'"2026-01-01T00:00:00Z"' if len(calls) >= 3 else b"null"
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"retry-after", b"0")]})
        await send({"type": "http.response.body", "body": b'{"status": "x", "started_at": ' + started + b"}"})

    from accord.consumer.contract import Body, ConsumerContract

    recorded = {"status": "running", "started_at": "2025-12-31T00:00:00Z"}
    contract = ConsumerContract("web", "api", (
        Interaction("k", "poll", Request("GET", "/jobs/1"),
                    Response(200, {"Content-Type": ["application/json"]}, Body(recorded, "application/json"))),))
    with serve_app(queued_then_running) as url:
        (result,) = replay(contract, url, "key", patience=10)
    assert result.ok and len(calls) == 3
    calls.clear()
    with serve_app(queued_then_running) as url:
        (impatient,) = replay(contract, url, "key", patience=0)
    assert [(m.where, m.pointer) for m in impatient.mismatches] == [("body", "/started_at")]


def test_a_target_that_stops_answering_is_a_finding(recording: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    results = replay(read_contract(recording), f"http://127.0.0.1:{closed}", KEY, patience=0)
    messages = [[m.message for m in r.mismatches] for r in results]
    assert messages[:3] == [["the target did not answer (ConnectError)"]] * 3
    for result, found in zip(results[3:], messages[3:], strict=True):  # the polls carry the unknown job id
        source = result.interaction.carried[0].source
        assert found == [f"the value carried into this request ($response.body#/id of interaction {source}) "
                         "was not in the target's earlier response"]
