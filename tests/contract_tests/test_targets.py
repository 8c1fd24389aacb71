"""contract_tests/targets.py: the mock target started with behaviour options still keeps the
contract — stateful jobs (created, polled, paged, cancelled through the links) and the example
rules file — under the same Schemathesis suite as every target."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.contract_tests.render import coverage
from accord.contract_tests.runner import run_contract_tests
from accord.contract_tests.targets import open_target
from accord.errors import UsageError

pytestmark = pytest.mark.integration  # whole Schemathesis runs against the mock and the service

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
RULES = ROOT / "spec" / "mock-behaviour.yaml"
#: The job operations (the stateful part) and the operations the example rules file answers.
OPERATIONS = ["createIrisPredictionJob", "getPredictionJob", "getPredictionJobResults", "cancelPredictionJob",
              "listPredictionJobs", "predictIris", "predictDiabetesProgression", "getModel"]


def test_the_stateful_mock_with_the_example_rules_keeps_the_contract() -> None:
    report = run_contract_tests("mock", spec=SPEC, operations=OPERATIONS, max_examples=4,
                                mock_options={"stateful": True, "rules": RULES})
    assert report.target == f"mock (rules={RULES}, stateful=True)"
    assert not report.errors, report.errors
    failing = [op for op in report.operations if not op.ok]
    details = [f"{op.label}: {f.check} {f.title} [{f.phase}, status {f.status}]\n{f.message}\n{f.reproduction}"
               for op in failing for f in op.failures]
    assert not failing, "\n\n".join(details) + "\n" + coverage(report)
    # the links were followed to jobs the mock really holds (200), while made-up ids are unknown
    # (404): a stateless mock answers 200 to any well-formed id
    job = dict(report.operation("GET /v1/prediction-jobs/{job_id}").statuses)
    assert job.get(200) and job.get(404), job
    cancel = dict(report.operation("POST /v1/prediction-jobs/{job_id}/cancel").statuses)
    assert cancel.get(200) or cancel.get(409), cancel


def test_mock_options_are_for_the_mock_only() -> None:
    with pytest.raises(UsageError), open_target("impl", SPEC, mock_options={"stateful": True}):
        pass


def test_the_mock_target_is_named_by_its_options() -> None:
    with open_target("mock", SPEC, mock_options={"stateful": True}) as target:
        assert target.name == "mock (stateful=True)" and target.app.state is not None
    with open_target("mock", SPEC) as target:
        assert target.name == "mock" and target.app.state is None
        assert target.stateless  # so a run leaves out use_after_free and ensure_resource_availability
    with open_target("mock", SPEC, mock_options={"stateful": True}) as target:
        assert not target.stateless


CURL = "curl -X GET -H 'X-API-Key: accord-dev-key' 'http://localhost/v1/models?limit=0'"


@pytest.mark.parametrize(("target", "options", "needs", "url"), [
    ("mock", None, "# needs `accord mock` on :4010 (`make run`)", "http://127.0.0.1:4010/v1/models?limit=0"),
    ("mock", {"stateful": True}, "# needs `accord mock --stateful` on :4010", "http://127.0.0.1:4010/v1/models?limit=0"),
    ("impl", None, "# needs `accord serve` on :8080", "http://127.0.0.1:8080/v1/models?limit=0"),
])
def test_an_in_process_targets_reproduction_names_the_server_it_needs(
        target: str, options: dict[str, object] | None, needs: str, url: str) -> None:
    """`http://localhost` is the in-process app; the command given runs against the real server."""
    with open_target(target, SPEC, mock_options=options) as resolved:
        note, curl = resolved.runnable(CURL).split("\n")
    assert note == needs
    assert curl == CURL.replace("http://localhost/v1/models?limit=0", url)


def test_a_url_targets_reproduction_is_left_as_it_is() -> None:
    from accord.contract_tests.targets import Target

    assert Target("staging", base_url="https://staging.example.com").runnable(CURL) == CURL
