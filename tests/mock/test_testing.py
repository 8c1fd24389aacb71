"""mock/testing.py: the mock on a real uvicorn port, in-process, and as a pytest fixture."""

from __future__ import annotations

import httpx
import pytest
from conftest import PETS

from accord.loading import load_spec
from accord.mock.testing import mock_client, serve_mock


@pytest.fixture
def accord_mock_spec() -> str:
    return str(PETS)


def test_serve_mock_on_a_free_port_with_a_journal():
    with serve_mock(load_spec(PETS)) as mock:
        assert mock.url.startswith("http://127.0.0.1:")
        response = httpx.get(mock.url + "/pets?limit=1")
        assert response.status_code == 200 and response.headers["x-total"] == "2"
        assert httpx.get(mock.url + "/pets/abc").status_code == 400
        assert [e.status for e in mock.journal.calls("GET /pets/{petId}")] == [400]
        assert mock.journal.calls("listPets")[0].query == "limit=1"


def test_mock_client_in_process():
    with mock_client(PETS) as client:
        assert client.get("/pets").status_code == 200
        assert client.journal.last().operation == "listPets"


@pytest.mark.accord_mock(dynamic=True, seed=3)
def test_fixture(accord_mock):
    body = httpx.get(accord_mock.url + "/pets/5").json()
    assert isinstance(body["id"], int)
    assert accord_mock.app.dynamic is True
    assert len(accord_mock.journal) == 1
