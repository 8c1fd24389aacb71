"""impl/config.py: settings from arguments, then ACCORD_* variables, then defaults."""

from __future__ import annotations

import pytest

from impl.config import Settings


@pytest.mark.parametrize(("raw", "expected"), [(None, True), ("", True), ("1", True), ("0", False), ("off", False)])
def test_access_log_follows_accord_access_log(monkeypatch: pytest.MonkeyPatch, raw: str | None, expected: bool) -> None:
    if raw is None:
        monkeypatch.delenv("ACCORD_ACCESS_LOG", raising=False)
    else:
        monkeypatch.setenv("ACCORD_ACCESS_LOG", raw)
    assert Settings.from_env().access_log is expected
