"""The harness catches drift: each deliberately broken service fails, naming operation and check.

The widgets service and contract are not accord's (tests/fixtures/contract-widgets/): the suite
must judge any service. A correct copy passes, so the failures below are the breakages' doing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.contract_tests.render import summary
from accord.contract_tests.runner import Progress, run_contract_tests
from accord.errors import UsageError
from tests.contract_tests.broken import drop_field
from tests.contract_tests.widgets import KEY, create_app

pytestmark = pytest.mark.integration  # whole Schemathesis runs

ROOT = Path(__file__).resolve().parents[2]

#: breakage -> (operation, check) the report must name.
DRIFTS = {
    "missing_field": ("GET /widgets/{widget_id}", "response_schema_conformance"),
    "undocumented_status": ("POST /widgets", "status_code_conformance"),
    "server_error": ("GET /widgets", "not_a_server_error"),
    "wrong_content_type": ("GET /widgets", "content_type_conformance"),
    "ignores_auth": ("GET /widgets", "ignored_auth"),
    "plain_errors": ("GET /widgets/{widget_id}", "problem_json_errors"),
    "accepts_invalid": ("POST /widgets", "negative_data_rejection"),
    "no_405": ("POST /widgets", "unsupported_method"),
    "no_location": ("POST /widgets", "response_headers_conformance"),
    "rejects_valid": ("POST /widgets", "positive_data_acceptance"),
}


def run_widgets(spec: Path, *broken: str, **kw):
    return run_contract_tests(create_app(*broken), spec=spec, api_key=KEY, name="widgets", **kw)


def test_correct_service_passes_with_full_coverage(widgets_spec: Path) -> None:
    steps: list[Progress] = []
    report = run_widgets(widgets_spec, progress=steps.append)
    assert report.ok, summary(report)
    assert {"examples", "coverage", "fuzzing", "stateful"} <= set(report.phases)
    assert all(op.exercised and not op.coverage.missing for op in report.operations), summary(report)
    assert {s.operation for s in steps if s.operation} >= {op.label for op in report.operations}
    assert "PASSED" in summary(report)


@pytest.mark.parametrize("breakage", sorted(DRIFTS))
def test_drift_fails_naming_operation_and_check(widgets_spec: Path, breakage: str) -> None:
    operation, check = DRIFTS[breakage]
    report = run_widgets(widgets_spec, breakage)
    assert not report.ok
    assert (operation, check) in report.failed_pairs(), sorted(report.failed_pairs())
    failure = next(f for f in report.operation(operation).failures if f.check == check)
    # An ASGI app tested in-process has no URL a reader could call: the reproduction says so.
    note, curl = failure.reproduction.split("\n", 1)
    assert note.startswith("# sent to the in-process app widgets"), failure.reproduction
    assert curl.startswith("curl "), failure.reproduction
    text = summary(report)
    assert f"{operation}: {check}" in text and "FAILED" in text


def test_stateful_phase_follows_links(widgets_spec: Path) -> None:
    """createWidget's links lead to getWidget / deleteWidget with the id the service issued."""
    report = run_widgets(widgets_spec)
    assert 200 in dict(report.operation("getWidget").statuses)
    assert 204 in dict(report.operation("deleteWidget").statuses)


def test_only_selected_operations_run(widgets_spec: Path) -> None:
    report = run_widgets(widgets_spec, "missing_field", operations=["getHealth", "listWidgets"])
    assert [op.label for op in report.operations] == ["GET /health", "GET /widgets"]
    assert report.ok  # the broken operation was not selected


def test_unknown_operation_id_is_a_usage_error(widgets_spec: Path) -> None:
    with pytest.raises(UsageError, match="noSuchOp"):
        run_widgets(widgets_spec, operations=["noSuchOp"])


@pytest.mark.parametrize("target", ["staging", "ftp://example.invalid", "http://"])
def test_unknown_target_is_a_usage_error(widgets_spec: Path, target: str) -> None:
    with pytest.raises(UsageError, match="unknown target"):
        run_contract_tests(target, spec=widgets_spec)


def test_unreachable_url_is_a_usage_error(widgets_spec: Path) -> None:
    with pytest.raises(UsageError, match="not reachable"):
        run_contract_tests("http://127.0.0.1:9", spec=widgets_spec)


def test_running_service_by_url(widgets_spec: Path, served_widgets: str) -> None:
    report = run_contract_tests(served_widgets, spec=widgets_spec, api_key=KEY)
    assert report.ok, summary(report)
    assert report.target == served_widgets


def test_junit_names_operation_and_check(widgets_spec: Path, tmp_path: Path) -> None:
    junit = tmp_path / "contract.xml"
    run_widgets(widgets_spec, "missing_field", junit=junit)
    import xml.etree.ElementTree as ET

    suite = ET.parse(junit).getroot()
    failed = [(case.get("classname"), case.get("name"))
              for case in suite.iter("testcase") if case.find("failure") is not None]
    assert ("contract.widgets.GET /widgets/{widget_id}", "response_schema_conformance") in failed
    assert int(suite.get("failures")) == len(failed)


def test_broken_copy_of_the_real_service_fails(tmp_path: Path) -> None:
    """The real impl, wrapped so that GET /v1/models/{model_id} drops the required `task`."""
    from impl.app import close_app
    from impl.app import create_app as create_service

    service = create_service("spec/openapi.yaml", jobs_db=tmp_path / "jobs.db", api_keys=[KEY])
    drop_task = drop_field(service, "/task", lambda scope: scope["method"] == "GET" and scope["path"].count("/") == 3)

    try:
        report = run_contract_tests(drop_task, spec="spec/openapi.yaml", api_key=KEY, name="impl-broken",
                                    operations=["getModel"], max_examples=3)
    finally:
        close_app(service)
    assert ("GET /v1/models/{model_id}", "response_schema_conformance") in report.failed_pairs(), summary(report)


def test_the_committed_schemathesis_toml_declares_unissued_page_tokens(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """listModels: Schemathesis sends schema-valid page tokens the service never issued, and the
    service answers the documented 400 invalid-page-token. The repository's schemathesis.toml says
    so (for `st run` and `accord test` alike); without it, positive_data_acceptance objects."""
    from accord.contract_tests.configuration import Selection
    from impl.app import close_app
    from impl.app import create_app as create_service

    monkeypatch.chdir(ROOT)
    reports = {}
    for use in (True, False):
        service = create_service(ROOT / "spec" / "openapi.yaml", jobs_db=tmp_path / f"jobs-{use}.sqlite3",
                                 api_keys=["k"], validate_responses=True)
        try:
            reports[use] = run_contract_tests(service, spec=ROOT / "spec" / "openapi.yaml", api_key="k", name="impl",
                                              operations=["listModels"], selection=Selection(use_config_file=use))
        finally:
            close_app(service)
    assert reports[True].ok, summary(reports[True])
    assert reports[True].config_file == str(ROOT / "schemathesis.toml")
    assert ("GET /v1/models", "positive_data_acceptance") in reports[False].failed_pairs(), summary(reports[False])
