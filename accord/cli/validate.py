"""accord validate [SPEC]"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
import orjson

from accord.cli.options import ref_policy, spec_argument

if TYPE_CHECKING:
    from accord.validation import ValidationReport


@click.command("validate")
@spec_argument
@ref_policy
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(spec: Path, allow_remote_refs: bool, allow_outside_refs: bool, fmt: str) -> ValidationReport:
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
    return report


