"""pytest options for the contract suite: which targets, how many examples, which seed.

    pytest contract_tests                                  # mock and impl, in-process, deterministic
    pytest contract_tests --target http://127.0.0.1:8080   # a running service
    pytest contract_tests --max-examples 200 --seed 7      # longer, randomised (nightly)

Environment: ACCORD_CONTRACT_TARGETS (comma-separated), ACCORD_MAX_EXAMPLES, ACCORD_SEED.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.config import DEFAULT_SPEC
from accord.contract_tests.coverage import documented_operations
from accord.contract_tests.report import ContractReport
from accord.contract_tests.runner import run_contract_tests
from accord.contract_tests.settings import DEFAULT_MAX_EXAMPLES
from accord.settings import read

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TARGETS = ("mock", "impl")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("accord contract tests")
    group.addoption("--target", action="append", default=None,
                    help="mock, impl or a URL; repeatable (default: mock and impl, or ACCORD_CONTRACT_TARGETS)")
    group.addoption("--max-examples", type=int, default=None,
                    help=f"fuzzing examples per operation (default {DEFAULT_MAX_EXAMPLES}, or ACCORD_MAX_EXAMPLES)")
    group.addoption("--seed", type=int, default=None, help="Hypothesis seed (default 42, or ACCORD_SEED)")
    group.addoption("--contract-spec", default=None, help=f"the contract (default {DEFAULT_SPEC})")


def selected_targets(config: pytest.Config) -> list[str]:
    chosen = config.getoption("--target")
    if chosen:
        return list(chosen)
    return list(read("ACCORD_CONTRACT_TARGETS") or DEFAULT_TARGETS)


def spec_path(config: pytest.Config) -> Path:
    return Path(config.getoption("--contract-spec") or ROOT / DEFAULT_SPEC)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "target" in metafunc.fixturenames:
        metafunc.parametrize("target", selected_targets(metafunc.config), scope="session")
    if "operation" in metafunc.fixturenames:
        from accord.loading import load_spec

        document = load_spec(spec_path(metafunc.config), convert=True).document
        labels = [op.label for op in documented_operations(document)]
        metafunc.parametrize("operation", labels)


_REPORTS: dict[str, ContractReport] = {}


@pytest.fixture(scope="session")
def contract_report(request: pytest.FixtureRequest, target: str) -> ContractReport:
    """One Schemathesis run per target, shared by every test of that target."""
    if target not in _REPORTS:
        config = request.config
        _REPORTS[target] = run_contract_tests(target, spec=spec_path(config),
                                              max_examples=config.getoption("--max-examples"),
                                              seed=config.getoption("--seed"))
    return _REPORTS[target]
