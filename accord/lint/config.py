"""Lint configuration: a Spectral-format ruleset file, or `[tool.accord.lint]` in pyproject.toml.

Which ruleset runs, first found:
1. `accord lint --ruleset FILE` (a ruleset in Spectral's format, YAML or JSON);
2. `.spectral.yaml`, `.spectral.yml` or `.spectral.json` in the working directory (as Spectral finds it);
3. `[tool.accord.lint] extends` in pyproject.toml (Spectral's `extends` syntax), default `["spectral:oas"]`.

    [tool.accord.lint]
    extends = ["spectral:oas", "accord:contract"]   # built-in rulesets or local ruleset files
    ruleset = "recommended"          # mode for entries without one: recommended | all | off
    fail-severity = "error"          # the lowest severity that makes `accord lint` exit 1

    [tool.accord.lint.rules]         # applied last, on top of any ruleset file
    operation-description = "off"    # disable
    operation-singular-tag = "on"    # enable with its default severity
    info-contact = "error"           # change severity: error | warn | info | hint | off (or 0-3, -1)

A misspelt rule id or severity is a usage error (exit 2), never silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord.config import pyproject_settings
from accord.errors import UsageError
from accord.lint.registry import SEVERITIES, Rule
from accord.lint.rulesets import MODES, Ruleset, build, discover, parse_extends, parse_level

RULESETS = MODES
DEFAULT_EXTENDS = ("spectral:oas",)


@dataclass(slots=True, frozen=True)
class LintConfig:
    """Which rules run, at which severity: built-in rulesets (`extends`) or a ruleset `file`,
    then `rules` severity changes."""

    ruleset: str = "recommended"
    rules: Mapping[str, str | None] = field(default_factory=dict)  # id -> severity, "" default, None off
    extends: tuple[str | tuple[str, str], ...] = DEFAULT_EXTENDS
    file: Path | None = None
    fail_severity: str = "error"
    base: Path | None = None
    _resolved: list[Ruleset] = field(default_factory=list, compare=False, repr=False)

    def resolve(self) -> Ruleset:
        """The resolved ruleset (built once per config)."""
        if not self._resolved:
            if self.ruleset not in RULESETS:
                raise UsageError(f"[tool.accord.lint] ruleset: {self.ruleset!r} is not one of {', '.join(RULESETS)}")
            entries = [(e, self.ruleset) if isinstance(e, str) else e for e in self.extends]
            ruleset = build(entries, file=self.file, base=self.base)
            for rule_id, level in self.rules.items():
                ruleset.set_level(rule_id, level, "[tool.accord.lint] rules")
            self._resolved.append(ruleset)
        return self._resolved[0]

    def severity(self, rule: Rule) -> str | None:
        """The severity `rule` reports at, or None when it does not run."""
        entry = self.resolve().entries.get(rule.id)
        return None if entry is None else entry.severity


def parse_config(table: Mapping[str, Any], *, origin: str = "[tool.accord.lint]", file: Path | None = None,
                 base: Path | None = None) -> LintConfig:
    """A LintConfig from the `[tool.accord.lint]` table (and a ruleset file); raises UsageError naming the bad key."""
    ruleset = table.get("ruleset", "recommended")
    if ruleset not in RULESETS:
        raise UsageError(f"{origin} ruleset: {ruleset!r} is not one of {', '.join(RULESETS)}")
    extends = tuple(parse_extends(table["extends"], f"{origin} extends", ruleset)) if "extends" in table \
        else tuple((name, ruleset) for name in DEFAULT_EXTENDS)
    raw_rules = table.get("rules", {})
    if not isinstance(raw_rules, Mapping):
        raise UsageError(f"{origin} rules: expected a table of rule id = severity")
    rules = {str(rule_id): parse_level(value, f"{origin} rules.{rule_id}") for rule_id, value in raw_rules.items()}
    fail = table.get("fail-severity", "error")
    fail_level = parse_level(fail, f"{origin} fail-severity")
    if fail_level not in SEVERITIES:
        raise UsageError(f"{origin} fail-severity: {fail!r} is not one of error, warn, info, hint")
    config = LintConfig(ruleset=ruleset, rules=rules, extends=extends, file=file, fail_severity=fail_level, base=base)
    config.resolve()  # a bad rule id or ruleset file is reported now, located
    return config


def load_config(start: Path | None = None, *, ruleset_file: Path | None = None) -> LintConfig:
    """The lint configuration: `ruleset_file`, else a .spectral.* ruleset in the working directory,
    else the nearest pyproject.toml's `[tool.accord.lint]` (defaults when there is none)."""
    table = pyproject_settings(start).get("lint", {})
    file = ruleset_file if ruleset_file is not None else discover(Path.cwd())
    if file is not None and not file.is_file():
        raise UsageError(f"--ruleset {file}: no such file")
    return parse_config(table if isinstance(table, Mapping) else {}, file=file, base=_pyproject_dir(start))


def _pyproject_dir(start: Path | None) -> Path:
    here = (start or Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents) if (folder / "pyproject.toml").is_file()), here)
