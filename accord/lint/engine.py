"""Run the lint rules over a document and collect located findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord.findings import Finding
from accord.lint.config import LintConfig, load_config
from accord.lint.context import LintContext
from accord.lint.registry import REGISTRY, Rule
from accord.loading import Spec, load_spec

#: A rule that fails on a malformed document reports this instead of a traceback.
RULE_FAILURE = "lint-rule-failed"


@dataclass(slots=True, frozen=True)
class ActiveRule:
    """A rule as configured for one run."""

    rule: Rule
    severity: str


@dataclass(slots=True)
class LintReport:
    """What `lint_spec` found, each finding located by file, line and JSON pointer."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    rules: list[ActiveRule] = field(default_factory=list)
    spec: Spec | None = None

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity == "error" for f in self.findings)

    @property
    def exit_code(self) -> int:
        """1 when a finding is an error, else 0 (`accord lint`'s exit code)."""
        return 0 if self.ok else 1

    def counts(self) -> dict[str, int]:
        result = {"error": 0, "warning": 0, "info": 0, "hint": 0}
        for finding in self.findings:
            result[finding.severity] = result.get(finding.severity, 0) + 1
        return result


def active_rules(version: str, config: LintConfig) -> list[ActiveRule]:
    """The rules that run on a document of `version`, at their configured severity."""
    active = []
    for rule in REGISTRY.values():
        severity = config.severity(rule)
        if severity is not None and version in rule.versions:
            active.append(ActiveRule(rule, severity))
    return active


def lint_document(document: dict[str, Any], version: str, config: LintConfig | None = None, *,
                  source_map: dict[str, Any] | None = None) -> list[Finding]:
    """Findings of every active rule on a bundled document (not yet located in files)."""
    ctx = LintContext(document, version, source_map=source_map)
    findings: list[Finding] = []
    for active in active_rules(version, config or LintConfig()):
        seen: set[tuple[str, str]] = set()
        try:
            for pointer, message in active.rule.check(ctx):
                if (pointer, message) not in seen:
                    seen.add((pointer, message))
                    findings.append(Finding(active.rule.id, message, pointer=pointer, severity=active.severity))
        except (RecursionError, TypeError, ValueError, KeyError, AttributeError) as exc:
            findings.append(Finding(RULE_FAILURE, f"rule {active.rule.id} could not check this document: {exc!r}",
                                    severity="error"))
    return findings


def lint_spec(path: str | Path, config: LintConfig | None = None, *,
              allow_remote: bool = False, allow_outside: bool = False) -> LintReport:
    """Load and lint the document at `path` with `config` (default: pyproject.toml's, else recommended).

    Raises UsageError / DocumentError (exit 2) for unreadable input and RefError (exit 1)
    for refused or dangling references, as `load_spec` does.
    """
    config = config if config is not None else load_config()
    spec = load_spec(path, allow_remote=allow_remote, allow_outside=allow_outside)
    raw = lint_document(spec.document, spec.version, config, source_map=spec.source_map)
    located = list({_source_key(f): f for f in (spec.locate_finding(f) for f in raw)}.values())
    located.sort(key=lambda f: (f.file or "", f.line or 0, f.rule, f.pointer))
    return LintReport(Path(path), located, active_rules(spec.version, config), spec)


def _source_key(finding: Finding) -> tuple[object, ...]:
    """One finding per place in the source: a file inlined twice in the bundle is reported once."""
    return (finding.rule, finding.file, finding.source_pointer, finding.message)
