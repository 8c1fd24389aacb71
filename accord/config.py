"""Configuration: flags > ACCORD_* environment variables > [tool.accord] in pyproject.toml > defaults.

Click applies the first two (and `envvar=`); this module reads the pyproject layer into a
`default_map`, which click consults after the environment. Each default is defined once, here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from accord.errors import UsageError

DEFAULT_SPEC = "spec/openapi.yaml"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_MOCK_PORT = 4010
DEFAULT_SERVE_PORT = 8080
#: The package `accord serve` serves and `accord scaffold` writes into (handlers in its
#: `handlers/` subpackage); this repository's pyproject.toml says `app = "impl"`.
DEFAULT_APP = "service"
#: Where a service keeps what it builds at run time (job stores, caches); git-ignored.
DEFAULT_STATE_DIR = ".accord"
#: The development API key `make run` works with; production sets ACCORD_API_KEYS.
DEV_API_KEY = "accord-dev-key"


def pyproject_settings(start: Path | None = None) -> dict[str, Any]:
    """The [tool.accord] table of the nearest pyproject.toml (empty when there is none)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                return {}
            table = data.get("tool", {}).get("accord", {})
            return table if isinstance(table, dict) else {}
    return {}


def default_map(commands: list[str], start: Path | None = None) -> dict[str, dict[str, Any]]:
    """Click default_map: top-level keys apply to every command, `[tool.accord.<cmd>]` to one."""
    settings = pyproject_settings(start)
    shared = {k.replace("-", "_"): v for k, v in settings.items() if not isinstance(v, dict)}
    result: dict[str, dict[str, Any]] = {}
    for command in commands:
        own = settings.get(command, {})
        merged = dict(shared)
        if isinstance(own, dict):
            merged.update({k.replace("-", "_"): v for k, v in own.items()})
        result[command] = merged
    return result


# Typed readers of ACCORD_* variables: a blank value is unset; a bad value is a usage error that
# names the variable (exit 2), never a traceback.
_FALSE = {"0", "false", "no", "off"}
_TRUE = {"1", "true", "yes", "on"}


def env_str(name: str, default: str | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    raw = (os.environ if environ is None else environ).get(name)
    return raw.strip() if raw is not None and raw.strip() else default


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    raw = env_str(name, None, environ)
    if raw is None:
        return default
    if raw.lower() in _FALSE:
        return False
    if raw.lower() in _TRUE:
        return True
    raise UsageError(f"{name}={raw!r}: expected one of 1, 0, true, false, yes, no, on, off")


def env_int(name: str, default: int, environ: Mapping[str, str] | None = None, *, minimum: int = 0) -> int:
    raw = env_str(name, None, environ)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise UsageError(f"{name}={raw!r}: expected at least {minimum}")
    return value


def env_float(name: str, default: float, environ: Mapping[str, str] | None = None, *, minimum: float = 0.0) -> float:
    raw = env_str(name, None, environ)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r}: expected a number") from None
    if not value >= minimum:  # also refuses nan
        raise UsageError(f"{name}={raw!r}: expected at least {minimum}")
    return value


def env_list(name: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list; empty when unset."""
    raw = env_str(name, None, environ)
    return [part.strip() for part in raw.split(",") if part.strip()] if raw else []


def configured_app(start: Path | None = None) -> str:
    """The app to serve when no flag says: ACCORD_APP, then `[tool.accord] app`, then `service`."""
    return env_str("ACCORD_APP") or str(pyproject_settings(start).get("app") or DEFAULT_APP)
