"""What a handler needs from the running app, reachable from plain functions.

The outermost middleware sets these context variables per request; Starlette copies the context
into the thread pool where sync handlers run, so handlers stay plain functions of their arguments.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from impl.config import Settings
    from impl.jobs.store import JobStore
    from impl.jobs.worker import JobWorker
    from impl.models.registry import ModelRegistry
    from impl.pagination import PageTokens


@dataclass(slots=True)
class Services:
    settings: Settings
    document: dict[str, Any]
    registry: ModelRegistry
    jobs: JobStore
    worker: JobWorker
    tokens: PageTokens


services_var: ContextVar[Services] = ContextVar("accord_services")
request_id_var: ContextVar[str] = ContextVar("accord_request_id", default="")


def services() -> Services:
    return services_var.get()


def request_id() -> str:
    return request_id_var.get()
