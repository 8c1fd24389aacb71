"""The mock serves a Postman collection: saved responses are the answers, auth is checked."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES
from test_cli import accord

from accord.mock.testing import mock_client

COLLECTION = FIXTURES / "mock-postman" / "collection.json"


def test_saved_responses_are_served():
    with mock_client(COLLECTION) as client:
        found = client.get("/plants/p9", headers={"X-Token": "t"})
        assert found.status_code == 200
        assert found.json() == {"id": "p1", "name": "Fern"}
        assert found.headers["x-zone"] == "north"
        assert client.get("/plants/p9").status_code == 401  # the collection's API key
        assert client.post("/plants/p9/water", json={"litres": 1}).status_code == 204
        health = client.get("/health", headers={"Authorization": "Basic dTpw"})
        assert (health.status_code, health.text) == (200, "green")
        assert client.get("/nowhere").status_code == 404


def test_neither_openapi_nor_a_collection_exits_2(tmp_path: Path):
    (tmp_path / "notes.json").write_text('{"info": {"name": "x"}, "pages": []}')
    result = accord("mock", str(tmp_path / "notes.json"), "--port", "1")
    assert result.returncode == 2
    assert "not an OpenAPI document" in result.stderr and "Traceback" not in result.stderr
