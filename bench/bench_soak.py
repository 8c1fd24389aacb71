"""Soak: 64 concurrent connections for a minute against the mock and against the service,
loopback only; every request must succeed and memory must not grow.

Per target (`accord mock` and `accord serve`, one uvicorn worker each, started on a free port on
127.0.0.1 as a user would, with their logs in bench/out/soak/):
  1. a short warm-up (discarded): the first requests compile validators and fill caches;
  2. `wrk -t2 -c64 -d60s --latency --timeout 30s` with a Lua script POSTing a valid iris
     prediction (2 instances, X-API-Key), wrapped in `timeout`, so the run stops by itself
     (a request slower than the wrk timeout counts as an error; the slowest is reported);
  3. meanwhile the server's RSS (/proc/<pid>/status VmRSS, the process and its children) is
     sampled every 0.5 s; growth = mean of the last 10 s minus mean of the first 10 s.
Reported: requests, req/s, errors (non-2xx answers + socket errors: must be 0), p50/p99 latency,
RSS first/last 10 s and the growth, and the load average before and after (the machine is
shared: read the figures with it). Exit code 1 when a target had errors.

    .venv/bin/python bench/bench_soak.py [--duration 60] [--connections 64] [--targets mock,impl]

Output: bench/out/soak.json and a markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.wrk import HOST, _ms, ensure_wrk, free_port, loadavg, log, parse_wrk, stop_group  # noqa: E402

OUT = ROOT / "bench" / "out"
KEY = "soak-key"
PATH = "/v1/models/iris-classifier/predict"
BODY = {"instances": [
    {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2},
    {"sepal_length_cm": 6.7, "sepal_width_cm": 3.0, "petal_length_cm": 5.2, "petal_width_cm": 2.3},
]}
READY_TIMEOUT_S = 300.0
SAMPLE_EVERY_S = 0.5
WINDOW_S = 10.0


@dataclass
class Target:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    def start(self, logs: Path) -> None:
        self.port = free_port()
        argv = [a.replace("{port}", str(self.port)) for a in self.argv]
        with (logs / f"{self.name}.log").open("ab") as out:
            self.process = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **self.env}, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.process.returncode}; see {logs / self.name}.log")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/health/live", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{self.name} not ready after {READY_TIMEOUT_S:.0f} s")

    def stop(self) -> None:
        stop_group(self.process)


def targets(python_bin: Path, models: Path, jobs: Path) -> dict[str, Target]:
    accord = str(python_bin / "accord")
    return {
        "mock": Target("mock", [accord, "mock", "spec/openapi.yaml", "--port", "{port}", "--api-key", KEY,
                                "--no-watch"]),
        "impl": Target("impl", [accord, "serve", "--port", "{port}"],
                       {"ACCORD_MODELS_DIR": str(models), "ACCORD_JOBS_DB": str(jobs), "ACCORD_API_KEYS": KEY,
                        "ACCORD_API_KEYS_FILE": ""}),
    }


def rss_kib(pid: int) -> int:
    """Resident set of `pid` and its descendants (KiB); 0 for a process that is gone."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        pending.extend(int(c) for c in children)
    return total


