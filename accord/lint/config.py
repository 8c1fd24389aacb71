"""Lint configuration: `[tool.accord.lint]` in pyproject.toml.

    [tool.accord.lint]
    ruleset = "recommended"          # or "all": also the rules Spectral leaves off by default

    [tool.accord.lint.rules]
    operation-description = "off"    # disable
    operation-singular-tag = "on"    # enable with its default severity
    info-contact = "error"           # change severity: error | warn | warning | info | hint

A misspelt rule id or severity is a usage error (exit 2), never silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord.config import pyproject_settings
from accord.errors import UsageError
from accord.lint.registry import REGISTRY, SEVERITIES, Rule

RULESETS = ("recommended", "all")
#: Spelling accepted in configuration -> effective severity (None: rule off, "": default).
_LEVELS: dict[Any, str | None] = {
    "off": None, False: None, "false": None,
    "on": "", True: "", "true": "",
    "error": "error", "warn": "warning", "warning": "warning", "info": "info", "information": "info", "hint": "hint",
}


@dataclass(slots=True, frozen=True)
class LintConfig:
    """Which rules run, at which severity."""

    ruleset: str = "recommended"
    rules: Mapping[str, str | None] = field(default_factory=dict)  # id -> severity, "" default, None off

    def severity(self, rule: Rule) -> str | None:
        """The severity `rule` reports at, or None when it does not run."""
        if rule.id in self.rules:
            level = self.rules[rule.id]
            return rule.severity if level == "" else level
        if rule.recommended or self.ruleset == "all":
            return rule.severity
        return None


def parse_config(table: Mapping[str, Any], *, origin: str = "[tool.accord.lint]") -> LintConfig:
    """A LintConfig from the `[tool.accord.lint]` table; raises UsageError naming the bad key."""
    ruleset = table.get("ruleset", "recommended")
    if ruleset not in RULESETS:
        raise UsageError(f"{origin} ruleset: {ruleset!r} is not one of {', '.join(RULESETS)}")
    raw_rules = table.get("rules", {})
    if not isinstance(raw_rules, Mapping):
        raise UsageError(f"{origin} rules: expected a table of rule id = severity")
    rules: dict[str, str | None] = {}
    for rule_id, value in raw_rules.items():
        if rule_id not in REGISTRY:
            raise UsageError(f"{origin} rules: unknown rule {rule_id!r}")
        key = value.lower() if isinstance(value, str) else value
        if not isinstance(key, (str, bool)) or key not in _LEVELS:
            accepted = ", ".join(("off", "on", "warn", *SEVERITIES))
            raise UsageError(f"{origin} rules.{rule_id}: {value!r} is not one of {accepted}")
        rules[rule_id] = _LEVELS[key]
    return LintConfig(ruleset=ruleset, rules=rules)


def load_config(start: Path | None = None) -> LintConfig:
    """The lint configuration of the nearest pyproject.toml (defaults when there is none)."""
    table = pyproject_settings(start).get("lint", {})
    return parse_config(table if isinstance(table, Mapping) else {})
