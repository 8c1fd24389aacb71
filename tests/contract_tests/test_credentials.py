"""Credentials come from the document's security schemes and land where each scheme says.

Three contracts that are not accord's (tests/fixtures/contract-*): a Petstore-like one (apiKey in a
header, OAuth2), one secured by an HTTP bearer token, one with an apiKey in the query string.
Against the in-process mock `accord test` passes with no flags; against a served app (the mock
under uvicorn, behind a recorder) the credentials given by flag are found where the scheme puts
them, and nowhere else.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner

from accord.cli import cli
from accord.contract_tests.render import summary
from accord.contract_tests.runner import run_contract_tests

pytestmark = pytest.mark.integration  # whole Schemathesis runs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ACCORD = str(Path(sys.executable).with_name("accord"))
DOCUMENTS = ("contract-pets", "contract-bearer", "contract-query-key")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_mock_passes_with_no_flags(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no pyproject.toml, no schemathesis.toml: nothing of this repository's
    report = run_contract_tests("mock", spec=FIXTURES / name / "openapi.yaml")
    assert report.ok, summary(report)
    assert all(op.exercised for op in report.operations)


class Recorder:
    """ASGI middleware keeping each request's headers and query for the test to read."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests: list[tuple[str, dict[str, str], dict[str, list[str]]]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            self.requests.append((scope["path"], headers, parse_qs(scope["query_string"].decode("latin-1"))))
        await self.app(scope, receive, send)


@pytest.fixture
def served() -> Iterator[Any]:
    """Serve a document's mock (accepting KEYS only) under uvicorn on a free port, behind a Recorder."""
    import uvicorn

    from accord.mock.app import create_app

    servers: list[tuple[Any, threading.Thread]] = []

    def serve(spec: Path, keys: list[str]) -> tuple[str, Recorder]:
        recorder = Recorder(create_app(spec, api_keys=keys))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(recorder, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the served mock did not start"
            time.sleep(0.05)
        return f"http://127.0.0.1:{port}", recorder

    yield serve
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


def _run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> Any:
    monkeypatch.chdir(tmp_path)
    for name in ("ACCORD_API_KEYS", "ACCORD_API_KEYS_FILE", "ACCORD_BEARER_TOKENS", "ACCORD_BASIC_CREDENTIALS"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner().invoke(cli, ["test", *args, "--max-examples", "3", "--checks",
                                    "not_a_server_error,status_code_conformance,ignored_auth"])


def test_a_bearer_token_given_by_flag_is_sent_as_authorization(served: Any, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    url, recorder = served(FIXTURES / "contract-bearer" / "openapi.yaml", ["tok-123"])
    result = _run(monkeypatch, tmp_path, "--target", url, "--spec", str(FIXTURES / "contract-bearer" / "openapi.yaml"),
                  "--auth-scheme", "token=tok-123")
    assert result.exit_code == 0, result.output
    authorizations = {headers.get("authorization") for _path, headers, _query in recorder.requests}
    assert "Bearer tok-123" in authorizations
    assert not any("x-api-key" in headers for _path, headers, _query in recorder.requests)


def test_a_query_api_key_given_by_flag_travels_in_the_query(served: Any, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    spec = FIXTURES / "contract-query-key" / "openapi.yaml"
    url, recorder = served(spec, ["k-query"])
    result = _run(monkeypatch, tmp_path, "--target", url, "--spec", str(spec), "--auth-scheme", "appid=k-query")
    assert result.exit_code == 0, result.output
    assert any(query.get("appid") == ["k-query"] for _path, _headers, query in recorder.requests)
    sent_elsewhere = [h for _p, h, _q in recorder.requests if "k-query" in " ".join(h.values())]
    assert not sent_elsewhere, sent_elsewhere[:1]


def test_each_scheme_of_a_document_gets_its_own_credential(served: Any, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Petstore-like: getPetById takes the header key, addPet the OAuth2 token (Bearer)."""
    spec = FIXTURES / "contract-pets" / "openapi.yaml"
    url, recorder = served(spec, ["secret-key", "oauth-token"])
    result = _run(monkeypatch, tmp_path, "--target", url, "--spec", str(spec),
                  "--auth-scheme", "api_key=secret-key", "--auth-scheme", "shop_auth=oauth-token")
    assert result.exit_code == 0, result.output
    sent: dict[str, set[tuple[str | None, str | None]]] = {}
    for path, headers, _query in recorder.requests:
        # A bare URL is tested under the document's server path (/api/v3), where a service mounts it.
        operation = {"/pet": "addPet", "/store/inventory": "getInventory"}.get(path.removeprefix("/api/v3"),
                                                                              "getPetById")
        sent.setdefault(operation, set()).add((headers.get("api_key"), headers.get("authorization")))
    assert ("secret-key", None) in sent["getPetById"], sent
    assert (None, "Bearer oauth-token") in sent["addPet"], sent
    assert all(key != "oauth-token" and auth != "Bearer secret-key" for pairs in sent.values() for key, auth in pairs)


@pytest.mark.parametrize(("args", "message"), [
    (["--auth-scheme", "nope=x"], "declares no security scheme nope (declared: token)"),
    (["--auth-scheme", "token"], "expected NAME=VALUE"),
    (["--header", "no colon"], "expected 'Name: value'"),
    (["--checks", "not_a_check"], "unknown check(s) not_a_check"),
])
def test_bad_credentials_and_checks_are_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = subprocess.run([ACCORD, "test", "--target", "mock", "--spec",
                             str(FIXTURES / "contract-bearer" / "openapi.yaml"), *args],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_scheme_given_nothing_is_named_when_its_operations_are_refused(served: Any, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Petstore-like, given only the header key: addPet (OAuth2 only) is answered 401 every time, and
    the run names the scheme it had nothing for and how to give it; getPetById (key or OAuth2) is not
    among the refused."""
    spec = FIXTURES / "contract-pets" / "openapi.yaml"
    url, _recorder = served(spec, ["secret-key", "oauth-token"])
    result = _run(monkeypatch, tmp_path, "--target", url, "--spec", str(spec), "--auth-scheme", "api_key=secret-key")
    notes = [line for line in result.output.splitlines() if line.startswith("note: no credential was sent")]
    assert notes == ["note: no credential was sent for shop_auth, and 1 operation(s) open only with it were "
                     "answered 401 or 403 (POST /pet): give one with --auth-scheme shop_auth=VALUE or "
                     "ACCORD_BEARER_TOKENS (the target has to accept it)"], result.output[-3000:]

    given = _run(monkeypatch, tmp_path, "--target", url, "--spec", str(spec), "--auth-scheme", "api_key=secret-key",
                 "--auth-scheme", "shop_auth=oauth-token")
    assert "no credential was sent" not in given.output, given.output[-3000:]
