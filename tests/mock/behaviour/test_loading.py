"""mock/behaviour/loading.py: the file's shape, every mistake located (file:line, pointer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.mock.behaviour.loading import BehaviourFileError, load_behaviour
from accord.mock.behaviour.model import Condition


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "behaviour.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[tuple[str, int | None, str, str]]:
    _behaviour, problems = load_behaviour(path)
    return problems.items


def test_a_full_file_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, """
scenario: busy
stateful:
  durations: {queued: 0.5, running: 1}
rules:
  - name: big
    operation: predictIris
    when:
      body:
        /instances/0/petal_length_cm: {min: 5, max: 10}
      query: {version: 2}
      header: {X-Tenant: {regex: "^acme"}}
    then: {status: 200, example: explain}
latency:
  - lognormal: {median: 120, sigma: 0.5}
faults:
  - {kind: rate-limit, probability: 0.25, retry_after: 3}
scenarios:
  busy:
    faults:
      - {kind: drop, operation: getModel}
""")
    behaviour, problems = load_behaviour(path)
    assert problems.items == []
    assert behaviour.scenario == "busy"
    assert behaviour.state.durations == {"queued": 0.5, "running": 1.0}
    rule = behaviour.base.rules[0]
    assert rule.name == "big" and rule.operations == ("predictIris",)
    body, query, header = rule.conditions
    assert body == Condition("body", "/instances/0/petal_length_cm", minimum=5.0, maximum=10.0)
    assert query.has_equals and query.equals == 2
    assert header.name == "x-tenant" and header.regex is not None
    assert behaviour.base.latency[0].kind == "lognormal" and behaviour.base.latency[0].a == 120
    assert behaviour.base.faults[0].status == 429 and behaviour.base.faults[0].probability == 0.25
    assert behaviour.scenarios["busy"].faults[0].network
    assert [s.name for s in behaviour.active("busy")] == ["busy", "default"]
    assert [s.name for s in behaviour.active(None)] == ["default"]


@pytest.mark.parametrize(
    ("text", "line", "pointer"),
    [
        ("rules:\n  - operation: x\n    then: {status: 999}\n", 3, "/rules/0/then/status"),
        ("rules:\n  - then: {status: 200}\n", 2, "/rules/0"),
        ("rules:\n  - operation: x\n    when:\n      body:\n        instances: 1\n    then: {status: 200}\n", 5,
         "/rules/0/when/body/instances"),
        ("rules:\n  - operation: x\n    when:\n      query:\n        q: {regex: '('}\n    then: {status: 200}\n", 5,
         "/rules/0/when/query/q/regex"),
        ("rules:\n  - operation: x\n    when:\n      cookie: {a: 1}\n    then: {status: 200}\n", 4,
         "/rules/0/when/cookie"),
        ("latency:\n  - fixed: 10\n    uniform: {min: 1, max: 2}\n", 2, "/latency/0"),
        ("latency:\n  - uniform: {min: 5, max: 2}\n", 2, "/latency/0/uniform"),
        ("faults:\n  - kind: explode\n", 2, "/faults/0/kind"),
        ("faults:\n  - kind: rate-limit\n    probability: 1.5\n", 3, "/faults/0/probability"),
        ("faults:\n  - kind: status\n    status: 200\n", 3, "/faults/0/status"),
        ("scenario: nope\n", 1, "/scenario"),
        ("scenarios:\n  a:\n    rulez: []\n", 3, "/scenarios/a/rulez"),
        ("stateful:\n  seed: missing.yaml\n", 2, "/stateful/seed"),
        ("colour: blue\n", 1, "/colour"),
    ],
)
def test_mistakes_are_located(tmp_path: Path, text: str, line: int, pointer: str) -> None:
    path = _write(tmp_path, text)
    problems = _problems(path)
    assert [(n, p) for _f, n, p, _m in problems] == [(line, pointer)]


def test_all_mistakes_are_reported_together(tmp_path: Path) -> None:
    path = _write(tmp_path, "faults:\n  - kind: explode\nlatency:\n  - fixed: -1\n")
    _behaviour, problems = load_behaviour(path)
    with pytest.raises(BehaviourFileError) as caught:
        problems.raise_if_any()
    error = caught.value
    assert error.exit_code == 2
    assert [(n, p) for _f, n, p, _m in error.problems] == [(2, "/faults/0/kind"), (4, "/latency/0/fixed")]
    lines = str(error).splitlines()
    assert lines[0].startswith(f"{error.file}:2: ") and lines[1].startswith(f"{error.file}:4: ")


def test_invalid_yaml_is_a_located_document_error(tmp_path: Path) -> None:
    from accord.errors import DocumentError

    path = _write(tmp_path, "rules:\n  - operation: [a\n")
    with pytest.raises(DocumentError) as caught:
        load_behaviour(path)
    assert caught.value.line is not None and caught.value.exit_code == 2
