"""The service's per-request cost in instructions (callgrind), next to Connexion's mock and the model.

Wall and CPU time on a shared machine move by a factor of two with other people's load; the
number of instructions a process executes for a request does not. This runs each server under
valgrind's callgrind with instrumentation off, sends warm-up requests, switches instrumentation on
(`callgrind_control -i on`), sends N requests one at a time, and dumps the count. The in-process
model (`Predictor.predict`, after `accord.service.heap.settle_heap()` as the service does) is counted the
same way in a process of its own. Counted: user-space instructions of the server process (the
event loop, uvicorn, httptools, Connexion, the handler, the model); not counted: the kernel's
socket work and the client's. So the ratios speak about the program, not about the machine.

    .venv/bin/python bench/bench_instructions.py [--requests 40]

Output: bench/out/instructions.json and a table. Needs valgrind (Debian package `valgrind`).
Each server takes 1-3 minutes to start under valgrind; the whole run about 5 minutes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_impl import KEY, PATH, ROW, connexion_mock_spec, iris_batch  # noqa: E402 - after sys.path
from bench.wrk import HOST, free_port, loadavg, log, stop_group  # noqa: E402

OUT = ROOT / "bench" / "out"
START_TIMEOUT_S = 900.0
WARMUP = 20

#: Run in a valgrind'ed process of its own: the in-process model, counted like the servers.
MODEL_SCRIPT = """
import json, os, subprocess, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from accord.service.heap import settle_heap
from impl.models.predict import PredictOptions
from impl.models.registry import get_registry
predictor = get_registry(Path({models!r})).get("iris-classifier").predictor
cases = json.loads(Path({cases!r}).read_text())
settle_heap()
def ctl(*args):
    subprocess.run(["callgrind_control", *args, str(os.getpid())], capture_output=True, timeout=300, check=True)
for name, instances in cases.items():
    for _ in range({warmup}):
        predictor.predict(instances, PredictOptions())
ctl("-i", "on")
for name, instances in cases.items():
    ctl("-z")
    for _ in range({n}):
        predictor.predict(instances, PredictOptions())
    ctl("-d", name)
