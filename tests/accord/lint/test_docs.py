"""accord/lint/docs.py: every built-in rule has a bad example that fires it and a good one that
does not, and docs/lint-rules.md is the page they render."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.lint.docs import examples, fires, render
from accord.lint.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[3]


def test_every_builtin_rule_has_examples() -> None:
    assert set(examples()) == set(REGISTRY)


@pytest.mark.parametrize("rule_id", sorted(REGISTRY))
def test_bad_example_fires_and_good_example_does_not(rule_id: str) -> None:
    rule, example = REGISTRY[rule_id], examples()[rule_id]
    assert fires(rule, example["bad"]), f"{rule_id}: the bad example does not fire the rule"
    assert not fires(rule, example["good"]), f"{rule_id}: the good example fires the rule"


def test_the_page_is_generated() -> None:
    page = (ROOT / "docs" / "lint-rules.md").read_text(encoding="utf-8")
    assert page == render(), "stale: run .venv/bin/python -m accord.lint.docs > docs/lint-rules.md"
    assert all(f"### {rule_id}\n" in page for rule_id in REGISTRY)
