"""accord lint [SPEC] [--ruleset FILE] [--list-rules] [--fail-severity LEVEL] [--format F] [--output FILE]"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from accord.cli.options import ref_policy, spec_argument

if TYPE_CHECKING:
    from accord.lint.config import LintConfig
    from accord.lint.engine import LintReport

FAIL_LEVELS = {"error": "error", "warn": "warning", "warning": "warning", "info": "info", "hint": "hint"}


@click.command("lint")
@spec_argument
@ref_policy
@click.option("-r", "--ruleset", "ruleset_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A ruleset in Spectral's format (default: .spectral.yaml/.yml/.json here, else "
                   "[tool.accord.lint]).")
@click.option("--list-rules", is_flag=True, help="List the configured rules (id, severity, ruleset) and exit.")
@click.option("-F", "--fail-severity", type=click.Choice(list(FAIL_LEVELS)), default=None,
              help="Exit 1 when a finding is at least this severe (default: error, or [tool.accord.lint] "
                   "fail-severity).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
              help="Output format; sarif is SARIF 2.1.0 for code-scanning annotations.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to FILE instead of stdout.")
def command(spec: Path, allow_remote_refs: bool, allow_outside_refs: bool, ruleset_file: Path | None,
            list_rules: bool, fail_severity: str | None, fmt: str, output: Path | None) -> LintReport | None:
    """Lint SPEC for contract quality with Spectral-format rulesets. Exit 1 on an error-level finding."""
    from accord.lint import lint_spec
    from accord.lint.config import load_config
    from accord.lint.report import RENDERERS

    config = load_config(ruleset_file=ruleset_file)
    if fail_severity is not None:
        config = replace(config, fail_severity=FAIL_LEVELS[fail_severity], _resolved=[])
    if list_rules:
        click.echo(_rule_list(config), nl=False)
        return None
    report = lint_spec(spec, config, allow_remote=allow_remote_refs, allow_outside=allow_outside_refs)
    rendered = RENDERERS[fmt](report)
    if output is None:
        click.echo(rendered, nl=False)
    else:
        output.write_text(rendered, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    return report


def _rule_list(config: LintConfig) -> str:
    """One line per known rule: id, severity (off when it does not run), ruleset, description."""
    ruleset = config.resolve()
    width = max((len(rule_id) for rule_id in ruleset.entries), default=10)
    lines = [f"{rule_id:<{width}}  {entry.severity or 'off':<7}  {entry.rule.ruleset}  {entry.rule.description}"
             for rule_id, entry in ruleset.entries.items()]
    lines += [f"{item.rule:<{width}}  {'not run':<7}  {item.ruleset}  {item.reason}" for item in ruleset.not_run]
    return "\n".join(lines) + "\n"
