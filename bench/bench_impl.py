"""The service's speed (impl/), side by side in one run with its anchors, on loopback only.

Three measurements, each bounded in requests and time; the script starts and stops every server.
  1. per request: single-instance iris predict through `accord serve` (HTTP, keep-alive, one
     request at a time) versus the same `Predictor.predict` called in this process (no HTTP);
  2. batch of 100: framework cost (HTTP round trip minus in-process predict of the same 100
     instances) versus model cost (that in-process predict). Target: framework < model;
  3. throughput: `wrk -t1 -c32 --latency` on the single-instance POST, after a short warm-up,
     against the service with 1 and 2 uvicorn workers and against the anchor, Connexion's own
     mock (AsyncApp + MockResolver(mock_all=True), what `connexion run --mock=all` builds) on the
     same bundled contract, 1 worker, no access log, with the two workarounds of
     ../shared/reference/baseline.md (problem media type rewritten to application/json, an
     accept-any-key security handler). Reported as service req/s ÷ mock req/s.

A second anchor, "bare" (bare-model-1w), serves the same model behind the thinnest HTTP server
there is: a raw ASGI callable under uvicorn (1 worker, uvloop, httptools, no access log) that
parses the body with orjson, calls the same `Predictor.predict` and answers the service's body
with orjson. No routing, security, validation or problem handling: what any framework adds to.
It runs in the sequential part (its "framework" is uvicorn, the socket and orjson alone) and in
the throughput part (the ceiling for the service, and the tail latency of a saturated 1-worker
uvicorn doing the same work).

The service runs as deployed by `accord serve` (uvicorn access log on, to a file), once with
response validation on (the development default), once with ACCORD_VALIDATE_RESPONSES=0
(the documented production setting), and once more with ACCORD_ACCESS_LOG=0 as well; a fourth
server ("split", prod without the access log) times `Predictor.predict` inside itself, so model and
framework CPU are also measured in one process. The in-process model runs after
`accord.service.heap.settle_heap()`, as the service does. With --pin (default) 1-worker servers run on CPU 0
and wrk, the client and the in-process model on CPU 1 (taskset).
Output: bench/out/impl.json and a table on stdout.

    .venv/bin/python bench/bench_impl.py [--duration 12] [--warmup 3] [--rounds 1]
    .venv/bin/python bench/bench_impl.py --only batch --configs prod    # a quick subset

`--only` picks parts (single, batch, throughput; default all three), `--configs` the service
configurations (dev, prod, prod-nolog, split) and `--servers` the throughput servers by name; a subset run writes
bench/out/impl-subset.json so it never replaces the full run's file.

Needs `wrk` (Debian package; installed with apt-get when missing and running as root).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.wrk import HOST, ensure_wrk, free_port, loadavg, log, pinned, stop_group  # noqa: E402 - after sys.path
from bench.wrk import run_wrk as _wrk  # noqa: E402

OUT = ROOT / "bench" / "out"
KEY = "accord-dev-key"
PATH = "/v1/models/iris-classifier/predict"
ROW = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}
READY_TIMEOUT_S = 180.0  # first start trains the five models


# ---------------------------------------------------------------------------------------------
# Machine and tools


def machine() -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    from importlib.metadata import version

    wrk = subprocess.run(["wrk", "-v"], check=False, capture_output=True, text=True).stdout.splitlines()
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "wrk": (wrk[0].split(" [")[0] if wrk else "?"),
            **{name: version(name) for name in ("connexion", "uvicorn", "starlette", "scikit-learn", "orjson")}}


# ---------------------------------------------------------------------------------------------
# Servers


@dataclass(slots=True)
class Server:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    ready_path: str = "/health/ready"
    #: `taskset -c` CPU list for the server (None: wherever the scheduler puts it).
    cpus: str | None = None
    process: subprocess.Popen[bytes] | None = None
    port: int = 0
    startup_s: float = 0.0

    def start(self, logs: Path) -> None:
        self.port = free_port()
        argv = pinned([a.replace("{port}", str(self.port)) for a in self.argv], self.cpus)
        started = time.perf_counter()
        # Own session, so stop() ends exactly this server and the workers it forked. The server
        # holds its own descriptor of the log: this process closes its copy at once.
        with (logs / f"{self.name}.log").open("ab") as out:
            self.process = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **self.env}, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = started + READY_TIMEOUT_S
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                log_file = logs / f"{self.name}.log"
                raise SystemExit(f"{self.name} exited with {self.process.returncode}; see {log_file}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", self.ready_path)
                if conn.getresponse().status == 200:
                    self.startup_s = time.perf_counter() - started
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise SystemExit(f"{self.name} not ready after {READY_TIMEOUT_S:.0f} s")

    def stop(self) -> None:
        stop_group(self.process)


#: With --pin (the default): 1-worker servers, the anchor included, run on CPU 0; wrk, the sequential
#: client and the in-process model on CPU 1, so the load generator never takes the server's core.
#: 2-worker servers are not pinned (they need both cores).
SERVER_CPU, CLIENT_CPU = "0", "1"


def servers(python: str, accord: str, mock_spec: Path, jobs_db: Path, models_dir: Path,
            pin: bool = True) -> dict[str, Server]:
    # The key is configured explicitly, so an ACCORD_API_KEYS(_FILE) in the caller's shell cannot interfere.
    common = {"ACCORD_MODELS_DIR": str(models_dir), "ACCORD_JOBS_DB": str(jobs_db), "ACCORD_API_KEYS": KEY,
              "ACCORD_API_KEYS_FILE": ""}
    dev = {**common, "ACCORD_VALIDATE_RESPONSES": "1"}
    prod = {**common, "ACCORD_VALIDATE_RESPONSES": "0"}
    quiet = {**prod, "ACCORD_ACCESS_LOG": "0"}
    serve = [accord, "serve", "--port", "{port}"]
    one = SERVER_CPU if pin else None
    return {
        "connexion-mock-1w": Server("connexion-mock-1w", [python, __file__, "--serve-connexion-mock", str(mock_spec),
                                                          "--port", "{port}"], ready_path="/health/live", cpus=one),
        "service-1w": Server("service-1w", [*serve, "--workers", "1"], dev, cpus=one),
        "service-2w": Server("service-2w", [*serve, "--workers", "2"], dev),
        "service-prod-1w": Server("service-prod-1w", [*serve, "--workers", "1"], prod, cpus=one),
        "service-prod-2w": Server("service-prod-2w", [*serve, "--workers", "2"], prod),
        "service-prod-nolog-1w": Server("service-prod-nolog-1w", [*serve, "--workers", "1"], quiet, cpus=one),
        # prod-nolog, built and run as `accord serve` does, with the model's CPU time counted inside (split).
        SPLIT: Server(SPLIT, [python, __file__, "--serve-split-service", "--port", "{port}"], quiet, cpus=one),
        BARE: Server(BARE, [python, __file__, "--serve-bare-model", "--port", "{port}"], common, cpus=one),
    }


def connexion_mock_spec(target: Path) -> Path:
    """The bundled contract with problem+json rewritten to application/json (baseline.md, workaround 1)."""
    from accord.loading import load_spec

    text = json.dumps(load_spec(ROOT / "spec" / "openapi.yaml").document)
    target.write_text(text.replace('"application/problem+json"', '"application/json"'))
    return target


def serve_connexion_mock(spec: Path, port: int) -> None:
    """What `connexion run SPEC --mock=all` builds, plus an accept-any-key handler (workaround 2)."""
    import connexion
    import uvicorn
    from connexion.mock import MockResolver
    from connexion.security import ApiKeySecurityHandler

    def accept_any_key(apikey: str, required_scopes: Any = None, request: Any = None) -> dict[str, str]:
        return {"sub": "any"}

    class AcceptAnyKey(ApiKeySecurityHandler):
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return accept_any_key

    app = connexion.AsyncApp(__name__)
    app.add_api(json.loads(spec.read_text()), resolver=MockResolver(mock_all=True),
                security_map={"apiKey": AcceptAnyKey})
    uvicorn.run(app, host=HOST, port=port, workers=1, access_log=False, log_level="warning")


#: Where the split server reports the CPU time its model calls took (answered before the app).
SPLIT_PATH = "/__bench/model-cpu"


def serve_split_service(port: int) -> None:
    """The service as `accord serve` runs it (create_app, settle_heap, uvicorn with the kit's HTTP
    protocol and the access log setting), with `Predictor.predict` timed in its own thread's CPU
    time. The model and the rest of the request are then measured in the same process, on the same
    core and caches: what the in-process comparison cannot give on a busy machine, where a server
    woken once per request runs each instruction slower than a tight loop does."""
    import uvicorn

    from accord.service.access_log import log_config
    from accord.service.app import ServiceHttpProtocol
    from accord.service.heap import settle_heap
    from accord.service.settings import ServiceSettings
    from impl.app import create_app
    from impl.models.predict import Predictor

    spent = {"seconds": 0.0, "calls": 0}
    predict = Predictor.predict

    def timed_predict(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return predict(self, *args, **kwargs)
        finally:
            spent["seconds"] += time.thread_time() - started
            spent["calls"] += 1

    Predictor.predict = timed_predict  # type: ignore[method-assign]
    app = create_app(validate_responses=None)
    settle_heap()

    async def split(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == SPLIT_PATH:
            body = json.dumps(spent).encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    uvicorn.run(split, host=HOST, port=port, log_level="info", access_log=ServiceSettings.from_env().access_log,
                http=ServiceHttpProtocol, log_config=log_config())


def serve_bare_model(port: int) -> None:
    """The anchor "bare": the iris model behind a raw ASGI callable (see the module docstring).
    It answers 200 with the service's response body to any POST, and 200 to anything else (the
    readiness probe). The key and the body are not checked: this is the floor, not a service."""
    import uuid

    import orjson
    import uvicorn

    from accord.service.heap import settle_heap
    from impl.config import Settings
    from impl.models.predict import PredictOptions
    from impl.models.registry import get_registry

    entry = get_registry(Settings.from_env().models_dir).get("iris-classifier")
    if entry is None or entry.predictor is None:
        raise SystemExit(f"iris-classifier is not ready: {entry.error if entry else 'missing'}")
    predictor, version = entry.predictor, entry.version
    headers = [(b"content-type", b"application/json")]
    settle_heap()

    async def bare(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"{}"
        if scope["method"] == "POST":
            instances = orjson.loads(b"".join(chunks))["instances"]
            body = orjson.dumps({"request_id": uuid.uuid4().hex, "model_id": "iris-classifier",
                                 "model_version": version,
                                 "predictions": predictor.predict(instances, PredictOptions())},
                                option=orjson.OPT_SERIALIZE_NUMPY)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    uvicorn.run(bare, host=HOST, port=port, log_level="warning", access_log=False)


def model_cpu(port: int) -> tuple[float, int]:
    """(seconds, calls) of model CPU time so far in the split server."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", SPLIT_PATH)
    data = json.loads(conn.getresponse().read())
    conn.close()
    return data["seconds"], data["calls"]


