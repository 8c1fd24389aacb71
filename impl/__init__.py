"""The data team's service: a Connexion AsyncApp bound to the shared contract, serving real models.

Public entry points: `impl.app.create_app` and `impl.app.serve`; `impl.asgi:app` for uvicorn workers.
"""

from __future__ import annotations

import warnings

# Connexion 3.3 imports starlette.testclient at import time (connexion/apps/abstract.py), and
# Starlette 1.x warns about its httpx dependency there: a line on every `accord serve` start that
# is about neither the service nor its user's code. Only that message is silenced.
warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient` is deprecated")
