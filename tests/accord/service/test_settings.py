"""accord/service/settings.py: settings from arguments, then ACCORD_* variables, then defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.errors import UsageError
from accord.service.settings import DEFAULT_MAX_BODY_BYTES, ServiceSettings


@pytest.mark.parametrize(("raw", "expected"), [(None, True), ("", True), ("1", True), ("0", False), ("off", False)])
def test_access_log_follows_accord_access_log(raw: str | None, expected: bool) -> None:
    environ = {} if raw is None else {"ACCORD_ACCESS_LOG": raw}
    assert ServiceSettings.from_env(environ).access_log is expected


def test_arguments_win_over_the_environment_which_wins_over_defaults() -> None:
    environ = {"ACCORD_APP": "svc", "ACCORD_SPEC": "api.yaml", "ACCORD_MAX_BODY_BYTES": "2048"}
    settings = ServiceSettings.from_env(environ, app="other")
    assert settings.app == "other"
    assert settings.spec_path == Path("api.yaml")
    assert settings.max_body_bytes == 2048
    assert ServiceSettings.from_env({}).max_body_bytes == DEFAULT_MAX_BODY_BYTES


@pytest.mark.parametrize(("name", "raw"), [("ACCORD_MAX_BODY_BYTES", "lots"), ("ACCORD_ACCESS_LOG", "maybe"),
                                           ("ACCORD_MAX_BODY_BYTES", "0")])
def test_a_bad_value_is_a_usage_error_naming_the_variable(name: str, raw: str) -> None:
    with pytest.raises(UsageError, match=name):
        ServiceSettings.from_env({name: raw})


def test_credentials_for_other_schemes_come_from_their_variables() -> None:
    settings = ServiceSettings.from_env({"ACCORD_BEARER_TOKENS": "t1, t2", "ACCORD_BASIC_CREDENTIALS": "ann:pw"})
    assert settings.bearer_tokens == ("t1", "t2")
    assert settings.basic_credentials == ("ann:pw",)
    assert settings.api_keys is None  # read when the contract declares an apiKey scheme


def test_a_worker_process_rebuilds_the_same_settings_from_what_it_inherits() -> None:
    from accord.service.asgi import worker_environment
    from accord.settings import api_keys

    given = ServiceSettings.from_env({}, spec_path="api.yaml", app="svc", state_dir="/tmp/state",
                                     validate_responses=False, problem_request_id=False, api_keys=["k1", "k2"],
                                     bearer_tokens=["t"])
    inherited = worker_environment(given)
    # API keys are read when the contract declares an apiKey scheme (accord/service/security.py).
    assert ServiceSettings.from_env(inherited) == given.with_(api_keys=None)
    assert api_keys(inherited) == ("k1", "k2")
