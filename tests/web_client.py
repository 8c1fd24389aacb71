"""A scripted web front end: the calls a product page makes, as a browser app would make them.

Used by the consumer-contract tests: run against the mock with `--record`, then the recording
is verified against the real service. It reads what a page shows (model names, predicted
classes, job status, result rows), so the recording pins exactly those fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from accord.config import DEV_API_KEY

IRIS = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}
#: Status polls before the page asks for results (fixed: the session is the same on any target).
POLLS = 2


def run_session(base_url: str, api_key: str = DEV_API_KEY) -> dict[str, Any]:
    """Catalogue, one prediction, a job submitted, polled (through Location and by id), results."""
    seen: dict[str, Any] = {}
    with httpx.Client(base_url=base_url, headers={"X-API-Key": api_key}, timeout=60) as client:
        catalogue = client.get("/v1/models", params={"limit": 10})
        catalogue.raise_for_status()
        seen["models"] = [m["id"] for m in catalogue.json()["data"]]
        prediction = client.post("/v1/models/iris-classifier/predict", json={"instances": [IRIS]})
        prediction.raise_for_status()
        seen["label"] = prediction.json()["predictions"][0]["label"]
        job = client.post("/v1/models/iris-classifier/prediction-jobs", json={"instances": [IRIS, IRIS]})
        job.raise_for_status()
        job_id = job.json()["id"]
        status = client.get(job.headers["location"])  # follow Location, as a page does
        status.raise_for_status()
        for _ in range(POLLS):
            status = client.get(f"/v1/prediction-jobs/{job_id}")
            status.raise_for_status()
        seen["status"] = status.json()["status"]
        results = client.get(f"/v1/prediction-jobs/{job_id}/results")
        seen["results"] = results.status_code
    return seen


def run_refused_calls(base_url: str, api_key: str = DEV_API_KEY) -> dict[str, Any]:
    """What a page does with the answers it must handle: a form sent with one field left empty and
    one out of range (it marks the fields the problem's pointers name), and a call made before a
    key was set (it shows a sign-in prompt on the 401)."""
    seen: dict[str, Any] = {}
    flawed = {k: v for k, v in IRIS.items() if k != "petal_width_cm"} | {"sepal_length_cm": -1}
    with httpx.Client(base_url=base_url, timeout=60) as client:
        invalid = client.post("/v1/models/iris-classifier/predict", json={"instances": [flawed]},
                              headers={"X-API-Key": api_key})
        assert invalid.status_code == 400, invalid.text
        seen["field_errors"] = sorted((e["pointer"], e["detail"]) for e in invalid.json()["errors"])
        signed_out = client.get("/v1/models")
        assert signed_out.status_code == 401, signed_out.text
        seen["signed_out"] = [e["parameter"] for e in signed_out.json()["errors"]]
    return seen


def record_session(path: Path, spec: str | Path = "spec/openapi.yaml") -> Path:
    """The session run against the mock (real uvicorn, free port) with `record=path`."""
    from accord.mock.testing import serve_mock

    with serve_mock(spec, record=path) as mock:
        run_session(mock.url)
    return path
