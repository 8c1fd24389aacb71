"""accord test --target mock|service|URL [--spec SPEC] [--checks …] [--auth-scheme NAME=VALUE] [--baseline FILE] …"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from accord import config

if TYPE_CHECKING:
    from accord.contract_tests.report import ContractReport

#: Coverage report formats by file suffix (--coverage-report FILE).
COVERAGE_SUFFIXES = {".txt": "text", ".md": "markdown", ".json": "json", ".html": "html", ".htm": "html"}


def _names(values: tuple[str, ...]) -> tuple[str, ...]:
    """`--checks a,b --checks c` -> (a, b, c), as `st run --checks` takes them."""
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


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
@click.option("--checks", "-c", "checks", multiple=True, metavar="NAMES",
              help="Run only these checks (comma-separated, repeatable): Schemathesis's names (`all`, "
                   "not_a_server_error, response_schema_conformance, …) and accord's (problem_json_errors). "
                   "ACCORD_TEST_CHECKS.")
@click.option("--exclude-checks", multiple=True, metavar="NAMES",
              help="Skip these checks (comma-separated, repeatable). ACCORD_TEST_EXCLUDE_CHECKS.")
@click.option("--auth-scheme", "auth", multiple=True, metavar="NAME=VALUE",
              help="A credential for the document's security scheme NAME (repeatable): an apiKey's key, "
                   "a bearer/OAuth2/OpenID token, a basic scheme's user:password. ACCORD_TEST_AUTH.")
@click.option("--header", "-H", "headers", multiple=True, metavar="'NAME: VALUE'",
              help="Send this header with every request (repeatable). ACCORD_TEST_HEADERS.")
@click.option("--schemathesis-config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="ACCORD_SCHEMATHESIS_CONFIG",
              help="The Schemathesis configuration to read (default: schemathesis.toml found as `st` finds it).")
@click.option("--no-schemathesis-config", is_flag=True, help="Read no schemathesis.toml.")
@click.option("--allow-not-implemented", is_flag=True, envvar="ACCORD_ALLOW_NOT_IMPLEMENTED",
              help="Operations answering 501 (a stub) are listed, but do not fail the run.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None, envvar="ACCORD_BASELINE",
              help="Known failures (written when missing): only new failures fail; fixed ones are listed.")
@click.option("--update-baseline", is_flag=True, help="Rewrite --baseline with this run's failures.")
@click.option("--coverage-report", "coverage_reports", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Write the coverage report here (repeatable); the format follows the suffix: "
                   ".txt, .md (a CI job summary), .json, .html (a per-operation matrix).")
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=None, envvar="ACCORD_MIN_COVERAGE",
              help="Fail (exit 1) when the run exercised less than this percentage of what the document documents.")
@click.option("--verbose", "-v", is_flag=True, help="Show every check's counts per operation.")
def command(target: str, spec: Path, max_examples: int | None, seed: int | None, junit: Path | None,
            app: str | None, operations: tuple[str, ...], checks: tuple[str, ...], exclude_checks: tuple[str, ...],
            auth: tuple[str, ...], headers: tuple[str, ...], schemathesis_config: Path | None,
            no_schemathesis_config: bool, allow_not_implemented: bool, baseline: Path | None,
            update_baseline: bool, coverage_reports: tuple[Path, ...], min_coverage: float | None,
            verbose: bool) -> ContractReport:
    """Run the contract tests against TARGET. Exit 1 on any failure, 2 on a usage error."""
    from accord.contract_tests.configuration import Selection, parse_auth, parse_headers
    from accord.contract_tests.coverage_report import FORMATS, totals
    from accord.contract_tests.render import summary
    from accord.contract_tests.runner import Progress, run_contract_tests
    from accord.errors import UsageError
    from accord.settings import read

    if not spec.is_file():
        raise UsageError(f"{spec}: no such file")
    if update_baseline and baseline is None:
        raise UsageError("--update-baseline needs --baseline FILE")
    formats = {}
    for path in coverage_reports:
        kind = COVERAGE_SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise UsageError(f"--coverage-report {path}: unknown format; use one of "
                             f"{', '.join(sorted(COVERAGE_SUFFIXES))}")
        formats[path] = kind
    selection = Selection(
        checks=_names(checks) or tuple(read("ACCORD_TEST_CHECKS")) or None,
        exclude_checks=_names(exclude_checks) or tuple(read("ACCORD_TEST_EXCLUDE_CHECKS")),
        auth=parse_auth(auth) if auth else parse_auth(read("ACCORD_TEST_AUTH"), "ACCORD_TEST_AUTH"),
        headers=(parse_headers(headers) if headers
                 else parse_headers(read("ACCORD_TEST_HEADERS"), "ACCORD_TEST_HEADERS")),
        config_file=schemathesis_config,
        use_config_file=not no_schemathesis_config,
    )

    def progress(step: Progress) -> None:
        if step.operation is None:
            click.echo(f"[{step.phase}]", err=True)
        else:
            click.echo(f"  {step.phase:<9} {step.status or '':<9} {step.operation}", err=True)

    report = run_contract_tests(target, spec=spec, max_examples=max_examples, seed=seed, junit=junit,
                                progress=progress, operations=list(operations) or None, app=app,
                                selection=selection, allow_not_implemented=allow_not_implemented,
                                baseline=baseline, update_baseline=update_baseline)
    click.echo(summary(report, verbose=verbose))
    if junit is not None:
        click.echo(f"JUnit report: {junit}")
    for path, kind in formats.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(FORMATS[kind](report), encoding="utf-8")
        click.echo(f"coverage report ({kind}): {path}")
    if min_coverage is not None:
        percent = totals(report).percent
        if percent < min_coverage:
            click.echo(f"FAILED: coverage {percent:.1f}% is below --min-coverage {min_coverage:g}%")
            return _failed(report)
    return report


def _failed(report: ContractReport) -> ContractReport:
    """The report, made to exit 1 (a gate other than the checks failed)."""
    from dataclasses import replace

    return replace(report, errors=(*report.errors, "coverage below --min-coverage"))
