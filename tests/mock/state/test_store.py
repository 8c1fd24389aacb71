"""mock/state/store.py: seeding from a file (validated, located) and reset back to the seed."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from accord.mock.app import create_app
from accord.mock.behaviour.loading import BehaviourFileError
from accord.mock.testing import ASGISyncTransport

SPEC = Path(__file__).resolve().parents[3] / "spec" / "openapi.yaml"
KEY = {"X-API-Key": "k"}
SEEDED = """\
/v1/prediction-jobs/{job_id}:
  - id: job_SEEDED00001
    model_id: iris-classifier
    model_version: '3'
    status: succeeded
    created_at: '2025-06-01T09:31:02Z'
    started_at: '2025-06-01T09:31:03Z'
    finished_at: '2025-06-01T09:31:12Z'
    expires_at: '2099-06-02T09:31:12Z'
    progress: {total: 2, completed: 2}
    error: null
"""


def _files(tmp_path: Path, seed: str) -> Path:
    (tmp_path / "seed.yaml").write_text(seed, encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text("stateful:\n  seed: seed.yaml\n", encoding="utf-8")
    return rules


def test_seeded_resources_are_served_and_survive_a_reset(tmp_path: Path) -> None:
    app = create_app(SPEC, stateful=True, rules=_files(tmp_path, SEEDED), api_keys=["k"])
    with httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock", headers=KEY) as http:
        seeded = http.get("/v1/prediction-jobs/job_SEEDED00001")
        assert seeded.status_code == 200 and seeded.json()["status"] == "succeeded"
        results = http.get("/v1/prediction-jobs/job_SEEDED00001/results")
        assert results.status_code == 200 and [r["index"] for r in results.json()["data"]] == [0, 1]
        iris = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}
        made = http.post("/v1/models/iris-classifier/prediction-jobs", json={"instances": [iris]}).json()
        assert len(http.get("/v1/prediction-jobs").json()["data"]) == 2
        assert http.post("/__accord/reset").json()["dropped"] == 2
        assert [j["id"] for j in http.get("/v1/prediction-jobs").json()["data"]] == ["job_SEEDED00001"]
        assert http.get(f"/v1/prediction-jobs/{made['id']}").status_code == 404


@pytest.mark.parametrize(
    ("seed", "line", "pointer"),
    [
        (SEEDED.replace("status: succeeded", "status: exploded"), 2, "/~1v1~1prediction-jobs~1{job_id}/0"),
        ("/v1/unicorns/{id}:\n  - {id: 1}\n", 1, "/~1v1~1unicorns~1{id}"),
        ("/v1/prediction-jobs/{job_id}: {id: 1}\n", 1, "/~1v1~1prediction-jobs~1{job_id}"),
    ],
)
def test_a_bad_seed_is_located(tmp_path: Path, seed: str, line: int, pointer: str) -> None:
    with pytest.raises(BehaviourFileError) as caught:
        create_app(SPEC, stateful=True, rules=_files(tmp_path, seed))
    assert [(n, p) for f, n, p, _m in caught.value.problems] == [(line, pointer)]
    assert caught.value.problems[0][0].endswith("seed.yaml")
