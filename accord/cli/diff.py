"""accord diff OLD NEW"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from accord.cli.options import ref_policy
from accord.errors import UsageError

if TYPE_CHECKING:
    from accord.consumer.usage import ConsumerImpact
    from accord.diff import DiffReport
    from accord.diff.policy import DiffPolicy


class _Listed:
    """What `--list-rules` returns: nothing failed."""

    exit_code = 0


@click.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@ref_policy
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "junit", "github"]), default="text",
              show_default=True, help="github: GitHub Actions annotations (::error file=…,line=…::); junit: JUnit XML.")
@click.option("--fail-on", type=click.Choice(["breaking", "warning"]), default="breaking", show_default=True,
              help="Exit 1 when a change at or above this level exists.")
@click.option("--changelog", is_flag=True, help="List every change (info included), grouped by operation.")
@click.option("--consumer", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="A consumer contract (accord mock --record): say which changes touch what it uses, "
                   "and exit 1 only on those.")
@click.option("--list-rules", is_flag=True, help="Print every rule (id, level, description) and exit.")
@click.option("--ignore-file", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Accepted changes: a YAML list of {rule, reason, operation?, fingerprint?}.")
@click.option("--rule-level", "rule_levels", multiple=True, metavar="ID=LEVEL",
              help="Report rule ID at LEVEL (breaking, warning, info) or turn it off; repeatable.")
@click.option("--version-check/--no-version-check", default=False,
              help="A breaking change without a major info.version bump is itself a breaking finding.")
@click.option("--deprecation-days-beta", type=click.IntRange(min=0), default=0, show_default=True,
              help="Minimum days between deprecating a beta operation and its sunset (0: no minimum).")
@click.option("--deprecation-days-stable", type=click.IntRange(min=0), default=0, show_default=True,
              help="Minimum days between deprecating a stable operation and its sunset (0: no minimum).")
@click.option("--stability-level", type=click.Choice(["draft", "alpha", "beta", "stable"]), default="beta",
              show_default=True, help="Operations below this x-stability-level may change freely.")
def command(old: str | None, new: str | None, allow_remote_refs: bool, allow_outside_refs: bool, fmt: str,
            fail_on: str, changelog: bool, consumer: str | None, list_rules: bool, ignore_file: Path | None,
            rule_levels: tuple[str, ...], version_check: bool, deprecation_days_beta: int,
            deprecation_days_stable: int, stability_level: str) -> DiffReport | ConsumerImpact | _Listed:
    """Report what changed from OLD to NEW and what it breaks for clients.

    OLD and NEW are files or REF:path read from git (e.g. main:spec/openapi.yaml).
    Exit 1 when a change at or above --fail-on exists (with --consumer: one that touches the
    consumer), 0 otherwise, 2 on a usage error. Settings: [tool.accord.diff] in pyproject.toml
    (rule levels in [tool.accord.diff.rules]); docs/diff-rules.md lists the rules.
    """
    if list_rules:
        from accord.diff.rules import catalogue_lines

        click.echo("\n".join(catalogue_lines()))
        return _Listed()
    if old is None or new is None:
        raise UsageError("accord diff needs OLD and NEW (files or REF:path), or --list-rules")
    from accord.diff import RENDERERS, diff
    from accord.diff.lifecycle import LifecyclePolicy

    lifecycle = LifecyclePolicy(deprecation_days_beta, deprecation_days_stable, stability_level)
    policy: dict[str, Any] = {"allow_remote": allow_remote_refs, "allow_outside": allow_outside_refs}
    decisions = _policy(ignore_file, rule_levels, version_check)
    if consumer is None:
        report = diff(old, new, fail_on=fail_on, lifecycle=lifecycle, policy=decisions, **policy)
        click.echo(RENDERERS[fmt](report, changelog), nl=False)
        return report
    from accord.consumer.usage import diff_for_consumer, with_impact

    report, impact = diff_for_consumer(old, new, consumer, level=fail_on, lifecycle=lifecycle, policy=decisions,
                                       **policy)
    rendered = RENDERERS[fmt](report, changelog)
    # junit and github are read by machines: the consumer's verdict is the exit code
    click.echo(rendered if fmt in ("junit", "github") else with_impact(rendered, fmt, impact), nl=False)
    return impact


def _policy(ignore_file: Path | None, rule_levels: tuple[str, ...], version_check: bool) -> DiffPolicy:
    """The team's decisions: [tool.accord.diff.rules], then --rule-level; the ignore file."""
    from accord.config import pyproject_settings
    from accord.diff.policy import DiffPolicy, load_ignores, parse_levels

    table = pyproject_settings().get("diff", {})
    configured = table.get("rules", {}) if isinstance(table, dict) else {}
    if not isinstance(configured, dict):
        raise UsageError("[tool.accord.diff.rules]: expected a table of rule id = level")
    levels = parse_levels(configured, "[tool.accord.diff.rules]")
    flags: dict[str, str] = {}
    for entry in rule_levels:
        rule_id, equals, level = entry.partition("=")
        if not equals:
            raise UsageError(f"--rule-level {entry!r}: expected ID=LEVEL")
        flags[rule_id.strip()] = level.strip()
    levels.update(parse_levels(flags, "--rule-level"))
    ignores = load_ignores(ignore_file) if ignore_file is not None else ()
    return DiffPolicy(levels=levels, ignores=ignores, version_check=version_check)
