"""accord/lint/rules/schemas.py, in OpenAPI 3.0 and 3.1."""

from __future__ import annotations

import pytest

from tests.accord.lint.conftest import pointers_of

CASES = [
    # C's property holds a bare $ref: no sibling
    ("lint-no-ref-siblings", "no-$ref-siblings", {"/components/schemas/B/description"}),
    # 3.1 allows siblings next to $ref: the rule does not run
    ("lint-openapi-31", "no-$ref-siblings", set()),
    # 1 and 1.0 are the same JSON number; a property named "enum" is not an enum
    ("lint-duplicated-entry-in-enum", "duplicated-entry-in-enum",
     {"/components/schemas/Color/enum/2", "/components/schemas/Size/enum/2"}),
    # 4.0 is an integer; null is allowed by nullable: true
    ("lint-typed-enum", "typed-enum", {"/components/schemas/Size/enum/1", "/components/schemas/Size/enum/2"}),
    ("lint-array-items", "array-items", {"/components/schemas/List", "/components/schemas/Nested/properties/tags"}),
    ("lint-openapi-31", "array-items", {"/components/schemas/NewItem/properties/tags"}),  # type: [array, 'null']
]


@pytest.mark.parametrize(("fixture", "rule", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_rule_fires_at_pointer(fixture: str, rule: str, expected: set[str]) -> None:
    assert pointers_of(fixture, rule) == expected
