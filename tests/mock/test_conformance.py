"""Schemathesis against the mock, in-process: every response must conform to the contract.

This is the mock's own smoke test; the contract suites (contract_tests/) run the same
kind of checks against any target.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from conftest import PETS, build_app
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection

from accord.contract_tests.asynchronous import async_completion
from accord.contract_tests.settings import NEGATIVE_REJECTION_STATUSES

pytestmark = pytest.mark.integration  # Schemathesis against the mock

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
KEY = "accord-dev-key"


def _schema(path: Path) -> schemathesis.schemas.BaseSchema:
    # 413 is a rejection too: a negative body may exceed the mock's body limit (10 MiB), as the
    # contract suite allows (contract_tests/settings.py NEGATIVE_REJECTION_STATUSES).
    config = schemathesis.Config.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": NEGATIVE_REJECTION_STATUSES}}}
    )
    return schemathesis.openapi.from_asgi("/__accord/openapi.json", build_app(path, api_keys=[KEY]), config=config)


def _call(case, credentials: dict[str, str], **kwargs) -> None:
    """Valid credentials unless the case deliberately generated invalid headers."""
    negative = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    headers = {} if negative else credentials
    case.call_and_validate(headers=headers, **kwargs)


spec_schema = _schema(SPEC) if SPEC.exists() else None
pets_schema = _schema(PETS)
_settings = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


if spec_schema is not None:

    @spec_schema.parametrize()
    @_settings
    def test_mock_conforms_to_the_contract(case):
        # The static mock's jobs never finish (no state): following a 202 to its end is a check
        # for the stateful mock and the service (tests/contract_tests/test_targets.py).
        _call(case, {"X-API-Key": KEY}, excluded_checks=[async_completion])


@pets_schema.parametrize()
@_settings
def test_mock_conforms_to_the_pets_fixture(case):
    # Schemathesis's own checks only: checks registered by accord's contract suite (problems
    # with a request_id) are the example contract's policy, which this fixture does not adopt.
    excluded = _policy_checks()
    if "multipart/form-data" in (case.operation.definition.raw.get("requestBody") or {}).get("content", {}):
        # On the wire every multipart field is text: Schemathesis's "integer 129 for a string
        # field" negative case arrives as the valid string "129" (the form-urlencoded variant of
        # this false positive is schemathesis #3338). The mock's multipart validation is tested
        # in tests/mock/test_bodies.py.
        excluded.append(negative_data_rejection)
    if case.operation.definition.raw.get("operationId") == "matrix":
        # An exploded matrix object accepts any `;key=value` text: Schemathesis's "not an
        # object" negative case serialises to `;=null,null`, which is the valid object
        # {"": "null,null"} (RFC 6570 §3.2.7); tests/mock/test_parameters.py covers matrix parsing.
        excluded.append(negative_data_rejection)
    _call(case, {"X-API-Key": KEY, "Authorization": "Bearer t"}, excluded_checks=excluded)


def _policy_checks() -> list:
    return [check for check in CHECKS.get_all() if not check.__module__.startswith("schemathesis")]
