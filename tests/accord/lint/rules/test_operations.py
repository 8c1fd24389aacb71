"""accord/lint/rules/operations.py: each rule fires on its broken fixture, at the right pointers."""

from __future__ import annotations

import pytest

from accord.lint import lint_document
from tests.accord.lint.conftest import ALL_RULES, pointers_of

CASES = [
    ("lint-operation-operationId", "operation-operationId", {"/paths/~1a/get"}),
    ("lint-operation-operationId-unique", "operation-operationId-unique", {"/paths/~1b/get/operationId"}),
    ("lint-operation-operationId-valid-in-url", "operation-operationId-valid-in-url", {"/paths/~1a/get/operationId"}),
    # the header parameter of the same name is a different parameter
    ("lint-operation-parameters", "operation-parameters", {"/paths/~1a/get/parameters/1"}),
    # /b answers only 2XX, which counts in OAS 3
    ("lint-operation-success-response", "operation-success-response", {"/paths/~1a/get/responses"}),
    ("lint-operation-description", "operation-description", {"/paths/~1a/get", "/paths/~1a/post"}),
    ("lint-operation-tags", "operation-tags", {"/paths/~1a/get", "/paths/~1a/post/tags"}),
    ("lint-operation-tag-defined", "operation-tag-defined", {"/paths/~1a/get/tags/1"}),
    ("lint-operation-tag-defined", "operation-singular-tag", {"/paths/~1a/get/tags"}),
    ("lint-oas3-operation-security-defined", "oas3-operation-security-defined",
     {"/security/1/Missing", "/paths/~1a/get/security/0/OAuth/1", "/paths/~1a/get/security/1/Ghost"}),
]


@pytest.mark.parametrize(("fixture", "rule", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_rule_fires_at_pointer(fixture: str, rule: str, expected: set[str]) -> None:
    assert pointers_of(fixture, rule) == expected


@pytest.mark.parametrize("rule", sorted({c[1] for c in CASES}))
def test_clean_fixture_has_no_operation_findings(rule: str) -> None:
    assert pointers_of("lint-clean", rule) == set()


def test_parameter_description_covers_path_item_operation_and_components() -> None:
    document = {
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/a/{x}": {
            "parameters": [{"name": "x", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"parameters": [{"$ref": "#/components/parameters/Q"},
                                   {"name": "r", "in": "query", "description": "R.", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok"}}}}},
        "components": {"parameters": {"Q": {"name": "q", "in": "query", "schema": {"type": "string"}}}},
    }
    found = {f.pointer for f in lint_document(document, "3.0", ALL_RULES) if f.rule == "oas3-parameter-description"}
    assert found == {"/paths/~1a~1{x}/parameters/0", "/components/parameters/Q"}
