"""accord/lint/rules/contract.py: accord's contract-first rules."""

from __future__ import annotations

import pytest

from tests.accord.lint.conftest import pointers_of

CASES = [
    # /a: a 404 as application/json; /b: no client error at all; /c: a problem+json default is enough
    ("lint-accord-problem-json-errors", "accord-problem-json-errors",
     {"/paths/~1a/get/responses/404", "/paths/~1b/get/responses"}),
    # listItems is fine; a keyword, a dash and a dotted path are not
    ("lint-accord-operation-id-python", "accord-operation-id-python",
     {"/paths/~1a/get/operationId", "/paths/~1b/get/operationId", "/paths/~1c/get/operationId"}),
    # Tag is closed, labels is a typed map, Part is an allOf member and `both` an allOf (draft 4 cannot close them)
    ("lint-accord-request-schema-closed", "accord-request-schema-closed",
     {"/components/schemas/NewItem", "/components/schemas/Size"}),
    ("lint-openapi-31", "accord-request-schema-closed", set()),  # unevaluatedProperties: false closes in 3.1
    # Shared is closed but also a request schema: request-schema-closed wins
    ("lint-accord-response-schema-open", "accord-response-schema-open", {"/components/schemas/Item"}),
    # enum-bounded, readOnly and response numbers are exempt; exclusiveMinimum (3.0 boolean) + minimum is a bound
    ("lint-accord-numeric-bounds", "accord-numeric-bounds", {
        "/paths/~1a/post/parameters/0/schema",
        "/paths/~1a/post/requestBody/content/application~1json/schema/properties/count",
    }),
    ("lint-openapi-31", "accord-numeric-bounds", set()),  # numeric exclusiveMinimum in 3.1
    # a schema-level example counts; 204 has no body
    ("lint-accord-example-present", "accord-example-present", {
        "/paths/~1a/post/requestBody/content/application~1json",
        "/paths/~1a/post/responses/400/content/application~1problem+json",
    }),
    # /b documents 401, /c has an anonymous alternative, /d opts out, /e get is covered by 4XX
    ("lint-accord-secured-401", "accord-secured-401", {"/paths/~1a/get/responses", "/paths/~1e/post/responses"}),
]


@pytest.mark.parametrize(("fixture", "rule", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_rule_fires_at_pointer(fixture: str, rule: str, expected: set[str]) -> None:
    assert pointers_of(fixture, rule) == expected


@pytest.mark.parametrize("rule", sorted({c[1] for c in CASES}))
def test_clean_fixture_has_no_contract_findings(rule: str) -> None:
    assert pointers_of("lint-clean", rule) == set()
