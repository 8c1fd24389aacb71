"""The mock's cost per request, in-process: the ASGI app called directly (no socket, no uvicorn).

Wall-clock throughput on a shared machine moves by a factor of two between runs; this measures
what the mock itself spends per request, on the same requests bench/bench_mock.py sends:

    .venv/bin/python bench/cost_mock.py                        # CPU µs per request, per scenario
    .venv/bin/python bench/cost_mock.py --profile post_invalid  # cProfile of that scenario
    .venv/bin/python bench/cost_mock.py --callgrind -n 1000     # instructions per request (valgrind)

`--callgrind` re-runs this script under `valgrind --tool=callgrind` and counts the instructions
executed between markers (a call of a C function nothing else here calls, `bisect.insort_right`,
with `--dump-before`), so each scenario's count excludes start-up and warm-up. Instruction
counts do not depend on the machine's load: they are the before/after measure for a change.

Every answer's status is checked against the scenario's, so a change that breaks the mock does
not show up as a speed-up.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import cProfile
import json
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_mock import INVALID_BODY, KEY, SCENARIOS, Scenario  # noqa: E402 - after sys.path

DYNAMIC_SCENARIOS = ("dyn_get", "dyn_post")
#: The invalid POST with a different out-of-range value (so a different message) on every
#: request: what an invalid request costs when no earlier one had the same violations.
VARIED = "post_invalid_varied"
SCENARIOS = {**SCENARIOS, VARIED: Scenario(VARIED, "POST", SCENARIOS["post_invalid"].path, INVALID_BODY,
                                           SCENARIOS["post_invalid"].expected)}


def _varied(index: int) -> bytes:
    instance = {**INVALID_BODY["instances"][0], "petal_length_cm": 31 + index}
    return json.dumps({"instances": [instance]}, separators=(",", ":")).encode()


def _scope(method: str, path: str, body: bytes | None) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1:4010"), (b"x-api-key", KEY.encode())]
    if body is not None:
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
    }


def _inputs(name: str, count: int, first: int = 0) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(scope, request message) per request, built before the measured loop."""
    scenario = SCENARIOS[name]
    inputs = []
    for index in range(first, first + count):
        body = _varied(index) if name == VARIED else scenario.payload
        message = {"type": "http.request", "body": body or b"", "more_body": False}
        inputs.append((_scope(scenario.method, scenario.path, body), message))
    return inputs


async def _drive(app: Any, name: str, inputs: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    statuses: list[int] = []

    async def send(event: dict[str, Any]) -> None:
        if event["type"] == "http.response.start":
            statuses.append(event["status"])

    for scope, message in inputs:

        async def receive(message: dict[str, Any] = message) -> dict[str, Any]:
            return message

        await app(scope, receive, send)
    expected = SCENARIOS[name].expected
    wrong = {s for s in statuses if s not in expected}
    if wrong:
        raise SystemExit(f"{name}: answered {sorted(wrong)}, expected {sorted(expected)}")


def _mark() -> None:
    """The marker `--callgrind` dumps a profile before (see the module docstring)."""
    bisect.insort_right([], 0)


def callgrind(names: list[str], count: int, warmup: int) -> None:
    """Run the scenarios under callgrind; print instructions per request for each."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        argv = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-before=_bisect_insort_right",
            sys.executable, __file__, "--marks", "--only", ",".join(names), "-n", str(count),
            "--warmup", str(warmup),
        ]
        result = subprocess.run(argv, check=False, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"valgrind failed ({result.returncode}): {result.stderr[-800:]}")
        dumps = sorted(Path(tmp).glob("callgrind.out.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
        totals = []
        for dump in dumps:
            found = re.search(r"^(?:summary|totals): (\d+)", dump.read_text(), re.MULTILINE)
            totals.append(int(found.group(1)) if found else 0)
    # Dump k holds what ran before marker k (since marker k - 1): dumps 2, 4, … are the measured runs.
    measured = totals[1::2]
    for name, total in zip(names, measured, strict=False):
        print(f"{name:<13} {total / count:>10,.0f} instructions per request ({count} requests)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3000, help="requests per scenario (after the warm-up)")
    parser.add_argument("--warmup", type=int, default=200, help="requests per scenario before measuring")
    parser.add_argument("--only", default="", help="comma-separated scenarios (default: all)")
    parser.add_argument("--profile", default="", help="cProfile this scenario and print the top functions")
    parser.add_argument("--callgrind", action="store_true", help="instructions per request, under valgrind")
    parser.add_argument("--marks", action="store_true", help=argparse.SUPPRESS)  # set by --callgrind
    args = parser.parse_args()
    if args.callgrind:
        callgrind([n for n in args.only.split(",") if n] or list(SCENARIOS), args.n, args.warmup)
        return

    from accord.mock.app import create_app

    spec = ROOT / "spec" / "openapi.yaml"
    # A fixed server seed: the generated bodies, and so their cost, are the same from run to run.
    apps = {False: create_app(spec), True: create_app(spec, dynamic=True, seed=1)}
    names = [n for n in args.only.split(",") if n] or list(SCENARIOS)
    if args.profile:
        names = [args.profile]
    loop = asyncio.new_event_loop()
    for name in names:
        app = apps[name in DYNAMIC_SCENARIOS]
        loop.run_until_complete(_drive(app, name, _inputs(name, args.warmup)))
        inputs = _inputs(name, args.n, first=args.warmup)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            loop.run_until_complete(_drive(app, name, inputs))
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            continue
        if args.marks:
            _mark()
        started = time.process_time()
        loop.run_until_complete(_drive(app, name, inputs))
        spent = time.process_time() - started
        if args.marks:
            _mark()
        if args.n:
            print(f"{name:<13} {spent / args.n * 1e6:8.1f} µs CPU per request ({args.n} requests)")


if __name__ == "__main__":
    main()
