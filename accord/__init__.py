"""accord: a contract-first API toolkit built around one OpenAPI document."""

from __future__ import annotations

__version__ = "0.1.0"
