"""Ctrl-C during `accord test` ends the run with exit code 130, whatever was found before it:
an interrupted run is neither a pass nor a list of failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PETSTORE = ROOT / "tests" / "fixtures" / "mock-petstore" / "openapi.yaml"


def test_an_interrupted_run_exits_130(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    process = subprocess.Popen(
        [sys.executable, "-c", "from accord.cli import main; main()", "test", "--target", "mock",
         "--spec", str(PETSTORE), "--max-examples", "1000", "--no-schemathesis-config"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    seen = []
    deadline = time.monotonic() + 120
    for line in process.stdout:  # interrupt once requests are being generated
        seen.append(line)
        if line.startswith("  coverage ") or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=120)
    output = "".join(seen) + rest
    assert process.returncode == 130, output[-3000:]
    assert "PASSED" not in output and "FAILED" not in output
