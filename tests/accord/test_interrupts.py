"""Ctrl-C (SIGINT) ends `accord mock` and `accord serve` with exit code 130, as the README says,
whether SIGINT reaches them with Python's default handler (a terminal) or inherited as ignored (a
job started with `&` from a script). Real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from tests.hardening.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
PETS = ROOT / "tests" / "fixtures" / "mock-pets" / "openapi.yaml"


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stopped(args: list[str], probe: str, port: int, sig: int, preexec: Callable[[], None], cwd: Path) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    process = subprocess.Popen([sys.executable, "-c", "from accord.cli import main; main()", *args,
                                "--port", str(port)], cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, preexec_fn=preexec)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, process.communicate()[0]
            try:
                requests.get(f"http://127.0.0.1:{port}{probe}", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the server did not start within 90 s"
                time.sleep(0.2)
        process.send_signal(sig)
        output = process.communicate(timeout=30)[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert "Traceback" not in output, output
    return process.returncode


@pytest.mark.parametrize("preexec", [_default_sigint, _ignore_sigint], ids=["terminal", "background-job"])
def test_ctrl_c_ends_accord_mock_with_130(preexec: Callable[[], None], tmp_path: Path) -> None:
    assert _stopped(["mock", str(PETS)], "/pets", free_port(), signal.SIGINT, preexec, tmp_path) == 130


def test_ctrl_c_ends_accord_serve_with_130(tmp_path: Path) -> None:
    from accord.starter import init_project

    project = tmp_path / "notes"
    init_project(project)
    assert _stopped(["serve"], "/health", free_port(), signal.SIGINT, _default_sigint, project) == 130
