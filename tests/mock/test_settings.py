"""mock/settings.py: the mock's options as one frozen value, from the CLI down to the app."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import PETS_31

from accord.errors import UsageError
from accord.mock.app import create_app
from accord.mock.server import build
from accord.mock.settings import MockSettings


def test_settings_are_frozen_and_keywords_change_a_copy() -> None:
    base = MockSettings(dynamic=True)
    changed = MockSettings.of(base, stateful=True, api_keys=["k"], rules="rules.yaml")
    assert (changed.dynamic, changed.stateful, changed.api_keys, changed.rules) == (True, True, ("k",),
                                                                                   Path("rules.yaml"))
    assert base.stateful is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.dynamic = False  # type: ignore[misc]


def test_an_unknown_option_is_named() -> None:
    with pytest.raises(TypeError, match="unknown mock settings: dynamc"):
        MockSettings.of(dynamc=True)


def test_a_built_upstream_is_not_a_setting() -> None:
    with pytest.raises(TypeError, match="as upstream="):
        MockSettings.of(proxy=object())


def test_the_app_answers_as_its_settings_say() -> None:
    settings = MockSettings(dynamic=True, cors=False, api_keys=("k",), validate_requests=False, max_body=10)
    app = create_app(PETS_31, settings)
    assert app.settings is settings
    assert (app.dynamic, app.cors, app.keys, app.validate_requests, app.max_body) == (True, False, (b"k",), False, 10)
    assert create_app(PETS_31, settings, cors=True).cors is True  # keywords change a copy


def test_a_proxy_does_not_take_behaviour_settings() -> None:
    with pytest.raises(UsageError, match="not with --proxy"):
        create_app(PETS_31, MockSettings(proxy="http://127.0.0.1:9", stateful=True))


def test_the_reloading_server_keeps_one_settings_value() -> None:
    settings = MockSettings(watch=False, seed=7)
    app = build(PETS_31, settings)
    assert app.settings is settings and app.current.settings is settings and app.watch is False
