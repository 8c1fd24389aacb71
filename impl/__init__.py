"""The data team's service: a Connexion AsyncApp bound to the shared contract, serving real models.

Public entry points: `impl.app.create_app` and `impl.app.serve`; `impl.asgi:app` for uvicorn workers.
"""

from __future__ import annotations
