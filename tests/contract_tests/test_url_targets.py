"""`accord test --target URL` as a newcomer calls it: the bare URL `make run` prints, no key
configured in the shell. Real processes: both servers on free ports, started as `make run` starts
them (ACCORD_API_KEYS=accord-dev-key, from the Makefile), then the CLI.

The document (tests/fixtures/service-json-errors) mounts its operations under `/v1` (its server
URL) and requires an API key: the service serves only `/v1/pets/…`, the mock both `/pets/…` and
`/v1/pets/…`, and both accept the development key.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.accord.service.test_error_media import write_project
from tests.hardening.servers import free_port

pytestmark = pytest.mark.integration


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}


def _accord(*args: str) -> list[str]:
    return [sys.executable, "-c", "from accord.cli import main; main()", *args]


#: Swagger's Petstore in accord's words: an `api_key` header and OAuth2, as its classic document has.
PETSTORE = Path(__file__).resolve().parents[1] / "fixtures" / "petstore" / "openapi.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path)


def _wait_answering(process: subprocess.Popen[str], url: str) -> None:
    """Until the server started as `process` answers `url` (60 s at most; its output if it exits)."""
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            assert time.monotonic() < deadline, f"{url} did not answer within 60 s"
            time.sleep(0.2)


@pytest.fixture
def servers(project: Path) -> Iterator[dict[str, str]]:
    """`accord mock` and `accord serve` on free ports, as `make run` starts them; name -> bare URL."""
    started: list[subprocess.Popen[str]] = []
    urls = {}
    try:
        for name in ("mock", "serve"):
            port = free_port()
            spec = ["openapi.yaml"] if name == "mock" else ["--spec", "openapi.yaml"]
            env = {**_env(), "ACCORD_API_KEYS": "accord-dev-key"}
            started.append(subprocess.Popen(_accord(name, *spec, "--port", str(port)), cwd=project, env=env,
                                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
            urls[name] = f"http://127.0.0.1:{port}"
        for process, url in zip(started, urls.values(), strict=True):
            _wait_answering(process, url + "/v1/pets/1")
        yield urls
    finally:
        for process in started:
            process.terminate()
            process.communicate(timeout=10)


def test_a_bare_url_gets_the_documents_base_path_and_the_development_key(project: Path,
                                                                         servers: dict[str, str]) -> None:
    for name, url in servers.items():
        result = subprocess.run(_accord("test", "--spec", "openapi.yaml", "--target", url), cwd=project,
                                env=_env(), capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (name, result.stdout[-3000:], result.stderr[-2000:])
        assert f"base URL {url}/v1" in result.stdout
        assert "sent the development key accord-dev-key" in result.stdout
        # The operations were reached with the key: real answers, not only 401s or 404s.
        assert "201×" in result.stdout and "200×" in result.stdout, (name, result.stdout[-3000:])


def test_a_url_with_a_path_is_taken_as_given(project: Path, servers: dict[str, str]) -> None:
    result = subprocess.run(_accord("test", "--spec", "openapi.yaml", "--target", servers["mock"] + "/v1",
                                    "-o", "getPet"), cwd=project, env=_env(), capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "base URL" not in result.stdout


def test_a_trailing_slash_means_the_root(project: Path, servers: dict[str, str]) -> None:
    """The mock serves the operations at the root too: `URL/` reaches them there, no server path added."""
    result = subprocess.run(_accord("test", "--spec", "openapi.yaml", "--target", servers["mock"] + "/",
                                    "-o", "getPet"), cwd=project, env=_env(), capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "base URL" not in result.stdout
    assert "200×" in result.stdout


class _NotFound(http.server.BaseHTTPRequestHandler):
    """A server where nothing is: every method on every path answered 404, with the error the
    document describes (application/json, title and status), so every check passes on it."""

    status = 404

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = json.dumps({"title": "Refused", "status": self.status}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def __getattr__(self, name: str) -> Any:
        if name == "do_HEAD":
            return lambda: (self.send_response(self.status), self.end_headers())
        if name.startswith("do_"):  # any method, as a web server's default site answers
            return self._answer
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        return


class _Unauthorized(_NotFound):
    """A server that accepts no credential: every request answered 401."""

    status = 401


@pytest.fixture
def nothing_here() -> Iterator[str]:
    yield from _serve(_NotFound)


@pytest.fixture
def refusing() -> Iterator[str]:
    yield from _serve(_Unauthorized)


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_server_answering_404_to_everything_fails_the_run(project: Path, nothing_here: str) -> None:
    """getPet documents a 404, so every check passes on a server where nothing is found (a wrong
    base URL): the run fails all the same, naming the URL it used and the rule to fix it."""
    document = project / "openapi.yaml"  # without its security, which a 404 never asks for
    document.write_text(document.read_text().replace("security:\n  - key: []\n", ""))
    result = subprocess.run(_accord("test", "--spec", "openapi.yaml", "--target", nothing_here, "-o", "getPet"),
                            cwd=project, env=_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert (f"requests was answered 404: nothing of the contract is served at {nothing_here}/v1. Check the "
            "target URL") in result.stdout, result.stdout[-3000:]
    assert "ok    GET /pets/{petId}" in result.stdout, result.stdout[-3000:]  # every check passed
    assert result.stdout.rstrip().endswith(": 1 run error(s)"), result.stdout[-3000:]  # only the guard objects
    assert "PASSED" not in result.stdout


def test_a_run_without_any_success_warns(project: Path, refusing: str) -> None:
    """Every answer a 401 (wrong credentials, or the wrong server): the run says so loudly, with the URL."""
    result = subprocess.run(_accord("test", "--spec", "openapi.yaml", "--target", refusing, "-o", "getPet"),
                            cwd=project, env=_env(), capture_output=True, text=True, timeout=300)
    assert (f"WARNING: no request of the run was answered with a success (2xx or 3xx) at {refusing}/v1, "
            "only 401×") in result.stdout, result.stdout[-3000:] + result.stderr[-2000:]
    assert "answered 404" not in result.stdout


@pytest.fixture
def bare_mock() -> Iterator[str]:
    """`accord mock` as a newcomer first starts it: no --api-key, no ACCORD_API_KEYS; its bare URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(_accord("mock", str(PETSTORE), "--port", str(port)), env=_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_answering(process, url + "/__accord/about")
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_a_bare_mock_passes_and_says_what_it_cannot_check(bare_mock: str, tmp_path: Path) -> None:
    """The out-of-the-box pair: a mock without keys accepts any credential (as Prism), so the run sends
    one to every scheme (OAuth2 included, so those operations answer 200, not 401) and leaves out
    ignored_auth, whose wrong credential such a mock accepts, saying so."""
    result = subprocess.run(_accord("test", "--spec", str(PETSTORE), "--target", bare_mock, "-v",
                                    "--max-examples", "5"),
                            cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300)
    out = result.stdout
    assert result.returncode == 0, out[-4000:] + result.stderr[-2000:]
    assert f"{bare_mock}/api/v3 is an accord mock started without keys, which accepts any non-empty " \
           "credential" in out, out[-3000:]
    assert f"note: ignored_auth not run: the mock at {bare_mock}/api/v3 accepts any credential" in out
    assert " ignored_auth: " not in out  # no check line: it did not run
    # findPetsByStatus is behind OAuth2 only: reached with the development key as its token.
    assert "  GET /pet/findByStatus\n      seen:     200×" in out, out[-4000:]


def test_a_mock_with_keys_is_checked_for_ignored_auth(project: Path, servers: dict[str, str]) -> None:
    result = subprocess.run(_accord("test", "--spec", "openapi.yaml", "--target", servers["mock"], "-v",
                                    "-o", "getPet"), cwd=project, env=_env(), capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "ignored_auth not run" not in result.stdout
    passed = [line for line in result.stdout.splitlines() if line.strip().startswith("ignored_auth: ")]
    assert passed and not passed[0].strip().startswith("ignored_auth: 0 passed"), result.stdout[-3000:]
