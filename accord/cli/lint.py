"""accord lint [SPEC] [--format text|json|sarif] [--output FILE]"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from accord.cli.options import ref_policy, spec_argument

if TYPE_CHECKING:
    from accord.lint.engine import LintReport


@click.command("lint")
@spec_argument
@ref_policy
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
              help="Output format; sarif is SARIF 2.1.0 for code-scanning annotations.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to FILE instead of stdout.")
def command(spec: Path, allow_remote_refs: bool, allow_outside_refs: bool, fmt: str,
            output: Path | None) -> LintReport:
    """Lint SPEC for contract quality (rules: [tool.accord.lint]). Exit 1 on an error-level finding."""
    from accord.lint import lint_spec
    from accord.lint.report import RENDERERS

    report = lint_spec(spec, allow_remote=allow_remote_refs, allow_outside=allow_outside_refs)
    rendered = RENDERERS[fmt](report)
    if output is None:
        click.echo(rendered, nl=False)
    else:
        output.write_text(rendered, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    return report