class Sampler(threading.Thread):
    """RSS of a process tree every SAMPLE_EVERY_S until stopped: [(seconds since start, KiB)]."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, int]] = []
        self._done = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self._done.is_set():
            self.samples.append((time.monotonic() - started, rss_kib(self.pid)))
            self._done.wait(SAMPLE_EVERY_S)

    def stop(self) -> list[tuple[float, int]]:
        self._done.set()
        self.join()
        return self.samples


def memory(samples: list[tuple[float, int]], duration: float) -> dict[str, float]:
    window = min(WINDOW_S, duration / 3)
    first = [kib for t, kib in samples if t < window] or [samples[0][1]]
    last = [kib for t, kib in samples if t > samples[-1][0] - window] or [samples[-1][1]]
    return {
        "rss_first_mib": round(statistics.mean(first) / 1024, 1),
        "rss_last_mib": round(statistics.mean(last) / 1024, 1),
        "rss_growth_mib": round((statistics.mean(last) - statistics.mean(first)) / 1024, 1),
        "rss_max_mib": round(max(k for _, k in samples) / 1024, 1),
        "window_s": window,
    }


def script(target: Path) -> Path:
    target.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(json.dumps(BODY))}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["X-API-Key"] = "{KEY}"\n'
    )
    return target


def wrk(url: str, lua: Path, duration: float, connections: int, timeout: float) -> tuple[dict[str, Any], str]:
    threads = max(1, min(2, connections))
    argv = ["timeout", str(int(duration + timeout + 30)), "wrk", f"-t{threads}", f"-c{connections}",
            f"-d{max(1, round(duration))}s", "--latency", "--timeout", f"{timeout:.0f}s", "-s", str(lua), url]
    result = subprocess.run(argv, check=False, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"wrk failed ({result.returncode}): {result.stderr.strip()[:300]}")
    figures = parse_wrk(result.stdout)
    slowest = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", result.stdout)
    figures["max_ms"] = _ms(slowest.group(1)) if slowest else None
    return figures, result.stdout


def soak(target: Target, lua: Path, duration: float, connections: int, warmup: float,
         timeout: float) -> dict[str, Any]:
    url = f"http://{HOST}:{target.port}{PATH}"
    if warmup > 0:
        wrk(url, lua, warmup, min(connections, 8), timeout)
    assert target.process is not None
    load_before = loadavg()
    sampler = Sampler(target.process.pid)
    sampler.start()
    figures, raw = wrk(url, lua, duration, connections, timeout)
    samples = sampler.stop()
    alive = target.process.poll() is None
    socket_errors = figures["socket_errors"]
    return {
        **figures,
        "errors": figures["non_2xx"] + _count(socket_errors),
        "alive_after": alive,
        **memory(samples, duration),
        "loadavg_before": load_before,
        "loadavg_after": loadavg(),
        "rss_samples_kib": samples,
        "wrk_output": raw,
    }


def _count(socket_errors: str) -> int:
    """wrk's "connect 0, read 0, write 0, timeout 0" as one number."""
    return sum(int(part.split()[-1]) for part in socket_errors.split(",") if part.strip()) if socket_errors else 0


def table(results: dict[str, dict[str, Any]], duration: float, connections: int, timeout: float) -> str:
    rows = [f"wrk -t2 -c{connections} -d{duration:.0f}s --timeout {timeout:.0f}s, POST {PATH} (2 instances), "
            "one uvicorn worker each", "",
            "| target | requests | req/s | errors | p50 ms | p99 ms | max ms | RSS first 10 s | RSS last 10 s | growth "
            "| loadavg before / after |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, r in results.items():
        rows.append(f"| {name} | {r['requests']} | {r['rps']:.0f} | {r['errors']} | {r['p50_ms']:.1f} | "
                    f"{r['p99_ms']:.1f} | {r['max_ms']:.0f} | {r['rss_first_mib']} MiB | {r['rss_last_mib']} MiB | "
                    f"{r['rss_growth_mib']:+} MiB | {r['loadavg_before'][0]:.2f} / {r['loadavg_after'][0]:.2f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="wrk's per-request timeout (s); a request slower than this counts as an error")
    parser.add_argument("--targets", default="mock,impl")
    parser.add_argument("--out", type=Path, default=OUT / "soak.json")
    parser.add_argument("--models-dir", type=Path, default=ROOT / ".accord" / "models",
                        help="trained on first start when empty")
    args = parser.parse_args(argv)
    ensure_wrk()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    logs = args.out.parent / "soak"
    logs.mkdir(exist_ok=True)
    chosen = [t.strip() for t in args.targets.split(",") if t.strip()]
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="accord-soak-") as tmp:
        lua = script(Path(tmp) / "post.lua")
        available = targets(Path(sys.executable).parent, args.models_dir, Path(tmp) / "jobs.sqlite3")
        for name in chosen:
            target = available[name]
            log(f"{name}: starting")
            target.start(logs)
            try:
                log(f"{name}: {args.connections} connections for {args.duration:.0f} s")
                results[name] = soak(target, lua, args.duration, args.connections, args.warmup, args.timeout)
            finally:
                target.stop()
    report = {"duration_s": args.duration, "connections": args.connections, "path": PATH, "results": results,
              "wrk_timeout_s": args.timeout,
              "cpus": os.cpu_count()}
    args.out.write_text(json.dumps(report, indent=2))
    print(table(results, args.duration, args.connections, args.timeout))
    failed = [n for n, r in results.items() if r["errors"] or not r["alive_after"]]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
