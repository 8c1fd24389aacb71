"""Hostile documents given to `accord validate`, `accord mock` and the mock's `create_app`.

Each must end with a located error and exit code 2 (or 1 for findings), in bounded time and
memory, having read no file outside the document's folder and opened no connection anywhere.
Proof of "no request": a listening socket on loopback the document points at records every
connection. Proof of "no read": the outside target is a FIFO, which blocks whoever opens it for
reading until a writer comes; a loader that touched it would hang (and the run time out).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.errors import AccordError
from tests.hardening.servers import ACCORD, free_port

pytestmark = pytest.mark.integration  # the CLI as real processes

TIMEOUT_S = 120
#: Peak RSS allowed to a CLI run on a hostile document (an empty `accord validate` takes ~60 MiB).
MAX_RSS_MIB = 400
HEAD = "openapi: 3.0.3\ninfo: {title: hostile, version: '1'}\n"


class Listener:
    """A loopback socket that accepts and records every connection (a request would be one)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._done.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._done.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def measured(argv: list[str], cwd: Path | None = None) -> tuple[int, str, float, float]:
    """(exit code, output, seconds, peak RSS MiB) of one command, measured in a fresh parent so
    RUSAGE_CHILDREN holds this command alone."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.monotonic()\n"
        f"r = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout={TIMEOUT_S})\n"
        "sys.stdout.write(r.stdout + r.stderr)\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stderr.write(f'{r.returncode} {time.monotonic() - t} {rss}')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True,
                            timeout=TIMEOUT_S + 30, cwd=cwd)
    code, seconds, rss_kib = result.stderr.strip().splitlines()[-1].split()
    return int(code), result.stdout, float(seconds), int(rss_kib) / 1024


def write(folder: Path, text: str, name: str = "openapi.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def serve_once(path: Path, method: str, target: str, body: bytes = b"") -> tuple[int, str]:
    """`accord mock PATH` for a document it accepts: one request's status, then its log."""
    port = free_port()
    process = subprocess.Popen([ACCORD, "mock", str(path), "--port", str(port), "--no-watch"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
                conn.request(method, target, body=body, headers={"Content-Type": "application/json"})
                status = conn.getresponse().status
                conn.close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(f"accord mock did not serve {path}: exit {process.poll()}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode(errors="replace")
    return status, output


def run_both(path: Path) -> list[tuple[str, int | None, str, float, float]]:
    """`accord validate` and `accord mock` (which must fail before binding its port)."""
    code, output, seconds, rss = measured([ACCORD, "validate", str(path)])
    mock = measured([ACCORD, "mock", str(path), "--port", str(free_port()), "--no-watch"])
    return [("validate", code, output, seconds, rss), ("mock", *mock)]


def assert_refused(runs: list[tuple[str, int, str, float, float]], *, codes: set[int], text: str) -> None:
    for name, code, output, _seconds, rss in runs:
        assert code in codes, (name, code, output[-2000:])
        assert text in output, (name, output[-2000:])
        assert "Traceback" not in output, (name, output[-3000:])
        assert rss < MAX_RSS_MIB, (name, rss)


# -- references to URLs and to files outside the folder -------------------------------------------
def test_url_refs_are_refused_without_a_request(tmp_path: Path, listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}"
    doc = write(tmp_path / "api", HEAD + f"""paths:
  /a:
    get:
      responses:
        '200':
          $ref: '{url}/responses.yaml#/Ok'
        '201':
          description: x
          content:
            application/json:
              schema: {{$ref: '//127.0.0.1:{listener.port}/s.json'}}
""")
    runs = run_both(doc)
    assert_refused(runs, codes={1, 2}, text="ref-remote")
    assert "openapi.yaml:8" in runs[0][2]  # located: file and line of the $ref
    with pytest.raises(AccordError):
        from accord.mock.app import create_app

        create_app(doc)
    time.sleep(0.3)
    assert listener.connections == 0


def test_json_schema_urls_in_a_31_document_are_not_fetched(tmp_path: Path, listener: Listener) -> None:
    """`$schema` and `$id` URLs are not references: nothing may be fetched for them either."""
    url = f"http://127.0.0.1:{listener.port}"
    doc = write(tmp_path / "api", f"""openapi: 3.1.0
info: {{title: hostile, version: '1'}}
paths:
  /a:
    post:
      requestBody:
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/A'}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/A'}}
              example: {{a: 1}}
components:
  schemas:
    A:
      $schema: '{url}/meta.json'
      $id: '{url}/a.json'
      type: object
      properties:
        a: {{type: integer}}
        b: {{$ref: 'b.json'}}
""")
    write(tmp_path / "api", '{"type": "string"}', "b.json")
    code, output, _seconds, rss = measured([ACCORD, "validate", str(doc)])
    assert code in (0, 1, 2) and "Traceback" not in output and rss < MAX_RSS_MIB, output[-3000:]
    status, log = serve_once(doc, "POST", "/a", b'{"a": "not an integer", "b": 1}')
    # The document documents neither 400 nor 422: the mock answers 422, as Prism does.
    assert status == 422 and "Traceback" not in log, log[-3000:]
    time.sleep(0.3)
    assert listener.connections == 0


@pytest.mark.parametrize("how", ["relative", "absolute", "symlink", "file-url"])
def test_outside_refs_are_refused_without_reading(tmp_path: Path, how: str) -> None:
    secret = tmp_path / "outside" / "secret.yaml"
    secret.parent.mkdir()
    os.mkfifo(secret)  # opening it for reading would block: a read cannot go unnoticed
    folder = tmp_path / "api"
    folder.mkdir()
    target = {"relative": "../outside/secret.yaml", "absolute": str(secret), "symlink": "link.yaml",
              "file-url": f"file://{secret}"}[how]
    if how == "symlink":
        (folder / "link.yaml").symlink_to(secret)
    doc = write(folder, HEAD + f"""paths:
  /a:
    get:
      responses:
        '200':
          $ref: '{target}#/Ok'
""")
    runs = run_both(doc)
    assert_refused(runs, codes={1, 2}, text="ref-outside")
    assert "openapi.yaml:8" in runs[0][2]
    with pytest.raises(AccordError):
        from accord.mock.app import create_app

        create_app(doc)


# -- cycles, expansion, depth, size ---------------------------------------------------------------
def test_circular_references_end(tmp_path: Path) -> None:
    doc = write(tmp_path / "api", HEAD + """paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'schemas.yaml#/Loop'}
components:
  schemas:
    Self: {$ref: '#/components/schemas/Self'}
    Ping: {$ref: '#/components/schemas/Pong'}
    Pong: {$ref: '#/components/schemas/Ping'}
""")
    write(tmp_path / "api", "Loop: {$ref: 'schemas.yaml#/Back'}\nBack: {$ref: '#/Loop'}\n", "schemas.yaml")
    code, output, _seconds, rss = measured([ACCORD, "validate", str(doc)])
    assert code in (0, 1) and "Traceback" not in output and rss < MAX_RSS_MIB, output[-3000:]  # it ended
    status, log = serve_once(doc, "GET", "/a")
    assert 200 <= status < 600 and "Traceback" not in log, log[-3000:]


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    lines = [HEAD + "paths: {}\nx-lol:", "  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    doc = write(tmp_path / "api", "\n".join(lines) + "\n")  # 90 aliases expanding to 10^9 values
    runs = run_both(doc)
    assert_refused(runs, codes={2}, text="expand to more than")
    assert str(doc.name) in runs[0][2]


def test_many_aliases_are_refused(tmp_path: Path) -> None:
    doc = write(tmp_path / "api", HEAD + "paths: {}\nx-a: &a [1]\nx-many: [" + ", ".join(["*a"] * 20_000) + "]\n")
    assert_refused(run_both(doc), codes={2}, text="aliases")


@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_deeply_nested_documents_are_refused(tmp_path: Path, kind: str) -> None:
    if kind == "json":
        doc = write(tmp_path / "api", '{"openapi": "3.0.3", "info": {"title": "d", "version": "1"}, "paths": {},'
                    ' "x-deep": ' + "[" * 1000 + "]" * 1000 + "}", "openapi.json")
    else:
        doc = write(tmp_path / "api", HEAD + "paths: {}\nx-deep: " + "[" * 20_000 + "]" * 20_000 + "\n")
    assert_refused(run_both(doc), codes={2}, text="nest")


def test_a_100_mb_document_is_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    doc = tmp_path / "api" / "openapi.yaml"
    doc.parent.mkdir()
    with doc.open("w") as out:  # generated on demand, never committed
        out.write(HEAD + "paths: {}\nx-padding:\n")
        line = "  - " + "x" * 95 + "\n"
        out.write(line * (100 * 1024 * 1024 // len(line)))
    assert doc.stat().st_size >= 100 * 1024 * 1024
    runs = run_both(doc)
    assert_refused(runs, codes={2}, text="byte limit")
    for _name, _code, _output, seconds, rss in runs:
        assert rss < MAX_RSS_MIB and seconds < TIMEOUT_S
