"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from accord import config


def spec_argument(func: Callable[..., Any]) -> Callable[..., Any]:
    """SPEC: the document; defaults to spec/openapi.yaml."""
    return click.argument("spec", required=False, default=config.DEFAULT_SPEC, envvar="ACCORD_SPEC",
                          type=click.Path(dir_okay=False, path_type=Path))(func)


def ref_policy(func: Callable[..., Any]) -> Callable[..., Any]:
    """--allow-remote-refs / --allow-outside-refs."""
    func = click.option("--allow-remote-refs", is_flag=True, envvar="ACCORD_ALLOW_REMOTE_REFS",
                        help="Follow $refs to URLs (refused by default).")(func)
    func = click.option("--allow-outside-refs", is_flag=True, envvar="ACCORD_ALLOW_OUTSIDE_REFS",
                        help="Follow $refs to files outside the document's folder (refused by default).")(func)
    return func


def app_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--app: the package of handlers `accord serve` serves and `accord scaffold` writes into."""
    return click.option("--app", default=config.DEFAULT_APP, envvar="ACCORD_APP", show_default=True,
                        help="The handlers package: a folder (handlers in its handlers/ subpackage) "
                             "or an importable name. [tool.accord] app in pyproject.toml sets it too.")(func)
