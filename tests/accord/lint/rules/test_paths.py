"""accord/lint/rules/paths.py"""

from __future__ import annotations

import pytest

from accord.lint.rules.paths import _compare, _shape
from tests.accord.lint.conftest import pointers_of

CASES = [
    ("lint-path-params", "path-params", {
        "/paths/~1a~1{id}/get",                 # {id} never declared
        "/paths/~1b~1{x}/parameters/0",         # declared without required: true
        "/paths/~1c/get/parameters/0",          # declared, not in the path
        "/paths/~1d~1{z}~1{z}",                 # the same template twice
    }),
    ("lint-path-declarations-must-exist", "path-declarations-must-exist", {"/paths/~1a~1{}"}),
    ("lint-path-keys-no-trailing-slash", "path-keys-no-trailing-slash", {"/paths/~1a~1"}),  # "/" itself is fine
    ("lint-path-not-include-query", "path-not-include-query", {"/paths/~1a?x=1"}),
    # /a/{y} duplicates /a/{x}; /a/me and /files/{name}.json are fine
    ("lint-path-ambiguous", "path-ambiguous", {"/paths/~1a~1{y}"}),
    # /{kind}/b crosses /a/{x} and /a/{y}: /a/b matches both, neither is more specific
    ("lint-path-ambiguous", "accord-path-crossed", {"/paths/~1{kind}~1b"}),
]


@pytest.mark.parametrize(("fixture", "rule", "expected"), CASES, ids=[c[1] for c in CASES])
def test_rule_fires_at_pointer(fixture: str, rule: str, expected: set[str]) -> None:
    assert pointers_of(fixture, rule) == expected


@pytest.mark.parametrize(("first", "second", "verdict"), [
    ("/a/{x}", "/a/{y}", "equivalent"),
    ("/a/{x}", "/a/me", "ordered"),
    ("/{kind}/me", "/books/{id}", "crossed"),
    ("/a/{x}", "/b/{x}", "distinct"),
    ("/files/{name}.json", "/files/{id}", "ordered"),
    ("/files/{name}.json", "/files/{id}.xml", "distinct"),
    ("/files/{name}.json", "/files/report.json", "ordered"),
])
def test_path_comparison(first: str, second: str, verdict: str) -> None:
    assert _compare(_shape(first), _shape(second)) == verdict


@pytest.mark.parametrize("rule", sorted({c[1] for c in CASES}))
def test_clean_fixture_has_no_path_findings(rule: str) -> None:
    assert pointers_of("lint-clean", rule) == set()