# ---------------------------------------------------------------------------------------------
# Measurements


def iris_batch(n: int) -> list[dict[str, float]]:
    """n real iris rows (a fixed shuffle, all three classes)."""
    import numpy as np
    from sklearn.datasets import load_iris

    data = load_iris().data
    order = np.random.default_rng(0).permutation(len(data))
    names = list(ROW)
    return [{names[j]: float(data[i, j]) for j in range(4)} for i in order[:n]]


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) of this process, or of another one read from /proc (10 ms ticks)."""
    if pid is None:
        return time.process_time()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(slots=True)
class Timing:
    """Wall samples (µs) and CPU seconds of a series of calls, merged across interleaved rounds."""

    samples: list[float] = field(default_factory=list)
    cpu_s: float = 0.0
    #: The split server's model CPU over the same calls (seconds, calls).
    model_s: float = 0.0
    model_calls: int = 0

    def summary(self) -> dict[str, float]:
        ordered = sorted(self.samples)
        out = {"n": len(ordered), "median_us": round(statistics.median(ordered), 1),
               "p10_us": round(ordered[int(0.1 * (len(ordered) - 1))], 1),
               "p90_us": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
               "cpu_us": round(self.cpu_s / len(ordered) * 1e6, 1)}
        if self.model_calls:
            out["model_cpu_us"] = round(self.model_s / len(ordered) * 1e6, 1)
        return out


def timed(call: Callable[[], Any], into: Timing, *, requests: int, seconds: float, warmup: int,
          cpu_pid: int | None = None, model_probe: Callable[[], tuple[float, int]] | None = None) -> None:
    """Up to `requests` calls, stopping after `seconds` (`warmup` calls discarded), added to
    `into`: wall time per call, and CPU time of `cpu_pid` (this process when None). On a shared
    machine the wall time includes waiting for a core; the CPU time does not, so both count."""
    for _ in range(warmup):
        call()
    model_before = model_probe() if model_probe else None
    cpu = cpu_seconds(cpu_pid)
    deadline = time.perf_counter() + seconds
    done = 0
    while done < requests and time.perf_counter() < deadline:
        t = time.perf_counter_ns()
        call()
        into.samples.append((time.perf_counter_ns() - t) / 1000)
        done += 1
    into.cpu_s += cpu_seconds(cpu_pid) - cpu
    if model_probe and model_before:
        seconds_after, calls_after = model_probe()
        into.model_s += seconds_after - model_before[0]
        into.model_calls += calls_after - model_before[1]


def in_process_calls(models_dir: Path, batch: list[dict[str, float]]) -> dict[str, Callable[[], Any]]:
    import numpy as np

    from impl.models.predict import PredictOptions
    from impl.models.registry import get_registry

    entry = get_registry(models_dir).get("iris-classifier")
    if entry is None or entry.predictor is None:
        raise SystemExit(f"iris-classifier is not ready in {models_dir}: {entry.error if entry else 'missing'}")
    predictor, options = entry.predictor, PredictOptions()
    X1 = np.asarray([list(ROW.values())])
    X100 = np.asarray([[r[n] for n in ROW] for r in batch])
    return {
        "predict_1": lambda: predictor.predict([ROW], options),
        "predict_100": lambda: predictor.predict(batch, options),
        "predict_proba_1": lambda: predictor.pipeline.predict_proba(X1),
        "predict_proba_100": lambda: predictor.pipeline.predict_proba(X100),
    }


def http_caller(port: int, body: bytes) -> tuple[Callable[[], None], Callable[[], None]]:
    """(call, close) for one keep-alive connection, one request at a time; every answer must be a 200."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Content-Type": "application/json", "X-API-Key": KEY}

    def call() -> None:
        conn.request("POST", PATH, body, headers)
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise SystemExit(f"POST {PATH} answered {response.status}: {data[:300]!r}")

    return call, conn.close




