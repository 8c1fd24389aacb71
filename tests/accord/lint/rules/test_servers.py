"""accord/lint/rules/servers.py"""

from __future__ import annotations

import pytest

from tests.accord.lint.conftest import pointers_of

CASES = [
    ("lint-oas3-api-servers", "oas3-api-servers", {""}),
    # "/" alone is not a trailing slash
    ("lint-oas3-server-trailing-slash", "oas3-server-trailing-slash", {"/servers/0/url"}),
    ("lint-oas3-server-variables", "oas3-server-variables", {
        "/servers/0/variables",                  # {base} is not defined
        "/servers/0/variables/region/default",   # default not in its enum
        "/servers/0/variables/unused",           # defined, never used
        "/servers/1/variables/host",             # no default
    }),
]


@pytest.mark.parametrize(("fixture", "rule", "expected"), CASES, ids=[c[1] for c in CASES])
def test_rule_fires_at_pointer(fixture: str, rule: str, expected: set[str]) -> None:
    assert pointers_of(fixture, rule) == expected


@pytest.mark.parametrize("rule", sorted({c[1] for c in CASES}))
def test_clean_fixture_has_no_server_findings(rule: str) -> None:
    assert pointers_of("lint-clean", rule) == set()
