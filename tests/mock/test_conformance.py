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
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import status_code_conformance

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
KEY = "accord-dev-key"
#: Operations whose contract documents no 4xx although they validate a parameter (X-Request-ID
#: has a pattern): the mock must reject an invalid value and can only answer an undocumented
#: 422 (and logs "contract incomplete"). A defect of spec/paths/health.yaml, reported.
SPEC_GAPS = {"getLiveness", "getReadiness"}

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _schema(path: Path) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_asgi("/__accord/openapi.json", build_app(path, api_keys=[KEY]))


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
        excluded = [status_code_conformance] if case.operation.definition.raw.get("operationId") in SPEC_GAPS else []
        _call(case, {"X-API-Key": KEY}, excluded_checks=excluded)


@pets_schema.parametrize()
@_settings
def test_mock_conforms_to_the_pets_fixture(case):
    _call(case, {"X-API-Key": KEY, "Authorization": "Bearer t"})
