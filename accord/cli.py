"""The `accord` command: a thin shell. Each command parses, calls one library function, renders.

Exit codes: 0 clean, 1 findings (invalid document, failing contract…), 2 usage or internal error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from accord import config
from accord.errors import AccordError, FindingsError

_COMMANDS = ["validate", "bundle", "mock", "serve", "scaffold", "test"]


def _spec_argument(func):  # type: ignore[no-untyped-def]
    return click.argument("spec", required=False, default=config.DEFAULT_SPEC, envvar="ACCORD_SPEC",
                          type=click.Path(dir_okay=False, path_type=Path))(func)


def _ref_policy(func):  # type: ignore[no-untyped-def]
    func = click.option("--allow-remote-refs", is_flag=True, envvar="ACCORD_ALLOW_REMOTE_REFS",
                        help="Follow $refs to URLs (refused by default).")(func)
    func = click.option("--allow-outside-refs", is_flag=True, envvar="ACCORD_ALLOW_OUTSIDE_REFS",
                        help="Follow $refs to files outside the document's folder (refused by default).")(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="accord")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """accord: one OpenAPI contract, a mock, a service and contract tests."""
    ctx.default_map = config.default_map(_COMMANDS)


@cli.command()
@_spec_argument
@_ref_policy
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(spec: Path, allow_remote_refs: bool, allow_outside_refs: bool, fmt: str) -> None:
    """Validate SPEC: structure, $ref resolution and every example. Exit 1 on findings."""
    from accord.validation import validate_spec

    report = validate_spec(spec, allow_remote=allow_remote_refs, allow_outside=allow_outside_refs)
    if fmt == "json":
        payload = {"spec": str(spec), "valid": report.ok, "findings": [f.as_dict() for f in report.findings]}
        click.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())
    else:
        for finding in report.findings:
            click.echo(finding.render())
        if report.ok:
            version = report.spec.version if report.spec else "?"
            click.echo(f"{spec}: valid OpenAPI {version} document")
        else:
            click.echo(f"{spec}: {len(report.findings)} finding(s)", err=True)
    if not report.ok:
        raise SystemExit(1)


@cli.command()
@_spec_argument
@_ref_policy
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file; .json or .yaml/.yml picks the format. Default: YAML on stdout.")
def bundle(spec: Path, allow_remote_refs: bool, allow_outside_refs: bool, output: Path | None) -> None:
    """Write SPEC as one self-contained document."""
    from accord import bundling

    policy = {"allow_remote": allow_remote_refs, "allow_outside": allow_outside_refs}
    if output is None:
        sys.stdout.buffer.write(bundling.dumps(bundling.bundle(spec, **policy), "yaml"))
        return
    written = bundling.write_bundle(spec, output, **policy)
    click.echo(f"wrote {written}", err=True)


def main() -> None:
    """Console entry point: maps accord errors to exit codes, never shows a traceback for them."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except FindingsError as exc:
        for finding in exc.findings:
            click.echo(finding.render(), err=True)
        sys.exit(exc.exit_code)
    except AccordError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
