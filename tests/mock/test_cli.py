"""accord/cli/mock.py: a document that cannot be served fails before any port is bound; one
without operations is served."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


def accord(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from accord.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_findings_exit_1_with_location():
    result = accord("mock", str(FIXTURES / "mock-broken" / "openapi.yaml"), "--port", "1")
    assert result.returncode == 1
    assert "mock-broken/openapi.yaml:5:" in result.stderr
    assert "#/paths/~1things/$ref" in result.stderr


def test_unreadable_exit_2(tmp_path: Path):
    result = accord("mock", str(tmp_path / "missing.yaml"), "--port", "1")
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_document_without_operations_starts_and_says_so(tmp_path: Path):
    """OpenAPI 3.0's `paths` may be empty: the document is valid, so the mock serves it (every
    request a 404) and says why once, where Prism refuses to start."""
    (tmp_path / "openapi.yaml").write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-c", "from accord.cli import main; main()", "mock", str(tmp_path / "openapi.yaml"),
         "--port", str(port), "--no-watch"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/anything", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "the mock did not start"
                time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert answer.status_code == 404
    assert "warning: the document has no operations (its paths are empty)" in stderr


def test_help_lists_the_options():
    result = accord("mock", "--help")
    assert result.returncode == 0
    for option in ("--host", "--port", "--dynamic", "--seed", "--no-cors", "--api-key", "--no-watch"):
        assert option in result.stdout


def test_help_names_prisms_errors_flag_and_the_proxy_needs_a_url():
    assert "--errors, --strict" in accord("mock", "--help").stdout  # Prism's name; --strict kept as an alias
    bad = accord("mock", "--proxy", "localhost:8080", "--port", "1")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: --proxy must be an http(s):// URL, got 'localhost:8080'"


def test_a_bad_rules_file_exits_2_with_every_mistake_located(tmp_path: Path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - operation: getModel\n    then:\n      status: 409\nfaults:\n  - kind: explode\n")
    result = accord("mock", "--rules", str(rules), "--port", "1")
    assert result.returncode == 2
    assert "rules.yaml:4: getModel does not document status 409" in result.stderr
    assert "rules.yaml:6: " in result.stderr and "/faults/0/kind" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_scenario_exits_2():
    result = accord("mock", "--rules", "spec/mock-behaviour.yaml", "--scenario", "nope", "--port", "1")
    assert result.returncode == 2
    assert "no scenario named 'nope'" in result.stderr and "model-overloaded" in result.stderr


def test_the_rules_file_can_come_from_the_config_file(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.accord.mock]\nrules = "broken.yaml"\nstateful = true\n')
    (tmp_path / "broken.yaml").write_text("latency:\n  - fixed: -5\n")
    result = subprocess.run(
        [sys.executable, "-c", "from accord.cli import main; main()", "mock", str(ROOT / "spec" / "openapi.yaml"),
         "--port", "1"],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert "broken.yaml:2: " in result.stderr and "/latency/0/fixed" in result.stderr


def test_help_lists_the_behaviour_options():
    result = accord("mock", "--help")
    for option in ("--stateful", "--rules", "--scenario"):
        assert option in result.stdout


def test_behaviour_options_are_refused_with_the_proxy():
    result = accord("mock", "--proxy", "http://127.0.0.1:9", "--stateful", "--port", "1")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: --stateful, --rules and --scenario shape the mock's own answers: not with --proxy")


def test_a_port_out_of_range_is_a_usage_error_not_a_hang():
    # getaddrinfo wraps 99999 to 34463: the mock announced itself on :99999 and never answered.
    for args, env in ((["--port", "99999"], {}), ([], {"ACCORD_MOCK_PORT": "70000"})):
        result = subprocess.run(
            [sys.executable, "-c", "from accord.cli import main; main()", "mock", *args],
            capture_output=True, text=True, check=False, cwd=ROOT, timeout=60,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", **env},
        )
        assert result.returncode == 2, result.stderr
        assert "is not in the range 0<=x<=65535" in result.stderr and "serving" not in result.stderr
