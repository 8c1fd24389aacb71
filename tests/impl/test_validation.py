"""impl/validation.py: the compiled response validator and the single-parse request body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import impl.handlers.health as health
from impl.responses import json_response
from tests.impl.conftest import assert_problem


def test_non_conforming_response_is_a_500_problem_and_a_logged_pointer(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(health, "get_liveness", lambda: json_response({"status": 5}))
    app = make_app(validate_responses=True)
    with app.test_client(raise_server_exceptions=False) as client, caplog.at_level("WARNING", "impl.validation"):
        response = client.get("/health/live")
    body = assert_problem(response, 500, "internal-error")
    assert "status" not in body["detail"] and "5" not in body["detail"]
    logged = [r.getMessage() for r in caplog.records if r.name == "impl.validation"]
    assert len(logged) == 1 and "GET /health/live" in logged[0] and "/status:" in logged[0]


def test_non_conforming_response_passes_when_validation_is_off(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "get_liveness", lambda: json_response({"status": 5}))
    app = make_app(validate_responses=False)
    with app.test_client(raise_server_exceptions=False) as client:
        assert client.get("/health/live").json() == {"status": 5}


def test_conforming_response_is_validated_by_the_compiled_validator(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import impl.validation as validation

    seen: list[Any] = []
    original = validation.SchemaCompiler.validator

    def spy(self: Any, schema: Any, direction: str = "any") -> Any:
        seen.append(direction)
        return original(self, schema, direction)

    monkeypatch.setattr(validation.SchemaCompiler, "validator", spy)
    app = make_app(validate_responses=True)
    with app.test_client(raise_server_exceptions=False) as client:
        for _ in range(3):
            assert client.get("/health/live").status_code == 200
    assert seen == ["response"]  # compiled once for this operation, status and media type
