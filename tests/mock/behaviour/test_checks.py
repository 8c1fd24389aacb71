"""mock/behaviour/checks.py: what a behaviour file says is checked against the contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.mock.app import create_app
from accord.mock.behaviour.loading import BehaviourFileError

SPEC = Path(__file__).resolve().parents[3] / "spec" / "openapi.yaml"
EXAMPLE = SPEC.parent / "mock-behaviour.yaml"


def _located(tmp_path: Path, text: str) -> list[tuple[int | None, str]]:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BehaviourFileError) as caught:
        create_app(SPEC, rules=path)
    assert caught.value.exit_code == 2
    return [(line, pointer) for _file, line, pointer, _message in caught.value.problems]


def test_the_example_file_is_accepted() -> None:
    app = create_app(SPEC, rules=EXAMPLE)
    assert app.behaviour.active
    assert "model-overloaded" in app.behaviour.names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an operation the document does not have
        ("rules:\n  - operation: predictUnicorn\n    then: {status: 200}\n", [(2, "/rules/0/operation")]),
        # a status the operation does not document (getModel has no 409)
        ("rules:\n  - operation: getModel\n    then:\n      status: 409\n", [(4, "/rules/0/then/status")]),
        # an example the chosen response does not have
        ("rules:\n  - operation: predictIris\n    then:\n      example: nope\n", [(4, "/rules/0/then/example")]),
        # a body that does not validate against the response schema
        ("rules:\n  - operation: getLiveness\n    then:\n      body: {status: 12}\n", [(4, "/rules/0/then/body")]),
        # 429 on an operation that does not document it (the health probes do not)
        ("faults:\n  - operation: getLiveness\n    kind: rate-limit\n", [(2, "/faults/0")]),
        # the same inside a scenario
        ("scenarios:\n  s:\n    faults:\n      - {operation: 'GET /health/live', kind: model-loading}\n",
         [(4, "/scenarios/s/faults/0")]),
        # a global status fault no operation documents
        ("faults:\n  - kind: status\n    status: 418\n", [(2, "/faults/0")]),
    ],
)
def test_contract_mistakes_are_located(tmp_path: Path, text: str, expected: list[tuple[int, str]]) -> None:
    assert _located(tmp_path, text) == expected


def test_a_valid_body_and_a_method_path_name_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - operation: GET /health/live\n    then:\n      body: {status: ok}\n", encoding="utf-8")
    app = create_app(SPEC, rules=path)
    assert app.behaviour.plans["default"]["getLiveness"].rules[0].rule.outcome.body == {"status": "ok"}


def test_a_global_fault_applies_only_where_its_status_is_documented(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("faults:\n  - kind: model-loading\n", encoding="utf-8")
    app = create_app(SPEC, rules=path)
    planned = {label for label, plan in app.behaviour.plans["default"].items() if plan.faults}
    assert "predictIris" in planned and "createIrisPredictionJob" in planned
    assert "getLiveness" not in planned and "getModel" not in planned


def test_network_faults_apply_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("faults:\n  - kind: drop\n    probability: 0.1\n", encoding="utf-8")
    app = create_app(SPEC, rules=path)
    assert len([p for p in app.behaviour.plans["default"].values() if p.faults]) == len(app.api.operations)
