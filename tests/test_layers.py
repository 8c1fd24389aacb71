"""The allowed imports of DESIGN.md, checked in fresh interpreters (as Click's test_light_imports)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

FORBIDDEN = {
    "accord": {"mock", "impl", "contract_tests", "accord.cli"},
    "accord.validation": {"mock", "impl", "contract_tests", "accord.cli", "connexion"},
    "accord.loading": {"mock", "impl", "contract_tests", "accord.cli", "connexion"},
    "accord.consumer.usage": {"mock", "impl", "contract_tests", "accord.cli", "connexion"},
    "mock.app": {"impl", "contract_tests", "connexion", "accord.cli"},
    "impl.app": {"mock", "contract_tests", "accord.cli"},
    "contract_tests": {"accord.cli"},
}


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_imports_stay_in_their_layer(module: str) -> None:
    if importlib.util.find_spec(module.split(".")[0]) is None or importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} does not exist yet")
    code = (
        f"import sys, {module}\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    bad = {name for name in loaded for prefix in FORBIDDEN[module] if name == prefix or name.startswith(prefix + ".")}
    assert not bad, f"{module} imports {sorted(bad)}"
