"""The SQLite job store: ids, idempotency, leases, resumption without duplicates, expiry."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from impl.jobs.ids import new_job_id
from impl.jobs.store import IdempotencyKeyInUse, IdempotencyKeyReused, JobStore, fingerprint
from impl.pagination import InvalidPageToken, PageTokens


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    return JobStore(tmp_path / "jobs.sqlite3", ttl_seconds=60)


def _create(store: JobStore, n: int = 3, model_id: str = "iris-classifier", key: str | None = None) -> str:
    return store.create(model_id=model_id, model_version="1", instances=[{"i": i} for i in range(n)],
                        options={}, request_id="r", idempotency_key=key).id


def test_ids_match_the_contract_and_sort_by_time() -> None:
    first, second = new_job_id(1_700_000_000.0), new_job_id(1_700_000_001.0)
    assert re.fullmatch(r"job_[A-Za-z0-9]{10,40}", first)
    assert len(first) == 30 and first < second


def test_wal_mode(store: JobStore) -> None:
    assert store._conn().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_idempotency_same_body_returns_the_original(store: JobStore) -> None:
    fp = fingerprint("iris-classifier", "1", {"instances": [1]})
    assert store.reserve_key("k1", fp) is None
    job_id = _create(store, key="k1")
    replay = store.reserve_key("k1", fp)
    assert replay is not None and replay.id == job_id


def test_idempotency_in_flight_and_different_body(store: JobStore) -> None:
    fp = fingerprint("iris-classifier", "1", {"instances": [1]})
    assert store.reserve_key("k2", fp) is None
    with pytest.raises(IdempotencyKeyInUse):
        store.reserve_key("k2", fp)  # the first request has not created its job yet
    with pytest.raises(IdempotencyKeyReused):
        store.reserve_key("k2", fingerprint("iris-classifier", "1", {"instances": [2]}))
    store.release_key("k2")
    assert store.reserve_key("k2", fp) is None


def test_resuming_never_duplicates_results(store: JobStore) -> None:
    job_id = _create(store, n=4)
    job, instances, _ = store.claim("w1", lease_seconds=60)  # type: ignore[misc]
    assert job.id == job_id and job.status == "running" and len(instances) == 4
    assert store.record(job_id, "w1", 60, 0, ["a", "b"])
    store.release(job_id, "w1")  # graceful shutdown in the middle
    job, _, _ = store.claim("w2", lease_seconds=60)  # type: ignore[misc]
    assert job.completed == 2
    assert not store.record(job_id, "w1", 60, 2, ["x", "y"])  # the old worker lost the job
    assert store.record(job_id, "w2", 60, 2, ["c", "d"])
    assert store.finish(job_id, "w2")
    rows, more = store.results(job_id, start=0, limit=10)
    assert [p for _, p in rows] == ["a", "b", "c", "d"] and more is None
    assert store.get(job_id).status == "succeeded"  # type: ignore[union-attr]


def test_a_crashed_workers_job_is_reclaimed_after_its_lease(store: JobStore) -> None:
    job_id = _create(store)
    store.claim("dead", lease_seconds=0.05)
    assert store.claim("alive", lease_seconds=60) is None
    time.sleep(0.1)
    job, _, _ = store.claim("alive", lease_seconds=60)  # type: ignore[misc]
    assert job.id == job_id


def test_cancel_and_expiry(store: JobStore) -> None:
    job_id = _create(store)
    job, changed = store.cancel(job_id)
    assert changed and job.status == "cancelled" and job.expires_ts is not None  # type: ignore[union-attr]
    _, again = store.cancel(job_id)
    assert not again
    assert job.expired(now=job.expires_ts + 1)  # type: ignore[union-attr, operator]


def test_purge_drops_expired_results_but_keeps_the_job(store: JobStore) -> None:
    job_id = _create(store, n=1)
    store.claim("w", 60)
    store.record(job_id, "w", 60, 0, ["a"])
    store.finish(job_id, "w")
    assert store.purge_expired(now=time.time() + 3600) == 1
    assert store.get(job_id) is not None
    assert store.results(job_id, start=0, limit=10) == ([], None)


def test_list_newest_first_with_filters_and_cursor(store: JobStore) -> None:
    ids = [_create(store, model_id="iris-classifier" if i % 2 else "wine-classifier") for i in range(5)]
    page, cursor = store.list(limit=2)
    assert [j.id for j in page] == ids[::-1][:2] and cursor is not None
    rest, end = store.list(limit=10, after=cursor)
    assert [j.id for j in rest] == ids[::-1][2:] and end is None
    iris, _ = store.list(limit=10, model_id="iris-classifier")
    assert {j.model_id for j in iris} == {"iris-classifier"} and len(iris) == 2


def test_page_tokens_carry_their_filters() -> None:
    tokens = PageTokens(b"secret")
    token = tokens.encode("jobs", {"status": "queued"}, [1.0, "job_x"])
    assert tokens.decode(token, "jobs", {"status": "queued"}) == [1.0, "job_x"]
    with pytest.raises(InvalidPageToken, match="other filters"):
        tokens.decode(token, "jobs", {"status": "running"})
    with pytest.raises(InvalidPageToken, match="another list"):
        tokens.decode(token, "results", {"status": "queued"})
    with pytest.raises(InvalidPageToken):
        tokens.decode(token[:-2] + "xx", "jobs", {"status": "queued"})
    with pytest.raises(InvalidPageToken):
        PageTokens(b"other").decode(token, "jobs", {"status": "queued"})


def test_the_busy_timeout_is_the_stores_own_setting(tmp_path: Path) -> None:
    from impl.config import Settings

    settings = Settings.from_env(environ={"ACCORD_JOBS_BUSY_TIMEOUT_SECONDS": "2.5", "ACCORD_JOB_LEASE_SECONDS": "3"})
    assert (settings.jobs_busy_timeout_seconds, settings.job_lease_seconds) == (2.5, 3.0)
    store = JobStore(tmp_path / "jobs.sqlite3", busy_timeout_seconds=settings.jobs_busy_timeout_seconds)
    assert store._conn().execute("PRAGMA busy_timeout").fetchone()[0] == 2500
