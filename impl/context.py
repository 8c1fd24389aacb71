"""What the ML handlers need from the running service: models, jobs, page tokens.

`impl.setup` builds one `Services` per app; the kit hands it back per request (`app_state()`),
so handlers stay plain functions of their arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.service.context import app_state, request_id

if TYPE_CHECKING:
    from impl.config import Settings
    from impl.jobs.dispatch import Dispatch
    from impl.jobs.storage import JobStorage
    from impl.models.registry import ModelRegistry
    from impl.pagination import PageTokens

__all__ = ["Services", "request_id", "services"]


@dataclass(slots=True)
class Services:
    settings: Settings
    document: dict[str, Any]
    registry: ModelRegistry
    jobs: JobStorage
    dispatch: Dispatch
    tokens: PageTokens


def services() -> Services:
    state: Services = app_state()
    return state
