"""The run's Schemathesis configuration: accord's defaults < schemathesis.toml < ACCORD_* < flags."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from accord.contract_tests.configuration import Selection, resolve
from accord.errors import UsageError

DOCUMENT = {"components": {"securitySchemes": {
    "key": {"type": "apiKey", "in": "query", "name": "appid"},
    "token": {"type": "http", "scheme": "bearer"},
    "pair": {"type": "http", "scheme": "basic"},
}}}


def _auth(tmp_path: Path, selection: Selection, target: dict[str, str]) -> dict[str, dict[str, str]]:
    config = tmp_path / "schemathesis.toml"
    config.write_text('[auth.openapi.key]\napi_key = "from-file"\n')
    resolved = resolve({}, {}, replace(selection, config_file=config), (), DOCUMENT, target)
    assert resolved.source == config
    return resolved.data["auth"]["openapi"]


def test_the_file_gives_credentials_a_setting_overrides_and_a_flag_beats_both(tmp_path: Path) -> None:
    assert _auth(tmp_path, Selection(), {}) == {"key": {"api_key": "from-file"}}
    assert _auth(tmp_path, Selection(), {"api_key": "from-env"})["key"] == {"api_key": "from-env"}
    flagged = _auth(tmp_path, Selection(auth={"key": "from-flag", "pair": "ann:pw", "token": "t"}),
                    {"api_key": "from-env"})
    assert flagged == {"key": {"api_key": "from-flag"}, "pair": {"username": "ann", "password": "pw"},
                       "token": {"bearer": "t"}}


def test_a_basic_credential_needs_a_colon(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="user:password"):
        _auth(tmp_path, Selection(auth={"pair": "no-colon"}), {})


def test_accord_checks_are_off_unless_configured_or_named(tmp_path: Path) -> None:
    off = resolve({}, {}, Selection(use_config_file=False), (), DOCUMENT, {}).data["checks"]
    assert off["problem_json_errors"] == {"enabled": False} and "not_a_server_error" not in off
    on = resolve({}, {}, Selection(use_config_file=False), ("problem_json_errors",), DOCUMENT, {}).data["checks"]
    assert on["problem_json_errors"] == {"enabled": True}
    only = resolve({}, {}, Selection(checks=("not_a_server_error",), use_config_file=False), ("problem_json_errors",),
                   DOCUMENT, {}).data["checks"]
    assert only["not_a_server_error"] == {"enabled": True} and only["ignored_auth"] == {"enabled": False}
    assert only["problem_json_errors"] == {"enabled": False}


def test_a_stateless_target_leaves_out_the_checks_that_presume_memory() -> None:
    stateless = resolve({}, {}, Selection(use_config_file=False), (), DOCUMENT, {}, stateless=True)
    assert stateless.data["checks"]["use_after_free"] == {"enabled": False}
    assert stateless.data["checks"]["ensure_resource_availability"] == {"enabled": False}
    assert stateless.skipped_checks == ("ensure_resource_availability", "use_after_free")
    # Named on the command line, a check runs anyway: the user asked for it.
    named = resolve({}, {}, Selection(checks=("use_after_free",), use_config_file=False), (), DOCUMENT, {},
                    stateless=True)
    assert named.data["checks"]["use_after_free"] == {"enabled": True}
    assert named.skipped_checks == ("ensure_resource_availability",)
    remembering = resolve({}, {}, Selection(use_config_file=False), (), DOCUMENT, {})
    assert "use_after_free" not in remembering.data["checks"] and remembering.skipped_checks == ()
    # accord's async_completion, configured for the project, cannot end on a stateless mock either.
    configured = resolve({}, {}, Selection(use_config_file=False), ("async_completion",), DOCUMENT, {},
                         stateless=True)
    assert configured.data["checks"]["async_completion"] == {"enabled": False}
    assert "async_completion" in configured.skipped_checks
    served = resolve({}, {}, Selection(use_config_file=False), ("async_completion",), DOCUMENT, {})
    assert served.data["checks"]["async_completion"] == {"enabled": True}
