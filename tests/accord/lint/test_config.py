"""accord/lint/config.py: [tool.accord.lint] enables, disables and re-levels rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.errors import UsageError
from accord.lint import lint_spec, load_config
from accord.lint.registry import REGISTRY
from tests.accord.lint.conftest import FIXTURES

TAGS_FIXTURE = FIXTURES / "lint-operation-tag-defined" / "openapi.yaml"


def write_pyproject(folder: Path, body: str) -> Path:
    (folder / "pyproject.toml").write_text('[project]\nname = "x"\n\n' + body, encoding="utf-8")
    return folder


def by_rule(report_findings: list) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for finding in report_findings:
        result.setdefault(finding.rule, set()).add(finding.severity)
    return result


def test_no_pyproject_gives_the_recommended_rules(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.severity(REGISTRY["operation-tag-defined"]) == "warning"
    assert config.severity(REGISTRY["operation-singular-tag"]) is None  # not recommended


def test_disable_enable_and_change_severity(tmp_path: Path) -> None:
    write_pyproject(tmp_path, """
[tool.accord.lint.rules]
operation-description = "off"
operation-tag-defined = "error"
operation-singular-tag = "warn"
info-contact = false
""")
    report = lint_spec(TAGS_FIXTURE, load_config(tmp_path))
    severities = by_rule(report.findings)
    assert "operation-description" not in severities
    assert severities["operation-tag-defined"] == {"error"}
    assert severities["operation-singular-tag"] == {"warning"}
    assert not report.ok  # the re-levelled rule now fails the run


def test_defaults_for_comparison(tmp_path: Path) -> None:
    """Without configuration the same fixture has only warnings (exit 0)."""
    report = lint_spec(TAGS_FIXTURE, load_config(tmp_path))
    assert by_rule(report.findings)["operation-tag-defined"] == {"warning"}
    assert "operation-singular-tag" not in by_rule(report.findings)


def test_ruleset_all_enables_every_rule_of_the_extended_rulesets(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[tool.accord.lint]\nruleset = "all"\nextends = ["spectral:oas", "accord:contract"]\n')
    config = load_config(tmp_path)
    extended = [rule for rule in REGISTRY.values() if rule.ruleset in ("spectral:oas", "accord:contract")]
    assert all(config.severity(rule) == rule.severity for rule in extended)


def test_house_rules_are_off_unless_extended(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[tool.accord.lint]\nruleset = "all"\n')
    config = load_config(tmp_path)
    assert config.severity(REGISTRY["accord-request-schema-closed"]) is None
    assert config.severity(REGISTRY["operation-singular-tag"]) == "warning"


def test_on_enables_at_default_severity(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[tool.accord.lint.rules]\ntag-description = "on"\n')
    assert load_config(tmp_path).severity(REGISTRY["tag-description"]) == "warning"


def test_config_is_found_in_a_parent_folder(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[tool.accord.lint.rules]\ninfo-contact = "hint"\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert load_config(nested).severity(REGISTRY["info-contact"]) == "hint"


@pytest.mark.parametrize(("body", "named"), [
    ('[tool.accord.lint.rules]\nno-such-rule = "off"\n', "no-such-rule"),
    ('[tool.accord.lint.rules]\ninfo-contact = "fatal"\n', "info-contact"),
    ('[tool.accord.lint.rules]\ninfo-contact = 7\n', "info-contact"),
    ('[tool.accord.lint]\nruleset = "strict"\n', "ruleset"),
    ('[tool.accord.lint]\nrules = "off"\n', "rules"),
])
def test_bad_configuration_is_a_usage_error_naming_the_key(tmp_path: Path, body: str, named: str) -> None:
    write_pyproject(tmp_path, body)
    with pytest.raises(UsageError, match=named) as caught:
        load_config(tmp_path)
    assert caught.value.exit_code == 2
