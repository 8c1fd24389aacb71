"""accord init [DIR] [--spec FILE]: start a contract-first project."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--spec", "spec", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Start from the team's own document instead of the starter contract.")
@click.option("--title", default=None, help="The API's name in the README (default: the document's title).")
def command(directory: Path, spec: Path | None, title: str | None) -> None:
    """Start a contract-first project in DIRECTORY (default: here; never overwriting a file).

    It gets a contract (a small starter, or --spec FILE), the service's handlers package
    (service/; stubs for a document of your own), a contract suite against the mock and the
    service (tests/), a Makefile (`make run`, `make test`), a CI workflow and a README.
    """
    from accord.starter import init_project

    project = init_project(directory, spec=spec, title=title)
    for file in project.files:
        click.echo(file)
    stubs = f"; {len(project.stubs)} handler stub(s) to write in service/handlers/" if project.stubs else ""
    click.echo(f"{len(project.files)} file(s) written{stubs}. Next:", err=True)
    where = "" if project.directory.resolve() == Path.cwd().resolve() else f"cd {project.directory} && "
    click.echo(f"  {where}make run     # the mock on :4010, the service on :8080", err=True)
    click.echo(f"  {where}make test    # the contract tested against both; README.md says what each team does",
               err=True)
