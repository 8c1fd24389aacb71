"""The `accord` command: a thin shell. Each command parses, calls one library function, renders.

Commands live one per module in this package (`accord/cli/<command>.py`, each defining a
click command named `command`) and are imported only when run, so `accord --help` stays fast
and a command's heavy dependencies (Connexion, scikit-learn, Schemathesis) load only for it.

Exit codes: 0 clean, 1 findings (invalid document, failing contract…), 2 usage or internal error.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from accord import config
from accord.errors import AccordError, FindingsError

#: command name -> module in this package; listed when the module exists.
COMMANDS = {
    "init": "init",
    "validate": "validate",
    "bundle": "bundle",
    "lint": "lint",
    "diff": "diff",
    "mock": "mock",
    "serve": "serve",
    "scaffold": "scaffold",
    "test": "test",
    "verify": "verify",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, module in COMMANDS.items() if importlib.util.find_spec(f"accord.cli.{module}")]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None or importlib.util.find_spec(f"accord.cli.{module}") is None:
            return None
        return importlib.import_module(f"accord.cli.{module}").command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.BadParameter as exc:
            raise _naming_the_variable(exc) from None


def _naming_the_variable(exc: click.BadParameter) -> click.BadParameter:
    """A bad value that came from an `ACCORD_*` variable names the variable, not only the flag
    it stands for (`Invalid value for ACCORD_MOCK_PORT (--port): 'abc' is not a valid integer.`)."""
    param, ctx = exc.param, exc.ctx
    if param is None or ctx is None or not isinstance(param.envvar, str) or param.name is None:
        return exc
    if ctx.get_parameter_source(param.name) is not click.core.ParameterSource.ENVIRONMENT:
        return exc
    flag = param.get_error_hint(ctx)
    exc.param_hint = f"{param.envvar} ({flag})"
    return exc


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="accord")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """accord: one OpenAPI contract, a mock, a service and contract tests.

    SPEC defaults to spec/openapi.yaml ([tool.accord] spec in pyproject.toml, or ACCORD_SPEC).
    """
    ctx.default_map = config.default_map(list(COMMANDS))


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
