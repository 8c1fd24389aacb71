"""`make run` as a newcomer uses it: both servers come up, and Ctrl-C in the terminal stops both
cleanly (no "Segmentation fault" from make, nothing left listening).

The recipe's trap used to be `kill 0` on INT, TERM and EXIT: the shell signalled itself from
inside its own trap, re-entered it until its stack overflowed, and make reported a segfault.
The terminal is real (a pseudo-terminal), so Ctrl-C is the byte ^C, delivered by the kernel's
line discipline as SIGINT to the foreground process group, as at a keyboard.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import socket
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 180.0  # the service trains its five models on first start
STOP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def drain(fd: int, into: bytearray, seconds: float) -> bool:
    """Read the terminal for up to `seconds`; False once it is closed (the child has exited)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            into.extend(chunk)
    return True


@pytest.mark.slow
def test_ctrl_c_stops_both_servers_cleanly(tmp_path: Path) -> None:
    mock_port, serve_port = free_port(), free_port()
    env = {**os.environ, "ACCORD_MOCK_PORT": str(mock_port), "ACCORD_SERVE_PORT": str(serve_port),
           "ACCORD_MODELS_DIR": str(tmp_path / "models"), "ACCORD_JOBS_DB": str(tmp_path / "jobs.sqlite3")}
    env.pop("MAKEFLAGS", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: a session of its own, with the pty as its controlling terminal
        os.chdir(ROOT)
        os.execvpe("make", ["make", "--no-print-directory", "run"], env)
    output = bytearray()
    waited, status = 0, 0
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (answers(mock_port) and answers(serve_port)):
            assert drain(fd, output, 0.5), f"make run exited early:\n{output.decode(errors='replace')}"
            assert time.monotonic() < deadline, f"servers not up:\n{output.decode(errors='replace')}"
        text = output.decode(errors="replace")
        assert f"http://127.0.0.1:{mock_port}" in text and f"http://127.0.0.1:{serve_port}" in text, text

        os.write(fd, b"\x03")  # Ctrl-C
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while waited == 0 and time.monotonic() < deadline:
            drain(fd, output, 0.2)  # returns at once when the terminal is closed
            waited, status = os.waitpid(pid, os.WNOHANG)
        assert waited == pid, f"make run still running after Ctrl-C:\n{output.decode(errors='replace')}"
    finally:
        if waited != pid:  # failed before make ended: end its whole session, servers included
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    text = output.decode(errors="replace")
    assert "Segmentation fault" not in text, text
    assert "Traceback" not in text, text
    assert "Error" not in text, text  # make reports a recipe that failed; stopping is not failing
    assert not os.WIFSIGNALED(status) or os.WTERMSIG(status) == signal.SIGINT, text
    assert not listening(mock_port) and not listening(serve_port), f"a server outlived make run:\n{text}"
