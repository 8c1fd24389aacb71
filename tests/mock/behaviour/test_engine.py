"""mock/behaviour/engine.py: scenario choice and seeded sampling of faults and latency."""

from __future__ import annotations

import math
import statistics

import pytest

from accord.mock.behaviour.checks import OperationPlan, PlannedFault
from accord.mock.behaviour.engine import Engine, UnknownScenario
from accord.mock.behaviour.model import Behaviour, Fault, Latency, Scenario

FLAKY = Fault("flaky", None, "rate-limit", 0.3, 429)
SLOW = Latency("slow", None, "lognormal", 200.0, 0.5)


def _engine(seed: int | None = 7, scenario: str | None = None) -> Engine:
    behaviour = Behaviour(scenarios={"busy": Scenario("busy", faults=(FLAKY,), latency=(SLOW,))})
    plans = {"default": {"op": OperationPlan(latency=[Latency("base", None, "fixed", 5.0)])},
             "busy": {"op": OperationPlan(faults=[PlannedFault(FLAKY, "429")], latency=[SLOW])}}
    return Engine(behaviour, plans, seed, scenario)


def test_the_same_seed_gives_the_same_faults_and_delays() -> None:
    def run(engine: Engine) -> list[object]:
        return [(engine.fault("busy", "op") is not None, engine.delay("busy", "op")[1]) for _ in range(50)]

    assert run(_engine(7)) == run(_engine(7))
    assert run(_engine(7)) != run(_engine(8))


def test_probability_and_lognormal_median_are_honoured() -> None:
    engine = _engine(1)
    fired = sum(engine.fault("busy", "op") is not None for _ in range(4000))
    assert 0.25 < fired / 4000 < 0.35
    delays = [engine.delay("busy", "op")[1] * 1000 for _ in range(4000)]
    assert 180 < statistics.median(delays) < 220
    assert statistics.stdev(math.log(d) for d in delays) == pytest.approx(0.5, abs=0.05)


def test_scenario_entries_come_before_the_base_ones() -> None:
    engine = _engine()
    assert engine.delay(None, "op")[0].name == "base"
    assert engine.delay("busy", "op")[0].name == "slow"
    assert engine.fault(None, "op") is None


def test_scenario_selection_by_header_and_at_run_time() -> None:
    engine = _engine(scenario="busy")
    assert engine.scenario_for({}) == "busy"
    assert engine.scenario_for({"x-accord-scenario": "default"}) is None
    engine.select("default")
    assert engine.scenario_for({}) is None
    assert engine.scenario_for({"x-accord-scenario": "busy"}) == "busy"
    with pytest.raises(UnknownScenario):
        engine.scenario_for({"x-accord-scenario": "nope"})
    with pytest.raises(UnknownScenario):
        engine.select("nope")
    with pytest.raises(UnknownScenario):
        _engine(scenario="nope")


def test_an_empty_engine_is_inactive() -> None:
    assert not Engine().active
    assert _engine().active
