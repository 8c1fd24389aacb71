"""mock/state/handlers.py: a web front end's flow against the stateful mock, over HTTP.

In-process with a clock the test moves (every status and page checked exactly), and once
against a real server on a free port in real time (poll until done). Every answer is checked
against the contract (conforms.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from conforms import assert_conforms

from accord.mock.app import MockApp, create_app
from accord.mock.testing import ASGISyncTransport, serve_mock

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT / "spec" / "openapi.yaml"
NOTES = ROOT / "tests" / "fixtures" / "mock-notes" / "openapi.yaml"
KEY = {"X-API-Key": "accord-dev-key"}
IRIS = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}
WINE = {"alcohol": 13.0, "malic_acid": 1.7, "ash": 2.4, "alcalinity_of_ash": 15.6, "magnesium": 127,
        "total_phenols": 2.8, "flavanoids": 3.06, "nonflavanoid_phenols": 0.28, "proanthocyanins": 2.29,
        "color_intensity": 5.64, "hue": 1.04, "od280_od315_of_diluted_wines": 3.92, "proline": 1065}
CREATE = "/v1/models/iris-classifier/prediction-jobs"


class Clock:
    """Time the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


class Front:
    """What a front end does, each answer checked against the contract."""

    def __init__(self, app: MockApp) -> None:
        self.app = app
        self.http = httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock", headers=KEY)

    def call(self, label: str, method: str, url: str, **kw: Any) -> tuple[httpx.Response, Any]:
        response = self.http.request(method, url, **kw)
        return response, assert_conforms(self.app, label, response)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def front(clock: Clock) -> Iterator[Front]:
    # durations: the defaults (queued 2 s, running 5 s)
    app = create_app(SPEC, stateful=True, clock=clock, api_keys=["accord-dev-key"])
    client = Front(app)
    yield client
    client.http.close()


def test_a_job_is_created_polled_until_done_and_its_results_paged(front: Front, clock: Clock) -> None:
    instances = [IRIS] * 5
    created, job = front.call("createIrisPredictionJob", "POST", CREATE, json={"instances": instances},
                              headers={"X-Request-ID": "web-123"})
    assert created.status_code == 202
    assert job["status"] == "queued" and job["progress"] == {"total": 5, "completed": 0}
    assert job["request_id"] == "web-123" and job["model_id"] == "iris-classifier"
    location = created.headers["location"]
    assert location == f"/v1/prediction-jobs/{job['id']}"

    _, early = front.call("getPredictionJobResults", "GET", f"{location}/results")
    assert early["type"].endswith("/job-not-finished") and job["id"] in early["detail"]

    seen = []
    for _ in range(20):
        polled, state = front.call("getPredictionJob", "GET", location)
        seen.append(state["status"])
        if state["status"] == "succeeded":
            assert "retry-after" not in polled.headers  # a polling hint only while it runs
            break
        assert polled.headers["retry-after"]
        clock.now += 1
    assert seen[0] == "queued" and "running" in seen and seen[-1] == "succeeded"
    assert state["progress"] == {"total": 5, "completed": 5} and state["finished_at"] is not None

    first, page = front.call("getPredictionJobResults", "GET", f"{location}/results", params={"limit": 2})
    assert first.status_code == 200
    assert page["job_id"] == job["id"] and [row["index"] for row in page["data"]] == [0, 1]
    indexes = [0, 1]
    while page["next_page_token"] is not None:
        _, page = front.call("getPredictionJobResults", "GET", f"{location}/results",
                             params={"limit": 2, "page_token": page["next_page_token"]})
        indexes += [row["index"] for row in page["data"]]
    assert indexes == [0, 1, 2, 3, 4]

    refused, problem = front.call("cancelPredictionJob", "POST", f"{location}/cancel")
    assert refused.status_code == 409 and problem["type"].endswith("/job-already-finished")


def test_another_job_is_cancelled_and_the_list_shows_both(front: Front, clock: Clock) -> None:
    _, done = front.call("createIrisPredictionJob", "POST", CREATE, json={"instances": [IRIS]})
    clock.now += 1
    _, other = front.call("createWinePredictionJob", "POST", "/v1/models/wine-classifier/prediction-jobs",
                          json={"instances": [WINE]})
    assert other["id"] != done["id"]
    cancel_url = f"/v1/prediction-jobs/{other['id']}/cancel"
    cancelled_response, cancelled = front.call("cancelPredictionJob", "POST", cancel_url)
    assert cancelled_response.status_code == 200 and cancelled["status"] == "cancelled"
    clock.now += 100  # time passes: the cancelled job stays cancelled, the other one finishes
    _, again = front.call("getPredictionJob", "GET", f"/v1/prediction-jobs/{other['id']}")
    assert again["status"] == "cancelled"
    _, listing = front.call("listPredictionJobs", "GET", "/v1/prediction-jobs")
    assert [(j["id"], j["status"]) for j in listing["data"]] == [(other["id"], "cancelled"), (done["id"], "succeeded")]
    _, filtered = front.call("listPredictionJobs", "GET", "/v1/prediction-jobs", params={"status": "cancelled"})
    assert [j["id"] for j in filtered["data"]] == [other["id"]]
    _, by_model = front.call("listPredictionJobs", "GET", "/v1/prediction-jobs", params={"model_id": "iris-classifier"})
    assert [j["id"] for j in by_model["data"]] == [done["id"]]
    _, results = front.call("getPredictionJobResults", "GET", f"/v1/prediction-jobs/{other['id']}/results")
    assert results["type"].endswith("/job-not-finished")


