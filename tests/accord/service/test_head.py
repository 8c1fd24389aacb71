"""HEAD on the service kit, for any team's document (tests/fixtures/service-head): answered where the
path item declares `head`, else a 405 whose `Allow` lists the declared methods and whose error
carries the service's media type, over real HTTP, as the mock answers the same requests
(docs/mock-behaviour.md, "HEAD"): switching from the mock to the service is a change of base URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from accord.contract_tests.serving import serve_app
from accord.mock.testing import serve_mock
from accord.service.app import close_app, create_app

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT = ROOT / "tests" / "fixtures" / "service-head" / "openapi.yaml"
HANDLERS = '''from typing import Any


def get_report(reportId: int) -> Any:
    return {"id": reportId, "title": "Sales"}, 200, {"X-Report-Size": "42"}


def head_report(reportId: int) -> Any:
    return None, 200, {"X-Report-Size": "42"}


def list_reports() -> Any:
    return [{"id": 1, "title": "Sales"}]


def create_report(body: Any) -> Any:
    return body, 201
'''


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    package = tmp_path_factory.mktemp("project") / "headreports"
    (package / "handlers").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "handlers" / "__init__.py").write_text("")
    (package / "handlers" / "default.py").write_text(HANDLERS)
    service = create_app(spec_path=DOCUMENT, app=str(package), api_keys=[])
    try:
        with serve_app(service) as service_url, serve_mock(DOCUMENT) as mock:
            yield {"mock": mock.url + "/v1", "service": service_url + "/v1"}
    finally:
        close_app(service)


def test_head_is_served_where_the_path_declares_it(servers: dict[str, str]) -> None:
    for name, base in servers.items():
        answer = requests.head(base + "/reports/1", timeout=10)
        assert answer.status_code == 200, (name, answer.headers)
        assert answer.headers["x-report-size"] == "42", name
        assert answer.content == b"", name


@pytest.mark.parametrize(("path", "allow"), [("/reports", "GET, POST")])
def test_head_elsewhere_is_a_405_listing_the_declared_methods(servers: dict[str, str], path: str,
                                                              allow: str) -> None:
    answers = {name: requests.head(base + path, timeout=10) for name, base in servers.items()}
    for name, answer in answers.items():
        assert answer.status_code == 405, (name, answer.headers)
        assert answer.headers["allow"] == allow, name
        assert answer.headers["content-type"] == "application/problem+json", name
        assert answer.content == b"", name  # a HEAD answer has no body, whatever its status
    # The service's other 405s say the same: one Allow for the path, whatever the method.
    other = requests.delete(servers["service"] + path, timeout=10)
    assert other.status_code == 405 and other.headers["allow"] == allow
    assert other.headers["content-type"] == answers["service"].headers["content-type"]


def test_get_is_unchanged_where_head_is_refused(servers: dict[str, str]) -> None:
    for name, base in servers.items():
        answer = requests.get(base + "/reports", timeout=10)
        assert answer.status_code == 200, name
        assert answer.json() == [{"id": 1, "title": "Sales"}], name
