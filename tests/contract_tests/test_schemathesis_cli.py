"""The standard Schemathesis CLI passes on this repository's contract, against both servers.

`st run spec/openapi.yaml --checks all` with nothing but the committed schemathesis.toml (which
declares, with a reason each, the rejections no schema can express) must exit 0 against `accord
serve` and `accord mock`, started as `make run` starts them. `accord test` is not involved: a team
using Schemathesis directly sees the same contract we do.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.config import DEV_API_KEY
from accord.loading import load_spec
from tests.hardening.servers import ACCORD, ROOT, SPEC, Server

pytestmark = pytest.mark.integration

ST = str(Path(sys.executable).with_name("st"))
#: The contract's operations, counted from the document (a new operation must be tested too).
OPERATIONS = [(path, method) for path, item in load_spec(SPEC).document["paths"].items()
              for method in item if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace")]
#: What the issue asks of the raw CLI; a fixed seed so `make test` replays one run.
ARGS = ["--checks", "all", "--max-examples", "25", "--seed", "1", "--no-color"]
#: A guard against a run that hangs, not a speed limit: each run took 104-122 s on a 2-core machine
#: at load 10 and 315-318 s at load 15, so the 600 s this had was within 2x of a loaded machine.
HANG_GUARD_S = 1800


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    from impl.models.registry import get_registry

    state = tmp_path_factory.mktemp("st-cli")
    get_registry(state / "models")  # trained once here, loaded by the service
    # As `make run` starts them: the development key is the one key both accept.
    env = {"ACCORD_API_KEYS": DEV_API_KEY}
    running = {
        "mock": Server("mock", [ACCORD, "mock", str(SPEC), "--port", "{port}", "--no-watch"],
                       state / "mock.log", env),
        "service": Server("service", [ACCORD, "serve", "--port", "{port}", "--spec", str(SPEC)], state / "serve.log",
                          {**env, "ACCORD_MODELS_DIR": str(state / "models"),
                           "ACCORD_JOBS_DB": str(state / "jobs.sqlite3")}),
    }
    try:
        for server in running.values():
            server.start()
        yield running
    finally:
        for server in running.values():
            server.stop()


def test_st_run_checks_all_passes_against_both_servers(servers: dict[str, Server]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "SCHEMATHESIS_"))}
    # Both runs at once: each server has its own process, so they do not share state.
    runs = {
        name: subprocess.Popen([ST, "run", "spec/openapi.yaml", "--url", f"http://127.0.0.1:{server.port}", *ARGS],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for name, server in servers.items()
    }
    outputs = {name: run.communicate(timeout=HANG_GUARD_S)[0] for name, run in runs.items()}
    for name, run in runs.items():
        assert run.returncode == 0, f"st run against {name} exited {run.returncode}:\n{outputs[name][-6000:]}"
        tested = re.search(r"Tested: (\d+)\b", outputs[name])  # every operation of the contract
        assert tested and int(tested.group(1)) == len(OPERATIONS), outputs[name][-3000:]
        # The committed configuration's key reached the API: links are only followed from accepted
        # (2xx) responses, and a run without credentials would see 401 everywhere (which
        # positive_data_acceptance accepts, so exit 0 alone would not tell).
        covered = re.search(r"API Links:\s+(\d+) covered", outputs[name])
        assert covered and int(covered.group(1)) > 0, outputs[name][-3000:]
