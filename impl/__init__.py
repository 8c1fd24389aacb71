"""The data team's service: this repository's ML handlers, models and job store, served by
accord's service kit (`accord serve --app impl`; `[tool.accord] app = "impl"`).

The kit imports this package, finds the handlers in `impl.handlers`, and runs `setup` once.
"""

from __future__ import annotations

import accord.service  # noqa: F401  (first: it silences Connexion's import-time warning)
from impl.app import setup

__all__ = ["setup"]
