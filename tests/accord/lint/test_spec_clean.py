"""The shared contract, spec/openapi.yaml, lints clean with this repository's configuration (spectral:oas
and the accord:contract house rules): no error and no warning finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.lint import lint_spec, load_config

SPEC = Path(__file__).resolve().parents[3] / "spec" / "openapi.yaml"


def test_spec_lints_clean() -> None:
    if not SPEC.exists():
        pytest.fail(f"{SPEC} is missing: the shared contract must exist and lint clean")
    config = load_config(SPEC.parent)
    assert "accord:contract" in {active.rule.ruleset for active in config.resolve().active("3.0")}
    report = lint_spec(SPEC, config)
    blocking = [f.render() for f in report.findings if f.severity in ("error", "warning")]
    assert blocking == []
