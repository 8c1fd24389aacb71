"""The cluster deployment, as real processes on loopback: PostgreSQL and Redis (the session's
servers), two service replicas (`accord serve`) and two Celery workers (`celery -A impl.jobs.tasks
worker`), every request a real HTTP round trip.

- a job created through replica A is polled, paged, replayed and cancelled through replica B;
- a worker SIGKILLed mid-job: the job still succeeds, its results equal synchronous predictions
  and each (job, index) is written once;
- the broker stopped and started, then PostgreSQL: the documented 503s, then recovery, with nothing
  accepted lost and nothing half-accepted;
- `accord test` against a replica.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
import requests

from impl.jobs.celery_app import QUEUE, RUN_BATCH
from tests.impl.conftest import IRIS_ROW, ROOT

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent
KEY = "cluster-test-key"
AUTH = {"X-API-Key": KEY}
CREATE = "/v1/models/iris-classifier/prediction-jobs"
PREDICT = "/v1/models/iris-classifier/predict"
BATCH = 50


def _wait(condition: Callable[[], Any], what: str, timeout: float = 60.0, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    """Signal the process group a spawned process leads (by its pid, never by a name pattern)."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


class Cluster:
    """Two replicas and two workers on the session's PostgreSQL and Redis."""

    def __init__(self, postgres: Any, redis: Any, models_dir: Path, logs: Path) -> None:
        from tools.local_servers import free_port

        self.postgres, self.redis, self.logs = postgres, redis, logs
        self.database_url = postgres.create_database(f"cluster_{os.getpid()}")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
        self.env.update({
            "ACCORD_JOBS_DATABASE_URL": self.database_url,
            "ACCORD_JOBS_BROKER_URL": redis.url,
            "ACCORD_MODELS_DIR": str(models_dir),
            "ACCORD_API_KEYS": KEY,
            "ACCORD_STATE_DIR": str(logs / "state"),
            "ACCORD_JOB_BATCH_SIZE": str(BATCH),
            # Workers hold each batch a little, so a test can catch one mid-job.
            "ACCORD_JOB_BATCH_DELAY": "0.05",
            "ACCORD_JOBS_VISIBILITY_TIMEOUT": "4",
            # How long a request waits for a database connection before its 503.
            "ACCORD_JOBS_BUSY_TIMEOUT_SECONDS": "1",
            "ACCORD_ACCESS_LOG": "0",
        })
        self.ports = [free_port(), free_port()]
        self.replicas: list[subprocess.Popen[bytes]] = []
        self.workers: dict[int, subprocess.Popen[bytes]] = {}

    def url(self, replica: int) -> str:
        return f"http://127.0.0.1:{self.ports[replica]}"

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen[bytes]:
        with (self.logs / log).open("ab") as out:
            return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)

    def start(self) -> None:
        self.replicas = [self._spawn([str(BIN / "accord"), "serve", "--port", str(port)], f"replica{i}.log")
                         for i, port in enumerate(self.ports)]
        for i in (0, 1):
            self.start_worker(i)
        for i in (0, 1):
            _wait(lambda i=i: self._ready(i), f"replica {i} (log: {self.logs}/replica{i}.log)", timeout=120)
            self.wait_worker(i)

    def _ready(self, replica: int) -> bool:
        if self.replicas[replica].poll() is not None:
            raise AssertionError(f"replica {replica} exited: {(self.logs / f'replica{replica}.log').read_text()}")
        try:
            return requests.get(self.url(replica) + "/health/ready", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def start_worker(self, i: int) -> None:
        self.workers[i] = self._spawn(
            [str(BIN / "celery"), "-A", "impl.jobs.tasks", "worker", "--pool=solo", "-n", f"w{i}@%h", "-l", "info",
             "--without-mingle", "--without-gossip", "--without-heartbeat"], f"worker{i}.log")

    def wait_worker(self, i: int) -> None:
        def ready() -> bool:
            if self.workers[i].poll() is not None:
                raise AssertionError(f"worker {i} exited: {(self.logs / f'worker{i}.log').read_text()}")
            return b" ready." in (self.logs / f"worker{i}.log").read_bytes()

        _wait(ready, f"worker {i}", timeout=120)

    def stop(self) -> None:
        """SIGTERM to each process group, SIGKILL after 20 s; a group already gone is no error (a
        test may have killed it), so every process is waited for and none is left running."""
        procs = [*self.replicas, *self.workers.values()]
        for proc in procs:
            if proc.poll() is None:
                _signal_group(proc, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()

    # -- HTTP --------------------------------------------------------------------------------

    def post(self, replica: int, path: str, body: Any = None, **headers: str) -> requests.Response:
        return requests.post(self.url(replica) + path, json=body, headers={**AUTH, **headers}, timeout=30)

    def get(self, replica: int, path: str) -> requests.Response:
        return requests.get(self.url(replica) + path, headers=AUTH, timeout=30)

    def job(self, replica: int, job_id: str) -> dict[str, Any]:
        response = self.get(replica, f"/v1/prediction-jobs/{job_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def finished(self, replica: int, job_id: str, timeout: float = 90.0) -> dict[str, Any]:
        job: dict[str, Any] = _wait(lambda: (j := self.job(replica, job_id))["status"] in
                                    ("succeeded", "failed", "cancelled") and j, f"job {job_id}", timeout, 0.2)
        return job

    def results(self, job_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """Every result, paging through alternate replicas (each takes the other's page token)."""
        rows: list[dict[str, Any]] = []
        token, replica = None, 0
        while True:
            page = self.get(replica, f"/v1/prediction-jobs/{job_id}/results?limit={limit}"
                            + (f"&page_token={token}" if token else ""))
            assert page.status_code == 200, page.text
            rows += page.json()["data"]
            token, replica = page.json()["next_page_token"], 1 - replica
            if token is None:
                return rows

    def synchronous(self, instances: list[dict[str, Any]]) -> list[Any]:
        """The same instances through the predict operation, in the jobs' batches (same matrices)."""
        out: list[Any] = []
        for start in range(0, len(instances), BATCH):
            response = self.post(1, PREDICT, {"instances": instances[start:start + BATCH]})
            assert response.status_code == 200, response.text
            out += response.json()["predictions"]
        return out

    def broker_idle(self) -> bool:
        """No task waits in the jobs' queue and none is taken but unacknowledged (tasks are
        acknowledged late, once run): every batch sent so far has been run to its end."""
        client = redis.Redis.from_url(self.redis.url)
        try:
            return client.llen(QUEUE) == 0 and client.hlen("unacked") == 0
        finally:
            client.close()

    def rows_in_database(self, job_id: str) -> tuple[int, int]:
        """(result rows, distinct indices) of a job, read from PostgreSQL itself."""
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute("SELECT count(*), count(DISTINCT idx) FROM results WHERE job_id = %s",
                               (job_id,)).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    def job_count(self) -> int:
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute("SELECT count(*) FROM jobs").fetchone()
        assert row is not None
        return int(row[0])


def _instances(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [{k: round(v * rng.uniform(0.6, 1.6), 2) for k, v in IRIS_ROW.items()} for _ in range(n)]


@pytest.fixture(scope="module")
def cluster(postgres: Any, redis_server: Any, models_dir: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    # Under pytest's basetemp (pruned by pytest, kept for the last runs so a failure's logs can be
    # read), not a /tmp folder of our own that a run stopped mid-way would leave behind.
    logs = tmp_path_factory.mktemp("cluster")
    running = Cluster(postgres, redis_server, models_dir, logs)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def test_a_job_is_followed_paged_and_cancelled_through_another_replica(cluster: Cluster) -> None:
    instances = _instances(240, seed=1)
    created = cluster.post(0, CREATE, {"instances": instances}, **{"Idempotency-Key": "cross-1"})
    assert created.status_code == 202, created.text
    job_id = created.json()["id"]
    assert created.headers["location"] == f"/v1/prediction-jobs/{job_id}"
    replay = cluster.post(1, CREATE, {"instances": instances}, **{"Idempotency-Key": "cross-1"})
    assert replay.status_code == 202 and replay.json()["id"] == job_id  # the key is known to every replica

    done = cluster.finished(1, job_id)
    assert done["status"] == "succeeded" and done["progress"] == {"total": 240, "completed": 240}
    rows = cluster.results(job_id, limit=70)
    assert [r["index"] for r in rows] == list(range(240))
    assert [r["prediction"] for r in rows] == cluster.synchronous(instances)

    listed = cluster.get(0, "/v1/prediction-jobs?limit=1&model_id=iris-classifier").json()
    assert listed["data"][0]["id"] == job_id and listed["next_page_token"] is None
    for i in range(2):
        cluster.post(i, CREATE, {"instances": instances[:1]})
    first = cluster.get(1, "/v1/prediction-jobs?limit=2").json()
    rest = cluster.get(0, f"/v1/prediction-jobs?limit=2&page_token={first['next_page_token']}").json()
    assert [j["id"] for j in rest["data"]] == [job_id]  # B's token read by A, newest first

    long = cluster.post(0, CREATE, {"instances": _instances(3000, seed=2)})  # 60 batches, ~1.5 s of work
    long_id = long.json()["id"]
    _wait(lambda: cluster.job(1, long_id)["progress"]["completed"] > 0, "the long job to start")
    cancelled = cluster.post(1, f"/v1/prediction-jobs/{long_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    # Every batch of the job, queued or in flight at the cancel, is run (skipped) and acknowledged
    # before the counts are read: a batch written after the cancel would show below.
    _wait(cluster.broker_idle, "the workers to drain the queue after the cancel", timeout=60)
    seen = cluster.job(0, long_id)
    assert seen["status"] == "cancelled" and 0 < seen["progress"]["completed"] < 3000
    written, _ = cluster.rows_in_database(long_id)
    assert written == seen["progress"]["completed"]
    again = cluster.post(0, f"/v1/prediction-jobs/{long_id}/cancel")
    assert again.status_code == 409 and again.json()["type"].endswith("/job-already-finished")


def _tasks(log: Path, state: str) -> set[str]:
    """Ids of the batch tasks a worker's log says it `received` or finished (succeeded, retried)."""
    pattern = r"received" if state == "received" else r"(?:succeeded|failed|retry)"
    return set(re.findall(rf"Task {re.escape(RUN_BATCH)}\[([0-9a-f-]+)\] {pattern}", log.read_text()))


def test_a_worker_killed_mid_job_loses_nothing_and_writes_nothing_twice(cluster: Cluster) -> None:
    instances = _instances(1500, seed=3)  # 30 batches of 50, each held 50 ms by its worker
    victim_log = cluster.logs / "worker0.log"

    def holding() -> set[str]:
        return _tasks(victim_log, "received") - _tasks(victim_log, "finished")

    job_id = cluster.post(0, CREATE, {"instances": instances}).json()["id"]
    _wait(lambda: cluster.job(1, job_id)["progress"]["completed"] >= 2 * BATCH and holding(),
          "the job to be under way, worker 0 holding a batch", every=0.01)
    victim = cluster.workers[0]
    os.killpg(victim.pid, signal.SIGKILL)  # mid-batch: its batch is unacknowledged in Redis
    victim.wait()
    held = holding()
    assert held, "worker 0 held no batch when killed: nothing was tested"
    at_kill = cluster.job(1, job_id)["progress"]["completed"]
    assert at_kill < len(instances), "the job finished before the kill: nothing was tested"
    # The other worker runs the rest, and the killed one's batch once Redis's visibility timeout
    # (4 s here) hands it over: the same task id, received again by worker 1.
    done = cluster.finished(1, job_id)
    assert held <= _tasks(cluster.logs / "worker1.log", "finished")
    assert done["status"] == "succeeded" and done["progress"]["completed"] == len(instances)
    assert cluster.rows_in_database(job_id) == (len(instances), len(instances))
    rows = cluster.results(job_id)
    assert [r["index"] for r in rows] == list(range(len(instances)))
    assert [r["prediction"] for r in rows] == cluster.synchronous(instances)
    # The tests after this one run on the surviving worker.


def test_the_broker_stopped_and_started(cluster: Cluster) -> None:
    accepted = cluster.post(0, CREATE, {"instances": _instances(400, seed=4)}).json()["id"]
    cluster.redis.stop()
    try:
        before = cluster.job_count()
        refused = cluster.post(1, CREATE, {"instances": _instances(5, seed=5)}, **{"Idempotency-Key": "broker-1"})
        assert refused.status_code == 503 and refused.headers["retry-after"]
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["type"].endswith("/job-store-unavailable")
        assert cluster.job_count() == before  # nothing half-accepted
        assert cluster.job(0, accepted)["id"] == accepted  # reads keep working from PostgreSQL
        assert cluster.get(1, "/v1/prediction-jobs?limit=5").status_code == 200
        assert cluster.post(0, PREDICT, {"instances": [IRIS_ROW]}).status_code == 200
    finally:
        cluster.redis.start()
    retried = cluster.post(1, CREATE, {"instances": _instances(5, seed=5)}, **{"Idempotency-Key": "broker-1"})
    assert retried.status_code == 202, retried.text  # the same key, free again: nothing was kept of the 503
    for job_id in (accepted, retried.json()["id"]):
        done = cluster.finished(0, job_id)
        assert done["status"] == "succeeded", done
        total = done["progress"]["total"]
        assert cluster.rows_in_database(job_id) == (total, total)


def test_postgres_stopped_and_started(cluster: Cluster) -> None:
    instances = _instances(1000, seed=6)
    running = cluster.post(0, CREATE, {"instances": instances}).json()["id"]
    _wait(lambda: cluster.job(0, running)["progress"]["completed"] > 0, "the job to be under way")
    cluster.postgres.stop()
    try:
        for response in (cluster.post(0, CREATE, {"instances": instances[:3]}),
                         cluster.get(1, f"/v1/prediction-jobs/{running}"),
                         cluster.get(0, "/v1/prediction-jobs"),
                         cluster.post(1, f"/v1/prediction-jobs/{running}/cancel")):
            assert response.status_code == 503, response.text
            assert response.json()["type"].endswith("/job-store-unavailable") and response.headers["retry-after"]
        for replica in (0, 1):
            predicted = cluster.post(replica, PREDICT, {"instances": [IRIS_ROW]})  # predictions still served
            assert predicted.status_code == 200
            assert requests.get(cluster.url(replica) + "/health/ready", timeout=10).status_code == 200
    finally:
        cluster.postgres.start()
    for replica in (0, 1):  # each replica's pool finds the database again, without a restart
        _wait(lambda r=replica: cluster.get(r, f"/v1/prediction-jobs/{running}").status_code == 200,
              f"replica {replica} to reach PostgreSQL again", timeout=90, every=0.5)
    done = cluster.finished(1, running, timeout=120)  # the workers retried their batches with backoff
    assert done["status"] == "succeeded" and done["progress"]["completed"] == len(instances)
    assert cluster.rows_in_database(running) == (len(instances), len(instances))
    assert [r["prediction"] for r in cluster.results(running)] == cluster.synchronous(instances)
    after = cluster.post(1, CREATE, {"instances": instances[:3]})
    assert after.status_code == 202, after.text  # no restart needed
    assert cluster.finished(0, after.json()["id"])["status"] == "succeeded"


def test_the_contract_suite_passes_against_a_replica(cluster: Cluster) -> None:
    """`accord test` on the operations the cluster deployment serves differently (jobs, readiness).
    The predict and catalogue operations run the same code in both deployments; the whole suite
    runs against the embedded service in contract_tests/."""
    operations = ["getReadiness", "createIrisPredictionJob", "listPredictionJobs", "getPredictionJob",
                  "getPredictionJobResults", "cancelPredictionJob"]
    env = {**cluster.env, "ACCORD_API_KEYS": KEY}
    done = subprocess.run([str(BIN / "accord"), "test", "--target", cluster.url(1),
                           *[arg for op in operations for arg in ("-o", op)]],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "PASSED" in done.stdout
