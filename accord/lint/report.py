"""Render a LintReport as text, JSON or SARIF 2.1.0 (for code-scanning annotations)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from accord.lint.engine import LintReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: accord severity -> SARIF result level (SARIF has no "info"/"hint": both are notes).
SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}


def render_text(report: LintReport) -> str:
    lines = [finding.render() for finding in report.findings]
    lines += [f"{report.path}: not run: rule {item.rule} ({item.ruleset}) {item.reason}" for item in report.not_run]
    counts = report.counts()
    summary = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items() if n)
    lines.append(f"{report.path}: {summary}" if summary else f"{report.path}: no lint findings")
    return "\n".join(lines) + "\n"


def render_json(report: LintReport) -> str:
    payload = {
        "spec": str(report.path),
        "ok": report.ok,
        "counts": report.counts(),
        "findings": [{**finding.as_dict(), "ruleset": report.ruleset_of(finding.rule)}
                     for finding in report.findings],
        "not_run": [{"rule": item.rule, "ruleset": item.ruleset, "reason": item.reason} for item in report.not_run],
    }
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n"


def render_sarif(report: LintReport) -> str:
    return orjson.dumps(sarif_log(report), option=orjson.OPT_INDENT_2).decode() + "\n"


def sarif_log(report: LintReport) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run, the active rules as reportingDescriptors, one result per finding."""
    rules = [active.rule for active in report.rules]
    known = {rule.id for rule in rules}
    extra = sorted({f.rule for f in report.findings} - known)  # e.g. lint-rule-failed
    descriptors = [
        {
            "id": active.rule.id,
            "shortDescription": {"text": active.rule.description},
            "defaultConfiguration": {"level": SARIF_LEVELS[active.severity]},
            "properties": {"recommended": active.rule.recommended, "ruleset": active.rule.ruleset},
        }
        for active in report.rules
    ] + [{"id": rule_id, "shortDescription": {"text": rule_id}} for rule_id in extra]
    index = {descriptor["id"]: i for i, descriptor in enumerate(descriptors)}
    results = []
    for finding in report.findings:
        location: dict[str, Any] = {
            "physicalLocation": {"artifactLocation": {"uri": _uri(finding.file or str(report.path))}},
            "logicalLocations": [{"fullyQualifiedName": finding.pointer or "/", "kind": "object"}],
        }
        if finding.line is not None:
            location["physicalLocation"]["region"] = {"startLine": finding.line}
        results.append({
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": SARIF_LEVELS.get(finding.severity, "warning"),
            "message": {"text": finding.message},
            "locations": [location],
            "properties": {"pointer": finding.pointer, "sourcePointer": finding.source_pointer,
                           "severity": finding.severity, "ruleset": report.ruleset_of(finding.rule)},
        })
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "accord", "rules": descriptors}},
            "invocations": [{
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {"level": "warning", "descriptor": {"id": item.rule},
                     "message": {"text": f"rule {item.rule} ({item.ruleset}) not run: {item.reason}"}}
                    for item in report.not_run
                ],
            }],
            "results": results,
        }],
    }


def _uri(file: str) -> str:
    """A relative URI when the file is under the working directory (what code scanning expects)."""
    path = Path(file)
    try:
        path = Path(os.path.relpath(path.resolve(), Path.cwd()))
    except ValueError:  # another drive (Windows)
        return path.resolve().as_uri()
    if path.parts and path.parts[0] == "..":
        return Path(file).resolve().as_uri()
    return path.as_posix()


#: --format value -> renderer.
RENDERERS: dict[str, Callable[[LintReport], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
}
