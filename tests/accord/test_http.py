"""accord/http.py: `Accept` as RFC 9110 reads it, the one reading the mock and the service share."""

from __future__ import annotations

import pytest

from accord.http import MediaRange, parse_accept, parse_qvalue, quality


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0.0), ("1", 1.0), ("0.5", 0.5), ("0.123", 0.123), ("1.000", 1.0), ("1.", 1.0), (" 0.8 ", 0.8),
        (".5", 0.5),  # Java's HttpURLConnection sends `q=.2`
    ],
)
def test_qvalues_that_read(text: str, expected: float) -> None:
    assert parse_qvalue(text) == expected


@pytest.mark.parametrize("text", ["", "banana", "1.001", "1.5", "2", "-1", "-0", "0.1234", "1e-1", "0x1", "nan", "inf",
                                  "+0.5", "00.5", "."])
def test_qvalues_that_do_not_read(text: str) -> None:
    assert parse_qvalue(text) is None


def test_ranges_lower_cased_in_order_parameters_ignored() -> None:
    ranges = parse_accept("Text/HTML;level=1;q=0.7, */*;q=0.2, application/*;q=0, *;q=.1")
    assert ranges == [MediaRange("text", "html", 0.7), MediaRange("*", "*", 0.2), MediaRange("application", "*", 0.0),
                      MediaRange("*", "*", 0.1)]
    assert [r.specificity for r in ranges] == [2, 0, 1, 0]


@pytest.mark.parametrize(
    "header",
    ["", " , ,", "nonsense", "/json", "*/json", "application/", ";q=0",
     "application/json;q=banana", "application/json;q=2", "application/json;q=-1", "application/json;q=0.0001"],
)
def test_what_does_not_read_is_skipped(header: str) -> None:
    assert parse_accept(header) == []


def test_an_unreadable_weight_skips_only_its_range() -> None:
    assert parse_accept("text/csv, application/json;q=banana") == [MediaRange("text", "csv", 1.0)]


def test_the_first_weight_counts() -> None:
    assert parse_accept("application/json;q=0.3;q=1") == [MediaRange("application", "json", 0.3)]


def test_the_most_specific_range_decides() -> None:
    ranges = parse_accept("*/*;q=1, application/*;q=0.5, application/json;q=0")
    assert quality(ranges, "application/json") == (0.0, 2)
    assert quality(ranges, "application/problem+json") == (0.5, 1)
    assert quality(ranges, "text/csv") == (1.0, 0)


def test_equally_specific_ranges_give_the_higher_weight() -> None:
    assert quality(parse_accept("application/json;q=0.3, application/json;q=0.6"), "application/json") == (0.6, 2)


def test_the_media_type_is_matched_without_its_parameters_and_case() -> None:
    ranges = parse_accept("application/json")
    assert quality(ranges, "Application/JSON; charset=utf-8") == (1.0, 2)
    assert quality(ranges, "text/csv") == (0.0, -1)


@pytest.mark.parametrize(
    "header",
    ["application/json;q=banana", "text/csv, application/json;q=banana", "application/json;q=2, text/csv",
     "application/json;q=-1", "application/json;q=0.0001, text/csv", "*;q=.5", "nonsense", "*/json, text/csv",
     "application/*;q=0, */*", "APPLICATION/JSON;q=0.001", "text/csv;q=1, application/json;q=0"],
)
def test_the_mock_and_the_service_read_accept_alike(header: str) -> None:
    from accord.mock.negotiation import choose_media
    from accord.service.negotiation import acceptable

    mock_serves_json = choose_media(header, ["application/json"]) is not None
    assert acceptable(header.encode()) is mock_serves_json
