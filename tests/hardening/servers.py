"""The mock and the service as users run them (`accord mock`, `accord serve`: uvicorn with
httptools), each in its own process group on a free loopback port, its log captured to a file.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
ACCORD = str(Path(sys.executable).with_name("accord"))
HOST = "127.0.0.1"
READY_TIMEOUT_S = 180.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 10.0, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class Server:
    """One server process. `argv` and `env` are what a user would type; `log` receives both streams."""

    name: str
    argv: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    ready_path: str = "/health/live"
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self, port: int | None = None) -> Server:
        self.port = port or self.port or free_port()
        argv = [a.replace("{port}", str(self.port)) for a in self.argv]
        env = {**os.environ, "ACCORD_API_KEYS_FILE": "", **self.env}
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log.read_text()[-3000:]
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{tail}")
            try:
                if get(self.port, self.ready_path, timeout=2)[0] in (200, 503):
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} not answering after {timeout:.0f} s:\n{self.log.read_text()[-3000:]}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, no shutdown of any kind (the crash the fault tests simulate)."""
        if self.alive():
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(timeout=10)  # type: ignore[union-attr]

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)  # type: ignore[union-attr]
        except subprocess.TimeoutExpired:
            self.kill()


def mock_server(log: Path, key: str, spec: Path = SPEC) -> Server:
    return Server("mock", [ACCORD, "mock", str(spec), "--port", "{port}", "--api-key", key, "--no-watch"], log)


def service(log: Path, key: str, models_dir: Path, jobs_db: Path, **env: str) -> Server:
    settings = {"ACCORD_MODELS_DIR": str(models_dir), "ACCORD_JOBS_DB": str(jobs_db), "ACCORD_API_KEYS": key, **env}
    return Server("service", [ACCORD, "serve", "--port", "{port}", "--spec", str(SPEC)], log, settings)
