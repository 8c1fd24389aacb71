"""accord/ports.py and the two server commands: a port already taken is one clear line and exit
code 2, before the server announces itself."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.errors import UsageError
from accord.ports import ensure_free

ROOT = Path(__file__).resolve().parents[2]
ACCORD = str(Path(sys.executable).with_name("accord"))


@pytest.fixture
def taken() -> Iterator[int]:
    """A port something is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_free_port_passes() -> None:
    ensure_free("127.0.0.1", free_port(), command="accord mock", hint="--port")


def test_port_zero_is_always_free() -> None:
    ensure_free("127.0.0.1", 0, command="accord mock", hint="--port")


def test_a_taken_port_names_the_command_the_address_and_the_way_out(taken: int) -> None:
    with pytest.raises(UsageError) as caught:
        ensure_free("127.0.0.1", taken, command="accord mock", hint="--port or ACCORD_MOCK_PORT")
    message = str(caught.value)
    assert message.startswith("accord mock: port ") and f" {taken} on 127.0.0.1 is already in use" in message
    assert message.endswith("--port or ACCORD_MOCK_PORT")
    assert caught.value.exit_code == 2


def test_a_host_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(UsageError, match=r"cannot listen on 'nosuch\.invalid'"):
        ensure_free("nosuch.invalid", 4010, command="accord serve", hint="--port")


@pytest.mark.parametrize(("command", "variable"), [("mock", "ACCORD_MOCK_PORT"), ("serve", "ACCORD_SERVE_PORT")])
def test_the_server_commands_stop_before_starting(taken: int, command: str, variable: str, tmp_path: Path) -> None:
    result = subprocess.run([ACCORD, command, "--port", str(taken)], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, env={"PATH": "/usr/bin:/bin", "ACCORD_JOBS_DB": str(tmp_path / "j.db"),
                                             "ACCORD_MODELS_DIR": str(tmp_path / "models")})
    assert result.returncode == 2, result.stderr
    assert f"error: accord {command}: port {taken} on 127.0.0.1 is already in use" in result.stderr
    assert variable in result.stderr
    assert "serving" not in result.stderr and "Started server process" not in result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_out_of_range_is_refused_not_wrapped() -> None:
    with pytest.raises(UsageError, match=r"port 99999 is not a TCP port"):
        ensure_free("127.0.0.1", 99999, command="accord mock", hint="--port")
