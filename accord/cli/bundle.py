"""accord bundle [SPEC] -o FILE"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from accord.cli.options import ref_policy, spec_argument


@click.command("bundle")
@spec_argument
@ref_policy
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file; .json or .yaml/.yml picks the format. Default: YAML on stdout.")
def command(spec: Path, allow_remote_refs: bool, allow_outside_refs: bool, output: Path | None) -> None:
    """Write SPEC as one self-contained document."""
    from accord import bundling

    policy = {"allow_remote": allow_remote_refs, "allow_outside": allow_outside_refs}
    if output is None:
        sys.stdout.buffer.write(bundling.dumps(bundling.bundle(spec, **policy), "yaml"))
        return
    written = bundling.write_bundle(spec, output, **policy)
    click.echo(f"wrote {written}", err=True)


