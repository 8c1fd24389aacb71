"""Mock behaviour beyond static answers: response rules, latency, faults and scenarios, plus the
switch to stateful resources (mock/state/). Configured by a behaviour file (`--rules FILE`,
docs/mock-behaviour.md), `--stateful` and `--scenario`.

    model.py     the values a behaviour file is made of
    loading.py   reading the file, every mistake located (file:line, exit 2)
    checks.py    what it says checked against the contract; per-operation plans
    matching.py  conditions on path / query / header / body values
    engine.py    scenario selection, rule and fault choice, latency sampling (seeded)
    replies.py   documented replies with chosen status, example, body, headers
    network.py   timeouts and dropped connections
    control.py   /__accord/scenario and /__accord/reset
    steps.py     the steps mock/app.py runs
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from accord.mock.behaviour.engine import Engine, UnknownScenario

if TYPE_CHECKING:
    from accord.mock.behaviour.loading import BehaviourFileError
    from accord.mock.behaviour.model import Behaviour
    from accord.mock.compiler import CompiledApi
    from accord.mock.state import State
    from accord.mock.state.lifecycle import Clock

__all__ = ["BehaviourFileError", "Engine", "configure"]


def __getattr__(name: str) -> type[BehaviourFileError]:
    if name == "BehaviourFileError":  # loading.py, imported when a rules file is read
        from accord.mock.behaviour.loading import BehaviourFileError

        return BehaviourFileError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def configure(
    api: CompiledApi,
    *,
    rules: str | Path | None = None,
    stateful: bool = False,
    scenario: str | None = None,
    seed: int | str | None = None,
    clock: Clock | None = None,
) -> tuple[Engine, State | None]:
    """The behaviour engine and (when `stateful`) the resource state for a compiled document.

    Raises BehaviourFileError (exit 2) listing every located mistake of the rules file and of
    the seed file it names, and UsageError for an unknown `scenario`.
    """
    behaviour: Behaviour | None = None  # the file's machinery is imported only when there is a file
    plans = None
    if rules is not None:
        from accord.mock.behaviour.checks import compile_plans
        from accord.mock.behaviour.loading import load_behaviour

        behaviour, problems = load_behaviour(rules)
        plans = compile_plans(api, behaviour, problems)
        problems.raise_if_any()
    state = None
    if stateful:
        from accord.mock.behaviour.loading import Problems
        from accord.mock.behaviour.model import EMPTY
        from accord.mock.state import State
        from accord.mock.state.lifecycle import DEFAULT_CLOCK

        options = (behaviour or EMPTY).state
        state = State(api, options, clock=clock or DEFAULT_CLOCK)
        if options.seed_file is not None:
            seed_problems = Problems(options.seed_file)
            state.seed_from(options.seed_file, seed_problems)
            seed_problems.raise_if_any()
    try:
        engine = Engine(behaviour, plans, seed, scenario)
    except UnknownScenario as exc:
        from accord.errors import UsageError

        raise UsageError(f"--scenario: {exc}") from None
    return engine, state
