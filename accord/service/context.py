"""What a handler can reach from a plain function: the request id and the running service.

The outermost middleware sets these context variables per request; Starlette copies the context
into the thread pool where sync handlers run, so handlers stay plain functions of their arguments.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.service.problems import ProblemCatalogue
    from accord.service.settings import ServiceSettings


@dataclass(slots=True)
class ServiceContext:
    """One running service: its settings, its bundled contract, its problem catalogue, and the
    object the app's `setup` returned (`state`: the team's own models, stores, clients)."""

    settings: ServiceSettings
    document: dict[str, Any]
    problems: ProblemCatalogue
    state: Any = None
    closers: list[Any] = field(default_factory=list)


service_var: ContextVar[ServiceContext] = ContextVar("accord_service")
request_id_var: ContextVar[str] = ContextVar("accord_request_id", default="")


def current_service() -> ServiceContext:
    """The service answering the current request (LookupError outside a request)."""
    return service_var.get()


def app_state() -> Any:
    """What the app's `setup(service)` returned, for the service answering this request."""
    return service_var.get().state


def request_id() -> str:
    """The current request's id (the client's valid `X-Request-ID`, else a generated one)."""
    return request_id_var.get()
