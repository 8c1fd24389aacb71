"""accord/lint/rules/owasp.py: the owasp:api ruleset on a document with one case per rule.

Each expected pointer was checked against Spectral 6.16 running @stoplight/spectral-owasp-ruleset
2.0.1 on the same fixture (bench/compare_spectral.py does that on real documents); the one
deliberate difference is noted where it applies.
"""

from __future__ import annotations

import pytest

from accord.lint import LintConfig, lint_spec
from tests.accord.lint.conftest import FIXTURES

OWASP = LintConfig(extends=("owasp:api",))
GET = "/paths/~1things~1{thing_id}/get"
DELETE = "/paths/~1things~1{thing_id}/delete"
ADMIN = "/paths/~1admin~1things/get"
PROBLEM = "/components/responses/Problem/content/application~1problem+json/schema"
EXPECTED = {
    "api1:2023-no-numeric-ids": {"/paths/~1things~1{thing_id}/parameters/0/schema"},
    "api2:2023-jwt-best-practices": {"/components/securitySchemes/Jwt/description"},
    "api2:2023-no-api-keys-in-url": {"/components/securitySchemes/Key/in"},
    "api2:2023-no-credentials-in-url": {f"{GET}/parameters/0/name"},
    "api2:2023-no-http-basic": {"/components/securitySchemes/Basic/scheme"},
    # Spectral also flags the clientCredentials flow, which the rule means to exempt (docs/lint-agreement.md)
    "api2:2023-short-lived-access-tokens": {"/components/securitySchemes/OAuth/flows/authorizationCode"},
    "api2:2023-write-restricted": {f"{DELETE}/security"},
    "api3:2023-constrained-additionalProperties": {PROBLEM},
    "api3:2023-no-additionalProperties": {f"{PROBLEM}/additionalProperties"},
    "api4:2023-array-limit": {"/components/schemas/Thing/properties/tags"},
    "api4:2023-integer-format": {"/components/schemas/Thing/properties/id"},
    "api4:2023-integer-limit-legacy": {"/components/schemas/Thing/properties/id"},
    "api4:2023-rate-limit": {"/components/responses/Problem", f"{ADMIN}/responses/200",
                             f"{DELETE}/responses/204", f"{GET}/responses/429/headers"},
    "api4:2023-rate-limit-responses-429": {f"{ADMIN}/responses", f"{DELETE}/responses", f"{GET}/responses/429"},
    "api4:2023-rate-limit-retry-after": {f"{GET}/responses/429/headers"},
    "api4:2023-string-limit": {f"{PROBLEM}/additionalProperties", "/components/schemas/Thing/properties/name"},
    "api4:2023-string-restricted": {f"{PROBLEM}/additionalProperties", "/components/schemas/Thing/properties/name"},
    "api5:2023-admin-security-unique": {f"{ADMIN}/security/0"},
    "api7:2023-concerning-url-parameter": {f"{GET}/parameters/1/name"},
    "api8:2023-define-cors-origin": {f"{GET}/responses/429/headers"},
    "api8:2023-define-error-responses-401": {f"{ADMIN}/responses", f"{DELETE}/responses"},
    "api8:2023-define-error-responses-500": {f"{ADMIN}/responses", f"{DELETE}/responses"},
    "api8:2023-define-error-validation": {f"{ADMIN}/responses", f"{DELETE}/responses"},
    "api8:2023-no-server-http": {"/servers/0/url"},
    "api9:2023-inventory-access": {"/servers/1"},
    "api9:2023-inventory-environment": {"/servers/0/description"},
}


@pytest.fixture(scope="module")
def found() -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for finding in lint_spec(FIXTURES / "lint-owasp" / "openapi.yaml", OWASP).findings:
        result.setdefault(finding.rule.removeprefix("owasp:"), set()).add(finding.pointer)
    return result


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_rule_fires_at_pointers(found: dict[str, set[str]], rule: str) -> None:
    assert found.get(rule, set()) == EXPECTED[rule]


def test_nothing_else_fires(found: dict[str, set[str]]) -> None:
    assert set(found) == set(EXPECTED)


def test_the_npm_package_name_means_the_builtin_ruleset() -> None:
    ids = {rule.rule.id for rule in LintConfig(extends=("@stoplight/spectral-owasp-ruleset",)).resolve().active("3.0")}
    assert ids == {rule.rule.id for rule in OWASP.resolve().active("3.0")}
    assert all(rule_id.startswith("owasp:api") for rule_id in ids)


def test_a_contract_secured_by_an_api_key_header_passes_the_authentication_rules() -> None:
    found = {f.rule for f in lint_spec(FIXTURES / "lint-clean" / "openapi.yaml", OWASP).findings}
    assert not {rule for rule in found if rule.startswith("owasp:api2:")} - {"owasp:api2:2023-no-credentials-in-url"}
    assert "owasp:api2:2023-no-credentials-in-url" in found  # the rule's pattern takes page_token for a credential
    assert "owasp:api4:2023-string-limit" in found  # its Item.name has no maxLength
