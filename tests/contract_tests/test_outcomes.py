"""Baselines, not-implemented operations, checks by name and the project's schemathesis.toml.

The widgets service (tests/contract_tests/widgets.py) breaks on request, so each outcome below is
caused by a known breakage: a correct copy passes (test_runner.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accord.contract_tests.configuration import Selection
from accord.contract_tests.coverage_report import FORMATS, totals
from accord.contract_tests.render import summary
from accord.contract_tests.runner import run_contract_tests
from accord.errors import UsageError
from tests.contract_tests.widgets import KEY, create_app, stubbed

NO_SUCCESS = Path(__file__).resolve().parents[1] / "fixtures" / "contract-no-success"

pytestmark = pytest.mark.integration  # whole Schemathesis runs

MISSING_FIELD = ("GET /widgets/{widget_id}", "response_schema_conformance")
UNDOCUMENTED = ("POST /widgets", "status_code_conformance")
NO_405 = ("POST /widgets", "unsupported_method")


def run(spec: Path, *broken: str, **kw: Any):
    kw.setdefault("max_examples", 3)  # small runs: each breakage shows on the first examples
    return run_contract_tests(create_app(*broken), spec=spec, api_key=KEY, name="widgets", **kw)


def test_a_baseline_round_trip(widgets_spec: Path, tmp_path: Path) -> None:
    """Two known failures pass with the baseline; a third fails alone; a repaired one is reported fixed."""
    baseline = tmp_path / "baseline.json"
    first = run(widgets_spec, "missing_field", "undocumented_status", baseline=baseline)
    assert first.ok, summary(first)  # adopting: today's failures are recorded as known
    assert first.baseline is not None and first.baseline.recorded == len(first.observed) >= 2
    entries = json.loads(baseline.read_text())["entries"]
    assert {(e["operation"], e["check"]) for e in entries} >= {MISSING_FIELD, UNDOCUMENTED}

    again = run(widgets_spec, "missing_field", "undocumented_status", baseline=baseline)
    assert again.ok and not again.baseline.fixed, summary(again)
    assert sum(c.known for op in again.operations for c in op.checks) >= 2

    third = run(widgets_spec, "missing_field", "undocumented_status", "no_405", baseline=baseline)
    assert not third.ok
    new = third.failed_pairs()
    assert NO_405 in new and {check for _op, check in new} == {"unsupported_method"}, summary(third)
    assert "BASELINE" in summary(third) and f"{len(new)} new failing check(s)" in summary(third)

    repaired = run(widgets_spec, "missing_field", baseline=baseline)
    assert repaired.ok, summary(repaired)
    assert any(f.startswith("POST /widgets: status_code_conformance") for f in repaired.baseline.fixed), \
        repaired.baseline.fixed
    assert "fixed (" in summary(repaired)
    assert json.loads(baseline.read_text())["entries"] == entries  # not rewritten without --update-baseline


def test_a_bad_baseline_file_is_a_usage_error(widgets_spec: Path, tmp_path: Path) -> None:
    bad = tmp_path / "baseline.json"
    bad.write_text('{"format_version": 99, "entries": []}')
    with pytest.raises(UsageError, match="not a baseline file"):
        run(widgets_spec, baseline=bad)


def test_not_implemented_is_its_own_outcome(widgets_spec: Path) -> None:
    report = run_contract_tests(stubbed("/widgets"), spec=widgets_spec, api_key=KEY, name="widgets")
    assert [op.label for op in report.not_implemented] == ["GET /widgets"]
    assert not report.failed_pairs(), summary(report)  # the 501s are not check failures
    assert not report.ok and report.exit_code == 1
    text = summary(report)
    assert "NOT IMPLEMENTED" in text and "--allow-not-implemented" in text

    allowed = run_contract_tests(stubbed("/widgets"), spec=widgets_spec, api_key=KEY, name="widgets",
                                 allow_not_implemented=True)
    assert allowed.ok and [op.label for op in allowed.not_implemented] == ["GET /widgets"], summary(allowed)


def test_checks_by_name(widgets_spec: Path) -> None:
    """Excluding the check that catches a breakage lets it through; choosing only others does too."""
    assert MISSING_FIELD in run(widgets_spec, "missing_field").failed_pairs()
    excluded = run(widgets_spec, "missing_field", selection=Selection(exclude_checks=("response_schema_conformance",)))
    assert excluded.ok, summary(excluded)
    only = run(widgets_spec, "missing_field", "plain_errors", selection=Selection(checks=("not_a_server_error",)))
    assert only.ok, summary(only)
    ran = {c.name for op in only.operations for c in op.checks}
    assert ran == {"not_a_server_error"}, ran


def test_accord_checks_run_when_configured_or_named(widgets_spec: Path) -> None:
    plain = ("GET /widgets/{widget_id}", "problem_json_errors")
    assert plain not in run(widgets_spec, "plain_errors", checks=()).failed_pairs()
    named = run(widgets_spec, "plain_errors", checks=(), selection=Selection(checks=("all", "problem_json_errors")))
    assert plain in named.failed_pairs(), summary(named)
    assert plain in run(widgets_spec, "plain_errors", checks=("problem_json_errors",)).failed_pairs()


def test_the_projects_schemathesis_toml_applies(widgets_spec: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A per-operation expected status in schemathesis.toml is honoured, as `st` honours it; a
    broken file is a usage error naming it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the discovery stops at a repository root
    rejects = ("POST /widgets", "positive_data_acceptance")
    assert rejects in run(widgets_spec, "rejects_valid").failed_pairs()
    (tmp_path / "schemathesis.toml").write_text(
        '[[operations]]\ninclude-operation-id = "createWidget"\n'
        'checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401]\n')
    report = run(widgets_spec, "rejects_valid")
    assert report.ok, summary(report)
    assert report.config_file == str(tmp_path / "schemathesis.toml")
    ignored = run(widgets_spec, "rejects_valid", selection=Selection(use_config_file=False))
    assert rejects in ignored.failed_pairs()
    (tmp_path / "schemathesis.toml").write_text('[checks]\nno_such_option = 1\n')
    with pytest.raises(UsageError, match=r"schemathesis\.toml"):
        run(widgets_spec)


def test_coverage_reports(widgets_spec: Path) -> None:
    report = run(widgets_spec)
    total = totals(report)
    assert total.reached["operations"] == total.documented["operations"] == len(report.operations)
    data = json.loads(FORMATS["json"](report))
    assert data["percent"] == round(total.percent, 2)
    create = next(op for op in data["operations"] if op["operation_id"] == "createWidget")
    assert "201" in create["responses"]["exercised"]
    assert any(link.endswith("GetWidget -> GET /widgets/{widget_id}") for link in create["links"]["exercised"])
    markdown = FORMATS["markdown"](report)
    assert markdown.startswith("### Contract coverage: widgets") and "| `POST /widgets` |" in markdown
    page = FORMATS["html"](report)
    assert page.count('<tr><td class="op">') == len(report.operations)


@pytest.mark.parametrize("document", ["openapi.yaml", "swagger.yaml"])
def test_an_operation_documenting_no_success_is_a_note_against_the_mock(document: str) -> None:
    """Classic Petstore's shape: addPet documents only 405, deletePet 400 and 404. The mock can only
    answer those to valid data; the run passes and names each such operation and what it answered."""
    report = run_contract_tests("mock", spec=NO_SUCCESS / document, max_examples=3, checks=())
    text = summary(report)
    assert report.ok, text
    notes = [n for n in report.notes if "documents no success response" in n]
    assert [n.split(" documents")[0] for n in notes] == ["contract incomplete: DELETE /pet/{petId}",
                                                         "contract incomplete: POST /pet"], notes
    assert "it documents 400, 404), so valid requests answered 400×" in notes[0]
    assert "it documents 405), so valid requests answered 405×" in notes[1]
    assert all("positive_data_acceptance" in n and "operation-success-response" in n for n in notes)


def _rejecting_app() -> Any:
    """Answers 400 to everything, and 500 to DELETE."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def answer(request: Any) -> Response:
        return Response(status_code=500 if request.method == "DELETE" else 400)

    return Starlette(routes=[Route("/pet", answer, methods=["POST"]),
                             Route("/pet/{petId}", answer, methods=["GET", "DELETE"]),
                             Route("/user", answer, methods=["POST"])])


def test_an_operation_documenting_no_success_still_fails_real_failures() -> None:
    """The note covers positive_data_acceptance on operations without a success, nothing else: a
    documented 200 answered 400 still fails it, and a 500 still fails not_a_server_error."""
    report = run_contract_tests(_rejecting_app(), spec=NO_SUCCESS / "openapi.yaml", max_examples=3, checks=(),
                                name="rejecting")
    failed = report.failed_pairs()
    assert ("GET /pet/{petId}", "positive_data_acceptance") in failed, summary(report)
    assert ("DELETE /pet/{petId}", "not_a_server_error") in failed, summary(report)
    assert not {pair for pair in failed if pair[1] == "positive_data_acceptance"} - {
        ("GET /pet/{petId}", "positive_data_acceptance")}, summary(report)
    assert any(n.startswith("contract incomplete: POST /user documents no success response (2xx or 3xx; it "
                            "documents default), so valid requests answered 400×") for n in report.notes), report.notes
