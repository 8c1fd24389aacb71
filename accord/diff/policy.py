"""Living with `accord diff` in CI: an ignore file, per-rule levels, and the version check.

    [tool.accord.diff]
    fail-on = "breaking"                      # or "warning"
    ignore-file = "accord-diff-ignore.yaml"
    version-check = true                      # a breaking change needs a major info.version bump
    deprecation-days-beta = 30
    deprecation-days-stable = 180
    stability-level = "beta"                  # draft and alpha operations may change

    [tool.accord.diff.rules]
    request-property-max-length-set = "breaking"   # a level: breaking | warning | info, or "off"

The ignore file is a YAML list; each entry names a rule id and a reason, and narrows with an
operation ("METHOD /path") and/or the change's fingerprint (`accord diff --format json` shows
it; stable across unrelated edits of the documents):

    - rule: response-property-enum-value-added
      operation: GET /pets
      fingerprint: 3f2a9c0d1e7b
      reason: every client of this API reads `status` with a default branch (checked 2026-12)

A misspelt rule id, a level that does not exist or an entry without a reason is a usage error
(exit 2) naming the file and the entry, never silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from accord import documents
from accord.diff.report import Change
from accord.diff.rules import BREAKING, LEVELS, RULES
from accord.errors import AccordError, UsageError

OFF = "off"
_VERSION = re.compile(r"^\s*v?(\d+)(?:\.(\d+))?")

@dataclass(slots=True, frozen=True)
class Ignore:
    """One accepted change: its rule, optionally its operation and fingerprint, and why."""

    rule: str
    reason: str
    operation: str | None = None
    fingerprint: str | None = None

    def matches(self, change: Change) -> bool:
        return (change.rule == self.rule
                and (self.operation is None or self.operation == change.operation)
                and (self.fingerprint is None or self.fingerprint == change.fingerprint))


@dataclass(slots=True, frozen=True)
class DiffPolicy:
    """What a team has decided about the findings of `accord diff`."""

    levels: Mapping[str, str] = field(default_factory=dict)  # rule id -> level or "off"
    ignores: tuple[Ignore, ...] = ()
    version_check: bool = False

    def apply(self, changes: Iterable[Change], old_version: str | None,
              new_version: str | None) -> tuple[list[Change], list[Change]]:
        """(kept changes with levels overridden, ignored changes); plus the version finding."""
        kept: list[Change] = []
        ignored: list[Change] = []
        for change in changes:
            level = self.levels.get(change.rule, change.level)
            if level == OFF:
                continue
            change = replace(change, level=level) if level != change.level else change
            (ignored if any(i.matches(change) for i in self.ignores) else kept).append(change)
        if self.version_check and any(c.level == BREAKING for c in kept):
            finding = version_finding(old_version, new_version)
            if finding is not None:
                kept.append(finding)
        return kept, ignored


def version_finding(old: str | None, new: str | None) -> Change | None:
    """The version check: a breaking change needs a major bump of info.version (for 0.x, a minor
    bump, as semver allows breaking changes there). None when the bump is there or a version
    cannot be read."""
    old_text, new_text = str(old or ""), str(new or "")
    if old_text == new_text:
        spec = RULES["api-version-not-bumped"]
    else:
        old_match, new_match = _VERSION.match(old_text), _VERSION.match(new_text)
        if not old_match or not new_match:
            return None
        old_major, new_major = int(old_match.group(1)), int(new_match.group(1))
        if new_major > old_major:
            return None
        if old_major == new_major == 0 and int(new_match.group(2) or 0) > int(old_match.group(2) or 0):
            return None
        spec = RULES["api-major-version-not-bumped"]
    message = spec.template.format(old=old_text, new=new_text)
    return Change(spec.id, spec.level, "info.version", None, "/info/version", "/info/version", message)


def parse_levels(table: Mapping[str, Any], origin: str) -> dict[str, str]:
    """Per-rule levels from `[tool.accord.diff.rules]` or `--rule-level ID=LEVEL`."""
    levels: dict[str, str] = {}
    for rule_id, value in table.items():
        if rule_id not in RULES:
            raise UsageError(f"{origin}: unknown rule {rule_id!r} (accord diff --list-rules lists them)")
        level = str(value).lower() if isinstance(value, str) else OFF if value is False else None
        if level not in (*LEVELS, OFF):
            raise UsageError(f"{origin}: {rule_id} = {value!r} is not one of {', '.join((*LEVELS, OFF))}")
        levels[rule_id] = level
    return levels


def load_ignores(path: Path) -> tuple[Ignore, ...]:
    """The entries of an ignore file; a usage error names the file and the entry at fault."""
    try:
        data = documents.load(path)
    except AccordError as exc:
        raise UsageError(f"ignore file {exc}") from None
    if data is None:
        return ()
    if not isinstance(data, list):
        raise UsageError(f"{path}: an ignore file is a list of entries (rule, reason, operation, fingerprint)")
    ignores = []
    for index, entry in enumerate(data, start=1):
        where = f"{path}: entry {index}"
        if not isinstance(entry, dict):
            raise UsageError(f"{where}: expected a mapping with rule and reason")
        unknown = set(entry) - {"rule", "reason", "operation", "fingerprint"}
        if unknown:
            raise UsageError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        rule_id, reason = entry.get("rule"), entry.get("reason")
        if not isinstance(rule_id, str) or (rule_id not in RULES):
            raise UsageError(f"{where}: unknown rule {rule_id!r} (accord diff --list-rules lists them)")
        if not isinstance(reason, str) or not reason.strip():
            raise UsageError(f"{where}: every ignored change needs a reason")
        operation, fingerprint = entry.get("operation"), entry.get("fingerprint")
        ignores.append(Ignore(rule_id, reason.strip(), str(operation) if operation is not None else None,
                              str(fingerprint) if fingerprint is not None else None))
    return tuple(ignores)
