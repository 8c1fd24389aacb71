"""mock/behaviour/network.py against a real server on a free port: a dropped connection gets no
response at all (not a 500), a timeout holds the connection until the client gives up."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from accord.mock.testing import serve_mock

SPEC = Path(__file__).resolve().parents[3] / "spec" / "openapi.yaml"
RULES = """
scenarios:
  dropped:
    faults:
      - {name: gone, kind: drop, operation: getLiveness}
  hung:
    faults:
      - {name: hangs, kind: timeout, hold: 5, operation: getLiveness}
"""


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


def test_drop_closes_the_connection_without_a_response(rules: Path) -> None:
    with serve_mock(SPEC, rules=rules) as mock:
        assert requests.get(f"{mock.url}/health/live", timeout=10).status_code == 200
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{mock.url}/health/live", headers={"X-Accord-Scenario": "dropped"}, timeout=10)
        # The server records the exchange after closing the connection, so the client may look first.
        deadline = time.monotonic() + 30  # a bound on the server getting there, not a timing claim
        entry = mock.journal.last()
        while entry.status != 0 and time.monotonic() < deadline:
            time.sleep(0.02)
            entry = mock.journal.last()
        assert entry.status == 0 and entry.answered_by == {"scenario": "dropped", "fault": "gone", "network": "drop"}
        # the server is fine afterwards
        assert requests.get(f"{mock.url}/health/live", timeout=10).status_code == 200


def test_timeout_holds_the_connection_until_the_client_gives_up(rules: Path) -> None:
    with serve_mock(SPEC, rules=rules) as mock:
        started = time.monotonic()
        with pytest.raises(requests.ReadTimeout):
            requests.get(f"{mock.url}/health/live", headers={"X-Accord-Scenario": "hung"}, timeout=0.5)
        assert time.monotonic() - started >= 0.5
        assert requests.get(f"{mock.url}/health/live", timeout=10).status_code == 200
