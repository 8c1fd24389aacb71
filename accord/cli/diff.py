"""accord diff OLD NEW"""

from __future__ import annotations

import click

from accord.cli.options import ref_policy


@click.command("diff")
@click.argument("old")
@click.argument("new")
@ref_policy
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["breaking", "warning"]), default="breaking", show_default=True,
              help="Exit 1 when a change at or above this level exists.")
@click.option("--changelog", is_flag=True, help="List every change (info included), grouped by operation.")
def command(old: str, new: str, allow_remote_refs: bool, allow_outside_refs: bool, fmt: str, fail_on: str,
            changelog: bool) -> None:
    """Report what changed from OLD to NEW and what it breaks for clients.

    OLD and NEW are files or REF:path read from git (e.g. main:spec/openapi.yaml).
    Exit 1 when a change at or above --fail-on exists, 0 otherwise, 2 on a usage error.
    """
    from accord.diff import RENDERERS, diff

    report = diff(old, new, allow_remote=allow_remote_refs, allow_outside=allow_outside_refs)
    click.echo(RENDERERS[fmt](report, changelog), nl=False)
    if report.fails(fail_on):
        raise SystemExit(1)
