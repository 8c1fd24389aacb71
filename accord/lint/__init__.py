"""`accord lint`: contract-quality rules (Spectral's `spectral:oas` names, plus accord's own).

    report = lint_spec("spec/openapi.yaml")     # LintReport: findings, active rules, spec
    report.ok                                   # False when an error-level finding exists

Rules: `accord.lint.registry.REGISTRY`; configuration: `accord.lint.config`
(`[tool.accord.lint]`); output formats: `accord.lint.report`.
"""

from __future__ import annotations

from accord.lint.config import LintConfig, load_config, parse_config
from accord.lint.engine import LintReport, lint_document, lint_spec

__all__ = ["LintConfig", "LintReport", "lint_document", "lint_spec", "load_config", "parse_config"]
