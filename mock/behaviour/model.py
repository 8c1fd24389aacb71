"""The values a behaviour file is made of: rules, latency, faults, scenarios, state options.

Loaded and checked once (mock/behaviour/loading.py); per request only matched and sampled.
Every value keeps the JSON pointer of where it was written, so the journal and the log can name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: Sources a condition reads from, as written in `when:`.
SOURCES = ("path", "query", "header", "body")


@dataclass(frozen=True, slots=True)
class Condition:
    """One test on one request value: equals / min / max / regex / present (all must hold)."""

    source: str  # one of SOURCES
    name: str  # parameter name, lower-case header name, or a JSON pointer into the body
    equals: Any = None
    has_equals: bool = False
    minimum: float | None = None
    maximum: float | None = None
    regex: re.Pattern[str] | None = None
    present: bool | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a rule answers: a documented status, optionally a named example or a literal body."""

    status: int | None = None
    example: str | None = None
    body: Any = None
    has_body: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    operations: tuple[str, ...]  # operation labels (operationId or "METHOD /template")
    conditions: tuple[Condition, ...]
    outcome: Outcome
    pointer: str


@dataclass(frozen=True, slots=True)
class Latency:
    """A delay before answering, in milliseconds: fixed, uniform(min, max) or log-normal(median, sigma)."""

    name: str
    operations: tuple[str, ...] | None  # None: every operation
    kind: str  # "fixed" | "uniform" | "lognormal"
    a: float  # fixed ms, uniform min, lognormal median
    b: float = 0.0  # uniform max, lognormal sigma
    pointer: str = ""


#: Fault kinds: HTTP faults answer a status the operation documents; network faults answer nothing.
HTTP_FAULTS = {"rate-limit": 429, "model-loading": 503, "status": None}
NETWORK_FAULTS = ("timeout", "drop")


@dataclass(frozen=True, slots=True)
class Fault:
    name: str
    operations: tuple[str, ...] | None  # None: every operation that documents the status
    kind: str  # a key of HTTP_FAULTS or one of NETWORK_FAULTS
    probability: float
    status: int | None = None
    retry_after: int | None = None
    hold: float = 30.0  # seconds a `timeout` holds the connection before closing it
    pointer: str = ""

    @property
    def network(self) -> bool:
        return self.kind in NETWORK_FAULTS


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named set of rules, latencies and faults, tried before the file's top-level ones."""

    name: str
    description: str = ""
    rules: tuple[Rule, ...] = ()
    latency: tuple[Latency, ...] = ()
    faults: tuple[Fault, ...] = ()


#: Seconds a created resource spends in each status before the next one (stateful mode).
DEFAULT_DURATIONS = {"queued": 2.0, "running": 5.0}


@dataclass(frozen=True, slots=True)
class StateOptions:
    durations: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_DURATIONS))
    seed_file: str | None = None  # resources to start with (resolved path)


@dataclass(frozen=True, slots=True)
class Behaviour:
    """A whole behaviour file: the base set (scenario "default") and the named scenarios."""

    base: Scenario = field(default_factory=lambda: Scenario("default"))
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    scenario: str | None = None  # the one active at start
    state: StateOptions = field(default_factory=StateOptions)
    file: str | None = None

    def active(self, name: str | None) -> tuple[Scenario, ...]:
        """The sets to try, in order: the named scenario (if any), then the base."""
        chosen = self.scenarios.get(name) if name else None
        return (chosen, self.base) if chosen is not None else (self.base,)


EMPTY = Behaviour()
