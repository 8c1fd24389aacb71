"""The behaviour at run time: which scenario applies, which rule answers, which fault fires,
how long to wait — and a note of it all for the journal.

Probabilities and delays come from one `random.Random` seeded from the mock's `--seed`, so a
run with the same seed and the same requests in the same order sees the same faults.
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.mock.behaviour.matching import RequestView, matches

if TYPE_CHECKING:
    from accord.mock.behaviour.checks import OperationPlan, Plans
    from accord.mock.behaviour.model import Behaviour, Fault, Latency
    from accord.mock.exchange import Exchange

#: Request header choosing a scenario for one request (per client).
SCENARIO_HEADER = "x-accord-scenario"
#: The name of the base set (the file's top-level rules, latency and faults).
BASE = "default"


@dataclass(slots=True)
class Note:
    """What shaped one answer, as the journal shows it."""

    scenario: str | None = None
    rule: str | None = None
    fault: str | None = None
    network: str | None = None  # "timeout" | "drop": no HTTP response was sent
    hold: float | None = None  # seconds a timeout held the connection
    latency_ms: float | None = None
    state: str | None = None  # what the stateful store did: created, read, listed, not-found…

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}


class UnknownScenario(Exception):
    """Internal: no such scenario; answered 404/400 by the mock, a UsageError at start-up."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"no scenario named {name!r}; defined: {', '.join(known)}" if known else
                         f"no scenario named {name!r}: this mock has no behaviour file; "
                         "start it with --rules FILE (docs/mock-behaviour.md)")
        self.name = name


class Engine:
    """Holds the compiled plans and the current scenario (switchable at run time)."""

    def __init__(self, behaviour: Behaviour | None = None, plans: Plans | None = None, seed: int | str | None = None,
                 scenario: str | None = None) -> None:
        #: The behaviour file's scenarios; none without a file (its model is then never imported).
        self.scenarios: dict[str, Any] = dict(behaviour.scenarios) if behaviour is not None else {}
        self.plans = plans or {}
        self.random = random.Random(f"behaviour:{seed}" if seed is not None else None)
        self._lock = threading.Lock()
        #: False when nothing is configured: the steps then cost one attribute read.
        self.active = bool(self.scenarios) or any(self.plans.values())
        self.scenario = scenario if scenario is not None or behaviour is None else behaviour.scenario
        if self.scenario is not None and self.scenario not in self.scenarios:
            raise UnknownScenario(self.scenario, sorted(self.scenarios))
        self.initial = self.scenario  # what POST /__accord/reset restores

    @property
    def names(self) -> list[str]:
        return sorted(self.scenarios)

    def select(self, name: str | None) -> None:
        """Switch the process-wide scenario; None or "default" leaves only the base set."""
        if name in (None, BASE):
            self.scenario = None
            return
        if name not in self.scenarios:
            raise UnknownScenario(str(name), self.names)
        self.scenario = name

    def scenario_for(self, headers: dict[str, str]) -> str | None:
        """The request's scenario: its header, else the process-wide one."""
        asked = headers.get(SCENARIO_HEADER)
        if asked is None:
            return self.scenario
        asked = asked.strip()
        if asked == BASE:
            return None
        if asked not in self.scenarios:
            raise UnknownScenario(asked, self.names)
        return asked

    def _plans(self, scenario: str | None, label: str) -> list[OperationPlan]:
        names = (scenario, BASE) if scenario else (BASE,)
        return [plan for name in names if (plan := self.plans.get(name or BASE, {}).get(label)) is not None]

    def rule(self, scenario: str | None, label: str, view: RequestView) -> Any:
        """The first planned rule whose conditions the request meets (scenario first, then base)."""
        for plan in self._plans(scenario, label):
            for planned in plan.rules:
                if matches(planned.rule.conditions, view):
                    return planned
        return None

    def fault(self, scenario: str | None, label: str) -> Any:
        """The first planned fault that fires (each drawn with its probability)."""
        for plan in self._plans(scenario, label):
            for planned in plan.faults:
                if self._fires(planned.fault):
                    return planned
        return None

    def delay(self, scenario: str | None, label: str) -> tuple[Latency, float] | None:
        """(entry, seconds) of the first latency entry for the operation, sampled."""
        for plan in self._plans(scenario, label):
            if plan.latency:
                entry = plan.latency[0]
                return entry, self._sample(entry) / 1000.0
        return None

    def _fires(self, fault: Fault) -> bool:
        if fault.probability >= 1.0:
            return True
        with self._lock:
            return self.random.random() < fault.probability

    def _sample(self, entry: Latency) -> float:
        if entry.kind == "fixed":
            return entry.a
        with self._lock:
            if entry.kind == "uniform":
                return self.random.uniform(entry.a, entry.b)
            # log-normal with the given median: exp(N(ln median, sigma)) (WireMock's model)
            return self.random.lognormvariate(math.log(max(entry.a, 1e-9)), entry.b)


def view_of(ex: Exchange) -> RequestView:
    parts = ex.parts
    assert parts is not None
    return RequestView(parts.path, parts.query, ex.headers, ex.body, ex.headers.get("content-type", ""))
