"""impl/validation.py: the compiled response validator and the single-parse request body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import impl.handlers.health as health
from accord.service.responses import json_response
from tests.impl.conftest import assert_problem


def test_non_conforming_response_is_a_500_problem_and_a_logged_pointer(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(health, "get_liveness", lambda: json_response({"status": 5}))
    app = make_app(validate_responses=True)
    with (
        app.test_client(raise_server_exceptions=False) as client,
        caplog.at_level("WARNING", "accord.service.validation"),
    ):
        response = client.get("/health/live")
    body = assert_problem(response, 500, "internal-error")
    assert "status" not in body["detail"] and "5" not in body["detail"]
    logged = [r.getMessage() for r in caplog.records if r.name == "accord.service.validation"]
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
    import accord.service.validation as validation

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


PREDICT = "/v1/models/iris-classifier/predict"
JSON = {"X-API-Key": "test-key", "Content-Type": "application/json"}


def test_deeply_nested_body_is_400_not_500(client: Any) -> None:
    body = assert_problem(client.post(PREDICT, content=b"[" * 100_000, headers=JSON), 400, "validation-error")
    assert "nested too deeply" in body["detail"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"a": 1.5, "b": [1, -2, 3e2]}', {"a": 1.5, "b": [1, -2, 300.0]}),
        (b'{"big": 123456789012345678901234567890}', {"big": 123456789012345678901234567890}),
        (b'{"neg": -9223372036854775809}', {"neg": -9223372036854775809}),
        (b'"\\ud83d\\ude00"', "\U0001f600"),  # a surrogate pair is one character
    ],
    ids=["plain", "big-int", "below-int64", "surrogate-pair"],
)
def test_parse_json_body_keeps_values_exact(raw: bytes, expected: Any) -> None:
    from accord.service.validation import parse_json_body

    parsed = parse_json_body(raw)
    assert parsed == expected and type(parsed) is type(expected)
    if isinstance(expected, dict):
        assert all(type(parsed[k]) is type(v) for k, v in expected.items())


# A lone surrogate (escaped, or encoded as bytes) is not text: accepting it failed later, as a 500.
@pytest.mark.parametrize("raw", [b"[NaN]", b"[Infinity]", b"[-Infinity]", b"[1e999]", b"[-1e400]", b"[1,",
                                 b'["\\ud800"]', b'["\\udfff", 123456789012345678901234567890]', b'["\xed\xa0\x80"]'])
def test_parse_json_body_refuses_non_finite_and_malformed(raw: bytes) -> None:
    from accord.service.validation import parse_json_body

    with pytest.raises(ValueError):
        parse_json_body(raw)


def test_handler_gets_the_validated_body_without_a_second_parse(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from connexion.lifecycle import ConnexionRequest

    async def refuse(self: Any) -> Any:
        raise AssertionError("the body was parsed a second time")

    monkeypatch.setattr(ConnexionRequest, "get_body", refuse)
    monkeypatch.setattr(ConnexionRequest, "json", refuse)
    app = make_app()
    row = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}
    with app.test_client(raise_server_exceptions=False) as client:
        response = client.post(PREDICT, json={"instances": [row]}, headers=JSON)
    assert response.status_code == 200, response.text
    assert response.json()["predictions"][0]["label"] == "setosa"
