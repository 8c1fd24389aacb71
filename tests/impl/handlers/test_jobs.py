"""Prediction jobs over HTTP: 202 + Location, polling, results pages, cancel, idempotency, restarts."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from tests.impl.conftest import AUTH, DIABETES_ROW, IRIS_ROW, assert_problem

CREATE = "/v1/models/iris-classifier/prediction-jobs"


def _wait(client: TestClient, job_id: str, status: str = "succeeded", timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/v1/prediction-jobs/{job_id}", headers=AUTH).json()
        if job["status"] == status or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_job_lifecycle_and_result_pages(client: TestClient) -> None:
    rows = [IRIS_ROW, {**IRIS_ROW, "petal_length_cm": 5.5, "petal_width_cm": 2.1}] * 30
    created = client.post(CREATE, json={"instances": rows, "options": {"top_k": 1}}, headers=AUTH)
    assert created.status_code == 202, created.text
    job = created.json()
    assert created.headers["location"] == f"/v1/prediction-jobs/{job['id']}"
    assert int(created.headers["retry-after"]) >= 1
    assert job["status"] in ("queued", "running") and job["progress"]["total"] == 60
    done = _wait(client, job["id"])
    assert done["status"] == "succeeded" and done["progress"]["completed"] == 60
    assert done["finished_at"] and done["expires_at"]
    first = client.get(f"/v1/prediction-jobs/{job['id']}/results?limit=50", headers=AUTH).json()
    assert [r["index"] for r in first["data"]] == list(range(50))
    second = client.get(f"/v1/prediction-jobs/{job['id']}/results?limit=50&page_token={first['next_page_token']}",
                        headers=AUTH).json()
    assert [r["index"] for r in second["data"]] == list(range(50, 60)) and second["next_page_token"] is None
    labels = [r["prediction"]["label"] for r in first["data"][:2]]
    assert labels == ["setosa", "virginica"]
    assert len(first["data"][0]["prediction"]["probabilities"]) == 1


def test_unfinished_results_are_409_and_cancel(make_app: Callable[..., Any]) -> None:
    app = make_app(job_batch_size=1, job_batch_delay=0.05)
    with app.test_client(raise_server_exceptions=False) as client:
        job = client.post(CREATE, json={"instances": [IRIS_ROW] * 200}, headers=AUTH).json()
        polled = client.get(f"/v1/prediction-jobs/{job['id']}", headers=AUTH)
        assert polled.headers["retry-after"] == "1"
        assert_problem(client.get(f"/v1/prediction-jobs/{job['id']}/results", headers=AUTH), 409, "job-not-finished")
        cancelled = client.post(f"/v1/prediction-jobs/{job['id']}/cancel", headers=AUTH)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        again = client.post(f"/v1/prediction-jobs/{job['id']}/cancel", headers=AUTH)
        assert_problem(again, 409, "job-already-finished")
        time.sleep(0.2)  # the worker notices between batches and stops writing
        assert client.get(f"/v1/prediction-jobs/{job['id']}", headers=AUTH).json()["status"] == "cancelled"


def test_expired_results_are_410(make_app: Callable[..., Any], monkeypatch: Any) -> None:
    monkeypatch.setenv("ACCORD_JOB_TTL_SECONDS", "0.2")
    with make_app().test_client(raise_server_exceptions=False) as client:
        job = client.post(CREATE, json={"instances": [IRIS_ROW]}, headers=AUTH).json()
        assert _wait(client, job["id"])["status"] == "succeeded"
        time.sleep(0.3)
        assert_problem(client.get(f"/v1/prediction-jobs/{job['id']}/results", headers=AUTH), 410,
                       "job-results-expired")


def test_unknown_job_is_404(client: TestClient) -> None:
    for url in ("/v1/prediction-jobs/job_0000000000AAAAAAAAAAAAAAAA",
                "/v1/prediction-jobs/job_0000000000AAAAAAAAAAAAAAAA/results"):
        assert_problem(client.get(url, headers=AUTH), 404, "job-not-found")
    assert_problem(client.post("/v1/prediction-jobs/job_0000000000AAAAAAAAAAAAAAAA/cancel", headers=AUTH), 404,
                   "job-not-found")


def test_idempotency_key(client: TestClient) -> None:
    headers = {**AUTH, "Idempotency-Key": f"key-{time.time_ns()}"}
    first = client.post(CREATE, json={"instances": [IRIS_ROW]}, headers=headers)
    replay = client.post(CREATE, json={"instances": [IRIS_ROW]}, headers=headers)
    assert first.status_code == replay.status_code == 202
    assert first.json()["id"] == replay.json()["id"]
    different = client.post(CREATE, json={"instances": [IRIS_ROW, IRIS_ROW]}, headers=headers)
    assert_problem(different, 422, "idempotency-key-reused")


def test_the_regressor_job_offers_no_class_options(client: TestClient) -> None:
    """The contract gives the regressor no top_k / return_probabilities: validation names the member (400)."""
    for option in ({"top_k": 1}, {"return_probabilities": False}):
        response = client.post("/v1/models/diabetes-progression-regressor/prediction-jobs",
                               json={"instances": [DIABETES_ROW], "options": option}, headers=AUTH)
        body = assert_problem(response, 400, "validation-error")
        assert [e["pointer"] for e in body["errors"]] == [f"#/options/{next(iter(option))}"]


def test_bad_rows_are_refused_at_submission(client: TestClient) -> None:
    rows = [IRIS_ROW] * 4812 + [{**IRIS_ROW, "petal_width_cm": -2}]
    body = assert_problem(client.post(CREATE, json={"instances": rows}, headers=AUTH), 400, "validation-error")
    assert body["errors"] == [{"pointer": "#/instances/4812/petal_width_cm", "in": "body", "detail": "must be > 0"}]


def test_listing_filters_and_tokens(make_app: Callable[..., Any]) -> None:
    with make_app().test_client(raise_server_exceptions=False) as client:
        for _ in range(3):
            client.post(CREATE, json={"instances": [IRIS_ROW]}, headers=AUTH)
        client.post("/v1/models/diabetes-progression-regressor/prediction-jobs",
                    json={"instances": [DIABETES_ROW]}, headers=AUTH)
        page = client.get("/v1/prediction-jobs?limit=2&model_id=iris-classifier", headers=AUTH).json()
        assert len(page["data"]) == 2 and page["next_page_token"]
        rest = client.get(f"/v1/prediction-jobs?limit=2&model_id=iris-classifier&page_token={page['next_page_token']}",
                          headers=AUTH).json()
        assert len(rest["data"]) == 1 and rest["next_page_token"] is None
        assert {j["model_id"] for j in page["data"] + rest["data"]} == {"iris-classifier"}
        other = client.get(f"/v1/prediction-jobs?limit=2&page_token={page['next_page_token']}", headers=AUTH)
        assert_problem(other, 400, "invalid-page-token")


def test_a_job_survives_a_restart(make_app: Callable[..., Any], tmp_path: Any) -> None:
    """Accepted by one app, which stops mid-job; finished by the next one on the same file."""
    from impl.app import close_app

    jobs_db = tmp_path / "restart.sqlite3"
    first = make_app(jobs_db=jobs_db, job_batch_size=10, job_batch_delay=0.02)
    with first.test_client() as client:
        job = client.post(CREATE, json={"instances": [IRIS_ROW] * 500}, headers=AUTH).json()
        time.sleep(0.2)
    close_app(first)
    interrupted = first.accord_service.state.jobs.get(job["id"])
    assert interrupted.status == "running" and 0 < interrupted.completed < 500

    second = make_app(jobs_db=jobs_db, job_batch_size=100)
    with second.test_client() as client:
        done = _wait(client, job["id"])
        assert done["status"] == "succeeded" and done["progress"]["completed"] == 500
        indices: list[int] = []
        token = None
        while True:
            url = f"/v1/prediction-jobs/{job['id']}/results?limit=100" + (f"&page_token={token}" if token else "")
            page = client.get(url, headers=AUTH).json()
            indices += [r["index"] for r in page["data"]]
            token = page["next_page_token"]
            if token is None:
                break
    assert indices == list(range(500))  # nothing lost, nothing twice
