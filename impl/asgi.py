"""`uvicorn impl.asgi:app --workers N`: the service configured from `ACCORD_*` variables."""

from __future__ import annotations

import os

from impl.app import create_app
from impl.heap import settle_heap

app = create_app(os.environ.get("ACCORD_SPEC") or "spec/openapi.yaml", validate_responses=None)
settle_heap()
