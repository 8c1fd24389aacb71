"""mock/rejections.py: which documented body an invalid request gets, and that the shortcuts the
rejection path takes (an error schema no problem can match is not tried per request) change no answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from accord.loading import load_spec
from accord.mock import rejections
from accord.mock.app import create_app
from accord.mock.testing import ASGISyncTransport

#: Error schemas an operation may document for a 400, by name; `unfit`: whether it requires a
#: member no problem body has (so the documented example is sent, never a filled problem).
ERRORS: dict[str, tuple[dict[str, Any], bool]] = {
    "petstore": ({"type": "object", "required": ["code", "message"],
                  "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}}, True),
    "via allOf and $ref": ({"allOf": [{"$ref": "#/components/schemas/Coded"}, {"type": "object"}]}, True),
    "required in one alternative": ({"anyOf": [{"required": ["code"]}, {"required": ["detail"]}]}, False),
    "write-only requirement": ({"type": "object", "required": ["code", "detail"],
                                "properties": {"code": {"type": "integer", "writeOnly": True},
                                               "detail": {"type": "string"}}}, False),
    "problem members only": ({"type": "object", "required": ["type", "title", "status"],
                              "properties": {"status": {"type": "integer"}}}, False),
    "closed problem": ({"type": "object", "additionalProperties": False, "required": ["status", "detail"],
                        "properties": {"status": {"type": "integer"}, "detail": {"type": "string"},
                                       "title": {"type": "string"}}}, False),
    "short pointers": ({"type": "object", "required": ["errors"],
                        "properties": {"errors": {"type": "array", "maxItems": 1}}}, False),
}

BODY_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["name", "age"],
    "properties": {"name": {"type": "string"}, "age": {"type": "integer", "maximum": 40}},
}
INVALID = [{"age": "3", "extra": 1}, {"name": 5, "age": 41}, {"age": 50, "a": 1, "b": 2}, []]


def _document() -> dict[str, Any]:
    paths = {}
    for index, (schema, _unfit) in enumerate(ERRORS.values()):
        paths[f"/op{index}"] = {"post": {
            "requestBody": {"required": True, "content": {"application/json": {"schema": BODY_SCHEMA}}},
            "responses": {
                "201": {"description": "made"},
                "400": {"description": "bad", "content": {"application/json": {
                    "schema": schema, "example": {"code": 7, "message": "documented example"}}}},
            },
        }}
    return {
        "openapi": "3.0.3", "info": {"title": "errors", "version": "1"}, "paths": paths,
        "components": {"schemas": {"Coded": {"type": "object", "required": ["code"],
                                             "properties": {"code": {"type": "integer"}}}}},
    }


def _answers(spec: Path) -> list[tuple[int, str, dict[str, Any], Any]]:
    app = create_app(load_spec(spec))
    answers = []
    with httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock") as client:
        for index in range(len(ERRORS)):
            for body in INVALID:
                response = client.post(f"/op{index}", json=body)
                answers.append((response.status_code, response.headers["content-type"],
                                json.loads(response.headers["sl-violations"]), response.json()))
    return answers


def test_an_unfit_error_schema_gets_the_answer_validation_would_give(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(_document()))
    fast = _answers(spec)
    # The same requests with the shortcut off: every problem is built and validated, as before it.
    monkeypatch.setattr(rejections, "required_members", lambda _document, _schema: set())
    assert _answers(spec) == fast
    for index, (_name, (_schema, unfit)) in enumerate(ERRORS.items()):
        for status, _type, sl, body in fast[index * len(INVALID):(index + 1) * len(INVALID)]:
            assert status == 400 and sl  # every violation still reported in the header
            filled = isinstance(body, dict) and body.get("status") == 400
            assert filled is not unfit, (_name, body)
            if unfit:
                assert body == {"code": 7, "message": "documented example"}


@pytest.mark.parametrize("name", list(ERRORS))
def test_required_members_are_those_every_match_has(name: str) -> None:
    schema, unfit = ERRORS[name]
    document = _document()
    required = rejections.required_members(document, schema)
    if name != "write-only requirement":  # the raw schema requires `code`; the response validator does not
        assert bool(required - rejections.PROBLEM_MEMBERS) is unfit
