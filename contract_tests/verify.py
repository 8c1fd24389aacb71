"""`accord verify`: replay a consumer contract against a target and check what the consumer relies on.

Each recorded request is sent again, in order, over real HTTP (in-process targets are served on a
free port, contract_tests/serving.py). Values the consumer carried from an earlier response into
a later request (a job id from a 202, a followed `Location`) are taken from what *this* target
returned for that earlier interaction, so a session recorded against the mock verifies against
the real service. Redacted credentials are replaced by the target's API key.

A service may need a moment for what the consumer saw at once on the mock (a job's results):
when the consumer got a success and the target answers "not yet" (409, 425, 429, 503, or any
status with `Retry-After`), the request is repeated for up to `patience` seconds.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from accord import config
from accord.consumer.contract import REDACTED, ConsumerContract, Interaction, read_contract
from accord.consumer.matching import Actual, Mismatch, check_response, evaluate
from accord.contract_tests.targets import default_api_key, open_target
from accord.locations import Location

#: Statuses that mean "not yet" rather than "no" when the consumer got a success.
NOT_YET = frozenset({409, 425, 429, 503})
#: Seconds a "not yet" answer is retried for, and the longest wait between tries.
DEFAULT_PATIENCE = 30.0
MAX_WAIT = 1.0
#: Credentials the target key cannot stand in for: they are not sent at all.
_NOT_A_KEY = frozenset({"authorization", "cookie"})


@dataclass(slots=True, frozen=True)
class InteractionResult:
    """One replayed interaction: what broke (nothing when it verified) and the status seen."""

    index: int
    interaction: Interaction
    mismatches: tuple[Mismatch, ...]
    status: int | None = None

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def pointers(self) -> list[str]:
        """Pointers into the contract file, one per mismatch."""
        return [f"/interactions/{self.index}{m.location.pointer}" for m in self.mismatches]


@dataclass(slots=True, frozen=True)
class VerifyReport:
    file: str
    target: str
    results: tuple[InteractionResult, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def exit_code(self) -> int:
        """1 when an interaction is broken, else 0."""
        return 0 if self.ok else 1

    @property
    def failed(self) -> list[InteractionResult]:
        return [r for r in self.results if not r.ok]


def verify_contract(file: str | Path, target: str | Any, *, spec: str | Path = config.DEFAULT_SPEC,
                    api_key: str | None = None, patience: float = DEFAULT_PATIENCE,
                    name: str | None = None) -> VerifyReport:
    """Replay `file` against `target` ("mock", "impl", a URL or an ASGI app)."""
    contract = read_contract(file)  # an unreadable file fails before any target is started
    with (open_target(target, Path(spec), api_key=api_key, name=name, server_path=False) as resolved,
          _base_url(resolved) as base_url):
        results = replay(contract, base_url, resolved.api_key or default_api_key(), patience=patience)
    return VerifyReport(str(file), resolved.name, tuple(results))


@contextlib.contextmanager
def _base_url(target: Any) -> Iterator[str]:
    if target.in_process:
        from accord.contract_tests.serving import serve_app

        with serve_app(target.app) as url:
            yield url
    else:
        yield target.base_url


def replay(contract: ConsumerContract, base_url: str, api_key: str, *,
           patience: float = DEFAULT_PATIENCE) -> list[InteractionResult]:
    """Send every interaction to `base_url` in order and check each response."""
    import httpx

    seen: dict[str, Actual] = {}
    results: list[InteractionResult] = []
    with httpx.Client(base_url=base_url, timeout=60, follow_redirects=False, trust_env=False) as client:
        for index, interaction in enumerate(contract.interactions):
            try:
                method, path, query, headers, body = _prepare(interaction, seen, api_key)
            except _Unavailable as exc:
                results.append(InteractionResult(index, interaction, (Mismatch("request", str(exc)),)))
                continue
            try:
                actual = _send(client, method, path, query, headers, body, interaction.response, patience)
            except httpx.HTTPError as exc:  # the target went away or stalled: a finding, not a traceback
                problem = Mismatch("request", f"the target did not answer ({type(exc).__name__})")
                results.append(InteractionResult(index, interaction, (problem,)))
                continue
            seen.setdefault(interaction.key, actual)
            mismatches = check_response(interaction.response, actual)
            results.append(InteractionResult(index, interaction, tuple(mismatches), actual.status))
    return results


class _Unavailable(Exception):
    """A carried value cannot be had from the target: the earlier interaction did not yield it."""


def _prepare(interaction: Interaction, seen: dict[str, Actual], api_key: str) -> tuple[
        str, str, list[tuple[str, str]], list[tuple[str, str]], bytes | None]:
    request = interaction.request
    path = request.path
    query = {name: list(values) for name, values in request.query.items()}
    headers = {name: list(values) for name, values in request.headers.items()}
    for carried in interaction.carried:
        source = seen.get(carried.source)
        value = None
        if source is not None:
            try:
                parsed = source.json() if "json" in source.headers.get("content-type", "") else None
            except ValueError:
                parsed = None
            value = evaluate(carried.expression, source.status, source.headers, parsed)
        if value is None:
            raise _Unavailable(f"the value carried into this request ({carried.expression} of interaction "
                               f"{carried.source}) was not in the target's earlier response")
        if carried.location == "path" and not carried.name:
            path = urlsplit(value).path or path
        elif carried.location == "path":
            segments = path.split("/")
            index = int(carried.name)
            if index < len(segments):
                segments[index] = quote(value, safe="")
                path = "/".join(segments)
        elif carried.location == "query":
            query[carried.name] = [value]
        else:
            headers = {k: v for k, v in headers.items() if k.lower() != carried.name.lower()}
            headers[carried.name] = [value]
    header_pairs: list[tuple[str, str]] = []
    redacted = {c.lower() for c in interaction.credentials}
    for name, values in headers.items():
        if name.lower() in redacted or values == [REDACTED]:
            if name.lower() not in _NOT_A_KEY:
                header_pairs.append((name, api_key))
            continue
        header_pairs.extend((name, value) for value in values)
    query_pairs = [(name, value) for name, values in query.items() for value in values]
    body = request.body.raw() if request.body is not None else None
    return request.method, path, query_pairs, header_pairs, body


def _send(client: Any, method: str, path: str, query: list[tuple[str, str]], headers: list[tuple[str, str]],
          body: bytes | None, recorded: Any, patience: float) -> Actual:
    """The target's answer, asked again while it says "not yet" and the consumer got more.

    Not yet: a success was recorded and the target answers 409/425/429/503 or another status with
    `Retry-After`; or it answers the recorded status with `Retry-After` (a job still queued while
    the recording saw it running) but not yet what the consumer relied on.
    """
    expected = recorded.status
    deadline = time.monotonic() + patience
    while True:
        response = client.request(method, path, params=query or None, headers=headers, content=body)
        actual = Actual(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content)
        retry_after = response.headers.get("retry-after")
        if actual.status != expected:
            not_yet = expected < 300 and (actual.status in NOT_YET or bool(retry_after))
        else:
            not_yet = bool(retry_after) and expected < 300 and bool(check_response(recorded, actual))
        if not not_yet or time.monotonic() >= deadline:
            return actual
        wait = float(retry_after) if retry_after and retry_after.isdigit() else 0.2
        time.sleep(min(wait, MAX_WAIT, max(deadline - time.monotonic(), 0)))


def render_text(report: VerifyReport) -> str:
    """One line per broken expectation (`FILE#pointer: description: message`), then a summary."""
    lines: list[str] = []
    for result in report.failed:
        label = result.interaction.description
        request = f"{result.interaction.request.method} {result.interaction.request.path}"
        for mismatch, pointer in zip(result.mismatches, result.pointers(), strict=True):
            lines.append(f"{Location(report.file, pointer=pointer)}: {label} ({request}): {mismatch.message}")
    failed = len(report.failed)
    total = len(report.results)
    verdict = "verified" if not failed else f"{failed} of {total} interaction{'s' if total != 1 else ''} broken"
    lines.append(f"{report.file} against {report.target}: {total} interaction{'s' if total != 1 else ''}, {verdict}")
    return "\n".join(lines) + "\n"


def report_json(report: VerifyReport) -> dict[str, Any]:
    return {
        "file": report.file,
        "target": report.target,
        "ok": report.ok,
        "interactions": [
            {
                "index": r.index,
                "key": r.interaction.key,
                "description": r.interaction.description,
                "operation": r.interaction.operation,
                "status": r.status,
                "ok": r.ok,
                "mismatches": [
                    {"where": m.where, "pointer": p, "body_pointer": m.pointer or None, "message": m.message}
                    for m, p in zip(r.mismatches, r.pointers(), strict=True)
                ],
            }
            for r in report.results
        ],
    }


__all__ = ["InteractionResult", "VerifyReport", "render_text", "replay", "report_json", "verify_contract"]
