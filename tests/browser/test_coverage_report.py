"""The HTML coverage report of `accord test` (`--coverage-report FILE.html`) in a real browser.

A run of the widgets service with GET /widgets stubbed out (501): the matrix shows each operation's
documented statuses, green where the run saw them, red where it never did, and the undocumented
501 in yellow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.contract_tests.coverage_report import as_html, totals
from accord.contract_tests.runner import run_contract_tests
from tests.browser.servers import serve_static
from tests.contract_tests.conftest import WIDGETS_SPEC
from tests.contract_tests.widgets import KEY, stubbed


def test_the_coverage_matrix_shows_what_was_reached(page: Any, screenshot: Any, tmp_path: Path) -> None:
    report = run_contract_tests(stubbed("/widgets"), spec=WIDGETS_SPEC, api_key=KEY, name="widgets",
                                operations=["getHealth", "listWidgets", "getWidget"], max_examples=3,
                                allow_not_implemented=True)
    (tmp_path / "coverage.html").write_text(as_html(report), encoding="utf-8")
    with serve_static(tmp_path) as base:
        page.goto(f"{base}/coverage.html")
        rows = page.locator("tbody tr")
        assert rows.count() == len(report.operations) == 3
        assert page.locator("td.op").all_inner_texts() == [op.label for op in report.operations]
        reached = sum(len(op.coverage.exercised) for op in report.operations)
        assert page.locator("td.hit").count() == reached > 0
        missed = sum(len(op.coverage.missing) for op in report.operations)
        assert page.locator("td.miss").count() == missed == 3  # GET /widgets: 200, 400, 401
        assert page.locator("td.undoc").all_inner_texts() == ["501"]
        # Green and red are what a reader sees, not only class names.
        hit = page.locator("td.hit").first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert hit == "rgb(200, 239, 200)"
        assert f"{totals(report).percent:.1f}%" in page.locator("p").first.inner_text()
        screenshot("coverage-report")
