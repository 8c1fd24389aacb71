"""The service kit on a document that is not ours, as a team would use it: in an empty folder,
`accord scaffold` then `accord serve` (a real process, real HTTP); every stub answers 501 until it
is written, and a written handler passes `accord test` against the served app."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
PETSTORE = ROOT / "tests" / "fixtures" / "petstore" / "openapi.yaml"
KEY = "pet-key"

GET_PET_BY_ID = '''def get_pet_by_id(petId: int) -> Any:
    if petId > 100:
        return {"message": "no such pet"}, 404, {"Content-Type": "application/json"}
    return {"id": petId, "name": "doggie", "photoUrls": []}, 200, {"Content-Type": "application/json"}
'''


def accord(*args: str, cwd: Path, **popen: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from accord.cli import main; main()", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=180, env=_env())


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env["ACCORD_API_KEYS"] = KEY
    env["ACCORD_BEARER_TOKENS"] = KEY  # petstore_auth (OAuth2): accepted by the server, sent by accord test
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def petstore(tmp_path: Path) -> Path:
    shutil.copy(PETSTORE, tmp_path / "openapi.yaml")
    return tmp_path


@pytest.fixture
def serve(petstore: Path) -> Iterator[object]:
    processes: list[subprocess.Popen[str]] = []

    def start() -> str:
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-c", "from accord.cli import main; main()", "serve", "--spec", "openapi.yaml",
             "--port", str(port)], cwd=petstore, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        processes.append(process)
        base = f"http://127.0.0.1:{port}/api/v3"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                requests.get(base + "/pet/1", timeout=1)
                return base
            except requests.ConnectionError:
                time.sleep(0.2)
        raise AssertionError("accord serve did not start within 60 s")

    yield start
    for process in processes:
        process.terminate()
        process.communicate(timeout=10)  # waits, and closes the stdout pipe


def test_scaffold_then_serve_in_an_empty_folder(petstore: Path, serve: object) -> None:
    scaffolded = accord("scaffold", "openapi.yaml", cwd=petstore)
    assert scaffolded.returncode == 0, scaffolded.stderr
    assert (petstore / "service" / "handlers" / "pet.py").is_file()  # where accord serve looks
    base = serve()  # type: ignore[operator]
    for method, path in (("GET", "/pet/1"), ("DELETE", "/pet/1"), ("GET", "/user/ann"),
                         ("GET", "/pet/findByStatus")):
        response = requests.request(method, base + path, headers={"api_key": KEY, "Authorization": "Bearer t"},
                                    timeout=10)
        if path == "/pet/1" and method == "GET":
            assert response.status_code == 501, response.text
            problem = response.json()
            assert response.headers["content-type"] == "application/problem+json"
            assert problem["status"] == 501 and "getPetById has no implementation yet" in problem["detail"]
        else:  # OAuth2 operations: no bearer token is configured, so the token is refused first
            assert response.status_code in (401, 501), (method, path, response.text)
    assert requests.get(base + "/pet/1", timeout=10).status_code == 401  # api_key is checked
    wrong = requests.get(base + "/pet/1", headers={"api_key": "nope"}, timeout=10)
    assert wrong.status_code == 401 and wrong.json()["type"] == "about:blank"


def test_a_written_handler_passes_accord_test_against_the_served_app(petstore: Path, serve: object) -> None:
    assert accord("scaffold", "openapi.yaml", cwd=petstore).returncode == 0
    handlers = petstore / "service" / "handlers" / "pet.py"
    text = handlers.read_text()
    start = text.index("def get_pet_by_id")
    end = text.index("\ndef ", start + 1)
    handlers.write_text(text[:start] + GET_PET_BY_ID + text[end:])
    base = serve()  # type: ignore[operator]
    assert requests.get(base + "/pet/7", headers={"api_key": KEY}, timeout=10).json()["name"] == "doggie"

    result = accord("test", "--spec", "openapi.yaml", "--target", base, "--operation", "getPetById", cwd=petstore)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok    GET /pet/{petId}" in result.stdout
    assert "200×" in result.stdout  # the key reached the service: real answers, not only 401s

    in_process = accord("test", "--spec", "openapi.yaml", "--target", "service", "-o", "getPetById", cwd=petstore)
    assert in_process.returncode == 0, in_process.stdout + in_process.stderr
    assert "200×" in in_process.stdout  # served under the document's /api/v3, as Connexion mounts it

    stubbed = accord("test", "--spec", "openapi.yaml", "--target", base, "--operation", "findPetsByStatus",
                     cwd=petstore)
    assert stubbed.returncode == 1  # a stub is not an implementation
    assert "NOT IMPLEMENTED" in stubbed.stdout and "- GET /pet/findByStatus" in stubbed.stdout, stubbed.stdout
    assert "FAILURES" not in stubbed.stdout  # its 501s are their own outcome, not check failures
    allowed = accord("test", "--spec", "openapi.yaml", "--target", base, "--operation", "findPetsByStatus",
                     "--allow-not-implemented", "--auth-scheme", f"petstore_auth={KEY}", cwd=petstore)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


def test_serve_without_handlers_says_what_to_run(petstore: Path) -> None:
    result = accord("serve", "--spec", "openapi.yaml", "--port", str(_free_port()), cwd=petstore)
    assert result.returncode == 2
    assert "accord scaffold --app service" in result.stderr
    assert "Traceback" not in result.stderr
