"""The contract suite: every operation of the contract, against every target, passes every check.

Parametrised over targets (conftest.py); one Schemathesis run per target (runner.py) covers the
examples, coverage, fuzzing and stateful phases with positive and negative data. Each operation is
its own test so a failure names the target, the operation and, in its message, the check and a
curl command that reproduces it.
"""

from __future__ import annotations

from accord.contract_tests.render import coverage
from accord.contract_tests.report import ContractReport


def _describe(report: ContractReport, label: str) -> str:
    op = report.operation(label)
    lines = [f"{report.target}: {label} violates the contract"]
    for failure in op.failures:
        lines += ["", f"{failure.check}: {failure.title} [{failure.phase}, status {failure.status}]",
                  failure.message, "reproduce with:", failure.reproduction]
    lines += [f"error: {error}" for error in op.errors]
    return "\n".join(lines)


def test_operation_conforms(contract_report: ContractReport, operation: str) -> None:
    op = contract_report.operation(operation)
    assert op.exercised, f"{contract_report.target}: {operation} was never exercised"
    assert op.ok, _describe(contract_report, operation)


def test_run_completed(contract_report: ContractReport) -> None:
    assert not contract_report.errors, "\n".join(contract_report.errors)
    for phase in ("examples", "coverage", "fuzzing", "stateful"):
        assert phase in contract_report.phases, f"phase {phase} did not run"


def test_stateful_phase_followed_job_links(contract_report: ContractReport) -> None:
    """job created → status → results → cancel: each linked operation got requests with real job ids."""
    for label in ("GET /v1/prediction-jobs/{job_id}", "GET /v1/prediction-jobs/{job_id}/results",
                  "POST /v1/prediction-jobs/{job_id}/cancel"):
        op = contract_report.operation(label)
        reached = {status for status, _count in op.statuses} & {200, 202, 409, 410}
        assert reached, (f"{contract_report.target}: {label} never reached a real job (seen {op.statuses})\n"
                         + coverage(contract_report))
