"""The mock's speed (mock/), side by side in one run with Prism 5.16 and a bare ASGI app, loopback only.

Contracts (bench/mock_contracts.py), each measured in turn: `ours` (spec/openapi.yaml), `petstore`
(bench/contracts/petstore.yaml, written for the bench) and `ml-excerpt` (another model-serving
contract, ../shared/reference/ml_serving_excerpt.openapi.yaml, when present). For each, servers run
one at a time, each on a free port on 127.0.0.1, all serving the SAME document (bundled to one JSON
file by `accord bundle`, so Prism gets a single file):
  - prism-quiet      `prism mock -v error`            (the anchor for GET and POSTs)
  - prism-dyn-quiet  `prism mock -d -v error`         (the anchor for dynamic mode)
  - accord           `accord mock --port N`           (one process, uvicorn, one worker)
  - accord-dynamic   `accord mock --dynamic --port N`
  - bare-asgi        a raw ASGI callable answering fixed bytes (accord's answer to the GET) under
                     uvicorn, 1 worker, uvloop and httptools, no access log: what any ASGI app pays
                     for HTTP, with no routing, no validation, 200 to everything. accord runs under
                     the same uvicorn and loop, with its own protocol class (mock/protocol.py), which
                     answers most requests without going through ASGI
  - on request (--servers): prism-info and prism-dyn-info, Prism with its default logging (info)

Scenarios (X-API-Key on all): a GET answered from the document, a valid POST, an invalid POST that
rotates 24 different bodies (a wrk Lua script; each breaks four rules: a wrong type, a missing
required property, a number over its maximum, an unexpected property, at places and with names that
change from body to body, so no two requests share their violations), a GET of a templated path
whose id changes with every request (`get_ids`: /pets/{n}, n from 1 to 100,000, more paths than the
mock remembers anything for); dynamic GET, valid POST and templated GET for the dynamic servers.
Each server's statuses are probed first (urllib; every invalid body once, a few rotated paths);
then, per scenario, `wrk -t1 -c32 -d15s --latency` after a 3 s warm-up that is discarded, each
wrapped in `timeout`. Scenario-major within a contract: for each scenario, every server that has it is
started, probed, measured and stopped in turn, so the runs behind a ratio are close in time.

Pinning (`--pin 0:1`, the default): each server, with all its threads, runs on CPU 0 and wrk on CPU 1
(taskset), so the load generator never takes the core of the server it measures: one core per server,
as the targets are stated. Besides req/s, the server's CPU time per request (utime + stime of its
process tree over the measured run, from /proc) is reported: it does not depend on the share of the
machine the server got, so its ratio is the steadier one on a shared machine.

Start-up on GitHub's REST description (@octokit/openapi, ~13 MB, via tests/corpus.py): spawn until
the first answer to GET /meta (polled every POLL_S = 10 ms, bounded), and peak RSS (VmHWM of the process tree)
at that moment and once it has stopped growing (requests go on meanwhile); Prism (default logging
and -v error) and accord alternately, twice.

    .venv/bin/python bench/bench_mock.py [--duration 15] [--warmup 3] [--startup-runs 2] [--contracts ours,petstore]
    .venv/bin/python bench/bench_mock.py --servers accord,prism-quiet --no-startup   # a quick subset

Prism 5.16.0 is installed with npm into bench/.cache/prism (git-ignored) when missing; `wrk`
with apt-get when missing and running as root. Output: bench/out/mock.json (a subset run:
bench/out/mock-subset.json) and tables with the ratios and met / not met per target on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.mock_contracts import (  # noqa: E402
    CONTRACTS,
    ITEM_IDS,
    Contract,
    invalid_bodies,
    request_schema,
    valid_body,
)
from bench.wrk import HOST, ensure_wrk, free_port, loadavg, log, stop_group  # noqa: E402 - after sys.path
from bench.wrk import run_wrk as _wrk  # noqa: E402

OUT = ROOT / "bench" / "out"
CACHE = ROOT / "bench" / ".cache"
PRISM_DIR = CACHE / "prism"
PRISM_PACKAGE = "@stoplight/prism-cli@5.16.0"
PRISM = PRISM_DIR / "node_modules" / ".bin" / "prism"
WORK = CACHE / "mock-bench"
KEY = "accord-dev-key"
READY_PATH = "/health/live"  # no security on it: every server answers it without a key
READY_TIMEOUT_S = 60.0
#: How often a starting server is asked whether it answers: fine enough that the poll does not round a
#: start-up of a few tenths of a second up to the next tenth (it did at 0.1 s), cheap for the server.
POLL_S = 0.01
STARTUP_TIMEOUT_S = 120.0

DEFAULT_SERVERS = ("prism-quiet", "accord", "bare-asgi", "prism-dyn-quiet", "accord-dynamic")


# ---------------------------------------------------------------------------------------------
# Machine and tools


def _tool_version(argv: list[str]) -> str:
    try:
        result = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0].split(" [")[0] if lines else "?"


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "",
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "wrk": _tool_version(["wrk", "-v"]),
        "node": _tool_version(["node", "-v"]),
        "prism": _tool_version([str(PRISM), "--version"]),
        **{name: version(name) for name in ("uvicorn", "uvloop", "httptools", "orjson", "jsonschema-rs")},
    }


def ensure_prism() -> None:
    """Prism 5.16.0 in bench/.cache/prism (its own package.json, apart from other tools in the cache)."""
    if PRISM.exists() and _tool_version([str(PRISM), "--version"]) == "5.16.0":
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not installed: it is needed to install Prism (Debian package `npm`)")
    PRISM_DIR.mkdir(parents=True, exist_ok=True)
    if not (PRISM_DIR / "package.json").exists():
        (PRISM_DIR / "package.json").write_text('{"private": true}\n')
    log(f"installing {PRISM_PACKAGE} into {PRISM_DIR.relative_to(ROOT)} (npm)")
    result = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", PRISM_PACKAGE],
        cwd=PRISM_DIR,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0 or not PRISM.exists():
        raise SystemExit(f"npm could not install {PRISM_PACKAGE}: {result.stderr.strip()[-500:]}")


def bundled_spec(accord: str, source: Path, name: str) -> Path:
    """The contract as one JSON file, written by `accord bundle` (Prism gets a single file)."""
    target = WORK / f"{name}.json"
    result = subprocess.run(
        [accord, "bundle", str(source), "-o", str(target)],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise SystemExit(f"accord bundle failed ({result.returncode}): {result.stderr.strip()[:500]}")
    return target


def tree_state() -> dict[str, Any]:
    """The commit measured and any uncommitted change under mock/ (the mock runs from the working tree)."""

    def git(*argv: str) -> str:
        result = subprocess.run(["git", *argv], cwd=ROOT, check=False, capture_output=True, text=True, timeout=30)
        return result.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "mock_last_commit": git("log", "-1", "--format=%h", "--", "mock"),
        "uncommitted_in_mock": git("status", "--porcelain", "--", "mock").splitlines(),
    }


def request(
    port: int, method: str, path: str, body: bytes | None = None, timeout: float = 10.0, accept: str = "*/*"
) -> tuple[int, dict[str, str], bytes]:
    """One request with the key (and JSON content type for a body); (status, headers, body)."""
    headers = {"X-API-Key": KEY, "Accept": accept}
    if body is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(f"http://{HOST}:{port}{path}", data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


# ---------------------------------------------------------------------------------------------
# Servers


@dataclass(slots=True)
class Server:
    name: str
    argv: list[str]
    scenarios: tuple[str, ...]
    dynamic: bool = False
    process: subprocess.Popen[bytes] | None = None
    port: int = 0
    startup_s: float = 0.0

    def start(
        self,
        logs: Path,
        ready_path: str = READY_PATH,
        timeout: float = READY_TIMEOUT_S,
        spec: Path | None = None,
        cpus: str | None = None,
        bare: Path | None = None,
    ) -> None:
        """Spawn and poll `ready_path` every POLL_S until it answers (any status); start-up = that time.
        `cpus` pins the server and everything it starts (all its threads) to those CPUs."""
        self.port = free_port()
        fill = {"{port}": str(self.port), "{spec}": str(spec or ""), "{bare}": str(bare or "")}
        argv = [fill.get(a, a) for a in self.argv]
        if cpus:
            argv = ["taskset", "-c", cpus, *argv]
        log_file = logs / f"{self.name}.log"
        started = time.perf_counter()
        with log_file.open("ab") as out:
            # Own session, so stop() ends exactly this server and anything it forked.
            self.process = subprocess.Popen(
                argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.process.returncode}; see {log_file}")
            try:
                request(self.port, "GET", ready_path, timeout=2)
                self.startup_s = time.perf_counter() - started
                return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(POLL_S)
        self.stop()
        raise SystemExit(f"{self.name} did not answer {ready_path} within {timeout:.0f} s; see {log_file}")

    def stop(self) -> None:
        stop_group(self.process)


STATIC = ("get", "post_valid", "post_invalid", "get_ids")
DYNAMIC = ("dyn_get", "dyn_post", "dyn_get_ids")


def servers(python: str, accord: str) -> dict[str, Server]:
    prism = [str(PRISM), "mock", "-h", HOST, "-p", "{port}"]
    return {
        "prism-quiet": Server("prism-quiet", [*prism, "-v", "error", "{spec}"], STATIC),
        "prism-info": Server("prism-info", [*prism, "{spec}"], STATIC),
        "prism-dyn-quiet": Server("prism-dyn-quiet", [*prism, "-d", "-v", "error", "{spec}"], DYNAMIC, dynamic=True),
        "prism-dyn-info": Server("prism-dyn-info", [*prism, "-d", "{spec}"], DYNAMIC, dynamic=True),
        "accord": Server("accord", [accord, "mock", "{spec}", "--port", "{port}"], STATIC),
        "accord-dynamic": Server(
            "accord-dynamic", [accord, "mock", "{spec}", "--dynamic", "--port", "{port}"], DYNAMIC, dynamic=True
        ),
        "bare-asgi": Server("bare-asgi", [python, __file__, "--serve-bare", "{bare}", "--port", "{port}"], STATIC),
    }


def accord_get_answer(spec: Path, path: str) -> bytes:
    """accord's answer to the contract's GET (in-process, no socket): the bytes the bare app serves."""
    from accord.mock.app import create_app

    app = create_app(spec)
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"127.0.0.1"), (b"x-api-key", KEY.encode())]}
    start, body = app.answer_now(scope, b"")
    if start["status"] != 200:
        raise SystemExit(f"accord answers {start['status']} to GET {path}: {body['body'][:300]!r}")
    return bytes(body["body"])


def serve_bare(payload_file: Path, port: int) -> None:
    """A raw ASGI callable: reads the body, answers fixed bytes (accord's GET answer) with 200."""
    import uvicorn

    payload = payload_file.read_bytes()
    start = {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
    }
    body = {"type": "http.response.body", "body": payload}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        await send(start)
        await send(body)

    uvicorn.run(
        app,
        host=HOST,
        port=port,
        workers=1,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        lifespan="off",
    )


# ---------------------------------------------------------------------------------------------
# Scenarios


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    method: str
    path: str  # with `ids`: a template, `{n}` standing for the id (mock_contracts.Contract.item_path)
    bodies: tuple[bytes, ...]  # sent in turn (empty: no body)
    expected: frozenset[int]  # statuses a correct mock answers (bare: 200 to everything)
    contract: str = "ours"
    ids: int = 0  # the path's id goes from 1 to `ids`, one per request, then again (0: one fixed path)

    @property
    def payload(self) -> bytes | None:
        return self.bodies[0] if self.bodies else None

    def target(self, index: int = 0) -> str:
        """The path of the scenario's request number `index` (from 0)."""
        return self.path.format(n=index % self.ids + 1) if self.ids else self.path

    def samples(self) -> tuple[str, ...]:
        """A few of its paths (spread over the rotation), for probes."""
        return tuple(self.target(i) for i in range(0, self.ids, max(1, self.ids // 8))) if self.ids else (self.path,)


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def scenarios(contract: Contract, document: dict[str, Any]) -> dict[str, Scenario]:
    """The seven scenarios of a contract (its bundled document): its GET, a valid POST, the rotated
    invalid POSTs, a GET of a templated path whose id changes with every request, and the GETs and
    valid POST again for the dynamic servers."""
    valid = valid_body(contract, document)
    invalid = invalid_bodies(document, request_schema(document, contract.post_path), valid)
    get, post, name = contract.get_path, contract.post_path, contract.name
    created = frozenset(int(k) for k in document["paths"][post]["post"]["responses"] if k.startswith("2"))
    return {
        "get": Scenario("get", "GET", get, (), frozenset({200}), name),
        "post_valid": Scenario("post_valid", "POST", post, (_json(valid),), created, name),
        "post_invalid": Scenario("post_invalid", "POST", post, tuple(_json(b) for b in invalid),
                                 frozenset({400, 422}), name),
        "get_ids": Scenario("get_ids", "GET", contract.item_path, (), frozenset({200}), name, ITEM_IDS),
        "dyn_get": Scenario("dyn_get", "GET", get, (), frozenset({200}), name),
        "dyn_post": Scenario("dyn_post", "POST", post, (_json(valid),), created, name),
        "dyn_get_ids": Scenario("dyn_get_ids", "GET", contract.item_path, (), frozenset({200}), name, ITEM_IDS),
    }


SCENARIO_NAMES = ("get", "post_valid", "post_invalid", "get_ids", "dyn_get", "dyn_post", "dyn_get_ids")


def lua_script(scenario: Scenario) -> Path:
    """The wrk script of a scenario (method, bodies, headers), written into bench/.cache/mock-bench.
    Several bodies are formatted once and sent in turn, one per request."""
    lines = [f'wrk.method = "{scenario.method}"', f'wrk.headers["X-API-Key"] = "{KEY}"']
    if scenario.bodies:
        lines.append('wrk.headers["Content-Type"] = "application/json"')
    if len(scenario.bodies) == 1:
        lines.append(f"wrk.body = {json.dumps(scenario.bodies[0].decode())}")
    elif scenario.bodies:
        lines += [
            "local bodies = {",
            *(f"  {json.dumps(b.decode())}," for b in scenario.bodies),
            "}",
            "local requests = {}",
            "local turn = 0",
            "init = function(args)",
            "  for i, body in ipairs(bodies) do",
            "    requests[i] = wrk.format(nil, nil, nil, body)",
            "  end",
            "end",
            "request = function()",
            "  turn = turn % #requests + 1",
            "  return requests[turn]",
            "end",
        ]
    if scenario.ids:  # a path per request, the id rotated over `ids` values (formatted once, in init)
        lines += [
            "local requests = {}",
            "local turn = 0",
            "init = function(args)",
            f"  for n = 1, {scenario.ids} do",
            f"    requests[n] = wrk.format(nil, string.format({json.dumps(lua_format(scenario.path))}, n))",
            "  end",
            "end",
            "request = function()",
            f"  turn = turn % {scenario.ids} + 1",
            "  return requests[turn]",
            "end",
        ]
    target = WORK / f"{scenario.contract}-{scenario.name}.lua"
    target.write_text("\n".join(lines) + "\n")
    return target


def lua_format(template: str) -> str:
    """A path template's `{n}` / `{n:010d}` as Lua's string.format writes it (`%d` / `%010d`)."""
    return re.sub(r"\{n(?::([^}]*))?\}", lambda m: "%" + (m.group(1) or "d"), template.replace("%", "%%"))


def probe(server: Server, scenario: Scenario) -> dict[str, Any]:
    """The scenario's statuses before measuring (every body once, a few of its rotated paths); a
    dynamic server must vary its bodies."""
    name = scenario.name
    expected = {200} if server.name == "bare-asgi" else scenario.expected
    statuses: set[int] = set()
    for path in scenario.samples():
        for payload in scenario.bodies or (None,):
            status, headers, body = request(server.port, scenario.method, path, payload)
            if status not in expected:
                raise SystemExit(
                    f"{server.name} {scenario.contract} {name}: {scenario.method} {path} answered {status}, "
                    f"expected {sorted(expected)}: {body[:300]!r} (request body {(payload or b'')[:300]!r})"
                )
            statuses.add(status)
    status = min(statuses)
    found: dict[str, Any] = {"status": status, "content_type": headers.get("content-type", ""), "bytes": len(body),
                             "bodies_sent": len(scenario.bodies)}
    if scenario.ids:
        found["paths_rotated"] = scenario.ids
    if server.dynamic:
        bodies = {request(server.port, scenario.method, scenario.target(), scenario.payload)[2] for _ in range(3)}
        if len(bodies | {body}) == 1:
            raise SystemExit(f"{server.name} {scenario.contract} {name}: four identical bodies; is dynamic mode on?")
        found["varies"] = True
    return found




def run_wrk(port: int, scenario: Scenario, duration: float, cpus: str | None = None) -> dict[str, Any]:
    """One wrk run of the scenario against a server on `port`."""
    return _wrk(f"http://{HOST}:{port}{scenario.target()}", lua_script(scenario), duration, cpus=cpus)


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process tree (all threads), from /proc/<pid>/stat."""
    total = 0
    for member in _tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / _TICK


# ---------------------------------------------------------------------------------------------
# Start-up on a large document


def _tree(pid: int) -> list[int]:
    """pid and its descendants (from /proc/<pid>/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def peak_rss_mb(pid: int) -> float:
    """Sum over the process tree of VmHWM (each process's peak resident set), in MB."""
    total = 0
    for member in _tree(pid):
        try:
            text = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", text, re.MULTILINE)
        total += int(match.group(1)) if match else 0
    return round(total / 1024, 1)


SETTLE_MAX_S = 60.0
GITHUB_PATHS = ("/meta", "/zen", "/rate_limit", "/repos/octocat/hello-world", "/issues", "/nonexistent-path")


def startup(server: Server, document: Path, logs: Path, settle: float) -> dict[str, Any]:
    """Spawn until the first answer to GET /meta; VmHWM then, and once it has stopped growing.

    Servers may keep preparing after their first answer (accord's mock compiles the operations of a
    large document in the background), so requests go on (a few paths, every 0.5 s) until the peak
    has not grown for `settle` seconds, at most SETTLE_MAX_S after the first answer.
    """
    server.start(logs, "/meta", STARTUP_TIMEOUT_S, spec=document)
    assert server.process is not None
    pid = server.process.pid
    try:
        first = peak = peak_rss_mb(pid)
        statuses: dict[str, int] = {}
        began = changed = time.perf_counter()
        while time.perf_counter() - changed < settle and time.perf_counter() - began < SETTLE_MAX_S:
            for path in GITHUB_PATHS:
                statuses[path] = request(server.port, "GET", path, timeout=30)[0]
            time.sleep(0.5)
            now = peak_rss_mb(pid)
            if now > peak:
                peak, changed = now, time.perf_counter()
        return {
            "startup_s": round(server.startup_s, 2),
            "peak_rss_mb_at_first_answer": first,
            "peak_rss_mb_after_settle": peak,
            "peak_stable_after_s": round(changed - began, 1),
            "statuses": statuses,
        }
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# Report


TARGETS = (  # (name, measured server, anchor server, scenarios, minimum ratio) — issue 20's targets
    ("GET with an example ≥ 6× Prism quiet", "accord", "prism-quiet", ("get",), 6.0),
    ("GET with an example ≥ 70% of the bare ASGI app", "accord", "bare-asgi", ("get",), 0.70),
    ("valid POST ≥ 6× Prism quiet", "accord", "prism-quiet", ("post_valid",), 6.0),
    ("invalid POST (24 bodies rotated) ≥ 5× Prism quiet", "accord", "prism-quiet", ("post_invalid",), 5.0),
    (f"GET of a templated path ({ITEM_IDS:,} ids rotated) ≥ 6× Prism quiet", "accord", "prism-quiet", ("get_ids",),
     6.0),
    ("dynamic GET and POST ≥ 10× Prism -d quiet", "accord-dynamic", "prism-dyn-quiet", DYNAMIC, 10.0),
    ("dynamic GET and POST ≥ 10× Prism -d info (as baseline.md)", "accord-dynamic", "prism-dyn-info", DYNAMIC, 10.0),
)
#: The request shape of the bare app that a scenario is compared with (it has no dynamic mode).
BARE_SHAPE = {"get": "get", "post_valid": "post_valid", "post_invalid": "post_invalid", "get_ids": "get",
              "dyn_get": "get", "dyn_post": "post_valid", "dyn_get_ids": "get"}


def throughput_targets(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    verdicts = []
    for name, measured, anchor, scenarios_of, minimum in TARGETS:
        if measured not in rows or anchor not in rows:
            continue
        shape = BARE_SHAPE if anchor == "bare-asgi" else {s: s for s in scenarios_of}
        pairs = [(s, shape[s]) for s in scenarios_of if s in rows[measured] and shape[s] in rows[anchor]]
        ratios = {s: round(rows[measured][s]["rps"] / rows[anchor][a]["rps"], 2) for s, a in pairs
                  if rows[anchor][a]["rps"]}
        # Server CPU per request, anchor ÷ measured: what each costs, whatever share of the machine it got.
        cpu_ratios = {
            s: round(rows[anchor][a]["cpu_us_per_request"] / rows[measured][s]["cpu_us_per_request"], 2)
            for s, a in pairs
            if rows[measured][s].get("cpu_us_per_request")
        }
        verdicts.append(
            {
                "target": name,
                "ratios": ratios,
                "cpu_ratios": cpu_ratios,
                "minimum": minimum,
                "met": bool(ratios) and all(r >= minimum for r in ratios.values()),
                "met_in_cpu": bool(cpu_ratios) and all(r >= minimum for r in cpu_ratios.values()),
            }
        )
    return verdicts


def startup_targets(runs: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """accord's mean start-up < 1/4 of Prism's and its highest peak RSS below Prism's (baseline.md), and
    ≥ 20 times faster than Prism quiet (issue 20), per Prism logging."""
    mean = {name: statistics.fmean(r["startup_s"] for r in rs) for name, rs in runs.items() if rs}
    peak = {name: max(r["peak_rss_mb_after_settle"] for r in rs) for name, rs in runs.items() if rs}
    verdicts = []
    for anchor, label in (("prism-info", "default logging, as baseline.md"), ("prism-quiet", "-v error")):
        if "accord" not in mean or anchor not in mean:
            continue
        ratio = mean["accord"] / mean[anchor]
        verdicts.append(
            {
                "target": f"start-up on GitHub < 1/4 of Prism's ({label}), with less memory",
                "time_ratio": round(ratio, 3),
                "memory_ratio": round(peak["accord"] / peak[anchor], 2),
                "mean_startup_s": {k: round(v, 2) for k, v in mean.items()},
                "peak_rss_mb": peak,
                "met": ratio < 0.25 and peak["accord"] < peak[anchor],
            }
        )
    if "accord" in mean and "prism-quiet" in mean:
        times = mean["prism-quiet"] / mean["accord"]
        verdicts.append({"target": "start-up on GitHub ≥ 20× faster than Prism (-v error), issue 20",
                         "times_faster": round(times, 1), "met": times >= 20})
    return verdicts


def throughput_table(rows: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        f"{'server':<17}{'scenario':<14}{'req/s':>9}{'CPU µs/req':>11}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'non-2xx/total':>17}{'status':>8}{'sock err':>9}{'÷ anchor':>10}{'÷ bare':>8}{'load':>6}",
    ]
    bare = rows.get("bare-asgi", {})
    for name, row in rows.items():
        anchor = rows.get("prism-dyn-quiet" if name.startswith(("accord-dyn", "prism-dyn")) else "prism-quiet", {})
        for scenario in (s for s in SCENARIO_NAMES if s in row):
            run = row[scenario]
            ratio = f"{run['rps'] / anchor[scenario]['rps']:.2f}" if scenario in anchor else "-"
            limit = BARE_SHAPE[scenario]
            of_bare = f"{run['rps'] / bare[limit]['rps']:.2f}" if limit in bare else "-"
            status = row["probe"][scenario]["status"]
            errors = sum(int(n) for n in re.findall(r"\d+", run["socket_errors"]))  # connect, read, write, timeout
            lines.append(
                f"{name:<17}{scenario:<14}{run['rps']:>9.0f}{run['cpu_us_per_request']:>11.0f}"
                f"{run['p50_ms']:>9.2f}{run['p99_ms']:>9.1f}"
                f"{run['non_2xx']:>9}/{run['requests']:<7}{status:>8}{errors:>9}{ratio:>10}{of_bare:>8}"
                f"{run['load_before'][0]:>6.1f}"
            )
    return lines


def verdict_lines(verdicts: list[dict[str, Any]]) -> list[str]:
    lines = []
    for verdict in verdicts:
        if "ratios" in verdict:
            shown = ", ".join(f"{s} {r:.2f}×" for s, r in verdict["ratios"].items())
            shown += "; server CPU per request, anchor ÷ accord: " + ", ".join(
                f"{s} {r:.2f}×" for s, r in verdict["cpu_ratios"].items()
            )
        elif "times_faster" in verdict:
            shown = f"{verdict['times_faster']:.1f}× faster"
        else:
            shown = f"time {verdict['time_ratio']:.3f} of Prism's, memory {verdict['memory_ratio']:.2f} of Prism's"
        lines.append(f"  {'met    ' if verdict['met'] else 'NOT met'}  {verdict['target']}: {shown}")
    return lines


def summary_table(contracts: dict[str, Any]) -> list[str]:
    """accord ÷ anchor per scenario and contract, side by side: req/s ratio (CPU-per-request ratio)."""
    names = list(contracts)
    lines = ["Ratios per contract: req/s ratio (ratio of server CPU per request)",
             f"{'':<34}" + "".join(f"{n:>22}" for n in names)]
    rowspec = (("GET ÷ Prism quiet", "accord", "prism-quiet", "get"),
               ("GET ÷ bare ASGI", "accord", "bare-asgi", "get"),
               ("valid POST ÷ Prism quiet", "accord", "prism-quiet", "post_valid"),
               ("invalid POST ÷ Prism quiet", "accord", "prism-quiet", "post_invalid"),
               ("invalid POST ÷ bare ASGI", "accord", "bare-asgi", "post_invalid"),
               ("GET, ids rotated ÷ Prism quiet", "accord", "prism-quiet", "get_ids"),
               ("dynamic GET ÷ Prism -d quiet", "accord-dynamic", "prism-dyn-quiet", "dyn_get"),
               ("dynamic POST ÷ Prism -d quiet", "accord-dynamic", "prism-dyn-quiet", "dyn_post"),
               ("dyn. GET, ids rotated ÷ Prism -d", "accord-dynamic", "prism-dyn-quiet", "dyn_get_ids"))
    for label, measured, anchor, scenario in rowspec:
        cells = []
        for name in names:
            rows = contracts[name]["throughput"]
            shape = BARE_SHAPE[scenario] if anchor == "bare-asgi" else scenario
            try:
                m, a = rows[measured][scenario], rows[anchor][shape]
                cells.append(f"{m['rps'] / a['rps']:.2f}× ({a['cpu_us_per_request'] / m['cpu_us_per_request']:.2f}×)")
            except (KeyError, ZeroDivisionError):
                cells.append("-")
        lines.append(f"{label:<34}" + "".join(f"{c:>22}" for c in cells))
    return lines


def table(result: dict[str, Any]) -> str:
    lines: list[str] = []
    for name, contract in result.get("contracts", {}).items():
        lines += [f"== {name}: {contract['about']}",
                  "Throughput (wrk -t1 -c32 --latency, after a discarded warm-up; one server at a time)",
                  *throughput_table(contract["throughput"]), "", "Targets", *verdict_lines(contract["targets"]), ""]
    if len(result.get("contracts", {})) > 1:
        lines += [*summary_table(result["contracts"]), ""]
    start = result.get("startup")
    if start:
        lines += [
            "Start-up on GitHub's REST description (spawn until the first GET /meta answer; peak RSS = "
            "VmHWM of the process tree)",
            f"{'server':<17}{'start-up s':>16}{'peak MB at first answer':>26}{'peak MB after settle':>24}",
        ]
        for name, runs in start["runs"].items():
            times = " / ".join(f"{r['startup_s']:.2f}" for r in runs)
            first = " / ".join(f"{r['peak_rss_mb_at_first_answer']:.0f}" for r in runs)
            settled = " / ".join(f"{r['peak_rss_mb_after_settle']:.0f}" for r in runs)
            lines.append(f"{name:<17}{times:>16}{first:>26}{settled:>24}")
        lines += ["", "Targets", *verdict_lines(result.get("startup_targets", []))]
    return "\n".join(lines)


def _pinning(text: str) -> tuple[str | None, str | None]:
    """`--pin SERVER:WRK` → the taskset CPU lists (None, None without pinning)."""
    if not text:
        return None, None
    server, sep, wrk = text.partition(":")
    if not sep or not server or not wrk:
        raise SystemExit(f"--pin wants SERVER_CPUS:WRK_CPUS (e.g. 0:1), not {text!r}")
    if shutil.which("taskset") is None:
        raise SystemExit("--pin needs taskset (Debian package util-linux); or pass --pin ''")
    return server, wrk


def _names(text: str, known: dict[str, Any], default: tuple[str, ...], what: str = "server") -> list[str]:
    chosen = [n.strip() for n in text.split(",") if n.strip()] or list(default)
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        raise SystemExit(f"unknown {what}(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return chosen


def measure_contract(
    contract: Contract, accord: str, table_of: dict[str, Server], chosen: list[str], logs: Path,
    args: argparse.Namespace, server_cpus: str | None, wrk_cpus: str | None,
) -> dict[str, Any]:
    """Every scenario of one contract on every chosen server, scenario-major."""
    spec = bundled_spec(accord, contract.source, contract.name)
    document = json.loads(spec.read_text())
    of_contract = scenarios(contract, document)
    bare = WORK / f"{contract.name}-bare.bin"
    bare.write_bytes(accord_get_answer(spec, contract.get_path))
    log(f"== {contract.name}: {contract.about}")
    # Scenario-major: the servers of one scenario are measured back to back, so each ratio compares
    # runs a minute or two apart. A server is started for each scenario and stopped after it.
    rows: dict[str, dict[str, Any]] = {name: {"probe": {}, "startup_s": []} for name in chosen}
    try:
        for scenario_name, scenario in of_contract.items():
            for name in chosen:
                server = table_of[name]
                if scenario_name not in server.scenarios:
                    continue
                server.start(logs, spec=spec, cpus=server_cpus, bare=bare)
                try:
                    rows[name]["startup_s"].append(round(server.startup_s, 2))
                    rows[name]["probe"][scenario_name] = probe(server, scenario)
                    run_wrk(server.port, scenario, args.warmup, wrk_cpus)
                    assert server.process is not None
                    before, cpu_before = loadavg(), cpu_seconds(server.process.pid)
                    run = run_wrk(server.port, scenario, args.duration, wrk_cpus)
                    cpu = cpu_seconds(server.process.pid) - cpu_before
                    run["cpu_us_per_request"] = round(cpu / run["requests"] * 1e6, 1)
                    rows[name][scenario_name] = {**run, "load_before": before, "load_after": loadavg()}
                    log(
                        f"{contract.name:<11} {scenario_name:<13} {name:<16} {run['rps']:>7.0f} req/s, "
                        f"{run['cpu_us_per_request']:.0f} µs server CPU/request, p50 {run['p50_ms']} ms, "
                        f"non-2xx {run['non_2xx']}/{run['requests']}, status {rows[name]['probe'][scenario_name]}, "
                        f"load {before[0]:.2f}, started in {server.startup_s:.2f} s"
                    )
                finally:
                    server.stop()
    finally:
        for server in table_of.values():
            server.stop()
    return {
        "about": contract.about,
        "document": f"{contract.source} bundled by `accord bundle`",
        "paths": {"get": contract.get_path, "post": contract.post_path, "get_ids": contract.item_path},
        "invalid_bodies": [b.decode() for b in of_contract["post_invalid"].bodies],
        "throughput": rows,
        "targets": throughput_targets(rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=15.0, help="wrk seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3.0, help="wrk warm-up seconds (discarded)")
    parser.add_argument("--servers", default="", help="comma-separated throughput servers (default: "
                        + ",".join(DEFAULT_SERVERS) + "; also prism-info, prism-dyn-info)")
    parser.add_argument("--contracts", default="", help="comma-separated contracts (default: all available: "
                        + ",".join(CONTRACTS) + ")")
    parser.add_argument("--startup-runs", type=int, default=2, help="start-up runs per server on GitHub's document")
    parser.add_argument(
        "--settle",
        type=float,
        default=3.0,
        help="seconds without growth of the peak RSS that end the start-up measurement",
    )
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up measurement")
    parser.add_argument(
        "--pin",
        default="0:1",
        help="SERVER_CPUS:WRK_CPUS for taskset -c during the throughput runs, so wrk never takes the "
        "server's core ('' = no pinning); default 0:1 (one core per server, as the targets are stated)",
    )
    parser.add_argument("--serve-bare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare, args.port)
        return

    server_cpus, wrk_cpus = _pinning(args.pin)
    ensure_wrk()
    ensure_prism()
    OUT.mkdir(parents=True, exist_ok=True)
    WORK.mkdir(parents=True, exist_ok=True)
    logs = WORK / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir()
    python = sys.executable
    accord = str(Path(python).with_name("accord"))
    table_of = servers(python, accord)
    chosen = _names(args.servers, table_of, DEFAULT_SERVERS)
    available = tuple(name for name, c in CONTRACTS.items() if c.available)
    contracts = _names(args.contracts, CONTRACTS, available, "contract")
    for name in contracts:
        if not CONTRACTS[name].available:
            raise SystemExit(f"contract {name}: {CONTRACTS[name].source} does not exist")
    for name in sorted(set(CONTRACTS) - set(available)):
        log(f"contract {name} left out: {CONTRACTS[name].source} does not exist")
    started = time.time()
    result: dict[str, Any] = {
        "machine": machine(),
        "tree": tree_state(),
        "load_start": loadavg(),
        "method": {
            "wrk": f"-t1 -c32 -d{round(args.duration)}s --latency after a {args.warmup:g} s warm-up (discarded)",
            "servers": "one at a time",
            "pinning": {"server": server_cpus, "wrk": wrk_cpus},
            "startup_runs": args.startup_runs,
        },
        "contracts": {},
    }
    log(f"load average at start: {result['load_start']}")
    for name in contracts:
        result["contracts"][name] = measure_contract(
            CONTRACTS[name], accord, table_of, chosen, logs, args, server_cpus, wrk_cpus)

    if not args.no_startup and args.startup_runs > 0:
        from tests.corpus import document

        github = document("github")
        # accord as installed: an installed package carries its bytecode (a wheel is compiled at install,
        # `make install` runs compileall); with PYTHONDONTWRITEBYTECODE, code edited since would be
        # compiled again at every start and measured as start-up.
        subprocess.run([python, "-m", "compileall", "-q", "accord", "mock"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        log(f"start-up on {github.relative_to(ROOT)} ({github.stat().st_size / 1e6:.1f} MB)")
        runs: dict[str, list[dict[str, Any]]] = {"prism-info": [], "prism-quiet": [], "accord": []}
        for round_no in range(args.startup_runs):
            for name in runs:
                before = loadavg()
                record = {**startup(table_of[name], github, logs, args.settle), "load_before": before}
                runs[name].append(record)
                log(
                    f"  {name} #{round_no + 1}: {record['startup_s']} s, peak {record['peak_rss_mb_after_settle']} MB,"
                    f" statuses {record['statuses']}"
                )
        result["startup"] = {"document": f"{github.relative_to(ROOT)} (@octokit/openapi 23.0.2)", "runs": runs}
        result["startup_targets"] = startup_targets(runs)

    result["load_end"] = loadavg()
    result["elapsed_s"] = round(time.time() - started, 1)
    full = set(chosen) >= set(DEFAULT_SERVERS) and set(contracts) == set(available) and "startup" in result
    target = OUT / ("mock.json" if full else "mock-subset.json")
    target.write_text(json.dumps(result, indent=2))
    m = result["machine"]
    print(
        f"machine: {m['nproc']} CPU ({m['cpu']}); Prism {m['prism']}, node {m['node']}, {m['wrk']}, "
        f"Python {m['python']}, uvicorn {m['uvicorn']}"
    )
    print(
        f"load average {' '.join(map(str, result['load_start']))} at start, "
        f"{' '.join(map(str, result['load_end']))} at end\n"
    )
    print(table(result))
    print(f"\nwritten: {target.relative_to(ROOT)} ({result['elapsed_s']} s)")


if __name__ == "__main__":
    main()
