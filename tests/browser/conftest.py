"""Headless Chromium (Debian's package, never a browser downloaded by a test tool) driven by
Playwright, against the mock and the service on free ports and the demo page on a third origin.

`make test` installs Chromium (`make browser`); run the tests alone with `pytest -m browser`.
Screenshots go to tests/browser/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accord.config import DEV_API_KEY
from tests.browser.servers import serve_asgi, serve_static

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
DEMO = ROOT / "web" / "demo"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
#: The flags this machine needs (no sandbox as root; no calls to Google's hosts on a closed network).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.browser)


def chromium_path() -> str:
    """ACCORD_CHROMIUM, else Debian's /usr/bin/chromium; a clear failure when neither exists."""
    path = os.environ.get("ACCORD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(f"Chromium not found at {path}: run `make browser` (apt-get install chromium)", pytrace=False)
    return path


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for tests/browser/, closed when the package is done: Playwright's sync API keeps
    an event loop running on the main thread while it is open, which breaks any later test that
    calls asyncio.run() (so never session scope)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


#: How long an action or an `expect(...)` waits for the page to be ready: a bound, not a timing
#: assertion, so it is generous (Playwright's own 5 s default for `expect` failed Swagger UI's title
#: once on a loaded machine). A page that never gets there still fails, after this long.
READY_TIMEOUT_MS = 30_000


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    from playwright.sync_api import expect

    expect.set_options(timeout=READY_TIMEOUT_MS)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(READY_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot(page: Any, request: pytest.FixtureRequest) -> Any:
    """`screenshot("name")` saves a full-page PNG of the current page under tests/browser/screenshots/."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="package")
def mock_url() -> Iterator[str]:
    """The mock (accord mock) on a free port, answering the development key."""
    from accord.mock.testing import serve_mock

    with serve_mock(SPEC, api_keys=[DEV_API_KEY]) as running:
        yield running.url


@pytest.fixture(scope="package")
def stateful_mock_url() -> Iterator[str]:
    """The mock with `--stateful`: created jobs are kept and move on to succeeded by themselves."""
    from accord.mock.testing import serve_mock

    with serve_mock(SPEC, api_keys=[DEV_API_KEY], stateful=True) as running:
        yield running.url


@pytest.fixture(scope="package")
def service_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service (accord serve) on a free port: real models, a private job store, default CORS."""
    from impl.app import close_app, create_app

    folder = tmp_path_factory.mktemp("service")
    app = create_app(SPEC, models_dir=folder / "models", jobs_db=folder / "jobs.sqlite3", api_keys=[DEV_API_KEY],
                     cors_origins="")
    try:
        with serve_asgi(app) as url:
            yield url
    finally:
        close_app(app)


@pytest.fixture(scope="package")
def demo_url() -> Iterator[str]:
    """web/demo/ served as static files, on an origin of its own."""
    with serve_static(DEMO) as url:
        yield url


@pytest.fixture(params=["mock", "service"])
def api(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(name, base URL) of each target the page must work against unchanged."""
    return request.param, request.getfixturevalue(f"{request.param}_url")
