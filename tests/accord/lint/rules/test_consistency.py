"""accord/lint/rules/consistency.py"""

from __future__ import annotations

from tests.accord.lint.conftest import pointers_of


def test_pagination_outlier_is_reported_and_non_lists_are_left_alone() -> None:
    assert pointers_of("lint-accord-consistent-pagination", "accord-consistent-pagination") == {
        "/paths/~1offset/get",                      # no page_token
        "/paths/~1offset/get/parameters/0",         # a limit unlike the others' (maximum 500)
        "/paths/~1offset/get/parameters/1",         # offset instead of page_token
        "/paths/~1offset/get/responses/200/content/application~1json/schema",  # no next_page_token
    }


def test_error_schema_outlier_is_reported() -> None:
    assert pointers_of("lint-accord-consistent-errors", "accord-consistent-errors") == {
        "/paths/~1b/get/responses/409/content/application~1json/schema",
    }


def test_clean_fixture_is_consistent() -> None:
    assert pointers_of("lint-clean", "accord-consistent-pagination") == set()
    assert pointers_of("lint-clean", "accord-consistent-errors") == set()
