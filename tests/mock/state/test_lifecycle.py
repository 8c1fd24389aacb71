"""mock/state/lifecycle.py: statuses from the schema's enum, moved along by time."""

from __future__ import annotations

from typing import Any

from accord.mock.state.lifecycle import iso, lifecycle_for

SCHEMA = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
        "started_at": {"type": ["string", "null"]},
        "finished_at": {"type": ["string", "null"]},
        "expires_at": {"type": ["string", "null"]},
        "progress": {"type": "object"},
    },
}
JOB: dict[str, Any] = {"status": "queued", "progress": {"total": 10, "completed": 0}}


def test_statuses_follow_the_durations() -> None:
    life = lifecycle_for({}, SCHEMA, {"queued": 2, "running": 4})
    assert life is not None
    assert (life.initial, life.active, life.done, life.cancelled) == ("queued", "running", "succeeded", "cancelled")
    assert [life.status(100.0, None, 100.0 + t) for t in (0, 1.9, 2, 5.9, 6, 1000)] == [
        "queued", "queued", "running", "running", "succeeded", "succeeded"]
    assert life.is_final("succeeded") and life.is_final("cancelled") and not life.is_final("running")


def test_timestamps_and_progress_follow_the_status() -> None:
    life = lifecycle_for({}, SCHEMA, {"queued": 2, "running": 4})
    assert life is not None
    queued = life.apply(JOB, 100.0, None, 101.0)
    assert queued["started_at"] is None and queued["finished_at"] is None and queued["progress"]["completed"] == 0
    running = life.apply(JOB, 100.0, None, 104.0)  # half way through running
    assert running["status"] == "running" and running["started_at"] == iso(102.0)
    assert running["progress"]["completed"] == 5 and running["finished_at"] is None
    done = life.apply(JOB, 100.0, None, 200.0)
    assert done["finished_at"] == iso(106.0) and done["expires_at"] == iso(106.0 + 24 * 3600)
    assert done["progress"] == {"total": 10, "completed": 10}
    assert JOB["status"] == "queued"  # the stored value is never changed in place


def test_cancel_is_final_and_keeps_its_moment() -> None:
    life = lifecycle_for({}, SCHEMA, {"queued": 2, "running": 4})
    assert life is not None
    cancelled = life.apply(JOB, 100.0, 101.0, 500.0)  # cancelled while queued
    assert cancelled["status"] == "cancelled"
    assert cancelled["started_at"] is None and cancelled["finished_at"] == iso(101.0)


def test_no_lifecycle_without_initial_and_done_statuses() -> None:
    assert lifecycle_for({}, {"properties": {"status": {"enum": ["active", "inactive"]}}}, {}) is None
    assert lifecycle_for({}, {"properties": {"name": {"type": "string"}}}, {}) is None
    pending = lifecycle_for({}, {"properties": {"status": {"enum": ["pending", "completed"]}}}, {"pending": 1})
    assert pending is not None and (pending.initial, pending.active, pending.done) == ("pending", None, "completed")
    assert pending.status(0.0, None, 0.5) == "pending" and pending.status(0.0, None, 1.0) == "completed"
