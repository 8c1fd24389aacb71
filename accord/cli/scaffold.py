"""accord scaffold [SPEC]: handler stubs for operationIds that have none."""

from __future__ import annotations

from pathlib import Path

import click

from accord.cli.options import spec_argument


@click.command("scaffold")
@spec_argument
@click.option("--handlers", "handlers_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("impl/handlers"), show_default=True, help="Package holding one module per tag.")
def command(spec: Path, handlers_dir: Path) -> None:
    """Write typed stubs (answering 501 until written) for operations without a handler.

    Existing functions are never overwritten; stubs go into the module of the operation's tag.
    """
    from accord.scaffold import scaffold

    written = scaffold(spec, handlers_dir=handlers_dir)
    for file, function in written:
        click.echo(f"{file}: {function}")
    click.echo(f"{len(written)} stub(s) written" if written else "every operation has a handler", err=True)
