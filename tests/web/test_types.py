"""`make types`: TypeScript types from spec/ (openapi-typescript), type-checked with tsc together
with the example client in web/types/, and a misuse of the contract that tsc must refuse."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration  # the npm tools (make node)

ROOT = Path(__file__).resolve().parents[2]
TYPES = ROOT / "web" / "types"
GENERATED = TYPES / "accord-api.d.ts"
TSC = ROOT / "node_modules" / ".bin" / "tsc"


def run(*command: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def generated() -> Path:
    done = run("make", "--no-print-directory", "types")
    assert done.returncode == 0, done.stdout + done.stderr
    return GENERATED


def test_make_types_writes_the_contracts_schemas_and_operations(generated: Path) -> None:
    text = generated.read_text(encoding="utf-8")
    for name in ("IrisFeatures:", "PredictionJob:", "Problem:", '"/v1/models/iris-classifier/predict"',
                 "getPredictionJobResults:"):
        assert name in text
    # Request options with defaults stay optional (--default-non-nullable=false), as the contract says.
    assert "return_probabilities?: boolean;" in text and "explain?: boolean;" in text


def test_the_example_client_type_checks_against_the_generated_types(generated: Path) -> None:
    done = run(TSC, "-p", TYPES)
    assert done.returncode == 0, done.stdout + done.stderr


MISUSES = {
    "misspelt request field": (
        'const flower: components["schemas"]["IrisFeatures"] = '
        "{ sepal_lenght_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 };",
        "sepal_lenght_cm",
    ),
    "response field that does not exist": (
        'declare const job: components["schemas"]["PredictionJob"];\nconst finished: string = job.finished;',
        "finished",
    ),
    "status outside the enum": (
        'declare const job: components["schemas"]["PredictionJob"];\nconst done = job.status === "done";',
        "done",
    ),
}


def file_name(case: str) -> str:
    return "misuse-" + case.replace(" ", "-") + ".ts"


@pytest.fixture(scope="module")
def misuse_check(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """tsc over one file per misuse, each importing the generated types (one run: tsc is slow)."""
    folder = tmp_path_factory.mktemp("misuse")
    shutil.copyfile(generated, folder / "accord-api.d.ts")
    shutil.copyfile(TYPES / "tsconfig.json", folder / "tsconfig.json")
    for case, (code, _) in MISUSES.items():
        (folder / file_name(case)).write_text(
            f'import type {{ components }} from "./accord-api";\n{code}\nexport {{}};\n', encoding="utf-8")
    done = run(TSC, "-p", folder, "--pretty", "false")
    assert done.returncode != 0, "tsc accepted every misuse"
    return done.stdout


@pytest.mark.parametrize("case", sorted(MISUSES))
def test_a_misuse_of_the_contract_fails_type_checking(misuse_check: str, case: str) -> None:
    _, culprit = MISUSES[case]
    errors = [line for line in misuse_check.splitlines() if f"/{file_name(case)}(" in line]
    assert errors, f"tsc accepted the {case}:\n{misuse_check}"
    assert culprit in " ".join(errors)
