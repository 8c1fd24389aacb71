"""bench/mock_contracts.py: the invalid bodies the mock bench rotates are all different, and each
breaks the rules it claims to break (checked by the mock itself, in-process)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from accord.loading import load_spec
from accord.mock.app import create_app
from bench.bench_mock import lua_format, scenarios
from bench.mock_contracts import CONTRACTS, INVALID_COUNT, ITEM_IDS, invalid_bodies, request_schema, valid_body


def _post(app: Any, path: str, body: Any) -> tuple[int, dict[str, Any]]:
    payload = orjson.dumps(body)
    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"x-api-key", b"any"), (b"content-type", b"application/json")]}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": payload, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], orjson.loads(sent[1]["body"])


@pytest.mark.parametrize("name", [n for n, c in CONTRACTS.items() if c.available])
def test_the_rotated_bodies_differ_and_each_breaks_four_rules(name: str) -> None:
    contract = CONTRACTS[name]
    spec = load_spec(contract.source)
    document = spec.document
    valid = valid_body(contract, document)
    bodies = invalid_bodies(document, request_schema(document, contract.post_path), valid)
    assert len({orjson.dumps(b) for b in bodies}) == len(bodies) == INVALID_COUNT
    app = create_app(spec)
    assert _post(app, contract.post_path, valid)[0] < 300
    pointers_seen = set()
    for body in bodies:
        status, problem = _post(app, contract.post_path, body)
        assert status in (400, 422)
        if "errors" in problem:  # a contract whose error schema takes the list (not Petstore's Error)
            details = sorted(e["detail"] for e in problem["errors"])
            assert [d.split(" ")[0:2] for d in details] == [
                ["is", "a"], ["is", "not"], ["must", "be"], ["must", "be"]], details
            assert details[0] == "is a required property" and details[1].startswith("is not allowed")
            assert {details[2][:13], details[3][:13]} == {"must be <= 30", "must be of ty"}, details
            pointers_seen.add(tuple(sorted(e["pointer"] for e in problem["errors"])))
    if pointers_seen:
        assert len(pointers_seen) == INVALID_COUNT  # no two bodies fail at the same places


def _get(app: Any, path: str) -> int:
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"x-api-key", b"any")]}
    start, _body = app.answer_now(scope, b"")
    return int(start["status"])


@pytest.mark.parametrize("name", [n for n, c in CONTRACTS.items() if c.available])
def test_the_rotated_ids_make_distinct_paths_the_mock_answers(name: str) -> None:
    contract = CONTRACTS[name]
    spec = load_spec(contract.source)
    scenario = scenarios(contract, spec.document)["get_ids"]
    assert scenario.ids == ITEM_IDS >= 1000
    paths = {scenario.target(i) for i in range(ITEM_IDS)}
    assert len(paths) == ITEM_IDS and scenario.target(ITEM_IDS) == scenario.target(0)  # then again
    assert scenario.path not in paths  # the template itself is never sent
    lua = lua_format(scenario.path)
    assert [lua.replace("%010d", f"{n:010d}").replace("%d", str(n)) for n in (1, 77, ITEM_IDS)] == [
        scenario.target(n - 1) for n in (1, 77, ITEM_IDS)]
    app = create_app(spec)
    assert [_get(app, path) for path in scenario.samples()] == [200] * len(scenario.samples())
