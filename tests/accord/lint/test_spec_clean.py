"""The shared contract, spec/openapi.yaml, lints clean: no error and no warning finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.lint import LintConfig, lint_spec

SPEC = Path(__file__).resolve().parents[3] / "spec" / "openapi.yaml"


def test_spec_lints_clean() -> None:
    if not SPEC.exists():
        pytest.fail(f"{SPEC} is missing: the shared contract must exist and lint clean")
    report = lint_spec(SPEC, LintConfig())
    blocking = [f.render() for f in report.findings if f.severity in ("error", "warning")]
    assert blocking == []
