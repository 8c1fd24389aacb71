"""mock/upstream_validation.py: what an upstream response can get wrong, each located."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from accord.mock.app import create_app
from accord.mock.upstream_validation import check_upstream

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
MODEL_HEADERS = {"content-type": "application/json", "x-request-id": "r1"}


@pytest.fixture(scope="module")
def api():
    return create_app(SPEC).api


def _op(api, operation_id: str):
    return next(op for op in api.operations if op.raw.get("operationId") == operation_id)


def _example(api, operation_id: str, key: str = "200") -> bytes:
    return _op(api, operation_id).responses[key].contents[0].body


def test_the_documented_example_passes(api) -> None:
    assert check_upstream(api, _op(api, "getModel"), 200, MODEL_HEADERS, _example(api, "getModel")) == []


def test_every_body_violation_with_its_pointer(api) -> None:
    body = orjson.loads(_example(api, "getModel"))
    body.pop("task")
    body["default_version"] = 3
    found = check_upstream(api, _op(api, "getModel"), 200, MODEL_HEADERS, orjson.dumps(body))
    located = {(v.where, v.pointer, v.code) for v in found}
    assert located >= {("body", "", "required"), ("body", "/default_version", "type")}
    entry = next(v for v in found if v.pointer == "/default_version").sl_entry()
    assert entry["location"] == ["response", "body", "default_version"] and entry["severity"] == "Error"


def test_status_content_type_headers_and_unparseable_bodies(api) -> None:
    op = _op(api, "getModel")
    assert [v.where for v in check_upstream(api, op, 299, MODEL_HEADERS, b"{}")] == ["status"]
    assert [v.where for v in check_upstream(api, op, 200, {**MODEL_HEADERS, "content-type": "text/html"}, b"<p>")] == [
        "content-type"]
    assert [(v.where, v.name) for v in check_upstream(api, op, 200, {"content-type": "application/json"},
                                                       _example(api, "getModel"))] == [("header", "X-Request-ID")]
    assert [v.code for v in check_upstream(api, op, 200, MODEL_HEADERS, b"{oops")] == ["parse"]
    problem = {**MODEL_HEADERS, "content-type": "application/problem+json"}
    assert check_upstream(api, op, 404, problem, _example(api, "getModel", "404")) == []


def test_head_is_not_expected_to_carry_a_body(api) -> None:
    assert check_upstream(api, _op(api, "getModel"), 200, MODEL_HEADERS, b"", head=True) == []


def test_an_undocumented_status_is_an_error_for_a_2xx_only(api) -> None:
    op = _op(api, "getModel")
    assert [v.severity for v in check_upstream(api, op, 299, MODEL_HEADERS, b"{}")] == ["Error"]
    assert [v.severity for v in check_upstream(api, op, 418, MODEL_HEADERS, b"{}")] == ["Warning"]


def test_a_body_where_the_response_declares_none_is_a_warning(tmp_path: Path) -> None:
    document = tmp_path / "bare.yaml"
    document.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
                        "paths:\n  /x:\n    get:\n      responses:\n        '200': {description: undescribed}\n")
    bare = create_app(document).api
    found = check_upstream(bare, bare.operations[0], 200, {"content-type": "application/json"}, b"{}")
    assert [(v.where, v.code, v.severity) for v in found] == [("body", "content", "Warning")]


def test_body_errors_are_worded_as_ajv_and_prefixed_in_prisms_500(api) -> None:
    body = orjson.loads(_example(api, "getModel"))
    body.pop("task")
    body["default_version"] = 3
    found = check_upstream(api, _op(api, "getModel"), 200, MODEL_HEADERS, orjson.dumps(body))
    missing = next(v for v in found if v.code == "required")
    typed = next(v for v in found if v.pointer == "/default_version")
    assert missing.sl_entry()["message"] == "must have required property 'task'"
    assert missing.validation_entry() == {"location": ["response", "body"], "severity": "Error", "code": "required",
                                          "message": "Response body must have required property 'task'"}
    assert typed.validation_entry()["message"] == "Response body property default_version must be string"
    assert missing.render() == "body #: \"task\" is a required property"  # the log keeps accord's words
