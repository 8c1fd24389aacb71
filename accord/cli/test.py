"""accord test --target mock|service|URL [--spec SPEC] [--max-examples N] [--seed N] [--junit FILE]"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from accord import config

if TYPE_CHECKING:
    from accord.contract_tests.report import ContractReport


@click.command("test")
@click.option("--target", required=True, envvar="ACCORD_TARGET",
              help="mock or service (in-process; service serves --app, ACCORD_APP or [tool.accord] app), "
                   "or the URL of a running service.")
@click.option("--spec", type=click.Path(dir_okay=False, path_type=Path), default=config.DEFAULT_SPEC,
              envvar="ACCORD_SPEC", show_default=True, help="The contract.")
@click.option("--max-examples", type=click.IntRange(min=1), default=None, envvar="ACCORD_MAX_EXAMPLES",
              help="Fuzzing examples per operation (more = longer, randomised run).")
@click.option("--seed", type=click.IntRange(min=0), default=None, envvar="ACCORD_SEED",
              help="Seed for data generation (default 42).")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a JUnit XML report here.")
@click.option("--app", default=None, envvar="ACCORD_APP",
              help="The handlers package the service target serves ([tool.accord] app; default service).")
@click.option("--operation", "-o", "operations", multiple=True, metavar="OPERATION_ID",
              help="Test only this operation (repeatable): the ones written so far, for example.")
@click.option("--verbose", "-v", is_flag=True, help="Show every check's counts per operation.")
def command(target: str, spec: Path, max_examples: int | None, seed: int | None, junit: Path | None,
            app: str | None, operations: tuple[str, ...], verbose: bool) -> ContractReport:
    """Run the contract tests against TARGET. Exit 1 on any failure, 2 on a usage error."""
    from accord.contract_tests.render import summary
    from accord.contract_tests.runner import Progress, run_contract_tests
    from accord.errors import UsageError

    if not spec.is_file():
        raise UsageError(f"{spec}: no such file")

    def progress(step: Progress) -> None:
        if step.operation is None:
            click.echo(f"[{step.phase}]", err=True)
        else:
            click.echo(f"  {step.phase:<9} {step.status or '':<9} {step.operation}", err=True)

    report = run_contract_tests(target, spec=spec, max_examples=max_examples, seed=seed, junit=junit,
                                progress=progress, operations=list(operations) or None, app=app)
    click.echo(summary(report, verbose=verbose))
    if junit is not None:
        click.echo(f"JUnit report: {junit}")
    return report
