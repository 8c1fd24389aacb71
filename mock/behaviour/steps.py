"""The behaviour's steps in the mock's pipeline (mock/app.py), in the order they run:

    control   /__accord/scenario and /__accord/reset            (before routing)
    scenario  which scenario answers: X-Accord-Scenario, else the process-wide one
    fault     an injected 429 / 503 / status, or a network fault (timeout, drop)
    rule      the first rule whose conditions the request meets
    stateful  created resources read back, listed, changed, deleted, moved through statuses

They run after request validation: an invalid request still gets the contract's 4xx. Each
returns a Reply to answer, or None to pass on; `ex.note` records what decided the answer.
Latency and network faults are applied when the reply is sent (`deliver`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from accord.mock.behaviour import control, network
from accord.mock.behaviour.engine import BASE, SCENARIO_HEADER, Note, UnknownScenario, view_of
from accord.mock.behaviour.replies import documented
from accord.mock.exchange import Reply
from accord.mock.problems import Violation

if TYPE_CHECKING:
    from accord.mock.app import MockApp
    from accord.mock.exchange import Exchange


def behaviour_control(app: MockApp, ex: Exchange) -> Awaitable[Reply | None] | None:
    """The control endpoints' answer (awaited by the pipeline); None, without a coroutine, for
    every other path."""
    if ex.path.startswith("/__accord/"):
        return control.serve(app, ex)
    return None


def behaviour_scenario(app: MockApp, ex: Exchange) -> Reply | None:
    if not app.behaviour.active and app.state is None:
        asked = ex.headers.get(SCENARIO_HEADER)
        if asked is not None and asked.strip() != BASE:
            # Answering as if no scenario had been asked would look like the scenario did nothing.
            why = str(UnknownScenario(asked.strip(), []))
            return app.reject(ex, [Violation("header", SCENARIO_HEADER, (), "enum", why)])
        return None
    ex.note = Note()
    try:
        ex.note.scenario = app.behaviour.scenario_for(ex.headers)
    except UnknownScenario as exc:
        return app.reject(ex, [Violation("header", SCENARIO_HEADER, (), "enum", str(exc))])
    return None


def behaviour_fault(app: MockApp, ex: Exchange) -> Reply | None:
    note, op = ex.note, ex.op
    if note is None or op is None or not app.behaviour.active:
        return None
    planned = app.behaviour.fault(note.scenario, op.label)
    if planned is None:
        return None
    fault = planned.fault
    note.fault = fault.name
    if fault.network:
        note.network = fault.kind
        note.hold = fault.hold if fault.kind == "timeout" else None
        return Reply(0, [])  # nothing is sent: see deliver()
    headers = [(b"retry-after", str(fault.retry_after).encode())] if fault.retry_after is not None else None
    return documented(app, ex, planned.key, status=fault.status, headers=headers, patch={"instance": ex.path})


def behaviour_rule(app: MockApp, ex: Exchange) -> Reply | None:
    note, op = ex.note, ex.op
    if note is None or op is None or not app.behaviour.active:
        return None
    planned = app.behaviour.rule(note.scenario, op.label, view_of(ex))
    if planned is None:
        return None
    note.rule = planned.rule.name
    outcome = planned.rule.outcome
    if outcome.has_body:
        return documented(app, ex, planned.key, status=outcome.status, value=outcome.body)
    return documented(app, ex, planned.key, status=outcome.status, example=outcome.example)


def behaviour_stateful(app: MockApp, ex: Exchange) -> Reply | None:
    if app.state is None or ex.op is None:
        return None
    from accord.mock.state.handlers import answer

    return answer(app, ex, app.state)


#: The behaviour steps, in pipeline order after validation.
STEPS = (behaviour_scenario, behaviour_fault, behaviour_rule, behaviour_stateful)


async def deliver(app: MockApp, ex: Exchange, reply: Reply) -> bool:
    """Wait the configured latency; False when a network fault means nothing may be sent."""
    note, op = ex.note, ex.op
    if note is None or op is None:
        return True
    if note.network is not None:
        if note.network == "timeout":
            await network.hold(ex.receive, note.hold or 0.0)
        else:
            await network.drop(ex.receive)
        return False
    delay = app.behaviour.delay(note.scenario, op.label)
    if delay is not None:
        _entry, seconds = delay
        note.latency_ms = round(seconds * 1000, 1)
        await asyncio.sleep(seconds)
    return True

