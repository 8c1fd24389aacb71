"""Run the lint rules over a document and collect located findings."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from accord.findings import Finding
from accord.lint.config import LintConfig, load_config
from accord.lint.context import LintContext
from accord.lint.functions import BadOptions
from accord.lint.jsonpath import UnsupportedPath
from accord.lint.registry import SEVERITIES
from accord.lint.rulesets import ActiveRule, NotRun
from accord.loading import Spec, load_spec

#: A rule that fails on a malformed document reports this instead of a traceback.
RULE_FAILURE = "lint-rule-failed"
__all__ = ["RULE_FAILURE", "ActiveRule", "LintReport", "active_rules", "lint_document", "lint_spec"]


@dataclass(slots=True)
class LintReport:
    """What `lint_spec` found, each finding located by file, line and JSON pointer."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    rules: list[ActiveRule] = field(default_factory=list)
    spec: Spec | None = None
    not_run: list[NotRun] = field(default_factory=list)
    fail_severity: str = "error"

    @property
    def ok(self) -> bool:
        """True when no finding is at or above the fail severity (error, by default)."""
        threshold = SEVERITIES.index(self.fail_severity)
        return not any(SEVERITIES.index(f.severity) <= threshold for f in self.findings if f.severity in SEVERITIES)

    @property
    def exit_code(self) -> int:
        """1 when a finding is at or above the fail severity, else 0 (`accord lint`'s exit code)."""
        return 0 if self.ok else 1

    def counts(self) -> dict[str, int]:
        result = {"error": 0, "warning": 0, "info": 0, "hint": 0}
        for finding in self.findings:
            result[finding.severity] = result.get(finding.severity, 0) + 1
        return result

    def ruleset_of(self, rule_id: str) -> str:
        """The ruleset a finding's rule came from ("accord" for the engine's own findings)."""
        return next((active.rule.ruleset for active in self.rules if active.rule.id == rule_id), "accord")


def active_rules(version: str, config: LintConfig, document: Path | None = None) -> list[ActiveRule]:
    """The rules that run on a document of `version` (at `document`), at their configured severity."""
    return config.resolve().active(version, document)


def lint_document(document: dict[str, Any], version: str, config: LintConfig | None = None, *,
                  source_map: dict[str, Any] | None = None, path: Path | None = None) -> list[Finding]:
    """Findings of every active rule on a bundled document (not yet located in files)."""
    ctx = LintContext(document, version, source_map=source_map)
    findings: list[Finding] = []
    for active in active_rules(version, config or LintConfig(), path):
        seen: set[tuple[str, str]] = set()
        try:
            for pointer, message in active.rule.check(ctx):
                if (pointer, message) not in seen:
                    seen.add((pointer, message))
                    findings.append(Finding(active.rule.id, message, pointer=pointer, severity=active.severity))
        except (BadOptions, UnsupportedPath) as exc:
            findings.append(Finding(RULE_FAILURE, f"rule {active.rule.id} ({active.rule.ruleset}) cannot run: {exc}",
                                    severity="error"))
        except (RecursionError, TypeError, ValueError, KeyError, AttributeError) as exc:
            findings.append(Finding(RULE_FAILURE, f"rule {active.rule.id} could not check this document: {exc!r}",
                                    severity="error"))
    return findings


def lint_spec(path: str | Path, config: LintConfig | None = None, *,
              allow_remote: bool = False, allow_outside: bool = False) -> LintReport:
    """Load and lint the document at `path` with `config` (default: `load_config()`).

    Raises UsageError / DocumentError (exit 2) for unreadable input or rulesets and RefError
    (exit 1) for refused or dangling references, as `load_spec` does.
    """
    config = config if config is not None else load_config()
    ruleset = config.resolve()
    spec = load_spec(path, allow_remote=allow_remote, allow_outside=allow_outside)
    raw = lint_document(spec.document, spec.version, config, source_map=spec.source_map, path=Path(path))
    raw = _pointer_overrides(raw, ruleset.pointer_overrides(Path(path)))
    located = list({_source_key(f): f for f in (spec.locate_finding(f) for f in raw)}.values())
    located.sort(key=lambda f: (f.file or "", f.line or 0, f.rule, f.pointer))
    return LintReport(Path(path), located, active_rules(spec.version, config, Path(path)), spec,
                      ruleset.not_run, config.fail_severity)


def _pointer_overrides(findings: list[Finding], changes: list[tuple[str, str, str | None]]) -> list[Finding]:
    if not changes:
        return findings
    kept = []
    for finding in findings:
        level: str | None = finding.severity
        for pointer, rule_id, severity in changes:
            if finding.rule == rule_id and (finding.pointer == pointer or finding.pointer.startswith(pointer + "/")):
                level = severity
        if level is not None:
            kept.append(finding if level == finding.severity else _with_severity(finding, level))
    return kept


def _with_severity(finding: Finding, severity: str) -> Finding:
    return replace(finding, severity=severity)


def _source_key(finding: Finding) -> tuple[object, ...]:
    """One finding per place in the source: a file inlined twice in the bundle is reported once."""
    return (finding.rule, finding.file, finding.source_pointer, finding.message)
