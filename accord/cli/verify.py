"""accord verify FILE --target URL|impl|mock [--spec SPEC] [--format text|json]"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from accord import config

if TYPE_CHECKING:
    from accord.contract_tests.verify import VerifyReport


@click.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--target", required=True, envvar="ACCORD_TARGET",
              help="impl or mock (started on a free port), or the URL of a running service.")
@click.option("--spec", type=click.Path(dir_okay=False, path_type=Path), default=config.DEFAULT_SPEC,
              envvar="ACCORD_SPEC", show_default=True, help="The contract the in-process targets serve.")
@click.option("--patience", type=click.FloatRange(min=0), default=30.0, show_default=True,
              help="Seconds a 'not yet' answer (409, 503, Retry-After…) is retried when the consumer got a success.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(file: Path, target: str, spec: Path, patience: float, fmt: str) -> VerifyReport:
    """Replay the consumer contract FILE against TARGET and check what the consumer relies on.

    Status, content type, required headers, and every field the consumer got, present with the
    same JSON type (extra fields are fine). Exit 1 when an interaction breaks, 0 when all verify,
    2 for an unreadable contract or an unreachable target.
    """
    import orjson

    from accord.contract_tests.verify import render_text, report_json, verify_contract

    report = verify_contract(file, target, spec=spec, patience=patience)
    if fmt == "json":
        click.echo(orjson.dumps(report_json(report), option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(render_text(report), nl=False)
    return report
