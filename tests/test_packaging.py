"""The distribution: one name in site-packages (`accord`), no ML stack in the base install, the
registry's `mock` package beside it, and the package list in pyproject.toml matching the folders."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
MAPPED = {"accord": "accord", "mock": "accord.mock", "contract_tests": "accord.contract_tests"}


def test_every_package_folder_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for folder, name in MAPPED.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / folder).parts
            if "templates" not in parts:
                found.add(".".join([name, *parts]))
    assert listed == found


def _run(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result


@pytest.mark.slow
def test_the_wheel_installs_accord_alone_beside_the_registrys_mock(tmp_path: Path) -> None:
    # Every command runs outside the repository, so nothing is imported from its folders.
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path / "dist"), str(ROOT),
         cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("accord-*.whl"))
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", str(venv), cwd=tmp_path)
    python = str(venv / "bin" / "python")
    _run(python, "-m", "pip", "install", "--quiet", str(wheel), cwd=tmp_path)

    listing = _run(python, "-c", "import importlib.metadata as m; "
                   "print('\\n'.join(sorted(set((m.distribution('accord').read_text('top_level.txt') or '')"
                   ".split()))))", cwd=tmp_path).stdout.split()
    assert listing == ["accord"]
    site = Path(_run(python, "-c", "import accord, os; print(os.path.dirname(os.path.dirname(accord.__file__)))",
                     cwd=tmp_path).stdout.strip())
    assert not any((site / name).exists() for name in ("mock", "impl", "contract_tests"))
    assert (site / "accord" / "templates" / "init" / "spec" / "openapi.yaml.tmpl").is_file()
    for ml in ("sklearn", "numpy", "skops"):
        code = f"import importlib.util; print(importlib.util.find_spec('{ml}') is None)"
        found = _run(python, "-c", code, cwd=tmp_path)
        assert found.stdout.strip() == "True", f"{ml} is installed by the base install"

    _run(python, "-m", "pip", "install", "--quiet", "mock", cwd=tmp_path)
    both = _run(python, "-c", "import mock, accord.mock.app, accord.service, accord.contract_tests; "
                "print(mock.Mock.__module__, accord.mock.app.__name__)", cwd=tmp_path)
    assert both.stdout.split() == ["mock.mock", "accord.mock.app"]

    accord = str(venv / "bin" / "accord")
    project = tmp_path / "newapi"
    _run(accord, "init", str(project), cwd=tmp_path)
    assert (project / ".github" / "workflows" / "contract.yml").is_file()  # a dot-folder, packaged too
    _run(accord, "validate", cwd=project)
    suite = _run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert "3 passed" in suite.stdout

    # The new project's own two commands, as its README gives them (they build their own .venv).
    make_test = _run("make", "test", cwd=project, timeout=900)
    assert "3 passed" in make_test.stdout
    _make_run_serves_both(project)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _make_run_serves_both(project: Path) -> None:
    mock_port, serve_port = _free_port(), _free_port()
    env = {**os.environ, "ACCORD_MOCK_PORT": str(mock_port), "ACCORD_SERVE_PORT": str(serve_port)}
    process = subprocess.Popen(["make", "run"], cwd=project, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        answers: dict[int, int] = {}
        deadline = time.monotonic() + 90
        while len(answers) < 2 and time.monotonic() < deadline:
            for port in (mock_port, serve_port):
                try:
                    answers[port] = requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code
                except requests.ConnectionError:
                    pass
            time.sleep(0.3)
        assert answers == {mock_port: 200, serve_port: 200}, answers
        note = requests.post(f"http://127.0.0.1:{serve_port}/notes", json={"text": "hi"},
                             headers={"X-API-Key": "accord-dev-key"}, timeout=5)
        assert note.status_code == 201 and note.json()["text"] == "hi"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.communicate(timeout=30)  # waits, and closes the stdout pipe
