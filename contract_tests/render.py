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
    lines = [header]
    if report.config_file is not None:
        lines.append(f"Schemathesis configuration: {report.config_file}")
    lines.append("")
    width = max((len(op.label) for op in report.operations), default=10)
    for op in report.operations:
        lines.append(_operation_line(op, width, verbose))
    if report.baseline is not None:
        lines += ["", _baseline_lines(report)]
    if report.not_implemented:
        allowed = " (allowed)" if report.allow_not_implemented else " (--allow-not-implemented to accept)"
        lines += ["", f"NOT IMPLEMENTED{allowed}: answered 501 by a stub"]
        lines += [f"  - {op.label}" for op in report.not_implemented]
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
    if op.ok and not op.implemented:
        mark = "TODO"
    failed = [f"{t.name} ({t.failed}/{t.passed + t.failed + t.known})" for t in op.checks if t.failed]
    passed = sum(t.passed for t in op.checks)
    detail = f"{op.requests} requests, {passed} checks passed"
    if failed:
        detail += "; failed: " + ", ".join(failed)
    if op.errors:
        detail += f"; {len(op.errors)} error(s)"
    if op.not_implemented:
        detail += f"; not implemented ({op.not_implemented} × 501)"
    known = sum(t.known for t in op.checks)
    if known:
        detail += f"; {known} known failure(s) (baseline)"
    line = f"  {mark:4}  {op.label:<{width}}  {detail}"
    if verbose:
        line += "\n" + "\n".join(_check_line(t) for t in op.checks)
    return line


def _baseline_lines(report: ContractReport) -> str:
    outcome = report.baseline
    assert outcome is not None
    known = sum(c.known for op in report.operations for c in op.checks)
    new = len(report.failed_pairs())
    lines = [f"BASELINE {outcome.path}: {known} known failure(s) seen, {new} new failing check(s)"]
    if outcome.recorded is not None:
        lines.append(f"  recorded {outcome.recorded} failure(s) as known")
    if outcome.fixed:
        lines.append(f"  fixed ({len(outcome.fixed)}; --update-baseline drops them):")
        lines += [f"    - {entry}" for entry in outcome.fixed]
    return "\n".join(lines)


def _check_line(check: CheckTally) -> str:
    known = f", {check.known} known" if check.known else ""
    return f"          {check.name}: {check.passed} passed, {check.failed} failed{known}"


def coverage(report: ContractReport) -> str:
    """COVERAGE: what the run reached of what the contract documents (coverage_report.as_text)."""
    from accord.contract_tests.coverage_report import as_text

    return as_text(report)


def verdict(report: ContractReport) -> str:
    failed_ops = [op for op in report.operations if not op.ok]
    todo = len(report.not_implemented)
    if report.ok:
        pending = f", {todo} not implemented yet" if todo else ""
        return f"PASSED: {report.target} conforms to {report.spec} ({len(report.operations)} operations{pending})"
    pairs = len(report.failed_pairs())
    parts = ([f"{pairs} failing check(s) on {len(failed_ops)} operation(s)"]
             if pairs or not (todo or report.errors) else [])
    if report.errors:
        parts.append(f"{len(report.errors)} run error(s)")
    if todo and not report.allow_not_implemented:
        parts.append(f"{todo} operation(s) not implemented")
    return f"FAILED: {report.target}: " + ", ".join(parts)


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
