"""bench/bench_impl.py's own servers start and answer the benchmark's POST (no wrk, no timing).

The benches import the service lazily, inside the functions that start a server, so a module
that moved breaks them only when a benchmark runs; these start each server as the bench does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bench.bench_impl import ROW, Server, http_caller, in_process_calls, iris_batch, model_cpu

pytestmark = pytest.mark.integration  # the bench's servers as real processes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from impl.models.registry import get_registry

    folder = tmp_path_factory.mktemp("bench-models")
    get_registry(folder)  # trained here once, loaded by every server
    return folder


@pytest.mark.parametrize("mode", ["--serve-split-service", "--serve-bare-model"])
def test_bench_server_answers_the_benchmark_post(mode: str, models_dir: Path, tmp_path: Path) -> None:
    env = {"ACCORD_MODELS_DIR": str(models_dir), "ACCORD_JOBS_DB": str(tmp_path / "jobs.sqlite3"),
           "ACCORD_API_KEYS": "accord-dev-key", "ACCORD_API_KEYS_FILE": "", "ACCORD_VALIDATE_RESPONSES": "0",
           "ACCORD_ACCESS_LOG": "0"}
    server = Server(mode, [sys.executable, str(ROOT / "bench" / "bench_impl.py"), mode, "--port", "{port}"], env)
    server.start(tmp_path)
    try:
        call, close = http_caller(server.port, json.dumps({"instances": [ROW]}).encode())
        try:
            call()  # raises SystemExit unless the answer is a 200
        finally:
            close()
        if mode == "--serve-split-service":
            assert model_cpu(server.port)[1] == 1  # the one predict, timed inside the server
    finally:
        server.stop()


def test_in_process_model_calls_predict(models_dir: Path) -> None:
    calls = in_process_calls(models_dir, iris_batch(100))
    assert len(calls["predict_100"]()) == 100
    assert calls["predict_proba_1"]().shape == (1, 3)
