"""Prediction jobs of 10,000 instances: the embedded deployment against the cluster with 1 and 2
Celery workers, side by side in one run, on loopback.

Deployments (each started as a user would, on free ports, logs in bench/out/jobs/):
  embedded   `accord serve` (1 uvicorn worker): SQLite job store, the in-process worker thread;
  cluster-1  `accord serve` on PostgreSQL + Redis, one `celery -A impl.jobs.tasks worker --pool=solo`;
  cluster-2  the same with two workers.
PostgreSQL and Redis are local processes (tools/local_servers.py), PostgreSQL with its default
durability (fsync, synchronous commit), Redis with an append-only file. Every deployment uses the
same batch size (ACCORD_JOB_BATCH_SIZE, default 100) and the same models (built once).

Per deployment: one warm-up job (discarded), then `--runs` jobs of `--instances` iris rows, one at
a time: the time from sending the POST to the poll (every 20 ms) that sees `succeeded` is the time
to the job's last result; instances per second = instances / that time. Then `--concurrent` jobs
submitted at once: instances of all of them / time until the last one succeeded. Reported: the
median of the runs, the ratio to the embedded deployment, and the load average before and after
(the machine may be shared: read the figures with it).

    .venv/bin/python bench/bench_jobs.py [--instances 10000] [--runs 3] [--concurrent 2] [--batch-size 100]

Output: bench/out/jobs.json and a markdown table on stdout. What two cores can show is discussed in
docs/data-team.md ("Beyond one machine").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.wrk import HOST, free_port, loadavg, log, stop_group  # noqa: E402
from tools.local_servers import Postgres, Redis  # noqa: E402

OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
KEY = "bench-jobs-key"
CREATE = "/v1/models/iris-classifier/prediction-jobs"
IRIS = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}
POLL_S = 0.02
DEPLOYMENTS = ("embedded", "cluster-1", "cluster-2")


def _request(port: int, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", data=data, method=method,
                                     headers={"X-API-Key": KEY, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def instances(n: int, seed: int) -> list[dict[str, float]]:
    rng = random.Random(seed)
    return [{k: round(v * rng.uniform(0.6, 1.6), 2) for k, v in IRIS.items()} for _ in range(n)]


def run_jobs(port: int, bodies: list[list[dict[str, float]]]) -> float:
    """Submit the jobs at once; seconds until every one has succeeded."""
    start = time.perf_counter()
    ids = []
    for body in bodies:
        status, job = _request(port, "POST", CREATE, {"instances": body})
        if status != 202:
            raise RuntimeError(f"job creation answered {status}: {job}")
        ids.append(job["id"])
    pending = set(ids)
    while pending:
        for job_id in list(pending):
            status, job = _request(port, "GET", f"/v1/prediction-jobs/{job_id}")
            if status == 200 and job["status"] == "succeeded":
                pending.discard(job_id)
            elif status != 200 or job["status"] in ("failed", "cancelled"):
                raise RuntimeError(f"job {job_id}: {status} {job}")
        if pending:
            time.sleep(POLL_S)
    return time.perf_counter() - start


class Deployment:
    def __init__(self, name: str, workers: int, env: dict[str, str], logs: Path) -> None:
        self.name, self.workers, self.env, self.logs = name, workers, env, logs
        self.port = free_port()
        self.procs: list[subprocess.Popen[bytes]] = []

    def _spawn(self, args: list[str], log_name: str) -> None:
        with (self.logs / log_name).open("wb") as out:
            self.procs.append(subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                               start_new_session=True))

    def start(self) -> None:
        self._spawn([str(BIN / "accord"), "serve", "--port", str(self.port)], f"{self.name}-replica.log")
        for i in range(self.workers):
            self._spawn([str(BIN / "celery"), "-A", "impl.jobs.tasks", "worker", "--pool=solo", "-n",
                         f"{self.name}-w{i}@%h", "-l", "warning", "--without-mingle", "--without-gossip"],
                        f"{self.name}-worker{i}.log")
        deadline = time.monotonic() + 300
        while True:
            if any(p.poll() is not None for p in self.procs):
                raise RuntimeError(f"{self.name}: a process exited; logs in {self.logs}")
            try:
                if _request(self.port, "GET", "/health/ready")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: not ready within 300 s")
            time.sleep(0.3)
        time.sleep(2.0 if self.workers else 0)  # workers connect to the broker and load models

    def stop(self) -> None:
        for proc in self.procs:
            stop_group(proc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=2)
    parser.add_argument("--deployments", default=",".join(DEPLOYMENTS))
    parser.add_argument("--batch-size", type=int, default=None,
                        help="ACCORD_JOB_BATCH_SIZE for every deployment (default: the setting's default, 100)")
    parser.add_argument("--out", type=Path, default=OUT / "jobs.json")
    args = parser.parse_args(argv)
    chosen = [d for d in args.deployments.split(",") if d]

    logs = OUT / "jobs"
    logs.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="accord-bench-jobs-"))
    scratch.chmod(0o755)  # PostgreSQL runs as its own user and must reach its folder inside
    models_dir = scratch / "models"
    subprocess.run([sys.executable, "-m", "impl.models", "build", "--models-dir", str(models_dir)], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    base = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    base.update({"ACCORD_API_KEYS": KEY, "ACCORD_MODELS_DIR": str(models_dir), "ACCORD_ACCESS_LOG": "0",
                 "ACCORD_VALIDATE_RESPONSES": "0", "ACCORD_STATE_DIR": str(scratch / "state")})
    if args.batch_size:
        base["ACCORD_JOB_BATCH_SIZE"] = str(args.batch_size)
    postgres = Postgres(scratch / "postgres")
    redis = Redis(scratch / "redis")
    results: dict[str, Any] = {}
    load_before = loadavg()
    try:
        if any(d.startswith("cluster") for d in chosen):
            postgres.start()
            redis.start()
        for name in chosen:
            workers = int(name.split("-")[1]) if name.startswith("cluster") else 0
            env = dict(base)
            if workers:
                url = postgres.create_database(name.replace("-", "_"))
                env.update({"ACCORD_JOBS_DATABASE_URL": url, "ACCORD_JOBS_BROKER_URL": redis.url})
            else:
                env["ACCORD_JOBS_DB"] = str(scratch / f"{name}.sqlite3")
            deployment = Deployment(name, workers, env, logs)
            log(f"{name}: starting")
            deployment.start()
            try:
                run_jobs(deployment.port, [instances(1000, seed=0)])  # warm-up
                singles = [run_jobs(deployment.port, [instances(args.instances, seed=1 + r)])
                           for r in range(args.runs)]
                together = run_jobs(deployment.port, [instances(args.instances, seed=100 + j)
                                                      for j in range(args.concurrent)])
            finally:
                deployment.stop()
            median = statistics.median(singles)
            results[name] = {
                "workers": workers, "runs_s": [round(s, 3) for s in singles],
                "time_to_last_result_s": round(median, 3),
                "instances_per_s": round(args.instances / median, 1),
                "concurrent_jobs": args.concurrent, "concurrent_s": round(together, 3),
                "concurrent_instances_per_s": round(args.instances * args.concurrent / together, 1),
            }
            log(f"{name}: {results[name]}")
    finally:
        redis.stop()
        postgres.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    report = {"instances": args.instances, "runs": args.runs, "batch_size": args.batch_size or 100,
              "cpu_count": os.cpu_count(),
              "loadavg_before": load_before, "loadavg_after": loadavg(), "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    anchor = results.get("embedded")
    print(f"jobs of {args.instances} instances, batches of {report['batch_size']}, {os.cpu_count()} cores, "
          f"load {load_before} -> {loadavg()}\n")
    print("| deployment | time to last result (median) | instances/s | ratio | "
          f"{args.concurrent} jobs at once: instances/s | ratio |")
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        ratio = f"{r['instances_per_s'] / anchor['instances_per_s']:.2f}×" if anchor else "-"
        cratio = f"{r['concurrent_instances_per_s'] / anchor['concurrent_instances_per_s']:.2f}×" if anchor else "-"
        print(f"| {name} | {r['time_to_last_result_s']:.2f} s | {r['instances_per_s']:,.0f} | {ratio} | "
              f"{r['concurrent_instances_per_s']:,.0f} | {cratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
