"""The service kit answers an error with the media type the document declares for its status:
`application/json` on a contract whose errors are JSON (tests/fixtures/service-json-errors), over
real HTTP from `accord serve`, and an in-process `accord test` run's content_type_conformance agrees."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.hardening.servers import free_port

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT = ROOT / "tests" / "fixtures" / "service-json-errors" / "openapi.yaml"
KEY = "json-key"
HANDLERS = '''from typing import Any

from accord.service.problems import ProblemError


def get_pet(petId: int) -> Any:
    if petId > 100:
        raise ProblemError("not-found", f"no pet {petId}")
    return {"id": petId, "name": "Rex"}


def create_pet(body: Any) -> Any:
    return body, 201
'''


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env["ACCORD_API_KEYS"] = KEY
    return env


def write_project(root: Path) -> Path:
    """A team's project in `root`: the document and its handlers, as `accord serve` reads them."""
    shutil.copy(DOCUMENT, root / "openapi.yaml")
    handlers = root / "service" / "handlers"
    handlers.mkdir(parents=True)
    (root / "service" / "__init__.py").write_text("")
    (handlers / "__init__.py").write_text("")
    (handlers / "default.py").write_text(HANDLERS)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path)


@pytest.fixture
def served(project: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", "from accord.cli import main; main()", "serve", "--spec",
                                "openapi.yaml", "--port", str(port)], cwd=project, env=_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                requests.get(base + "/pets/1", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "accord serve did not start within 60 s"
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_errors_carry_the_declared_media_type(served: str) -> None:
    key = {"X-Key": KEY}
    cases = [
        ("GET", "/pets/0", key, None, 400),  # Connexion's parameter validation (minimum 1)
        ("GET", "/pets/1", {}, None, 401),  # the security handler
        ("GET", "/pets/101", key, None, 404),  # the handler's ProblemError
        ("POST", "/pets", key, {"id": "x"}, 400),  # body validation, under 4XX
    ]
    for method, path, headers, body, status in cases:
        response = requests.request(method, served + path, headers=headers, json=body, timeout=10)
        assert response.status_code == status, (path, response.text)
        assert response.headers["content-type"] == "application/json", (path, response.headers)
        assert response.json()["status"] == status
    # A path no operation serves documents nothing: the generic problem+json.
    nowhere = requests.get(served + "/nowhere", headers=key, timeout=10)
    assert nowhere.status_code == 404
    assert nowhere.headers["content-type"] == "application/problem+json"
    # HEAD is not declared for /pets/{petId} and no operation documents a 405: problem+json, as the mock.
    head = requests.head(served + "/pets/1", headers=key, timeout=10)
    assert (head.status_code, head.headers["allow"], head.content) == (405, "GET", b"")
    assert head.headers["content-type"] == "application/problem+json"


def test_accord_test_finds_the_declared_media_types(project: Path) -> None:
    result = subprocess.run([sys.executable, "-c", "from accord.cli import main; main()", "test", "--spec",
                             "openapi.yaml", "--target", "service", "--checks", "content_type_conformance"],
                            cwd=project, env=_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "400×" in result.stdout and "401×" in result.stdout
