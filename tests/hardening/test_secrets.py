"""API keys: never in a log (the service's access log included), never in an answer, and
compared in constant time (hmac.compare_digest) by the mock and by the service."""

from __future__ import annotations

import hmac
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.hardening.catalogue import IRIS, KEY, PREDICT
from tests.hardening.servers import Server

pytestmark = pytest.mark.integration  # the mock and the service as real processes

TARGETS = ("mock", "impl")


@pytest.mark.parametrize("target", TARGETS)
def test_keys_stay_out_of_logs_answers_and_the_journal(servers: dict[str, Server], logs: Path, target: str) -> None:
    wrong = f"wrong-key-{uuid.uuid4().hex}"
    base = f"http://127.0.0.1:{servers[target].port}"
    answers = []
    with httpx.Client(base_url=base, timeout=30) as http:
        body = {"instances": [IRIS]}
        answers.append(http.post(PREDICT, json=body, headers={"X-API-Key": KEY}))
        assert answers[-1].status_code == 200
        answers.append(http.post(PREDICT, json=body, headers={"X-API-Key": wrong}))
        assert answers[-1].status_code == 401
        answers.append(http.post(PREDICT, json={"instances": "bad"}, headers={"X-API-Key": wrong}))
        answers.append(http.post(PREDICT, json={"instances": "bad"}, headers={"X-API-Key": KEY}))
        answers.append(http.post(PREDICT + f"?api_key={KEY}", json=body))  # the wrong place for a key
        answers.append(http.post(PREDICT + f"?api_key={wrong}&x=1", json=body, headers={"X-API-Key": KEY}))
        answers.append(http.get("/v1/models/nope", headers={"X-API-Key": wrong}))
        if target == "mock":
            answers.append(http.get("/__accord/journal"))
            assert answers[-1].status_code == 200 and "X-API-Key".lower() in answers[-1].text.lower()
    for answer in answers:
        for secret in (KEY, wrong):
            assert secret not in answer.text, (answer.request.url, answer.text[:500])
            assert all(secret not in value for value in answer.headers.values())
    time.sleep(1.0)  # let the server flush its log lines
    log = (logs / ("mock.log" if target == "mock" else "service.log")).read_text(errors="replace")
    if target == "impl":
        assert '"POST /v1/models/iris-classifier/predict' in log  # the access log is on and captured
    assert KEY not in log and wrong not in log


def test_keys_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    from accord.mock.parameters import RequestParts
    from accord.mock.security import compile_security, configured_keys
    from accord.service.security import key_checker

    check = key_checker(["first-key", "second-key"])
    assert check("second-key") is not None and check("nope") is None
    assert len(calls) == 4  # every configured key, every time: no early exit
    calls.clear()
    security = compile_security([{"k": []}], {"k": {"type": "apiKey", "in": "header", "name": "X-API-Key"}})
    keys = configured_keys(["first-key", "second-key"])
    assert not security.check(RequestParts({}, [], {"x-api-key": "first-key"}), keys)
    assert security.check(RequestParts({}, [], {"x-api-key": "nope"}), keys)
    assert len(calls) == 4
