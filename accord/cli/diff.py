"""accord diff OLD NEW"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from accord.cli.options import ref_policy

if TYPE_CHECKING:
    from accord.consumer.usage import ConsumerImpact
    from accord.diff import DiffReport


@click.command("diff")
@click.argument("old")
@click.argument("new")
@ref_policy
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["breaking", "warning"]), default="breaking", show_default=True,
              help="Exit 1 when a change at or above this level exists.")
@click.option("--changelog", is_flag=True, help="List every change (info included), grouped by operation.")
@click.option("--consumer", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="A consumer contract (accord mock --record): say which changes touch what it uses, "
                   "and exit 1 only on those.")
def command(old: str, new: str, allow_remote_refs: bool, allow_outside_refs: bool, fmt: str, fail_on: str,
            changelog: bool, consumer: str | None) -> DiffReport | ConsumerImpact:
    """Report what changed from OLD to NEW and what it breaks for clients.

    OLD and NEW are files or REF:path read from git (e.g. main:spec/openapi.yaml).
    Exit 1 when a change at or above --fail-on exists (with --consumer: one that touches the
    consumer), 0 otherwise, 2 on a usage error.
    """
    from accord.diff import RENDERERS, diff

    policy: dict[str, Any] = {"allow_remote": allow_remote_refs, "allow_outside": allow_outside_refs}
    if consumer is None:
        report = diff(old, new, fail_on=fail_on, **policy)
        click.echo(RENDERERS[fmt](report, changelog), nl=False)
        return report
    from accord.consumer.usage import diff_for_consumer, with_impact

    report, impact = diff_for_consumer(old, new, consumer, level=fail_on, **policy)
    click.echo(with_impact(RENDERERS[fmt](report, changelog), fmt, impact), nl=False)
    return impact
