"""The mock's cost per request, in-process: the ASGI app called directly (no socket, no uvicorn).

Wall-clock throughput on a shared machine moves by a factor of two between runs; this measures
what the mock itself spends per request, on the same requests bench/bench_mock.py sends (per
contract of bench/mock_contracts.py; `post_invalid` rotates the same 24 invalid bodies, and
`post_invalid_same` repeats the first of them; `get_ids` and `dyn_get_ids` change the id in the path
with every request, none of them sent before, warm-up included, and `get_ids_same` repeats one):

    .venv/bin/python bench/cost_mock.py                        # CPU µs per request, per scenario
    .venv/bin/python bench/cost_mock.py --contract ml-excerpt  # on another contract
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
import os
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

from bench.bench_mock import KEY, Scenario, scenarios  # noqa: E402 - after sys.path
from bench.mock_contracts import CONTRACTS  # noqa: E402

DYNAMIC_SCENARIOS = ("dyn_get", "dyn_post", "dyn_get_ids")
#: The first invalid body, repeated: a client that makes the same mistake every time.
SAME = "post_invalid_same"
#: One templated path, repeated: a client polling the same resource.
SAME_ID = "get_ids_same"
WORK = ROOT / "bench" / ".cache" / "mock-bench"


def contract_scenarios(name: str) -> tuple[Path, dict[str, Scenario]]:
    """The contract bundled into one JSON file (as bench_mock.py serves it) and its scenarios."""
    contract = CONTRACTS[name]
    WORK.mkdir(parents=True, exist_ok=True)
    spec = WORK / f"{name}.json"
    accord = Path(sys.executable).with_name("accord")
    result = subprocess.run([str(accord), "bundle", str(contract.source), "-o", str(spec)], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"accord bundle failed ({result.returncode}): {result.stderr.strip()[:500]}")
    found = scenarios(contract, json.loads(spec.read_text()))
    invalid = found["post_invalid"]
    found[SAME] = Scenario(SAME, "POST", invalid.path, invalid.bodies[:1], invalid.expected, name)
    ids = found["get_ids"]
    found[SAME_ID] = Scenario(SAME_ID, "GET", ids.target(), (), ids.expected, name)
    return spec, found


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


def _inputs(scenario: Scenario, count: int, first: int = 0) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(scope, request message) per request, built before the measured loop; bodies in turn."""
    inputs = []
    bodies = scenario.bodies or (None,)
    for index in range(first, first + count):
        body = bodies[index % len(bodies)]
        message = {"type": "http.request", "body": body or b"", "more_body": False}
        inputs.append((_scope(scenario.method, scenario.target(index), body), message))
    return inputs


async def _drive(app: Any, scenario: Scenario, inputs: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    statuses: list[int] = []

    async def send(event: dict[str, Any]) -> None:
        if event["type"] == "http.response.start":
            statuses.append(event["status"])

    for scope, message in inputs:

        async def receive(message: dict[str, Any] = message) -> dict[str, Any]:
            return message

        await app(scope, receive, send)
    wrong = {s for s in statuses if s not in scenario.expected}
    if wrong:
        raise SystemExit(f"{scenario.name}: answered {sorted(wrong)}, expected {sorted(scenario.expected)}")


def _mark() -> None:
    """The marker `--callgrind` dumps a profile before (see the module docstring)."""
    bisect.insort_right([], 0)


def callgrind(contract: str, names: list[str], count: int, warmup: int) -> None:
    """Run the scenarios under callgrind; print instructions per request for each."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        argv = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-before=_bisect_insort_right",
            sys.executable, __file__, "--marks", "--only", ",".join(names), "-n", str(count),
            "--warmup", str(warmup), "--contract", contract,
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
    parser.add_argument("--contract", default="ours", choices=list(CONTRACTS), help="the contract (default: ours)")
    parser.add_argument("--profile", default="", help="cProfile this scenario and print the top functions")
    parser.add_argument("--callgrind", action="store_true", help="instructions per request, under valgrind")
    parser.add_argument("--marks", action="store_true", help=argparse.SUPPRESS)  # set by --callgrind
    args = parser.parse_args()
    spec, table = contract_scenarios(args.contract)
    if args.callgrind:
        callgrind(args.contract, [n for n in args.only.split(",") if n] or list(table), args.n, args.warmup)
        return

    from accord.mock.app import create_app

    # A fixed server seed: the generated bodies, and so their cost, are the same from run to run.
    apps = {False: create_app(spec), True: create_app(spec, dynamic=True, seed=1)}
    names = [n for n in args.only.split(",") if n] or list(table)
    if args.profile:
        names = [args.profile]
    loop = asyncio.new_event_loop()
    for name in names:
        app = apps[name in DYNAMIC_SCENARIOS]
        scenario = table[name]
        loop.run_until_complete(_drive(app, scenario, _inputs(scenario, args.warmup)))
        inputs = _inputs(scenario, args.n, first=args.warmup)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            loop.run_until_complete(_drive(app, scenario, inputs))
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("COST_SORT", "cumulative")).print_stats(40)
            continue
        if args.marks:
            _mark()
        started = time.process_time()
        loop.run_until_complete(_drive(app, scenario, inputs))
        spent = time.process_time() - started
        if args.marks:
            _mark()
        if args.n:
            print(f"{name:<13} {spent / args.n * 1e6:8.1f} µs CPU per request ({args.n} requests)")


if __name__ == "__main__":
    main()