"""


def valgrind(argv: list[str], out: Path) -> list[str]:
    return ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}.%p", *argv]


def ctl(pid: int, *args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(pid)], capture_output=True, timeout=300, check=True)


def dumped(prefix: Path, pid: int, label: str) -> int:
    """The instruction total of the dump triggered with `label`."""
    for part in sorted(prefix.parent.glob(f"{prefix.name}.{pid}.*")):
        text = part.read_text(errors="replace")
        if f"desc: Trigger: dump {label}\n" in text:
            for line in text.splitlines():
                if line.startswith("totals:"):
                    return int(line.split()[1])
    raise SystemExit(f"no callgrind dump {label!r} for pid {pid} under {prefix.parent}")


def wait_ready(port: int, path: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode} before it was ready")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(1.0)
    raise SystemExit(f"not ready after {START_TIMEOUT_S:.0f} s")


def post(conn: http.client.HTTPConnection, body: bytes) -> None:
    conn.request("POST", PATH, body, {"Content-Type": "application/json", "X-API-Key": KEY})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit(f"POST {PATH} answered {response.status}: {data[:200]!r}")


def count_server(name: str, argv: list[str], env: dict[str, str], ready: str, bodies: dict[str, bytes],
                 n: int, work: Path) -> dict[str, float]:
    """Instructions per request of a server, for each body, one request at a time."""
    port = free_port()
    prefix = work / name
    argv = [a.replace("{port}", str(port)) for a in argv]
    with (work / f"{name}.log").open("ab") as logs:
        process = subprocess.Popen(valgrind(argv, prefix), cwd=ROOT, env={**os.environ, **env}, stdout=logs,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_ready(port, ready, process)
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        for body in bodies.values():
            for _ in range(WARMUP):
                post(conn, body)
        ctl(process.pid, "-i", "on")
        result = {}
        for case, body in bodies.items():
            ctl(process.pid, "-z")
            for _ in range(n):
                post(conn, body)
            ctl(process.pid, "-d", case)
            result[case] = dumped(prefix, process.pid, case) / n
        conn.close()
        return result
    finally:
        stop_group(process)


def count_model(models_dir: Path, cases: dict[str, list[dict[str, float]]], n: int, work: Path) -> dict[str, float]:
    (work / "cases.json").write_text(json.dumps(cases))
    script = MODEL_SCRIPT.format(root=str(ROOT), models=str(models_dir), cases=str(work / "cases.json"),
                                 warmup=WARMUP, n=n)
    prefix = work / "model"
    with (work / "model.log").open("ab") as logs:
        process = subprocess.Popen(valgrind([sys.executable, "-c", script], prefix), cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=logs)
    if process.wait(timeout=START_TIMEOUT_S) != 0:
        raise SystemExit(f"the in-process model run failed; see {work / 'model.log'}")
    return {case: dumped(prefix, process.pid, case) / n for case in cases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="counted requests per case")
    args = parser.parse_args()
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        raise SystemExit("valgrind is not installed (Debian package `valgrind`)")
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-instr-", dir=OUT))
    models_dir = Path(os.environ.get("ACCORD_MODELS_DIR") or ROOT / ".accord" / "models").resolve()
    python = sys.executable
    batch = iris_batch(100)
    bodies = {"predict_1": json.dumps({"instances": [ROW]}, separators=(",", ":")).encode(),
              "predict_100": json.dumps({"instances": batch}, separators=(",", ":")).encode()}
    common = {"ACCORD_MODELS_DIR": str(models_dir), "ACCORD_JOBS_DB": str(work / "jobs.sqlite3"),
              "ACCORD_API_KEYS": KEY, "ACCORD_API_KEYS_FILE": ""}
    serve = [python, "-c", "from accord.cli import main; main()", "serve", "--port", "{port}"]
    mock_spec = connexion_mock_spec(work / "spec_cnx.json")
    started = time.time()
    result: dict[str, Any] = {"load_start": loadavg(), "requests": args.requests}
    # The service trains missing models on first start: do that outside valgrind.
    from impl.models.registry import get_registry

    get_registry(models_dir)
    from concurrent.futures import ThreadPoolExecutor

    jobs = {
        "model": lambda: count_model(models_dir, {"predict_1": [ROW], "predict_100": batch}, args.requests, work),
        "service-prod-nolog": lambda: count_server(
            "service-prod-nolog", serve, {**common, "ACCORD_VALIDATE_RESPONSES": "0", "ACCORD_ACCESS_LOG": "0"},
            "/health/ready", bodies, args.requests, work),
        "service-prod": lambda: count_server(
            "service-prod", serve, {**common, "ACCORD_VALIDATE_RESPONSES": "0"}, "/health/ready", bodies,
            args.requests, work),
        "service-dev": lambda: count_server(
            "service-dev", serve, {**common, "ACCORD_VALIDATE_RESPONSES": "1"}, "/health/ready", bodies,
            args.requests, work),
        "connexion-mock": lambda: count_server(
            "connexion-mock", [python, str(ROOT / "bench" / "bench_impl.py"), "--serve-connexion-mock",
                               str(mock_spec), "--port", "{port}"], {}, "/health/live",
            {"predict_1": bodies["predict_1"]}, args.requests, work),
    }
    log(f"starting {len(jobs)} processes under callgrind (each takes minutes to start)")
    with ThreadPoolExecutor(len(jobs)) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        counts = {name: future.result() for name, future in futures.items()}
    result["instructions_per_request"] = {name: {case: round(v) for case, v in c.items()} for name, c in counts.items()}
    model = counts["model"]
    ratios: dict[str, Any] = {}
    for name in ("service-prod-nolog", "service-prod", "service-dev"):
        c = counts[name]
        ratios[name] = {
            "framework_over_model_100": round((c["predict_100"] - model["predict_100"]) / model["predict_100"], 2),
            "framework_over_model_1": round((c["predict_1"] - model["predict_1"]) / model["predict_1"], 2),
            "mock_over_service_1": round(counts["connexion-mock"]["predict_1"] / c["predict_1"], 2),
        }
    result["ratios"] = ratios
    result["load_end"] = loadavg()
    result["elapsed_s"] = round(time.time() - started, 1)
    (OUT / "instructions.json").write_text(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    print(f"instructions per request (user space, callgrind), {args.requests} requests per case")
    print(f"{'':<22}{'predict x1':>14}{'predict x100':>14}")
    for name, c in counts.items():
        print(f"{name:<22}{c['predict_1'] / 1e6:>13.3f}M{c.get('predict_100', 0) / 1e6:>13.3f}M")
    for name, r in ratios.items():
        print(f"{name}: framework ÷ model, batch of 100 {r['framework_over_model_100']:.2f} (target < 1); "
              f"1 instance {r['framework_over_model_1']:.2f}; Connexion mock ÷ service, 1 instance "
              f"{r['mock_over_service_1']:.2f} (≈ throughput ratio; target ≥ 1)")
    print(f"\nwritten: {OUT / 'instructions.json'} ({result['elapsed_s']} s)")


if __name__ == "__main__":
    main()
