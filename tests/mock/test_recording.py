"""mock/recording.py: a web client's session against the mock, written as a consumer contract."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import orjson
import pytest

from accord.consumer.contract import REDACTED, read_contract
from accord.mock.testing import serve_mock
from tests.web_client import record_session

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record_session(tmp_path_factory.mktemp("recording") / "web.pact.json", SPEC)


def test_every_distinct_call_once_in_order(session: Path) -> None:
    contract = read_contract(session)
    assert contract.consumer == "web" and contract.provider == "accord example: ML model-serving API"
    # five polls-and-follows of the same job collapse into one interaction
    assert [(i.operation, i.request.method, i.response.status) for i in contract.interactions] == [
        ("listModels", "GET", 200),
        ("predictIris", "POST", 200),
        ("createIrisPredictionJob", "POST", 202),
        ("getPredictionJob", "GET", 200),
        ("getPredictionJobResults", "GET", 200),
    ]
    listing, predict, create, status, results = contract.interactions
    assert listing.request.query == {"limit": ["10"]}
    assert predict.request.body is not None and predict.request.body.content["instances"][0]["petal_width_cm"] == 0.2
    assert predict.response.body is not None and "predictions" in predict.response.body.content
    assert create.response.headers["Location"] == ["/v1/prediction-jobs/job_01HZX3K8Q2"]
    assert status.template == "/v1/prediction-jobs/{job_id}"
    assert results.template == "/v1/prediction-jobs/{job_id}/results"


def test_credentials_are_redacted(session: Path) -> None:
    text = session.read_text()
    assert "accord-dev-key" not in text
    for interaction in read_contract(session).interactions:
        assert interaction.request.headers["X-API-Key"] == [REDACTED]
        assert interaction.credentials == ("X-API-Key",)


def test_values_taken_from_earlier_responses_are_marked_carried(session: Path) -> None:
    """The job id comes from the 202 (OpenAPI link GetJob, then the status response's links)."""
    _listing, _predict, create, status, results = read_contract(session).interactions
    assert [(c.location, c.name, c.source, c.expression) for c in status.carried] == [
        ("path", "3", create.key, "$response.body#/id")]
    assert [(c.location, c.name, c.source, c.expression) for c in results.carried] == [
        ("path", "3", status.key, "$response.body#/id")]


def test_controls_and_unknown_routes_are_not_recorded(tmp_path: Path) -> None:
    file = tmp_path / "web.json"
    with serve_mock(SPEC, record=file) as mock, httpx.Client(base_url=mock.url, headers={"X-API-Key": "k"}) as client:
        created = client.post("/v1/models/iris-classifier/prediction-jobs",
                              json={"instances": [{"sepal_length_cm": 5.1, "sepal_width_cm": 3.5,
                                                   "petal_length_cm": 1.4, "petal_width_cm": 0.2}]})
        client.get(created.headers["location"] + "/cancel")  # 405: no operation, not recorded
        client.get(created.headers["location"], params={"__code": "200"})  # a mock control: not recorded
    _create, status = read_contract(file).interactions
    assert status.request.query == {}
    assert [c.expression for c in status.carried] == ["$response.body#/id"]  # the GetJob link wins


THINGS = """
openapi: 3.0.3
info: {title: things, version: '1'}
paths:
  /things:
    post:
      operationId: createThing
      responses:
        '201':
          description: created
          headers:
            Location: {required: true, schema: {type: string}, example: /things/t-42}
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content:
            application/json: {schema: {type: object}, example: {id: t-42}}
"""


def test_a_followed_location_without_a_link_is_carried_whole(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(THINGS)
    file = tmp_path / "web.json"
    with serve_mock(spec, record=file) as mock:
        created = httpx.post(mock.url + "/things")
        httpx.get(mock.url + created.headers["location"])
        httpx.get(mock.url + "/things/other")
    create, followed, other = read_contract(file).interactions
    assert [(c.location, c.name, c.source, c.expression) for c in followed.carried] == [
        ("path", "", create.key, "$response.header.Location")]
    assert other.carried == ()


def test_nothing_recorded_is_lost_on_ctrl_c(tmp_path: Path) -> None:
    """`accord mock --record` under a real process: interrupted, the file holds every interaction."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    file = tmp_path / "web.json"
    process = subprocess.Popen(
        [sys.executable, "-c", "from accord.cli import main; main()", "mock", str(SPEC), "--port", str(port),
         "--no-watch", "--record", str(file)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/health/live", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "the mock did not start"
                time.sleep(0.1)
        httpx.get(url + "/v1/models", headers={"X-API-Key": "k"})
        httpx.get(url + "/v1/models/iris-classifier", headers={"X-API-Key": "k"})
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
    assert "Traceback" not in stderr
    assert [i.operation for i in read_contract(file).interactions] == ["getLiveness", "listModels", "getModel"]
    assert orjson.loads(file.read_bytes())["metadata"]["accord"]["recordedBy"] == "accord mock"


def test_an_unreadable_recording_file_stops_the_mock_before_serving(tmp_path: Path) -> None:
    file = tmp_path / "web.json"
    file.write_text("[1, 2")
    result = subprocess.run(
        [sys.executable, "-c", "from accord.cli import main; main()", "mock", str(SPEC), "--port", "0",
         "--record", str(file)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {file}:1: not JSON")
