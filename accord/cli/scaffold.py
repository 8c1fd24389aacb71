"""accord scaffold [SPEC]: handler stubs for operationIds that have none."""

from __future__ import annotations

from pathlib import Path

import click

from accord.cli.options import app_option, spec_argument


@click.command("scaffold")
@spec_argument
@app_option
@click.option("--handlers", "handlers_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write into this package instead of APP/handlers/.")
def command(spec: Path, app: str, handlers_dir: Path | None) -> None:
    """Write typed stubs (answering 501 until written) for operations without a handler.

    Stubs go into APP/handlers/<tag>.py, where `accord serve --app APP` looks. Existing
    functions are never overwritten.
    """
    from accord.scaffold import scaffold, scaffold_app

    written = scaffold(spec, handlers_dir=handlers_dir) if handlers_dir is not None else scaffold_app(spec, app)
    for file, function in written:
        click.echo(f"{file}: {function}")
    click.echo(f"{len(written)} stub(s) written" if written else "every operation has a handler", err=True)
