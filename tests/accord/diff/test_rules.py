"""accord/diff/rules.py: the table is complete, consistent with oasdiff ids, and direction-aware."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from accord.diff.rules import LEVELS, RULES, SCHEMA_PREFIXES, bound_change

WALKER_SOURCES = [Path(__file__).resolve().parents[3] / "accord" / "diff" / name
                  for name in ("walker.py", "schemadiff.py")]


def test_every_rule_has_a_known_level_and_a_formattable_template() -> None:
    for rule in RULES.values():
        assert rule.level in LEVELS
        fields = {name for _, name, _, _ in string.Formatter().parse(rule.template) if name}
        assert fields <= {"what", "old", "new", "keyword"}, rule.id


@pytest.mark.parametrize(
    ("rule_id", "level"),
    [
        # oasdiff v1.28.0 ids and levels (reference/contract_anchors.md §3.1)
        ("api-path-removed-without-deprecation", "breaking"),
        ("api-removed-without-deprecation", "breaking"),
        ("new-required-request-parameter", "breaking"),
        ("request-parameter-became-required", "breaking"),
        ("request-parameter-removed", "warning"),
        ("request-parameter-default-value-changed", "breaking"),
        ("request-body-removed", "breaking"),
        ("request-property-max-length-set", "warning"),
        ("request-parameter-enum-value-removed", "breaking"),
        ("request-parameter-max-length-decreased", "breaking"),
        ("request-body-became-required", "breaking"),
        ("request-body-media-type-removed", "breaking"),
        ("new-required-request-property", "breaking"),
        ("request-property-became-required", "breaking"),
        ("request-property-enum-value-removed", "breaking"),
        ("request-property-max-decreased", "breaking"),
        ("request-property-min-increased", "breaking"),
        ("request-property-pattern-added", "breaking"),
        ("request-property-removed", "warning"),
        ("response-success-status-removed", "breaking"),
        ("response-media-type-removed", "breaking"),
        ("response-required-property-removed", "breaking"),
        ("response-optional-property-removed", "warning"),
        ("response-property-became-optional", "breaking"),
        ("response-property-became-nullable", "breaking"),
        ("response-property-max-length-increased", "breaking"),
        ("required-response-header-removed", "breaking"),
        ("optional-response-header-removed", "warning"),
        ("endpoint-added", "info"),
        ("new-optional-request-parameter", "info"),
        # raised above oasdiff's default, on purpose (rules.py says why)
        ("api-security-added", "breaking"),
        ("response-property-enum-value-added", "breaking"),
    ],
)
def test_levels_of_the_main_rules(rule_id: str, level: str) -> None:
    assert RULES[rule_id].level == level


@pytest.mark.parametrize("suffix", ["enum-value-removed", "max-length-decreased", "min-increased", "pattern-added",
                                    "became-not-nullable", "type-changed", "one-of-removed"])
def test_a_narrowing_breaks_requests_but_not_responses(suffix: str) -> None:
    assert RULES[f"request-property-{suffix}"].level == "breaking"
    expected = "breaking" if suffix == "type-changed" else "info"
    assert RULES[f"response-property-{suffix}"].level == expected


def test_every_rule_the_walker_names_exists() -> None:
    literal = re.compile(r'"((?:api|new|request|response|required|optional|endpoint)-[a-z0-9-]+)"')
    named = {m.group(1) for source in WALKER_SOURCES for m in literal.finditer(source.read_text())}
    named -= set(SCHEMA_PREFIXES)  # prefixes, completed at run time
    assert named and named <= set(RULES), sorted(named - set(RULES))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [(None, None, None), (1, 1, None), (None, 5, "set"), (5, None, "unset"), (5, 3, "decreased"), (3, 5, "increased")],
)
def test_bound_change(old: float | None, new: float | None, expected: str | None) -> None:
    assert bound_change(old, new, "upper") == expected
