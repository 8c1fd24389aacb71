"""Asynchronous operations: 202 + Location followed to the end, honouring Retry-After; 429 retried.

The exports service below is ours (tests/fixtures/contract-async/): it accepts an export with 202,
`Location` and `Retry-After: 1`, reports it running (with Retry-After) on the first poll and done on
the next, and answers the first request it ever gets with a (documented) 429 + Retry-After: 1.
Retry-After is honoured up to accord's clamp, which these tests lower to keep the runs short.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from accord.contract_tests import asynchronous
from accord.contract_tests.render import summary
from accord.contract_tests.runner import run_contract_tests

pytestmark = pytest.mark.integration  # whole Schemathesis runs

SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "contract-async" / "openapi.yaml"


class Exports:
    """The service, with a log of (time, method, path, status) for the assertions."""

    def __init__(self, *, finishes: bool = True) -> None:
        self.finishes = finishes
        self.log: list[tuple[float, str, str, int]] = []
        self.polls: dict[str, int] = {}
        self.ids = itertools.count(1)
        self.limited = False
        self.accepted: list[tuple[float, str]] = []  # (when, Location)

    def answer(self, request: Request, status: int, body: Any, headers: dict[str, str] | None = None) -> JSONResponse:
        self.log.append((time.monotonic(), request.method, request.url.path, status))
        return JSONResponse(body, status_code=status, headers=headers)

    async def create(self, request: Request) -> JSONResponse:
        if not self.limited:  # the very first request meets the rate limiter
            self.limited = True
            return self.answer(request, 429, {"error": "slow down"}, {"Retry-After": "1"})
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or set(body) != {"format"} or body["format"] not in ("csv", "json"):
            return self.answer(request, 400, {"error": "format: csv or json"})
        export_id = f"e{next(self.ids)}"
        self.polls[export_id] = 0
        self.accepted.append((time.monotonic(), f"/exports/{export_id}"))
        return self.answer(request, 202, {"id": export_id, "status": "running"},
                           {"Location": f"/exports/{export_id}", "Retry-After": "1"})

    async def get(self, request: Request) -> JSONResponse:
        export_id = request.path_params["export_id"]
        if not export_id.startswith("e") or not export_id[1:].isdigit() or len(export_id) > 7:
            return self.answer(request, 400, {"error": "bad id"})
        if export_id not in self.polls:
            return self.answer(request, 404, {"error": "no such export"})
        self.polls[export_id] += 1
        if self.finishes and self.polls[export_id] >= 2:
            return self.answer(request, 200, {"id": export_id, "status": "done"})
        return self.answer(request, 200, {"id": export_id, "status": "running"}, {"Retry-After": "1"})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/exports", self.create, methods=["POST"]),
                                 Route("/exports/{export_id}", self.get, methods=["GET"])])


WAIT = 0.1  # the clamp on one wait in these tests (Retry-After: 1 is more)


def test_a_202_is_followed_to_its_end_honouring_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asynchronous, "MAX_WAIT_SECONDS", WAIT)
    service = Exports()
    report = run_contract_tests(service.app(), spec=SPEC, name="exports", max_examples=2,
                                checks=("async_completion",))
    assert report.ok, summary(report)
    accepted = service.accepted
    assert accepted, service.log
    # Every accepted export was polled to "done" (two polls), each poll a (clamped) Retry-After later.
    for at, path in accepted:
        polls = [t for t, method, p, status in service.log if method == "GET" and p == path and t > at]
        assert len(polls) >= 2, (path, service.log)
        assert polls[0] - at >= WAIT and polls[1] - polls[0] >= WAIT, (at, polls)


def test_the_429_is_retried_after_its_retry_after() -> None:
    service = Exports()
    report = run_contract_tests(service.app(), spec=SPEC, name="exports", max_examples=2, checks=())
    assert report.ok, summary(report)
    (limited_at, _method, path, status), retried = service.log[0], service.log[1]
    # Sent again to the same operation, a whole Retry-After later (Schemathesis's rate-limit = "auto").
    assert status == 429 and retried[2] == path and retried[0] - limited_at >= 1.0, service.log[:3]


def test_work_that_never_ends_fails_at_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asynchronous, "MAX_WAIT_SECONDS", WAIT)
    monkeypatch.setattr(asynchronous, "MAX_FOLLOW_SECONDS", 0.35)
    report = run_contract_tests(Exports(finishes=False).app(), spec=SPEC, name="exports", max_examples=2,
                                checks=("async_completion",), operations=["createExport", "getExport"])
    assert ("POST /exports", "async_completion") in report.failed_pairs(), summary(report)
    failure = next(f for f in report.failures if f.check == "async_completion")
    assert "had not finished after" in failure.message
