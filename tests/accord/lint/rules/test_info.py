"""accord/lint/rules/info.py and markdown.py"""

from __future__ import annotations

import pytest

from accord.lint import lint_document
from tests.accord.lint.conftest import ALL_RULES, pointers_of

CASES = [
    ("lint-info-contact", "info-contact", {"/info"}),
    ("lint-info-description", "info-description", {"/info"}),
    ("lint-openapi-tags-uniqueness", "openapi-tags-uniqueness", {"/tags/2/name"}),
    ("lint-openapi-tags-uniqueness", "openapi-tags-alphabetical", {"/tags/2"}),
    ("lint-tag-description", "tag-description", {"/tags/1"}),
    ("lint-info-contact", "info-license", {"/info"}),
]


@pytest.mark.parametrize(("fixture", "rule", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_rule_fires_at_pointer(fixture: str, rule: str, expected: set[str]) -> None:
    assert pointers_of(fixture, rule) == expected


def test_markdown_rules_find_script_and_eval_in_descriptions() -> None:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1", "description": "<script>alert(1)</script>"},
        "paths": {"/a": {"get": {"description": "eval(x)", "responses": {"200": {"description": "ok"}}}}},
    }
    found = {(f.rule, f.pointer) for f in lint_document(document, "3.0", ALL_RULES)
             if f.rule.startswith("no-")}
    assert found == {("no-script-tags-in-markdown", "/info/description"),
                     ("no-eval-in-markdown", "/paths/~1a/get/description")}
