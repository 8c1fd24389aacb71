"""mock/journal.py: bounded, filtered by method and path, template or operationId."""

from __future__ import annotations

from accord.mock.journal import Journal
from accord.mock.problems import Violation


def record(
    journal: Journal, method: str, path: str, status: int, op: str | None = "op", template: str | None = None
) -> None:
    journal.record((method, path, b"a=1", {"x": "y"}, b'{"k": 1}', status, op, template or path, []))


def test_bounded_and_filtered():
    journal = Journal(size=2)
    record(journal, "GET", "/a", 200)
    record(journal, "POST", "/pets/1", 201, "createPet", "/pets/{id}")
    record(journal, "GET", "/b", 404, None, None)
    assert [e.path for e in journal] == ["/pets/1", "/b"]
    assert [e.status for e in journal.calls("POST /pets/{id}")] == [201]
    assert [e.status for e in journal.calls("/pets/1")] == [201]
    assert journal.calls("createPet")[0].json() == {"k": 1}
    assert journal.calls("GET /pets/1") == []
    assert journal.last().status == 404


def test_violations_are_kept_in_prism_shape():
    journal = Journal()
    journal.record(("GET", "/a", b"", {}, b"", 422, "op", "/a", [Violation("query", "n", (), "type", "bad")]))
    assert journal.last().violations[0]["location"] == ["request", "query", "n"]


def test_disabled():
    journal = Journal(size=0)
    record(journal, "GET", "/a", 200)
    assert len(journal) == 0 and journal.last() is None
