"""Text and JUnit renderings of a ContractReport (the CLI prints the text; CI reads the XML)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from accord.contract_tests.report import CheckTally, ContractReport, OperationResult


def summary(report: ContractReport, *, verbose: bool = False) -> str:
    """Per operation: checks passed/failed; then every failure with its reproduction; then coverage."""
    mode = "deterministic" if report.deterministic else "randomised"
    header = (f"contract tests: {report.spec} against {report.target} "
              f"(seed {report.seed}, max examples {report.max_examples}, {mode}, {report.elapsed:.1f}s)")
    lines = [header, ""]
    width = max((len(op.label) for op in report.operations), default=10)
    for op in report.operations:
        lines.append(_operation_line(op, width, verbose))
    reasons = sorted({r for op in report.operations for t in op.checks if t.tolerated for r in t.tolerance_reasons})
    if reasons and not verbose:
        lines += ["", "  tolerated: a schema-valid request got a documented semantic rejection "
                      "(--verbose names each per operation):"]
        lines += [f"    - {reason}" for reason in reasons]
    failures = report.failures
    if failures or report.errors or any(op.errors for op in report.operations):
        lines += ["", "FAILURES"]
        for failure in failures:
            lines += ["", f"- {failure.headline()}  [{failure.phase}"
                      + (f", status {failure.status}]" if failure.status is not None else "]")]
            lines += [f"    {line}" for line in failure.message.splitlines() if line.strip()]
            lines += ["    reproduce with:"] + [f"      {line}" for line in failure.reproduction.splitlines()]
        for op in report.operations:
            for error in op.errors:
                lines += ["", f"- {op.label}: error: {error.splitlines()[0] if error else ''}"]
        for error in report.errors:
            lines += ["", f"- run error: {error}"]
    lines += ["", coverage(report)]
    lines += [f"note: {note}" for note in report.notes]
    lines += ["", verdict(report)]
    return "\n".join(lines)


def _operation_line(op: OperationResult, width: int, verbose: bool) -> str:
    if not op.exercised:
        return f"  {'SKIP':4}  {op.label:<{width}}  not exercised"
    mark = "ok" if op.ok else "FAIL"
    failed = [f"{t.name} ({t.failed}/{t.passed + t.failed})" for t in op.checks if t.failed]
    passed = sum(t.passed for t in op.checks)
    detail = f"{op.requests} requests, {passed} checks passed"
    if failed:
        detail += "; failed: " + ", ".join(failed)
    if op.errors:
        detail += f"; {len(op.errors)} error(s)"
    tolerated = sum(t.tolerated for t in op.checks)
    if tolerated:
        detail += f"; {tolerated} documented semantic rejection(s) tolerated"
    line = f"  {mark:4}  {op.label:<{width}}  {detail}"
    if verbose:
        line += "\n" + "\n".join(_check_line(t) for t in op.checks)
    return line


def _check_line(check: CheckTally) -> str:
    line = f"          {check.name}: {check.passed} passed, {check.failed} failed"
    if check.tolerated:
        line += f", {check.tolerated} tolerated ({'; '.join(check.tolerance_reasons)})"
    return line


def coverage(report: ContractReport) -> str:
    """COVERAGE: operations exercised, and documented status codes seen / never seen per operation."""
    ops = report.operations
    exercised = [op for op in ops if op.exercised]
    documented = sum(len(op.coverage.documented) for op in ops)
    seen = sum(len(op.coverage.exercised) for op in ops)
    lines = [f"COVERAGE: {len(exercised)}/{len(ops)} operations exercised, "
             f"{seen}/{documented} documented responses seen"]
    for op in ops:
        cov = op.coverage
        seen_codes = ", ".join(f"{code}×{count}" for code, count in op.statuses) or "none"
        lines.append(f"  {op.label}")
        lines.append(f"      seen:     {seen_codes}")
        lines.append(f"      not seen: {', '.join(cov.missing) or '-'}")
        if cov.undocumented:
            lines.append(f"      UNDOCUMENTED: {', '.join(map(str, cov.undocumented))}")
    return "\n".join(lines)


def verdict(report: ContractReport) -> str:
    failed_ops = [op for op in report.operations if not op.ok]
    if report.ok:
        return f"PASSED: {report.target} conforms to {report.spec} ({len(report.operations)} operations)"
    pairs = len(report.failed_pairs())
    return (f"FAILED: {report.target}: {pairs} failing check(s) on {len(failed_ops)} operation(s)"
            + (f", {len(report.errors)} run error(s)" if report.errors else ""))


def write_junit(report: ContractReport, path: Path) -> None:
    """One <testcase> per operation and check; failures carry the reproduction."""
    suite = ET.Element("testsuite", name=f"contract[{report.target}]", time=f"{report.elapsed:.3f}")
    tests = failures = errors = 0
    for op in report.operations:
        for tally in op.checks:
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=f"contract.{report.target}.{op.label}", name=tally.name)
            if tally.failed:
                failures += 1
                first = tally.first_failure
                text = f"{first.message}\n\nReproduce with:\n{first.reproduction}" if first else ""
                node = ET.SubElement(case, "failure", message=first.title if first else "failed",
                                     type=tally.name)
                node.text = text
        for error in op.errors:
            tests += 1
            errors += 1
            case = ET.SubElement(suite, "testcase", classname=f"contract.{report.target}.{op.label}", name="error")
            ET.SubElement(case, "error", message=error.splitlines()[0] if error else "error").text = error
    for error in report.errors:
        tests += 1
        errors += 1
        case = ET.SubElement(suite, "testcase", classname=f"contract.{report.target}", name="run")
        ET.SubElement(case, "error", message=error.splitlines()[0] if error else "error").text = error
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
