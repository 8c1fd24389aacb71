"""The PostgreSQL job store against a real server: the SQLite store's guarantees, across replicas
(two store objects on one database stand for two replicas), migrations, and the batch protocol of
the Celery workers (a batch run twice writes nothing twice)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from impl.jobs.postgres import MIGRATIONS, PostgresJobStore
from impl.jobs.records import IdempotencyKeyInUse, IdempotencyKeyReused, fingerprint
from impl.jobs.storage import open_store
from impl.pagination import PageTokens

pytestmark = pytest.mark.integration


@pytest.fixture
def stores(postgres_url: str) -> Iterator[tuple[PostgresJobStore, PostgresJobStore]]:
    """Two stores on one database: what two replicas see."""
    first = PostgresJobStore(postgres_url, ttl_seconds=60, timeout_seconds=5)
    second = PostgresJobStore(postgres_url, ttl_seconds=60, timeout_seconds=5)
    yield first, second
    first.close()
    second.close()


def _create(store: PostgresJobStore, n: int = 3, model_id: str = "iris-classifier", key: str | None = None) -> str:
    return store.create(model_id=model_id, model_version="1", instances=[{"i": i} for i in range(n)],
                        options={"top_k": 1}, request_id="r", idempotency_key=key).id


def test_the_url_setting_selects_postgres(postgres_url: str) -> None:
    from impl.config import Settings

    settings = Settings.from_env(environ={"ACCORD_JOBS_DATABASE_URL": postgres_url})
    assert settings.cluster
    store = open_store(settings)
    try:
        assert isinstance(store, PostgresJobStore) and "@127.0.0.1:" in store.name
    finally:
        store.close()
    assert not Settings.from_env(environ={}).cluster


def test_migrations_run_once_even_when_replicas_start_together(postgres_url: str) -> None:
    opened: list[PostgresJobStore] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            opened.append(PostgresJobStore(postgres_url))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(opened) == 4
    with psycopg.connect(postgres_url) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    assert opened[0].migrate() == len(MIGRATIONS)  # again: nothing to do
    for store in opened:
        store.close()


def test_idempotency_across_replicas(stores: tuple[PostgresJobStore, PostgresJobStore]) -> None:
    a, b = stores
    fp = fingerprint("iris-classifier", "1", {"instances": [1]})
    assert a.reserve_key("k1", fp) is None
    with pytest.raises(IdempotencyKeyInUse):
        b.reserve_key("k1", fp)  # the first request, on the other replica, has not created its job yet
    with pytest.raises(IdempotencyKeyReused):
        b.reserve_key("k1", fingerprint("iris-classifier", "1", {"instances": [2]}))
    job_id = _create(a, key="k1")
    replay = b.reserve_key("k1", fp)
    assert replay is not None and replay.id == job_id
    assert b.reserve_key("k2", fp) is None
    b.release_key("k2")
    assert a.reserve_key("k2", fp) is None


def test_page_tokens_and_cursors_are_valid_on_every_replica(stores: tuple[PostgresJobStore, PostgresJobStore]) -> None:
    a, b = stores
    assert a.secret() == b.secret()
    ids = [_create(a if i % 2 else b, model_id="iris-classifier" if i % 2 else "wine-classifier") for i in range(5)]
    page, cursor = a.list(limit=2)
    assert [j.id for j in page] == ids[::-1][:2] and cursor is not None
    token = PageTokens(a.secret()).encode("jobs", {}, list(cursor))
    after = PageTokens(b.secret()).decode(token, "jobs", {})
    rest, end = b.list(limit=10, after=(after[0], after[1]))
    assert [j.id for j in rest] == ids[::-1][2:] and end is None
    iris, _ = b.list(limit=10, model_id="iris-classifier", status="queued")
    assert {j.model_id for j in iris} == {"iris-classifier"} and len(iris) == 2


def test_leases_resume_without_duplicates(stores: tuple[PostgresJobStore, PostgresJobStore]) -> None:
    """The embedded worker's protocol on the shared store: one replica's job resumed by another."""
    a, b = stores
    job_id = _create(a, n=4)
    job, instances, options = a.claim("w1", lease_seconds=60)  # type: ignore[misc]
    assert job.id == job_id and job.status == "running" and len(instances) == 4 and options == {"top_k": 1}
    assert b.claim("w2", lease_seconds=60) is None  # taken, lease running
    assert a.record(job_id, "w1", 60, 0, ["a", "b"])
    a.release(job_id, "w1")
    job, _, _ = b.claim("w2", lease_seconds=60)  # type: ignore[misc]
    assert job.completed == 2
    assert not a.record(job_id, "w1", 60, 2, ["x", "y"])  # the old worker lost the job
    assert b.record(job_id, "w2", 60, 2, ["c", "d"])
    assert b.finish(job_id, "w2")
    rows, more = a.results(job_id, start=0, limit=10)
    assert [p for _, p in rows] == ["a", "b", "c", "d"] and more is None
    assert a.get(job_id).status == "succeeded"  # type: ignore[union-attr]


def test_a_crashed_replicas_job_is_reclaimed_after_its_lease(stores: tuple[PostgresJobStore, PostgresJobStore]) -> None:
    a, b = stores
    job_id = _create(a)
    a.claim("dead", lease_seconds=0.05)
    assert b.claim("alive", lease_seconds=60) is None
    time.sleep(0.1)
    job, _, _ = b.claim("alive", lease_seconds=60)  # type: ignore[misc]
    assert job.id == job_id


def test_a_batch_run_twice_writes_once(stores: tuple[PostgresJobStore, PostgresJobStore]) -> None:
    a, b = stores
    job_id = _create(a, n=5)
    got = b.batch(job_id, 2, 2)
    assert got is not None
    job, instances, options = got
    assert job.status == "running" and instances == [{"i": 2}, {"i": 3}] and options == {"top_k": 1}
    assert b.batch(job_id, 4, 100)[1] == [{"i": 4}]  # type: ignore[index]  # the last batch is shorter
    assert a.record_batch(job_id, 2, ["c", "d"]).completed == 2  # type: ignore[union-attr]
    again = b.record_batch(job_id, 2, ["c", "d"])  # its worker died before acknowledging: run again
    assert again is not None and again.completed == 2 and again.status == "running"
    a.record_batch(job_id, 0, ["a", "b"])
    done = b.record_batch(job_id, 4, ["e"])
    assert done is not None and done.status == "succeeded" and done.completed == 5 and done.expires_ts
    assert b.batch(job_id, 0, 2) is None  # a late copy of a batch finds the job ended
    rows, _ = a.results(job_id, start=0, limit=10)
    assert rows == [(0, "a"), (1, "b"), (2, "c"), (3, "d"), (4, "e")]
    with psycopg.connect(a.url) as conn:  # the input is dropped with the job's end
        assert conn.execute("SELECT count(*) FROM inputs WHERE job_id = %s", (job_id,)).fetchone() == (0,)


def test_cancellation_stops_the_next_batch(stores: tuple[PostgresJobStore, PostgresJobStore]) -> None:
    a, b = stores
    job_id = _create(a, n=4)
    a.record_batch(job_id, 0, ["a", "b"])
    job, changed = b.cancel(job_id)
    assert changed and job is not None and job.status == "cancelled"
    assert a.batch(job_id, 2, 2) is None
    assert a.record_batch(job_id, 2, ["c", "d"]) is None  # a batch in flight writes nothing
    assert a.results(job_id, start=0, limit=10)[0] == [(0, "a"), (1, "b")]
    assert not b.cancel(job_id)[1]
    other = _create(a, n=1)
    assert a.fail(other, {"title": "Model not ready"}) and a.get(other).error == {"title": "Model not ready"}  # type: ignore[union-attr]


def test_discard_forgets_the_job_and_frees_its_key(stores: tuple[PostgresJobStore, PostgresJobStore]) -> None:
    a, b = stores
    fp = fingerprint("iris-classifier", "1", {"instances": [1]})
    a.reserve_key("k", fp)
    job_id = _create(a, key="k")
    b.discard(job_id)
    assert a.get(job_id) is None
    assert a.reserve_key("k", fp) is None  # a retry with the same key starts afresh


def test_purge_drops_expired_results_but_keeps_the_job(stores: tuple[PostgresJobStore, PostgresJobStore]) -> None:
    a, _ = stores
    job_id = _create(a, n=1)
    a.record_batch(job_id, 0, [{"label": "setosa"}])
    assert a.purge_expired(now=time.time() + 3600) == 1
    assert a.get(job_id) is not None
    assert a.results(job_id, start=0, limit=10) == ([], None)


def test_an_unreachable_database_is_the_stores_unavailable_error(postgres: Any) -> None:
    from tools.local_servers import free_port

    with pytest.raises(PostgresJobStore.unavailable):
        PostgresJobStore(f"postgresql://accord@127.0.0.1:{free_port()}/accord", timeout_seconds=1)


def test_without_a_broker_each_replica_runs_jobs_from_postgres_in_its_thread(
        make_app: Any, postgres_url: str, models_dir: Any) -> None:
    """ACCORD_JOBS_DATABASE_URL alone: the embedded worker (leases) on the shared store."""
    from tests.impl.conftest import AUTH, IRIS_ROW

    app = make_app(jobs_database_url=postgres_url, models_dir=models_dir)
    with app.test_client() as client:
        created = client.post("/v1/models/iris-classifier/prediction-jobs", json={"instances": [IRIS_ROW] * 120},
                              headers=AUTH)
        assert created.status_code == 202
        job_id = created.json()["id"]
        deadline = time.monotonic() + 30
        while (job := client.get(f"/v1/prediction-jobs/{job_id}", headers=AUTH).json())["status"] != "succeeded":
            assert time.monotonic() < deadline and job["status"] in ("queued", "running"), job
            time.sleep(0.05)
        page = client.get(f"/v1/prediction-jobs/{job_id}/results?limit=100", headers=AUTH).json()
        assert [r["index"] for r in page["data"]] == list(range(100)) and page["next_page_token"]
        assert client.get("/health/ready").json()["status"] == "ready"  # loaded, not trained, by this replica
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT count(*) FROM results WHERE job_id = %s", (job_id,)).fetchone() == (120,)