def test_unknown_ids_and_tokens_get_the_documented_problems(front: Front) -> None:
    for label, method, url in [("getPredictionJob", "GET", "/v1/prediction-jobs/job_0000000000"),
                               ("getPredictionJobResults", "GET", "/v1/prediction-jobs/job_0000000000/results"),
                               ("cancelPredictionJob", "POST", "/v1/prediction-jobs/job_0000000000/cancel")]:
        response, problem = front.call(label, method, url)
        assert response.status_code == 404 and problem["type"].endswith("/job-not-found")
        assert problem["instance"] == url and problem["request_id"] == response.headers["x-request-id"]
    response, problem = front.call("listPredictionJobs", "GET", "/v1/prediction-jobs",
                                   params={"page_token": "eyJvIjoyMH0"})
    assert response.status_code == 400 and problem["type"].endswith("/invalid-page-token")


def test_without_stateful_the_static_answers_stay(clock: Clock) -> None:
    app = create_app(SPEC, api_keys=["accord-dev-key"])
    client = Front(app)
    response, job = client.call("getPredictionJob", "GET", "/v1/prediction-jobs/job_0000000000")
    assert response.status_code == 200 and job["id"] == "job_01HZX3K8Q2"  # the documented example


def test_crud_on_a_document_without_links() -> None:
    app = create_app(NOTES, stateful=True)
    http = httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock")

    def call(label: str, method: str, url: str, **kw: Any) -> tuple[httpx.Response, Any]:
        response = http.request(method, url, **kw)
        return response, assert_conforms(app, label, response)

    made = [call("createNote", "POST", "/notes", json={"text": t, "colour": c})
            for t, c in (("a", "red"), ("b", "blue"), ("c", "red"))]
    assert [(r.headers["location"], body["noteId"], body["text"]) for r, body in made] == [
        ("/notes/1", 1, "a"), ("/notes/2", 2, "b"), ("/notes/3", 3, "c")]
    assert call("getNote", "GET", "/notes/2")[1] == {"noteId": 2, "text": "b", "colour": "blue"}
    _, first = call("listNotes", "GET", "/notes")  # limit defaults to the parameter's default, 2
    assert [n["noteId"] for n in first["items"]] == [3, 2] and first["next"]
    _, rest = call("listNotes", "GET", "/notes", params={"cursor": first["next"]})
    assert [n["noteId"] for n in rest["items"]] == [1] and rest["next"] is None
    assert [n["noteId"] for n in call("listNotes", "GET", "/notes", params={"colour": "red"})[1]["items"]] == [3, 1]
    patched = call("patchNote", "PATCH", "/notes/2", content=b'{"text": "B"}',
                   headers={"content-type": "application/merge-patch+json"})[1]
    assert patched == {"noteId": 2, "text": "B", "colour": "blue"}
    deleted, _ = call("deleteNote", "DELETE", "/notes/2")
    assert deleted.status_code == 204
    assert call("getNote", "GET", "/notes/2")[0].status_code == 404
    assert call("deleteNote", "DELETE", "/notes/2")[0].status_code == 404
    assert call("getTag", "GET", "/tags/red")[0].status_code == 404
    assert call("putTag", "PUT", "/tags/red", json={"label": "Red"})[1] == {"name": "red", "label": "Red"}
    assert call("getTag", "GET", "/tags/red")[1] == {"name": "red", "label": "Red"}
    assert app.journal.last().answered_by == {"state": "read red"}


def test_a_front_end_flow_against_a_real_server(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("stateful:\n  durations: {queued: 0.2, running: 0.3}\n", encoding="utf-8")
    with serve_mock(SPEC, stateful=True, rules=rules, api_keys=["accord-dev-key"]) as mock:
        http = requests.Session()
        http.headers.update(KEY)
        created = http.post(f"{mock.url}{CREATE}", json={"instances": [IRIS, IRIS, IRIS]}, timeout=10)
        assert created.status_code == 202
        job_url = mock.url + created.headers["location"]
        cancel_me = http.post(f"{mock.url}{CREATE}", json={"instances": [IRIS]}, timeout=10).json()
        cancelled = http.post(f"{mock.url}/v1/prediction-jobs/{cancel_me['id']}/cancel", timeout=10)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        statuses = []
        for _ in range(200):  # poll as a front end does, honouring nothing but the status
            statuses.append(http.get(job_url, timeout=10).json()["status"])
            if statuses[-1] == "succeeded":
                break
            time.sleep(0.05)
        assert statuses[-1] == "succeeded" and statuses[0] == "queued"
        results = http.get(f"{job_url}/results", timeout=10).json()
        assert [row["index"] for row in results["data"]] == [0, 1, 2] and results["next_page_token"] is None
        listed = http.get(f"{mock.url}/v1/prediction-jobs", timeout=10).json()["data"]
        assert {(j["id"], j["status"]) for j in listed} == {(cancel_me["id"], "cancelled"),
                                                            (created.json()["id"], "succeeded")}
        assert [e.answered_by["state"].split()[0] for e in mock.journal.calls("POST " + CREATE)] == ["created"] * 2
