"""The `accord` command: a thin shell. Each command parses, calls one library function, renders.

Commands live one per module in this package (`accord/cli/<command>.py`, each defining a
click command named `command`) and are imported only when run, so `accord --help` stays fast
and a command's heavy dependencies (Connexion, scikit-learn, Schemathesis) load only for it.

Exit codes: 0 clean, 1 findings (invalid document, failing contract…), 2 usage, document or
internal error, 130 interrupted. A command returns its report (an `Outcome`, which carries the
exit code); errors are the exceptions of accord/errors.py; only `main` exits.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from pathlib import Path
from typing import Protocol

import click

from accord import config
from accord.errors import AccordError, FindingsError
from accord.locations import Location

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


class Outcome(Protocol):
    """What a command returns: a report that knows its exit code (0 clean, 1 findings)."""

    @property
    def exit_code(self) -> int: ...


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


@cli.result_callback()
def _outcome(report: Outcome | None) -> int:
    """A command renders its report and returns it; the report's exit code ends the run.

    A non-zero code is raised as click's `Exit`, which `main` receives as the return value of
    `cli.main(standalone_mode=False)` (and click's own standalone mode, as in CliRunner, exits with).
    """
    code = 0 if report is None else report.exit_code
    if code:
        raise click.exceptions.Exit(code)
    return code


def main() -> None:
    """Console entry point, the one place accord exits: 0 clean, 1 findings (a report or a
    FindingsError), 2 a usage, document or internal error, 130 interrupted."""
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            sys.exit(130)
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
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug: one line and exit 2, never a traceback and never 1
        if _debug():
            traceback.print_exc()
        click.echo(internal_error(exc), err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


def internal_error(exc: BaseException) -> str:
    """One line for an exception accord did not expect: what failed, where, and what to do."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {Location(_shown(frames[-1].filename), frames[-1].lineno)}" if frames else ""
    message = " ".join(str(exc).split())
    what = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    if len(what) > 300:
        what = what[:299] + "…"
    command = " ".join(["accord", *sys.argv[1:2]])
    return (f"error: internal error in {command}: {what}{where}; this is a bug in accord; run again with "
            "ACCORD_DEBUG=1 to see the traceback and report it with the command")


def _debug() -> bool:
    """ACCORD_DEBUG=1: show the traceback of an internal error (an unreadable value shows it too)."""
    from accord import settings

    try:
        return bool(settings.read("ACCORD_DEBUG"))
    except AccordError:
        return True


def _shown(filename: str) -> str:
    """A frame's file relative to the folder accord is installed in, when it is in there."""
    root = Path(__file__).resolve().parents[2]
    try:
        return Path(filename).resolve().relative_to(root).as_posix()
    except ValueError:
        return filename


if __name__ == "__main__":
    main()
