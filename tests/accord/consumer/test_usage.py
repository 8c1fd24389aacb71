"""accord/consumer/usage.py and `accord diff --consumer`: only changes the consumer would feel fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from accord.consumer.contract import read_contract
from accord.consumer.usage import touches
from accord.diff.report import Change
from tests.web_client import record_session

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record_session(tmp_path_factory.mktemp("consumer") / "web.json", ROOT / "spec" / "openapi.yaml")


def _revision(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the example contract with one textual edit in one of its files."""
    copy = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", copy)
    target = copy / file
    text = target.read_text()
    assert old in text, old
    target.write_text(text.replace(old, new, 1))
    return copy / "openapi.yaml"


def _diff(revision: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from accord.cli import main; main()", "diff", "spec/openapi.yaml", str(revision),
         *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


def test_a_removed_field_the_consumer_reads_fails(tmp_path: Path, recording: Path) -> None:
    model_version = ("    model_version:\n      type: string\n"
                     "      description: The version that served the request.\n      example: '3'\n")
    before = "  required: [request_id, model_id, model_version, predictions]\n"
    text = (ROOT / "spec" / "components" / "schemas" / "iris.yaml").read_text()
    start = text.index(before)
    block = text[start:text.index(model_version, start) + len(model_version)]
    revision = _revision(tmp_path, "components/schemas/iris.yaml", block,
                         block.replace(before, "  required: [request_id, model_id, predictions]\n")
                         .replace(model_version, ""))
    result = _diff(revision, "--consumer", str(recording), "--format", "json")
    assert result.returncode == 1, result.stderr
    consumer = orjson.loads(result.stdout)["consumer"]
    (touching,) = consumer["touching"]
    assert touching["rule"] == "response-required-property-removed"
    assert touching["operation_id"] == "predictIris"
    assert touching["subject"] == ["response", "200", "body", "model_version"]
    contract = read_contract(recording)
    assert [contract.interactions[i].operation for i in touching["consumer_interactions"]] == ["predictIris"]


def test_a_breaking_change_elsewhere_passes_with_consumer(tmp_path: Path, recording: Path) -> None:
    revision = _revision(tmp_path, "components/schemas/wine.yaml",
                         "required: [request_id, model_id, model_version, predictions]",
                         "required: [request_id, model_id, predictions]")
    plain = _diff(revision)
    assert plain.returncode == 1 and "breaking: POST /v1/models/wine-classifier/predict" in plain.stdout
    result = _diff(revision, "--consumer", str(recording))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"consumer web ({recording}): 0 of 1 breaking change touch what it uses" in result.stdout


def test_new_requirement_touches_callers_that_do_not_send_it(tmp_path: Path, recording: Path) -> None:
    """page_token becomes required: the consumer calls listModels and results without it."""
    revision = _revision(tmp_path, "components/parameters.yaml",
                         "  name: page_token\n  in: query\n  required: false",
                         "  name: page_token\n  in: query\n  required: true")
    result = _diff(revision, "--consumer", str(recording), "--format", "json")
    assert result.returncode == 1, result.stderr
    payload = orjson.loads(result.stdout)
    touched = {c["operation_id"] for c in payload["consumer"]["touching"]}
    everything = {c["operation_id"] for c in payload["changes"] if c["level"] == "breaking"}
    assert touched == {"listModels", "getPredictionJobResults"}
    assert "listPredictionJobs" in everything - touched  # breaking, but this consumer never calls it
    reasons = {c["consumer_reason"] for c in payload["consumer"]["touching"]}
    assert reasons == {"does not send query parameter page_token"}


def test_tighter_parameter_touches_only_callers_that_send_it(tmp_path: Path, recording: Path) -> None:
    revision = _revision(tmp_path, "components/parameters.yaml",
                         "    minimum: 1\n    maximum: 100\n    default: 20\n  example: 20",
                         "    minimum: 1\n    maximum: 5\n    default: 5\n  example: 5")
    result = _diff(revision, "--consumer", str(recording), "--format", "json")
    assert result.returncode == 1, result.stderr
    touching = orjson.loads(result.stdout)["consumer"]["touching"]
    # the lower maximum touches the caller that sends `limit`; the new default the one that leaves it out
    assert {(c["operation_id"], c["rule"]) for c in touching} == {
        ("listModels", "request-parameter-max-decreased"),
        ("getPredictionJobResults", "request-parameter-default-value-changed")}


def test_unreadable_consumer_contract_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "web.json"
    bad.write_text('{"interactions": [{"request": {}, "response": {}}]}')
    result = _diff(ROOT / "spec" / "openapi.yaml", "--consumer", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {bad}:1: `method` must be a string at #/interactions/0/request/method")


@pytest.mark.parametrize(
    ("subject", "rule", "touched"),
    [
        (("request-body", "instances", "[]", "sepal_length_cm"), "request-property-type-changed", True),
        (("request-body", "instances", "[]", "colour"), "request-property-type-changed", False),
        (("request-body", "options", "top_k"), "new-required-request-property", False),  # no `options` sent at all
        (("request-body", "instances", "[]", "colour"), "new-required-request-property", True),
        (("response", "200", "body", "predictions", "[]", "label"), "response-required-property-removed", True),
        (("response", "2XX", "body", "predictions", "[]", "label"), "response-required-property-removed", True),
        (("response", "200", "body", "predictions", "[]", "explanation"), "response-optional-property-removed", False),
        (("response", "400"), "response-non-success-status-removed", False),
        (("parameter", "query", "version"), "request-parameter-enum-value-removed", False),
        # what leaving a parameter out means changed: it touches the callers that leave it out
        (("parameter", "query", "version"), "request-parameter-default-value-changed", True),
        (("parameter", "query", "version"), "new-required-request-default-parameter-to-existing-path", True),
        (("request-body", "instances", "[]", "colour"), "new-required-request-property-with-default", True),
        ((), "api-security-added", True),
    ],
)
def test_subjects(recording: Path, subject: tuple[str, ...], rule: str, touched: bool) -> None:
    change = Change(rule, "breaking", "POST /v1/models/iris-classifier/predict", "predictIris", "/x", "/x", "m",
                    subject=subject)
    assert (touches(change, read_contract(recording).interactions) is not None) is touched
