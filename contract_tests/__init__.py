"""Contract tests: Schemathesis 4 property-based runs of the contract against a target.

A target is the mock or the data team's service, both in-process (ASGI), or any running URL.
One code path serves everyone: `run_contract_tests()` drives Schemathesis's engine (examples,
coverage, fuzzing and stateful phases, every built-in check plus accord's problem+json check)
and returns a `ContractReport`; the pytest suite in this package, `accord test` and the tests
that prove the harness catches drift (tests/contract_tests/) all go through it.
"""

from __future__ import annotations

from accord.contract_tests.report import ContractReport
from accord.contract_tests.runner import run_contract_tests

__all__ = ["ContractReport", "run_contract_tests"]