def run_wrk(port: int, script: Path, duration: float, cpus: str | None = None) -> dict[str, Any]:
    return _wrk(f"http://{HOST}:{port}{PATH}", script, duration, cpus=cpus)


def wrk_script(target: Path, body: bytes) -> Path:
    target.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body.decode())}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["X-API-Key"] = "{KEY}"\n'
    )
    return target


# ---------------------------------------------------------------------------------------------
# Report


def _cell(case: dict[str, float] | None) -> str:
    return f"{case['median_us']:.0f} ({case['p10_us']:.0f}) / {case['cpu_us']:.0f} cpu" if case else "-"


def table(result: dict[str, Any]) -> str:
    lines = []
    ip, seq = result.get("in_process"), result.get("sequential", {})
    if ip:
        lines.append("Per request, µs: wall = median (p10) client-side, one keep-alive connection, one request at")
        lines.append("a time; cpu = CPU per request of the server process (in-process: of this process); all")
        lines.append(f"measured in turns over {result['method']['sequential_rounds']} rounds")
        heads = ["in-process", *(f"HTTP {label}" for label, _ in SEQUENTIAL)]
        lines.append(f"{'':<12}" + "".join(f"{h:>28}" for h in heads))
        for n in ("1", "100"):
            cells = [_cell(ip.get(f"predict_{n}"))]
            cells += [_cell(seq.get(name, {}).get(f"predict_{n}")) for _, name in SEQUENTIAL]
            lines.append(f"{'predict x' + n:<12}" + "".join(f"{c:>28}" for c in cells))
        lines.append("  dev = response validation on; prod = off; prod-nolog = off and no access log; split = "
                     "prod-nolog with the model's CPU counted inside the server;")
        lines.append("  bare = anchor: the same model behind a raw ASGI app under uvicorn (no framework)")
        split = seq.get(SPLIT, {})
        if any("model_cpu_us" in split.get(f"predict_{n}", {}) for n in ("1", "100")):
            parts = [f"x{n} {split[f'predict_{n}']['model_cpu_us']:.0f} µs of {split[f'predict_{n}']['cpu_us']:.0f}"
                     for n in ("1", "100") if "model_cpu_us" in split.get(f"predict_{n}", {})]
            lines.append(f"  split: model CPU inside the server per request: {', '.join(parts)} µs in all")
        proba = [f"{ip[f'predict_proba_{n}']['median_us']:.0f} µs (x{n})" for n in ("1", "100")
                 if f"predict_proba_{n}" in ip]
        lines.append(f"  of which sklearn predict_proba: {', '.join(proba)} wall median")
    for metric, b in result.get("batch_100", {}).items():
        parts = [f"Batch of 100 ({metric}): model {b['model_us']:.0f} µs"]
        for label, _ in SEQUENTIAL:
            if f"framework_{label}_us" in b:
                parts.append(f"framework {label} {b[f'framework_{label}_us']:.0f} µs "
                             f"(x{b[f'framework_{label}_over_model']:.2f} model, "
                             f"{'met' if b[f'target_met_{label}'] else 'NOT met'})")
        lines.append("; ".join(parts))
    if not result.get("throughput"):
        return "\n".join(lines)
    lines.append("")
    lines.append("Throughput, single-instance POST (wrk -t1 -c32 --latency; rounds listed)")
    lines.append(f"{'server':<22}{'req/s':>18}{'p50 ms':>16}{'p99 ms':>18}{'non-2xx':>9}{'÷ mock':>8}{'÷ bare':>8}"
                 f"{'load':>14}")
    for name, row in result["throughput"].items():
        runs = row["runs"]
        rps = " / ".join(f"{r['rps']:.0f}" for r in runs)
        p50 = " / ".join(f"{r['p50_ms']:.1f}" for r in runs)
        p99 = " / ".join(f"{r['p99_ms']:.1f}" for r in runs)
        ratio = f"{row['ratio_to_mock']:.2f}" if row.get("ratio_to_mock") else ("1" if name == MOCK else "-")
        to_bare = f"{row['ratio_to_bare']:.2f}" if row.get("ratio_to_bare") else ("1" if name == BARE else "-")
        load = " / ".join(f"{r['load_before'][0]:.1f}" for r in runs)
        lines.append(f"{name:<22}{rps:>18}{p50:>16}{p99:>18}{sum(r['non_2xx'] for r in runs):>9}{ratio:>8}"
                     f"{to_bare:>8}{load:>14}")
    return "\n".join(lines)


