"""What the side-by-side benchmarks share: wrk (installed on demand, run, parsed), free ports,
the load average and a stderr log. Loopback only; every wrk run is wrapped in `timeout`."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def ensure_wrk() -> None:
    """wrk from Debian's package, installed with apt-get when missing and running as root."""
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        raise SystemExit("wrk is not installed and this is not root: run `sudo apt-get install -y wrk` first")
    log("installing wrk (apt-get install -y wrk)")
    if subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True, check=False)
        subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, check=False)
    if not shutil.which("wrk"):
        raise SystemExit("apt-get could not install wrk; install it (Debian package `wrk`) and run again")


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict[str, Any]:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    latency = {p: _ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)[ \t]*$", output, re.MULTILINE)}
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "requests": int(total.group(1)) if total else 0,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
    }


def pinned(argv: list[str], cpus: str | None) -> list[str]:
    """`argv` run on these CPUs only (`taskset -c`), or unchanged when `cpus` is None."""
    return ["taskset", "-c", cpus, *argv] if cpus else argv


def run_wrk(url: str, script: Path, duration: float, *, cpus: str | None = None) -> dict[str, Any]:
    """`wrk -t1 -c32 --latency` for `duration` seconds with a Lua script, bounded by `timeout`,
    pinned to `cpus` when given."""
    argv = ["timeout", str(int(duration + 15)),
            *pinned(["wrk", "-t1", "-c32", f"-d{max(1, round(duration))}s", "--latency", "-s", str(script), url],
                    cpus)]
    result = subprocess.run(argv, check=False, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"wrk failed ({result.returncode}): {result.stderr.strip()[:300]}")
    parsed = parse_wrk(result.stdout)
    if parsed["p50_ms"] is None or parsed["p99_ms"] is None or not parsed["requests"]:
        raise SystemExit(f"could not read wrk's output:\n{result.stdout}")
    return parsed


def stop_group(process: subprocess.Popen[bytes] | None) -> None:
    """Stop a server started in its own process group: TERM, then KILL after 15 s."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
