"""accord/lint/rules/examples.py: examples judged by accord.validation's walk and the SchemaCompiler."""

from __future__ import annotations

import pytest

from tests.accord.lint.conftest import pointers_of

CASES = [
    ("lint-oas3-valid-media-example", "oas3-valid-media-example", {
        "/paths/~1a/get/parameters/0/example",
        "/paths/~1a/get/responses/200/content/application~1json/example/count",
        "/paths/~1a/get/responses/200/content/application~1json/examples/bad/value/count",
        "/components/examples/Shared/value/count",  # a $ref'd example: once, where it is written
    }),
    ("lint-oas3-valid-media-example", "oas3-valid-schema-example", set()),
    # a schema example and a schema default; Fine has both right
    ("lint-oas3-valid-schema-example", "oas3-valid-schema-example",
     {"/components/schemas/Count/example", "/components/schemas/Name/default"}),
    ("lint-oas3-valid-schema-example", "oas3-valid-media-example", set()),
    ("lint-openapi-31", "oas3-valid-schema-example", {"/components/schemas/Count/examples/1"}),
    # a $ref'd example is checked where it is defined (Fine has a value)
    ("lint-oas3-examples-value-or-externalValue", "oas3-examples-value-or-externalValue",
     {"/paths/~1a/get/responses/200/content/application~1json/examples/empty", "/components/examples/Both"}),
]


@pytest.mark.parametrize(("fixture", "rule", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_rule_fires_at_pointer(fixture: str, rule: str, expected: set[str]) -> None:
    assert pointers_of(fixture, rule) == expected


def test_example_data_that_looks_like_a_schema_is_not_a_schema() -> None:
    """Spectral walks into example values; accord does not (spec/ has such an example)."""
    assert pointers_of("lint-clean", "oas3-valid-schema-example") == set()
