"""Configuration: flags > ACCORD_* environment variables > [tool.accord] in pyproject.toml > defaults.

Click applies the first two (and `envvar=`); this module reads the pyproject layer into a
`default_map`, which click consults after the environment. Each default is defined once, here.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

DEFAULT_SPEC = "spec/openapi.yaml"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_MOCK_PORT = 4010
DEFAULT_SERVE_PORT = 8080
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
