"""The mock's instructions per request inside its real server (uvicorn, httptools, uvloop), next to
the bare ASGI app of bench/bench_mock.py under the same server and settings (callgrind).

bench/cost_mock.py counts the mock's own code, called in-process; this counts everything the
server process executes for a request (the event loop, uvicorn, httptools, the app), which is
what "accord ÷ bare" compares. Like bench/bench_instructions.py: each server runs under valgrind's
callgrind with instrumentation off; after warm-up requests it is switched on, N requests are sent
one at a time over one keep-alive connection, and the count is dumped. Not counted: the kernel's
socket work and the client's. The counts do not depend on the machine's load.

    .venv/bin/python bench/instructions_mock.py [--contract ours] [--requests 200]

Needs valgrind (Debian package `valgrind`). Output: a table (millions of instructions per request
per scenario and server, and accord ÷ bare); bench/out/instructions-mock-<contract>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_instructions import ctl, dumped, valgrind  # noqa: E402 - after sys.path
from bench.bench_mock import KEY, Scenario, accord_get_answer  # noqa: E402
from bench.cost_mock import contract_scenarios  # noqa: E402
from bench.mock_contracts import CONTRACTS  # noqa: E402
from bench.wrk import HOST, free_port, loadavg, log, stop_group  # noqa: E402

OUT = ROOT / "bench" / "out"
START_TIMEOUT_S = 600.0
WARMUP = 50


def send(conn: http.client.HTTPConnection, scenario: Scenario, index: int) -> None:
    """The scenario's request number `index` (its body and path in turn)."""
    bodies = scenario.bodies or (None,)
    body = bodies[index % len(bodies)]
    headers = {"X-API-Key": KEY}
    if body is not None:
        headers["Content-Type"] = "application/json"
    path = scenario.target(index)
    conn.request(scenario.method, path, body, headers)
    response = conn.getresponse()
    data = response.read()
    if response.status not in scenario.expected:
        raise SystemExit(f"{scenario.method} {path} answered {response.status}: {data[:200]!r}")


def count(name: str, argv: list[str], cases: list[Scenario], n: int, work: Path) -> dict[str, float]:
    """Instructions per request of one server, per scenario, one request at a time."""
    port = free_port()
    prefix = work / name
    argv = [a.replace("{port}", str(port)) for a in argv]
    with (work / f"{name}.log").open("ab") as logs:
        process = subprocess.Popen(valgrind(argv, prefix), cwd=ROOT, stdout=logs, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with {process.returncode}; see {work / name}.log")
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=120)
                conn.request("GET", "/")
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{name} not ready after {START_TIMEOUT_S:.0f} s") from None
                time.sleep(1.0)
        for scenario in cases:
            for i in range(WARMUP):
                send(conn, scenario, i)
        ctl(process.pid, "-i", "on")
        result = {}
        for scenario in cases:
            ctl(process.pid, "-z")
            for i in range(WARMUP, WARMUP + n):  # a rotated path is one the warm-up did not send
                send(conn, scenario, i)
            ctl(process.pid, "-d", scenario.name)
            result[scenario.name] = dumped(prefix, process.pid, scenario.name) / n
        conn.close()
        return result
    finally:
        stop_group(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contract", default="ours", choices=list(CONTRACTS))
    parser.add_argument("--requests", type=int, default=200, help="counted requests per scenario")
    parser.add_argument("--servers", default="accord,accord-dynamic,bare-asgi")
    parser.add_argument("--keep", action="store_true", help="keep the callgrind dumps (for callgrind_annotate)")
    args = parser.parse_args()
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        raise SystemExit("valgrind is not installed (Debian package `valgrind`)")
    OUT.mkdir(parents=True, exist_ok=True)
    spec, table = contract_scenarios(args.contract)
    work = Path(tempfile.mkdtemp(prefix="instr-mock-", dir=OUT))
    bare = work / "bare.bin"
    bare.write_bytes(accord_get_answer(spec, table["get"].path))
    python = sys.executable
    accord = [python, "-c", "from accord.cli import main; main()", "mock", str(spec), "--port", "{port}"]
    static = [table[s] for s in ("get", "post_valid", "post_invalid", "get_ids")]
    dynamic = [table[s] for s in ("dyn_get", "dyn_post", "dyn_get_ids")]
    jobs = {
        "accord": lambda: count("accord", accord, static, args.requests, work),
        "accord-dynamic": lambda: count("accord-dynamic", [*accord, "--dynamic"], dynamic, args.requests, work),
        # The bare app answers 200 to everything: its cases expect 200.
        "bare-asgi": lambda: count(
            "bare-asgi", [python, str(ROOT / "bench" / "bench_mock.py"), "--serve-bare", str(bare), "--port", "{port}"],
            [Scenario(s.name, s.method, s.path, s.bodies, frozenset({200}), s.contract, s.ids) for s in static],
            args.requests, work),
    }
    chosen = [s.strip() for s in args.servers.split(",") if s.strip()]
    started = time.time()
    result: dict[str, Any] = {"contract": args.contract, "load_start": loadavg(), "requests": args.requests}
    log(f"starting {len(chosen)} servers under callgrind")
    with ThreadPoolExecutor(len(chosen)) as pool:
        futures = {name: pool.submit(jobs[name]) for name in chosen}
        counts = {name: future.result() for name, future in futures.items()}
    result["instructions_per_request"] = {name: {k: round(v) for k, v in c.items()} for name, c in counts.items()}
    result["load_end"] = loadavg()
    result["elapsed_s"] = round(time.time() - started, 1)
    (OUT / f"instructions-mock-{args.contract}.json").write_text(json.dumps(result, indent=2))
    if args.keep:
        log(f"callgrind dumps kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.contract}: instructions per request in the server process (callgrind, {args.requests} requests)")
    bare_counts = counts.get("bare-asgi", {})
    for name, c in counts.items():
        for case, value in c.items():
            shape = {"dyn_get": "get", "dyn_post": "post_valid", "dyn_get_ids": "get_ids"}.get(case, case)
            ratio = f"  bare ÷ this {bare_counts[shape] / value:.2f}" if shape in bare_counts else ""
            print(f"  {name:<16}{case:<14}{value:>12,.0f}{ratio}")
    print(f"written: {OUT / f'instructions-mock-{args.contract}.json'} ({result['elapsed_s']} s)")


if __name__ == "__main__":
    main()
