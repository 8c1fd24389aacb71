"""Helpers for the lint tests: lint a fixture with every rule on, pick one rule's pointers."""

from __future__ import annotations

from pathlib import Path

from accord.lint import LintConfig, lint_spec

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
#: Every rule on, Spectral's non-recommended ones included, so each can be tested.
ALL_RULES = LintConfig(ruleset="all", extends=("spectral:oas", "accord:contract"))


def pointers_of(fixture: str, rule: str) -> set[str]:
    """JSON pointers (into the bundled document) at which `rule` fires on tests/fixtures/<fixture>."""
    report = lint_spec(FIXTURES / fixture / "openapi.yaml", ALL_RULES)
    return {finding.pointer for finding in report.findings if finding.rule == rule}
