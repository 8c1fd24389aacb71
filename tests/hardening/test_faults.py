"""Faults, on the real service process: killed mid-job, its jobs file locked or its disk full,
a model that fails to load. What must hold: every accepted job finishes, exactly once; a write
the store cannot take answers 503 problem+json (and accepts nothing); the rest keeps serving.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.hardening.catalogue import IRIS, KEY
from tests.hardening.servers import SPEC, Server, service

pytestmark = pytest.mark.integration  # the service as a real process, killed and starved

AUTH = {"X-API-Key": KEY}
JOBS = "/v1/models/iris-classifier/prediction-jobs"
#: Slow jobs (one instance per batch, a pause between batches) so a kill lands mid-job, and a
#: short lease so the restarted worker resumes them without waiting 15 s.
SLOW = {"ACCORD_JOB_BATCH_SIZE": "1", "ACCORD_JOB_BATCH_DELAY": "0.05", "ACCORD_JOB_LEASE_SECONDS": "1",
        "ACCORD_JOBS_BUSY_TIMEOUT_SECONDS": "1"}


WINE_PREDICT = "/v1/models/wine-classifier/predict"


def contract_example(path: str) -> Any:
    """The first request example the contract gives for POST `path` (a valid request)."""
    from accord.loading import load_spec

    content = load_spec(SPEC).document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return next(iter(content["examples"].values()))["value"]


def rows(n: int, seed: int) -> list[dict[str, float]]:
    return [{**IRIS, "sepal_length_cm": round(4.5 + ((seed * 7 + i) % 30) / 10, 1)} for i in range(n)]


def client(server: Server) -> httpx.Client:
    return httpx.Client(base_url=f"http://127.0.0.1:{server.port}", headers=AUTH, timeout=60)


def wait_for(predicate: Any, timeout: float = 120.0, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout} s")


def all_results(http: httpx.Client, job_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    token = None
    while True:
        params = {"limit": 100, **({"page_token": token} if token else {})}
        page = http.get(f"/v1/prediction-jobs/{job_id}/results", params=params)
        assert page.status_code == 200, page.text
        found += page.json()["data"]
        token = page.json()["next_page_token"]
        if token is None:
            return found


def assert_problem(response: httpx.Response, status: int, name: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith("/" + name) and body["status"] == status
    assert "Traceback" not in response.text
    return body


@pytest.fixture
def jobs_db(tmp_path: Path) -> Path:
    return tmp_path / "jobs.sqlite3"


@pytest.fixture
def started(trained_models: Path, jobs_db: Path, tmp_path: Path) -> Iterator[list[Server]]:
    servers: list[Server] = []
    yield servers
    for server in servers:
        server.stop()


def start(servers: list[Server], models: Path, jobs_db: Path, log: Path, **env: str) -> Server:
    server = service(log, KEY, models, jobs_db, **{**SLOW, **env}).start()
    servers.append(server)
    return server


# -- killed mid-job -------------------------------------------------------------------------------
def test_sigkill_mid_job_then_restart_finishes_every_job_exactly_once(
        started: list[Server], trained_models: Path, jobs_db: Path, tmp_path: Path) -> None:
    first = start(started, trained_models, jobs_db, tmp_path / "service.log")
    submitted: dict[str, list[dict[str, float]]] = {}
    keys: dict[str, str] = {}
    with client(first) as http:
        for n in range(6):
            instances = rows(40, n)
            key = f"kill-test-{n}"
            answer = http.post(JOBS, json={"instances": instances}, headers={"Idempotency-Key": key})
            assert answer.status_code == 202, answer.text
            submitted[answer.json()["id"]] = instances
            keys[answer.json()["id"]] = key

        def running_with_progress() -> bool:
            jobs = [http.get(f"/v1/prediction-jobs/{j}").json() for j in submitted]
            return any(j["status"] == "running" and 0 < j["progress"]["completed"] < j["progress"]["total"]
                       for j in jobs)

        wait_for(running_with_progress)
    first.kill()  # SIGKILL: no shutdown, no release of the job in progress
    assert not first.alive()
    with sqlite3.connect(jobs_db) as db:
        interrupted = db.execute("SELECT count(*) FROM jobs WHERE status != 'succeeded'").fetchone()[0]
    assert interrupted > 0  # the kill really landed in the middle

    second = start(started, trained_models, jobs_db, tmp_path / "service-2.log")
    with client(second) as http:
        def all_finished() -> bool:
            return all(http.get(f"/v1/prediction-jobs/{j}").json()["status"] == "succeeded" for j in submitted)

        wait_for(all_finished, timeout=300, every=0.5)
        for job_id, instances in submitted.items():
            results = all_results(http, job_id)
            assert [r["index"] for r in results] == list(range(len(instances)))
            expected = http.post("/v1/models/iris-classifier/predict", json={"instances": instances})
            assert expected.status_code == 200
            assert [r["prediction"]["label"] for r in results] == [p["label"] for p in expected.json()["predictions"]]
            replay = http.post(JOBS, json={"instances": instances}, headers={"Idempotency-Key": keys[job_id]})
            assert replay.status_code == 202 and replay.json()["id"] == job_id  # no second job
    with sqlite3.connect(jobs_db) as db:
        assert db.execute("SELECT count(*) FROM jobs").fetchone()[0] == len(submitted)
        assert db.execute("SELECT count(*) FROM results").fetchone()[0] == sum(map(len, submitted.values()))
        assert db.execute("SELECT count(*) FROM (SELECT job_id, idx FROM results GROUP BY job_id, idx "
                          "HAVING count(*) > 1)").fetchone()[0] == 0


# -- the jobs file locked by another process --------------------------------------------------------
def test_locked_job_store_answers_503_and_loses_nothing(
        started: list[Server], trained_models: Path, jobs_db: Path, tmp_path: Path) -> None:
    server = start(started, trained_models, jobs_db, tmp_path / "service.log")
    with client(server) as http:
        before = http.post(JOBS, json={"instances": rows(3, 1)})
        assert before.status_code == 202
        # Another process takes the write lock and keeps it while we ask.
        with subprocess.Popen(
            [sys.executable, "-c", "import sqlite3, sys, time\n"
             f"db = sqlite3.connect({str(jobs_db)!r}, isolation_level=None)\n"
             "db.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\ntime.sleep(60)\n"],
            stdout=subprocess.PIPE, text=True,
        ) as locker:  # leaving the block closes its stdout and waits for it
            try:
                assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
                refused = http.post(JOBS, json={"instances": rows(3, 2)}, headers={"Idempotency-Key": "locked-1"})
                body = assert_problem(refused, 503, "job-store-unavailable")
                assert refused.headers["retry-after"] and body["request_id"]
                assert http.get("/health/live").status_code == 200
                assert http.get(f"/v1/prediction-jobs/{before.json()['id']}").status_code == 200  # reads go on
            finally:
                locker.kill()
        assert server.alive()
        wait_for(lambda: http.get(f"/v1/prediction-jobs/{before.json()['id']}").json()["status"] == "succeeded")
        after = http.post(JOBS, json={"instances": rows(3, 3)})
        assert after.status_code == 202
        wait_for(lambda: http.get(f"/v1/prediction-jobs/{after.json()['id']}").json()["status"] == "succeeded")
    with sqlite3.connect(jobs_db) as db:
        assert db.execute("SELECT count(*) FROM jobs").fetchone()[0] == 2  # the refused one left nothing


# -- the disk full ----------------------------------------------------------------------------------
@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs (root only): a real filesystem that fills up."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_answers_503_and_loses_nothing(
        started: list[Server], trained_models: Path, tiny_disk: Path, tmp_path: Path) -> None:
    jobs_db = tiny_disk / "jobs.sqlite3"
    server = start(started, trained_models, jobs_db, tmp_path / "service.log")
    accepted: list[str] = []
    with client(server) as http:
        first = http.post(JOBS, json={"instances": rows(5, 0)})
        assert first.status_code == 202
        accepted.append(first.json()["id"])
        filler = tiny_disk / "filler"
        with filler.open("wb", buffering=0) as out:  # fill what is left of the disk
            try:
                while True:
                    out.write(b"\0" * 4096)
            except OSError:
                pass
        refused = None
        for n in range(50):  # job bodies grow the file until a write fails
            answer = http.post(JOBS, json={"instances": rows(200, n)})
            if answer.status_code == 202:
                accepted.append(answer.json()["id"])
                continue
            refused = answer
            break
        assert refused is not None, "the disk never filled"
        assert_problem(refused, 503, "job-store-unavailable")
        assert http.get("/health/live").status_code == 200
        filler.unlink()  # space again: everything accepted finishes
        for job_id in accepted:
            wait_for(lambda j=job_id: http.get(f"/v1/prediction-jobs/{j}").json()["status"] == "succeeded",
                     timeout=300, every=0.5)
        again = http.post(JOBS, json={"instances": rows(3, 99)})
        assert again.status_code == 202
    assert server.alive()


# -- a model that fails to load ---------------------------------------------------------------------
def test_a_model_failing_to_load_leaves_the_rest_serving(
        started: list[Server], trained_models: Path, jobs_db: Path, tmp_path: Path) -> None:
    import shutil

    models = tmp_path / "models"
    shutil.copytree(trained_models, models)
    artefact = next((models / "wine-classifier").glob("*/model.skops"))
    artefact.write_bytes(b"PK\x03\x04 not a model at all")  # what its manifest's sha256 says it is not
    server = start(started, models, jobs_db, tmp_path / "service.log")
    with client(server) as http:
        ready = http.get("/health/ready")
        assert ready.status_code == 503
        states = {m["id"]: m["ready"] for m in ready.json()["models"]}
        assert states["wine-classifier"] is False
        assert all(ok for name, ok in states.items() if name != "wine-classifier")
        assert http.get("/health/live").status_code == 200
        ok = http.post("/v1/models/iris-classifier/predict", json={"instances": [IRIS]})
        assert ok.status_code == 200
        refused = http.post("/v1/models/wine-classifier/predict", json=contract_example(WINE_PREDICT))
        assert_problem(refused, 503, "model-not-ready")
    log = (tmp_path / "service.log").read_text()
    assert "sha256 mismatch" in log and "Traceback" not in log
