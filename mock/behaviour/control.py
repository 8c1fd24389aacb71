"""Control endpoints of the behaviour, under `/__accord/` (a prefix no API path uses).

GET  /__accord/scenario   {"scenario": "<active>", "available": [...]}
PUT  /__accord/scenario   body {"scenario": "model-overloaded"} (or "default") switches it
POST /__accord/reset      drops every stateful resource (back to the seed) and restores the
                          configured scenario; answers {"dropped": n, "scenario": "<active>"}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from accord.mock.behaviour.engine import BASE, UnknownScenario
from accord.mock.exchange import Reply, problem_reply, read_within
from accord.mock.problems import problem

if TYPE_CHECKING:
    from accord.mock.app import MockApp
    from accord.mock.exchange import Exchange

SCENARIO = "/__accord/scenario"
RESET = "/__accord/reset"
#: Largest control request body read (they are tiny JSON objects).
MAX_CONTROL_BODY = 64 * 1024
_ALLOWED = {SCENARIO: b"GET, PUT", RESET: b"POST"}


def _json(status: int, value: Any) -> Reply:
    return Reply(status, [(b"content-type", b"application/json")], orjson.dumps(value))


def _scenario_state(app: MockApp) -> dict[str, Any]:
    engine = app.behaviour
    return {"scenario": engine.scenario or BASE, "available": [BASE, *engine.names]}


async def _read(ex: Exchange) -> bytes | None:
    return await read_within(ex.receive, MAX_CONTROL_BODY)


async def serve(app: MockApp, ex: Exchange) -> Reply | None:
    """Answer a control request; None for any other path."""
    allowed = _ALLOWED.get(ex.path)
    if allowed is None:
        return None
    if ex.method not in allowed.decode().split(", ") and not (ex.method == "HEAD" and b"GET" in allowed):
        return problem_reply(405, problem(405, f"{ex.path} answers {allowed.decode()}", instance=ex.path),
                             [(b"allow", allowed)])
    if ex.path == RESET:
        dropped = app.state.store.reset() if app.state is not None else 0
        app.behaviour.select(app.behaviour.initial)
        return _json(200, {"dropped": dropped, **_scenario_state(app)})
    if ex.method in ("GET", "HEAD"):
        return _json(200, _scenario_state(app))
    raw = await _read(ex)
    try:
        body = orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        body = None
    name = body.get("scenario", body.get("name")) if isinstance(body, dict) else None
    if not isinstance(name, str):
        detail = 'send a JSON object {"scenario": "<name>"}; "default" leaves only the base behaviour'
        return problem_reply(400, problem(400, detail, instance=ex.path))
    try:
        app.behaviour.select(name)
    except UnknownScenario as exc:
        return problem_reply(404, problem(404, str(exc), instance=ex.path))
    return _json(200, _scenario_state(app))
