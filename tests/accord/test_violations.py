"""accord/violations.py: the 401 wording both servers share, for a key sent in the query string."""

from __future__ import annotations

import pytest

from accord.violations import misplaced_key, missing_credential


@pytest.mark.parametrize(("where", "param", "names", "found"), [
    ("header", "X-API-Key", ["limit", "key"], "key"),
    ("header", "X-API-Key", ["API_KEY"], "API_KEY"),
    ("header", "X-API-Key", ["x-api-key"], "x-api-key"),
    ("header", "X-Token", ["x-token"], "x-token"),  # named like the scheme's own parameter
    ("header", "X-API-Key", ["limit", "page_token"], None),
    ("query", "key", ["key"], None),  # a query scheme: the query is the right place
])
def test_a_key_sent_in_the_query_for_a_header_scheme_is_named(where: str, param: str, names: list[str],
                                                               found: str | None) -> None:
    assert misplaced_key(where, param, names) == found


def test_the_detail_says_where_the_key_goes() -> None:
    assert missing_credential("header", "X-API-Key") == "the header parameter 'X-API-Key' is missing"
    assert missing_credential("header", "X-API-Key", "key") == (
        "the header parameter 'X-API-Key' is missing (the query parameter 'key' is not read: a key goes in the "
        "header only)")
