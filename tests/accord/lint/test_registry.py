"""accord/lint/registry.py: Spectral's names and default severities, accord's own prefixed."""

from __future__ import annotations

import pytest

from accord.lint.registry import REGISTRY, SEVERITIES

#: From spectral-rulesets 1.20 `oas/index.ts` (severity 0 = error, default warn) - reference/contract_anchors.md §4.
SPECTRAL = {
    "operation-operationId": ("warning", True),
    "operation-operationId-unique": ("error", True),
    "operation-operationId-valid-in-url": ("warning", True),
    "operation-parameters": ("warning", True),
    "operation-success-response": ("warning", True),
    "operation-description": ("warning", True),
    "operation-tags": ("warning", True),
    "operation-tag-defined": ("warning", True),
    "operation-singular-tag": ("warning", False),
    "path-params": ("error", True),
    "path-declarations-must-exist": ("warning", True),
    "path-keys-no-trailing-slash": ("warning", True),
    "path-not-include-query": ("warning", True),
    "info-contact": ("warning", True),
    "info-description": ("warning", True),
    "info-license": ("warning", False),
    "openapi-tags-uniqueness": ("error", True),
    "tag-description": ("warning", False),
    "no-$ref-siblings": ("error", True),
    "duplicated-entry-in-enum": ("warning", True),
    "typed-enum": ("warning", True),
    "array-items": ("error", True),
    "oas3-api-servers": ("warning", True),
    "oas3-server-trailing-slash": ("warning", True),
    "oas3-server-variables": ("error", True),
    "oas3-operation-security-defined": ("warning", True),
    "oas3-valid-media-example": ("error", True),
    "oas3-valid-schema-example": ("error", True),
    "oas3-examples-value-or-externalValue": ("warning", True),
    "oas3-unused-component": ("warning", True),
}


@pytest.mark.parametrize(("rule_id", "expected"), sorted(SPECTRAL.items()))
def test_spectral_rules_keep_spectral_name_severity_and_recommendation(
    rule_id: str, expected: tuple[str, bool]
) -> None:
    rule = REGISTRY[rule_id]
    assert (rule.severity, rule.recommended) == expected


def test_every_rule_is_well_formed() -> None:
    for rule_id, rule in REGISTRY.items():
        assert rule.id == rule_id
        assert rule.severity in SEVERITIES
        assert rule.description
        assert rule.versions <= {"2.0", "3.0", "3.1"}


def test_accord_rules_are_prefixed() -> None:
    own = {rule_id for rule_id in REGISTRY if rule_id.startswith("accord-")}
    assert own == {
        "accord-problem-json-errors", "accord-operation-id-python", "accord-request-schema-closed",
        "accord-response-schema-open", "accord-numeric-bounds", "accord-example-present",
        "accord-consistent-pagination", "accord-consistent-errors", "accord-path-crossed", "accord-secured-401",
    }
    assert all(REGISTRY[rule_id].ruleset == "accord:contract" for rule_id in own)
    assert REGISTRY["accord-response-schema-open"].severity == "warning"
