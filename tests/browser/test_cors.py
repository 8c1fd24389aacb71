"""A page on another origin calls both servers with `credentials: "include"` and reads the job
flow's headers from a 202: the Fetch standard hides every header not exposed by name from such a
call (`Access-Control-Expose-Headers: *` is read literally), and refuses the answer outright when
`Access-Control-Allow-Origin` is `*`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accord.config import DEV_API_KEY
from tests.browser.servers import serve_static

IRIS_ROW = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}

#: What a web app's code does: a credentialed POST, then the headers the job flow needs.
SUBMIT = """async ({ base, key, row }) => {
  const response = await fetch(`${base}/v1/models/iris-classifier/prediction-jobs`, {
    method: "POST",
    credentials: "include",
    headers: { "Content-Type": "application/json", "X-API-Key": key, "Idempotency-Key": `page-${Date.now()}` },
    body: JSON.stringify({ instances: [row] }),
  });
  return {
    status: response.status,
    location: response.headers.get("Location"),
    retryAfter: response.headers.get("Retry-After"),
    requestId: response.headers.get("X-Request-ID"),
    body: await response.json(),
  };
}"""


@pytest.fixture(scope="module")
def page_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty page on an origin of its own (neither server's)."""
    folder: Path = tmp_path_factory.mktemp("page")
    (folder / "index.html").write_text("<!doctype html><title>web app</title>", encoding="utf-8")
    with serve_static(folder) as url:
        yield url


def test_a_credentialed_cross_origin_call_reads_location_and_retry_after_from_a_202(
        page: Any, page_origin: str, api: tuple[str, str]) -> None:
    _, base = api
    page.goto(f"{page_origin}/index.html")
    answer = page.evaluate(SUBMIT, {"base": base, "key": DEV_API_KEY, "row": IRIS_ROW})
    assert answer["status"] == 202
    assert answer["location"] and answer["location"].endswith(f"/v1/prediction-jobs/{answer['body']['id']}")
    assert answer["retryAfter"] is not None and int(answer["retryAfter"]) >= 1
    assert answer["requestId"] == answer["body"]["request_id"]