PARTS = ("single", "batch", "throughput")
CONFIGS = ("dev", "prod", "prod-nolog", "split", "bare")
#: (configuration, server) measured one request at a time; all with 1 worker.
SPLIT = "service-split-1w"
BARE = "bare-model-1w"
SEQUENTIAL = (("dev", "service-1w"), ("prod", "service-prod-1w"), ("prod-nolog", "service-prod-nolog-1w"),
              ("split", SPLIT), ("bare", BARE))
MOCK = "connexion-mock-1w"


def _choices(allowed: tuple[str, ...]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        chosen = [c.strip() for c in text.split(",") if c.strip()]
        bad = [c for c in chosen if c not in allowed]
        if bad or not chosen:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)} (comma-separated)")
        return chosen

    return parse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=12.0, help="wrk seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3.0, help="wrk warm-up seconds (discarded)")
    parser.add_argument("--rounds", type=int, default=2, help="throughput rounds (servers interleaved)")
    parser.add_argument("--requests", type=int, default=1500, help="max sequential requests per case")
    parser.add_argument("--seconds", type=float, default=6.0, help="max seconds per sequential case")
    parser.add_argument("--seq-rounds", type=int, default=3,
                        help="sequential measurements interleaved in this many rounds (requests and seconds split)")
    parser.add_argument("--only", type=_choices(PARTS), default=",".join(PARTS),
                        help=f"comma-separated parts to run, of {', '.join(PARTS)}")
    parser.add_argument("--configs", type=_choices(CONFIGS), default=",".join(CONFIGS),
                        help="service configurations for single/batch: dev (response validation on), prod (off), "
                             "prod-nolog (off, no access log), split (prod-nolog, model timed inside), "
                             "bare (the anchor: the model behind a raw ASGI app)")
    parser.add_argument("--servers", type=str, default="",
                        help="comma-separated throughput servers (default: all but the split server)")
    parser.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True,
                        help=f"pin 1-worker servers to CPU {SERVER_CPU} and wrk, the client and the in-process "
                             f"model to CPU {CLIENT_CPU} (taskset; default on)")
    parser.add_argument("--serve-connexion-mock", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--serve-split-service", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve-bare-model", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_connexion_mock:
        serve_connexion_mock(args.serve_connexion_mock, args.port)
        return
    if args.serve_split_service:
        serve_split_service(args.port)
        return
    if args.serve_bare_model:
        serve_bare_model(args.port)
        return

    ensure_wrk()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-impl-", dir=OUT))
    models_dir = Path(os.environ.get("ACCORD_MODELS_DIR") or ROOT / ".accord" / "models").resolve()
    python = sys.executable
    accord = str(Path(python).with_name("accord"))
    started = time.time()
    result: dict[str, Any] = {"machine": machine(), "load_start": loadavg(), "models_dir": str(models_dir),
                              "method": {"wrk": f"-t1 -c32 -d{int(args.duration)}s --latency after a "
                                                f"{args.warmup:g} s warm-up", "rounds": args.rounds,
                                         "sequential_rounds": args.seq_rounds}}
    batch = iris_batch(100)
    body_1 = json.dumps({"instances": [ROW]}, separators=(",", ":")).encode()
    body_100 = json.dumps({"instances": batch}, separators=(",", ":")).encode()
    script = wrk_script(work / "predict_1.lua", body_1)
    table_of = servers(python, accord, connexion_mock_spec(work / "spec_cnx.json"), work / "jobs.sqlite3", models_dir,
                       pin=args.pin)
    client_cpus = CLIENT_CPU if args.pin else None
    if args.pin:
        os.sched_setaffinity(0, {int(CLIENT_CPU)})
    result["method"]["pinned"] = ({"servers_1w": SERVER_CPU, "wrk_client_in_process": CLIENT_CPU}
                                  if args.pin else None)

    parts, configs = args.only, args.configs
    sequential = [name for label, name in SEQUENTIAL if label in configs]
    cases = [n for n in ("1", "100") if ("single" if n == "1" else "batch") in parts]
    # The service trains missing models on first start; start it once before timing anything.
    first = table_of["service-prod-1w"]
    log(f"starting {first.name} (trains models into {models_dir} if missing)")
    first.start(work)
    try:
        if cases:
            # The in-process model and every server are measured in turns, round after round, so a
            # change in the machine's load falls on all of them alike (the ratios are the result).
            for name in sequential:
                if table_of[name].process is None:
                    table_of[name].start(work)
            calls = in_process_calls(models_dir, batch)
            # The service settles its heap once started (accord/service/heap.py); the in-process model runs
            # under the same collector settings, or the comparison would charge the model for
            # collections the service no longer makes.
            from accord.service.heap import settle_heap

            settle_heap()
            timings: dict[tuple[str, str], Timing] = {}
            for round_no in range(args.seq_rounds):
                log(f"sequential round {round_no + 1}/{args.seq_rounds}: in-process, {', '.join(sequential)}")
                warmup = 50 if round_no == 0 else 10
                for case, call in calls.items():
                    n = case.rsplit("_", 1)[1]
                    if n in cases:
                        timed(call, timings.setdefault(("in_process", case), Timing()), warmup=warmup,
                              requests=args.requests // args.seq_rounds, seconds=args.seconds / args.seq_rounds)
                for name in sequential:
                    server = table_of[name]
                    assert server.process is not None
                    for n in cases:
                        call, close = http_caller(server.port, body_1 if n == "1" else body_100)
                        limit = (args.requests if n == "1" else args.requests // 5) // args.seq_rounds
                        try:
                            probe = (lambda port=server.port: model_cpu(port)) if name == SPLIT else None
                            timed(call, timings.setdefault((name, f"predict_{n}"), Timing()), requests=limit,
                                  seconds=args.seconds / args.seq_rounds, warmup=warmup, cpu_pid=server.process.pid,
                                  model_probe=probe)
                        finally:
                            close()
            result["in_process"] = {case: t.summary() for (who, case), t in timings.items() if who == "in_process"}
            result["sequential"] = {
                name: {"startup_s": round(table_of[name].startup_s, 2),
                       **{case: t.summary() for (who, case), t in timings.items() if who == name}}
                for name in sequential}
    finally:
        for server in table_of.values():
            server.stop()

    if "batch" in parts:
        result["batch_100"] = {}
        for metric in ("median_us", "cpu_us"):
            model = result["in_process"]["predict_100"][metric]
            row: dict[str, Any] = {"model_us": model}
            for label, name in SEQUENTIAL:
                if name not in result["sequential"]:
                    continue
                framework = result["sequential"][name]["predict_100"][metric] - model
                row[f"framework_{label}_us"] = round(framework, 1)
                row[f"framework_{label}_over_model"] = round(framework / model, 2)
                row[f"target_met_{label}"] = framework < model
            result["batch_100"]["wall" if metric == "median_us" else "cpu"] = row
        split = result["sequential"].get(SPLIT, {}).get("predict_100", {})
        if "model_cpu_us" in split:
            model = split["model_cpu_us"]
            framework = split["cpu_us"] - model
            result["batch_100"]["cpu_in_server"] = {
                "model_us": model, "framework_split_us": round(framework, 1),
                "framework_split_over_model": round(framework / model, 2), "target_met_split": framework < model}

    chosen = [n.strip() for n in args.servers.split(",") if n.strip()] or [n for n in table_of if n != SPLIT]
    unknown = sorted(set(chosen) - set(table_of))
    if unknown:
        raise SystemExit(f"unknown server(s) {', '.join(unknown)}; known: {', '.join(table_of)}")
    throughput: dict[str, dict[str, Any]] = {name: {"runs": []} for name in table_of if name in chosen}
    for round_no in range(1, args.rounds + 1 if "throughput" in parts else 1):
        for name in throughput:
            server = table_of[name]
            log(f"round {round_no}: {name}")
            server.start(work)
            try:
                probe = http.client.HTTPConnection(HOST, server.port, timeout=10)
                probe.request("POST", PATH, body_1, {"Content-Type": "application/json", "X-API-Key": KEY})
                status = probe.getresponse().status
                probe.close()
                if status != 200:
                    raise SystemExit(f"{name}: the benchmark POST answered {status}, not 200")
                wrk_cpus = client_cpus if server.cpus else None  # 2-worker servers: neither is pinned
                run_wrk(server.port, script, args.warmup, wrk_cpus)
                before = loadavg()
                run = run_wrk(server.port, script, args.duration, wrk_cpus)
                throughput[name]["runs"].append({**run, "load_before": before, "load_after": loadavg(),
                                                 "startup_s": round(server.startup_s, 2)})
            finally:
                server.stop()
    if "throughput" in parts:
        means = {name: statistics.fmean(r["rps"] for r in row["runs"]) for name, row in throughput.items()}
        mock, bare = means.get(MOCK), means.get(BARE)
        for name, row in throughput.items():
            row["mean_rps"] = round(means[name], 1)
            if name != MOCK and mock:
                row["ratio_to_mock"] = round(means[name] / mock, 2)
            if name != BARE and bare:
                row["ratio_to_bare"] = round(means[name] / bare, 2)
        result["throughput"] = throughput
    result["load_end"] = loadavg()
    result["elapsed_s"] = round(time.time() - started, 1)

    full = set(parts) == set(PARTS) and set(configs) == set(CONFIGS) and set(throughput) == set(table_of) - {SPLIT}
    target = OUT / ("impl.json" if full else "impl-subset.json")
    target.write_text(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {result['machine']['nproc']} CPU ({result['machine']['cpu']}), load average "
          f"{' '.join(map(str, result['load_start']))} at start, {' '.join(map(str, result['load_end']))} at end")
    pin = result["method"]["pinned"]
    print(f"pinned: 1-worker servers on CPU {pin['servers_1w']}, wrk, client and in-process model on CPU "
          f"{pin['wrk_client_in_process']}" if pin else "not pinned (--no-pin)")
    print(table(result))
    print(f"\nwritten: {target} ({result['elapsed_s']} s)")


if __name__ == "__main__":
    main()
