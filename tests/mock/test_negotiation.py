"""mock/negotiation.py: Prefer, response selection and Accept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from accord.mock.negotiation import (
    PreferenceError,
    choose_media,
    default_key,
    error_key,
    forced_key,
    parse_prefer,
    read_preferences,
    served_status,
)
from accord.mock.testing import serve_mock


def test_parse_prefer():
    assert parse_prefer('code=404, example="not found"; x=1, dynamic=true, return=minimal') == {
        "code": "404",
        "example": "not found",
        "dynamic": "true",
        "return": "minimal",
    }


def test_header_wins_all_or_nothing():
    prefs = read_preferences("code=201", [("__example", "x"), ("__dynamic", "true")])
    assert (prefs.code, prefs.example, prefs.dynamic, prefs.source) == (201, None, None, "header")
    prefs = read_preferences(None, [("__example", "x"), ("__seed", "7")])
    assert (prefs.example, prefs.seed, prefs.source) == ("x", "7", "query")


@pytest.mark.parametrize(
    ("header", "query", "where"),
    [("code=abc", [], ("Prefer", "header")), (None, [("__dynamic", "yes")], ("__dynamic", "query"))],
)
def test_invalid_preferences(header, query, where):
    with pytest.raises(PreferenceError) as caught:
        read_preferences(header, query)
    assert (caught.value.parameter, caught.value.location) == where


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["404", "201", "200"], "200"),
        (["2XX", "204"], "204"),
        (["400", "default"], "default"),
        (["404", "500"], "404"),
        ([], None),
    ],
)
def test_default_key(keys, expected):
    assert default_key(keys) == expected


def test_served_status():
    assert (served_status("2XX"), served_status("default"), served_status("default", 503), served_status("201")) == (
        200,
        200,
        503,
        201,
    )


def test_forced_key():
    responses = {"200": 1, "4XX": 2, "default": 3}
    assert (forced_key(responses, 200), forced_key(responses, 404), forced_key(responses, 503)) == (
        "200",
        "4XX",
        "default",
    )
    assert forced_key({"200": 1}, 404) is None


def test_error_key_follows_prism_order_then_ranges_then_default():
    assert error_key({"400": 1, "422": 2}, (422, 400)) == ("422", 422)
    assert error_key({"400": 1}, (422, 400)) == ("400", 400)
    assert error_key({"4XX": 1}, (422, 400)) == ("4XX", 422)
    assert error_key({"default": 1}, (401,)) == ("default", 401)
    assert error_key({"200": 1}, (422, 400)) is None


def test_a_precise_status_documented_by_a_range_wins_over_the_fallbacks():
    # text/plain to a JSON-only operation documenting 400 and 4XX: 415 is documented (by the
    # range) and says what is wrong, so it is chosen over the exact 400.
    assert error_key({"400": 1, "4XX": 2}, (415, 400, 422)) == ("4XX", 415)
    assert error_key({"400": 1, "default": 2}, (415, 400, 422)) == ("400", 400)  # default comes last
    assert error_key({"422": 1, "4XX": 2}, (400, 422)) == ("422", 422)  # fallbacks: exact first


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, 1),
        ("", 1),
        ("*/*", 0),  # anything: the document's first (Prism, curl's and fetch()'s default Accept)
        ("text/csv", 0),
        ("application/*, text/*", 1),
        ("*/*, application/json", 1),  # the more specific range first
        ("text/*;q=0.5, application/json", 1),
        ("application/json;q=0, */*", 0),
        ("image/png", None),
        ("APPLICATION/JSON", 1),
        ("application/json;q=2, text/csv", 0),  # an out-of-range weight skips its range
        ("application/json;q=banana", 1),  # nothing usable: no preference, JSON first
        ("nonsense", 1),
        ("application/json;q=0.5, application/json;q=0.9, text/csv;q=0.8", 1),  # the higher of equals
        ("text/csv, application/json", 0),  # equal weights: the client's order
        ("application/json, text/csv", 1),
        ("text/*, application/*", 0),
        ("*/*;q=0.5, text/csv;q=0.5", 0),  # the more specific range first, whatever the order
    ],
)
def test_choose_media(accept, expected):
    assert choose_media(accept, ["text/csv", "application/json"]) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("*/*", 1), ("application/json;q=0.5, */*", 1), ("text/plain", None), (None, 1)],
)
def test_a_content_key_that_is_no_media_type_comes_last(accept, expected):
    """`description: ok` written under `content` by mistake is no answer to `*/*` while a real type is."""
    assert choose_media(accept, ["description", "application/json"]) == expected
    assert choose_media("*/*", ["description"]) == 0  # all there is


@pytest.mark.parametrize(
    ("accept", "served", "expected"),
    [
        ("application/json", ["text/csv", "application/hal+json"], 1),
        ("application/xml", ["application/atom+xml"], 0),
        ("application/json;q=0, text/html", ["application/hal+json"], None),
        ("text/plain", ["application/hal+json"], None),
        ("application/json", ["text/plain"], None),  # Prism's 406: nothing JSON to offer
    ],
)
def test_a_structured_suffix_answers_its_base_type(accept, served, expected):
    """RFC 6839: application/hal+json is JSON, so `Accept: application/json` reads it (no 406)."""
    assert choose_media(accept, served) == expected


# -- over HTTP: which media type a client gets when the document offers several ------------------
REPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "mock-negotiation" / "openapi.yaml"


@pytest.fixture(scope="module")
def reports() -> Iterator[httpx.Client]:
    with serve_mock(REPORTS) as mock, httpx.Client(base_url=mock.url) as client:
        yield client


@pytest.mark.parametrize(
    ("accept", "served", "body"),
    [
        ("*/*", "text/csv", b"id,total\n7,12\n"),  # curl's and fetch()'s default: the document's first
        ("application/xml, application/json", "application/xml", b"<report><id>7</id><total>12</total></report>"),
        ("application/json, application/xml", "application/json", b'{"id":7,"total":12}'),
        ("application/json;q=0.5, application/xml", "application/xml", None),  # the weight first
        ("text/*;q=0.9, application/json", "application/json", None),
        ("application/*", "application/json", None),  # what the range admits, in the document's order
        ("*/*;q=0.1, application/xml", "application/xml", None),
    ],
)
def test_the_client_gets_the_type_it_prefers_else_the_documents_first(
    reports: httpx.Client, accept: str, served: str, body: bytes | None
) -> None:
    answer = reports.get("/reports/7", headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == served
    if body is not None:
        assert answer.content == body


def test_without_accept_the_client_gets_json(reports: httpx.Client) -> None:
    request = reports.build_request("GET", "/reports/7")
    del request.headers["accept"]
    answer = reports.send(request)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {"id": 7, "total": 12}


def test_a_type_the_document_does_not_offer_is_406(reports: httpx.Client) -> None:
    answer = reports.get("/reports/7", headers={"Accept": "image/png"})
    assert answer.status_code == 406
    assert answer.headers["content-type"] == "application/problem+json"
