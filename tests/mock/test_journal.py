"""mock/journal.py: bounded, filtered by method and path, template or operationId."""

from __future__ import annotations

from pathlib import Path

from accord.mock.journal import MAX_BODY_KEPT, REDACTED, Journal, redact, redact_query
from accord.mock.problems import Violation

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
IRIS_ROW = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}


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


def test_credentials_are_redacted_and_debugging_values_are_not():
    """Idempotency keys and page tokens carry a marker word but are no secret: shown as sent."""
    headers = {"x-api-key": "s3cr3t", "authorization": "Bearer t", "cookie": "sid=1",
               "idempotency-key": "retry-7", "x-request-id": "r1"}
    assert redact(headers) == {"x-api-key": REDACTED, "authorization": REDACTED, "cookie": REDACTED,
                               "idempotency-key": "retry-7", "x-request-id": "r1"}
    assert redact_query("api_key=s3cr3t&page_token=p2&limit=5&access_token=t") == (
        f"api_key={REDACTED}&page_token=p2&limit=5&access_token={REDACTED}")


def test_the_served_journal_shows_the_idempotency_key(make_client):
    client = make_client(SPEC, api_keys=["accord-dev-key"])
    client.post("/v1/models/iris-classifier/prediction-jobs", json={"instances": [IRIS_ROW]},
                headers={"X-API-Key": "accord-dev-key", "Idempotency-Key": "retry-7"})
    entry = client.get("/__accord/journal").json()[-1]
    assert entry["headers"]["idempotency-key"] == "retry-7"
    assert entry["headers"]["x-api-key"] == REDACTED


def test_a_large_body_is_kept_only_as_far_as_an_entry_shows_it(make_client):
    # 1,000 entries of the largest bodies the mock reads (10 MB) would hold 10 GB until read.
    client = make_client(SPEC, api_keys=["accord-dev-key"])
    body = b'{"instances": [' + b",".join([b'{"sepal_length_cm": 5.1}'] * 8000) + b"]}"
    assert len(body) > MAX_BODY_KEPT
    client.post("/v1/models/iris-classifier/predict", content=body,
                headers={"X-API-Key": "accord-dev-key", "Content-Type": "application/json"})
    journal = client.mock_app.journal
    kept = journal._entries[-1][4]  # the raw record, before any Entry is built from it
    assert kept == body[:MAX_BODY_KEPT]
    assert journal.last().body == body[:MAX_BODY_KEPT]
