"""Check a behaviour file against the contract and compile it into per-operation plans.

What the mock answers must stay within the contract (DESIGN.md decision 5), so a rule or an
HTTP fault may only pick a status the operation documents (exactly or by its `NXX` range), a
named example that response has, and a literal body its schema accepts. Network faults are
exempt: they send no response at all. Each mistake is located in the behaviour file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from accord.mock.behaviour.loading import Problems
from accord.mock.behaviour.model import Behaviour, Fault, Latency, Rule, Scenario

if TYPE_CHECKING:
    from accord.mock.compiler import CompiledApi, Operation


@dataclass(frozen=True, slots=True)
class PlannedRule:
    rule: Rule
    key: str | None  # documented response key; None: the operation's default response
    content: int | None = None  # index of the content holding the example / body


@dataclass(frozen=True, slots=True)
class PlannedFault:
    fault: Fault
    key: str | None  # documented response key (HTTP faults)


@dataclass(slots=True)
class OperationPlan:
    rules: list[PlannedRule] = field(default_factory=list)
    latency: list[Latency] = field(default_factory=list)
    faults: list[PlannedFault] = field(default_factory=list)


#: scenario name -> operation label -> plan
Plans = dict[str, dict[str, OperationPlan]]


def documented_key(op: Operation, status: int) -> str | None:
    """The response key documenting `status` exactly or by range; never `default`."""
    text = str(status)
    if text in op.responses:
        return text
    ranged = f"{text[0]}XX"
    for key in op.responses:
        if key.upper() == ranged:
            return key
    return None


def operation_index(api: CompiledApi) -> dict[str, Operation]:
    """Every way a behaviour file may name an operation: operationId and 'METHOD /template'."""
    index: dict[str, Operation] = {}
    for op in api.operations:
        index[f"{op.method} {op.path}"] = op
        index[op.label] = op
    return index


def compile_plans(api: CompiledApi, behaviour: Behaviour, problems: Problems) -> Plans:
    """Per scenario and operation, what to try; problems are added for what the contract lacks."""
    index = operation_index(api)
    plans: Plans = {}
    for scenario in (behaviour.base, *behaviour.scenarios.values()):
        plans[scenario.name] = _scenario_plans(api, scenario, index, problems)
    return plans


def _resolve(names: tuple[str, ...] | None, pointer: str, index: dict[str, Operation],
             problems: Problems) -> list[Operation] | None:
    if names is None:
        return None
    found = []
    for name in names:
        op = index.get(name)
        if op is None:
            method, _, path = name.partition(" ")
            op = index.get(f"{method.upper()} {path}")
        if op is None:
            problems.add(pointer + "/operation", f"no operation {name!r} in the document")
        else:
            found.append(op)
    return found


def _scenario_plans(api: CompiledApi, scenario: Scenario, index: dict[str, Operation],
                    problems: Problems) -> dict[str, OperationPlan]:
    plans: dict[str, OperationPlan] = {}

    def plan(op: Operation) -> OperationPlan:
        return plans.setdefault(op.label, OperationPlan())

    for rule in scenario.rules:
        for op in _resolve(rule.operations, rule.pointer, index, problems) or []:
            planned = _check_rule(api, op, rule, problems)
            if planned is not None:
                plan(op).rules.append(planned)
    for latency in scenario.latency:
        ops = _resolve(latency.operations, latency.pointer, index, problems)
        for op in api.operations if ops is None else ops:
            plan(op).latency.append(latency)
    for fault in scenario.faults:
        ops = _resolve(fault.operations, fault.pointer, index, problems)
        explicit = ops is not None
        applied = 0
        for op in api.operations if ops is None else ops:
            api.prepare(op)
            key = None
            if not fault.network:
                assert fault.status is not None
                key = documented_key(op, fault.status)
                if key is None:
                    if explicit:
                        problems.add(fault.pointer, f"{op.label} does not document status {fault.status}; "
                                                    f"documented: {', '.join(op.responses) or 'none'}")
                    continue
            plan(op).faults.append(PlannedFault(fault, key))
            applied += 1
        if not explicit and not applied and not fault.network:
            problems.add(fault.pointer, f"no operation documents status {fault.status}: the fault can never apply")
    return plans


def _check_rule(api: CompiledApi, op: Operation, rule: Rule, problems: Problems) -> PlannedRule | None:
    api.prepare(op)
    outcome = rule.outcome
    where = rule.pointer + "/then"
    key = op.default_key
    if outcome.status is not None:
        key = documented_key(op, outcome.status)
        if key is None:
            problems.add(where + "/status", f"{op.label} does not document status {outcome.status}; "
                                            f"documented: {', '.join(op.responses) or 'none'}")
            return None
    if key is None:
        problems.add(where, f"{op.label} documents no response to choose from")
        return None
    response = op.responses[key]
    content_index: int | None = None
    if outcome.example is not None:
        content_index = next((i for i, c in enumerate(response.contents) if outcome.example in c.examples), None)
        if content_index is None:
            names = sorted({n for c in response.contents for n in c.examples})
            problems.add(where + "/example", f"response {key} of {op.label} has no example {outcome.example!r}; "
                                             f"its examples: {', '.join(names) or 'none'}")
            return None
    if outcome.has_body:
        content_index = _body_content(api, response, outcome.body)
        if content_index is None:
            problems.add(where + "/body", _body_mismatch(api, response, outcome.body, key, op.label))
            return None
    return PlannedRule(rule, key, content_index)


def _body_content(api: CompiledApi, response: Any, body: Any) -> int | None:
    for index, content in enumerate(response.contents):
        if content.schema is None or api.schemas.is_valid(content.schema, body, "response"):
            if content.serialise(body) is not None:
                return index
    return None


def _body_mismatch(api: CompiledApi, response: Any, body: Any, key: str, label: str) -> str:
    if not response.contents:
        return f"response {key} of {label} has no content: a body cannot be sent"
    content = response.contents[0]
    errors = [] if content.schema is None else list(api.schemas.validator(content.schema, "response").iter_errors(body))
    detail = "; ".join(
        f"{'/' + '/'.join(str(p) for p in e.instance_path) if e.instance_path else '(root)'}: {e.message}"
        for e in errors[:3]
    )
    return f"body does not match the schema of response {key} of {label}: {detail or 'cannot be serialised'}"
