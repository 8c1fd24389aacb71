"""Accept matching (impl/negotiation.py): specificity, q=0, wildcards, leniency on junk."""

from __future__ import annotations

import pytest

from accord.service.negotiation import acceptable


@pytest.mark.parametrize(
    "header",
    [
        b"", b"*/*", b"*", b"application/json", b"application/problem+json", b"APPLICATION/JSON",
        b"application/*", b"text/html, application/json;q=0.5", b"application/json; charset=utf-8",
        b"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",  # a browser
        b"application/json;q=0, application/problem+json",  # problems still acceptable
        b"application/*;q=1, application/json;q=0",  # problem+json through application/*
        b"text/csv;q=0.9, */*;q=0.1",
        b"nonsense", b";q=0", b"/json",  # nothing usable: treated like no header
        b"application/json;q=banana", b"application/json;q=2",  # unreadable weights skip their range
    ],
)
def test_acceptable(header: bytes) -> None:
    assert acceptable(header) is True


@pytest.mark.parametrize(
    "header",
    [
        b"text/csv", b"text/*", b"image/png, text/html", b"application/xml",
        b"application/json;q=0", b"application/json;q=0.0, application/problem+json;q=0",
        b"*/*;q=0", b"application/*;q=0", b"text/csv, */*;q=0",
        b"*/*;q=1, application/*;q=0",  # the more specific range wins
        b"application/json;q=0, application/*;q=0",
        b"*/json, text/csv",  # the invalid range is skipped, text/csv remains
        b"text/csv, application/json;q=banana",  # so is a range with an unreadable weight
    ],
)
def test_not_acceptable(header: bytes) -> None:
    assert acceptable(header) is False


def test_long_values_are_decided_without_the_cache() -> None:
    long = b", ".join([b"text/x-" + str(i).encode() for i in range(100)])
    assert acceptable(long) is False
    assert acceptable(long + b", application/json") is True

