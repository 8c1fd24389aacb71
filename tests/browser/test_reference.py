"""`make docs` (web/reference.py): the API reference page built from spec/ and opened from disk."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from accord.loading import load_spec
from tests.browser.conftest import ROOT, SPEC

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def operations() -> list[tuple[str, str]]:
    """(first tag, operationId) of every operation in the contract."""
    document = load_spec(SPEC).document
    return [(op["tags"][0], op["operationId"]) for item in document["paths"].values()
            for method, op in item.items() if method in METHODS]


def test_make_docs_builds_a_page_that_renders_every_operation(page: Any, screenshot: Any) -> None:
    done = subprocess.run(["make", "--no-print-directory", "docs"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    built = ROOT / "docs" / "api" / "index.html"
    assert built.is_file()

    page.goto(Path(built).as_uri())  # from disk: no server, no network
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("model-serving API")
    expected = operations()
    assert len(expected) == 20
    for tag, operation_id in expected:
        expect(page.locator(f"#operations-{tag}-{operation_id}")).to_have_count(1)
    expect(page.locator(".opblock")).to_have_count(len(expected))

    # A reference, not a console: opening an operation shows its schema but offers no "Try it out".
    page.locator("#operations-predictions-predictIris .opblock-summary").click()
    expect(page.locator("#operations-predictions-predictIris")).to_contain_text("sepal_length_cm")
    expect(page.locator("button.try-out__btn")).to_have_count(0)
    screenshot("api-reference")
