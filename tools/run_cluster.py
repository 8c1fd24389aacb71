"""`make run-cluster`: the ML service's cluster deployment on this one machine, for trying it out.

PostgreSQL (the job store) and Redis (Celery's broker) as local processes with their data under
`.accord/cluster/`, the shared models directory built once (`python -m impl.models build`), two
service replicas (`accord serve`, :8080 and :8081) and two Celery workers. Everything it starts is
printed with where it listens and where it logs; Ctrl-C stops all of it. On real machines the same
pieces run apart: docs/data-team.md, "Beyond one machine".
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.local_servers import Postgres, Redis, missing  # noqa: E402 - after the repository is importable

BIN = Path(sys.executable).parent


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run-cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--state-dir", type=Path, default=ROOT / ".accord" / "cluster")
    parser.add_argument("--models-dir", type=Path, default=None, help="default: ACCORD_MODELS_DIR, .accord/models")
    parser.add_argument("--ports", type=int, nargs="+", default=[8080, 8081], help="one service replica per port")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers (one process each)")
    parser.add_argument("--postgres-port", type=int, default=55432)
    parser.add_argument("--redis-port", type=int, default=56379)
    args = parser.parse_args(argv)

    absent = missing()
    if absent:
        print(f"error: {', '.join(absent)} not installed: `make cluster-servers` installs them", file=sys.stderr)
        return 2
    state = args.state_dir.resolve()
    logs = state / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    models_dir = (args.models_dir or Path(os.environ.get("ACCORD_MODELS_DIR") or ROOT / ".accord" / "models"))
    postgres = Postgres(state / "postgres", port=args.postgres_port)
    redis = Redis(state / "redis", port=args.redis_port)
    procs: list[subprocess.Popen[bytes]] = []
    stopping = False

    def interrupted(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        postgres.start()
        redis.start()
        env = {**os.environ, "ACCORD_JOBS_DATABASE_URL": postgres.url, "ACCORD_JOBS_BROKER_URL": redis.url,
               "ACCORD_MODELS_DIR": str(models_dir)}
        env.setdefault("ACCORD_API_KEYS", "accord-dev-key")
        print(f"postgres  {postgres.url}   data {postgres.data}")
        print(f"redis     {redis.url}   data {redis.folder}")
        built = subprocess.run([sys.executable, "-m", "impl.models", "build", "--models-dir", str(models_dir)],
                               cwd=ROOT, env=env, check=False)
        if built.returncode:
            print("error: the models could not be built (above); nothing else started", file=sys.stderr)
            return 1
        for port in args.ports:
            procs.append(_spawn([str(BIN / "accord"), "serve", "--port", str(port)], env, logs / f"replica-{port}.log"))
            print(f"replica   http://127.0.0.1:{port}  (Swagger UI: /ui)   log {logs / f'replica-{port}.log'}")
        for i in range(1, args.workers + 1):
            log = logs / f"worker{i}.log"
            procs.append(_spawn([str(BIN / "celery"), "-A", "impl.jobs.tasks", "worker", "--pool=solo",
                                 "-n", f"worker{i}@%h", "-l", "info"], env, log))
            print(f"worker    worker{i} (celery, 1 process)   log {log}")
        pending = set(args.ports)
        while pending and not stopping:
            pending = {port for port in pending if not _ready(port)}
            if any(proc.poll() is not None for proc in procs):
                break
            time.sleep(0.3)
        key = env["ACCORD_API_KEYS"].split(",")[0]
        shown = key if key == "accord-dev-key" else "from ACCORD_API_KEYS"
        print(f"ready     API key {shown}   Ctrl-C stops everything")
        while not stopping:
            for proc in procs:
                if proc.poll() is not None:
                    print(f"error: {' '.join(map(str, proc.args))} exited with {proc.returncode}; stopping "
                          f"(logs in {logs})", file=sys.stderr)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(procs)
        redis.stop()
        postgres.stop()
        print("stopped: replicas, workers, redis, postgres")
    return 0


if __name__ == "__main__":
    sys.exit(main())
