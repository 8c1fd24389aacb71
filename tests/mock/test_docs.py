"""mock/docs.py: the internal routes under /__accord/; here `about`, what a test run by URL reads."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest


@pytest.fixture(autouse=True)
def no_keys_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ACCORD_API_KEYS", "ACCORD_API_KEYS_FILE"):
        monkeypatch.delenv(name, raising=False)


def test_about_says_a_mock_without_keys_checks_presence_only(make_client: Callable[..., httpx.Client]) -> None:
    about = make_client().get("/__accord/about")
    assert about.status_code == 200 and about.headers["content-type"] == "application/json"
    assert about.json() == {"server": "accord mock", "credentials": "presence", "stateful": False}


def test_about_says_keys_and_state(make_client: Callable[..., httpx.Client]) -> None:
    about = make_client(api_keys=["k1"], stateful=True).get("/__accord/about").json()
    assert about["credentials"] == "keys" and about["stateful"] is True


def test_about_answers_get_only(make_client: Callable[..., httpx.Client]) -> None:
    refused = make_client().post("/__accord/about")
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD"
