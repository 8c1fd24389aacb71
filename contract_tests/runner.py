"""Run the contract against a target with Schemathesis's engine and report per operation and check.

Why the engine and not pytest.main: the engine is what `schemathesis run` uses; it runs every
phase (examples, coverage — which carries the unsupported-method and missing-header probes —
fuzzing, and the stateful phase that follows the contract's links) and records each check's
outcome per request. That gives per-operation, per-check pass/fail counts, the curl command of
the first failure and the status codes seen, with no scraping of test output.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord.config import DEFAULT_SPEC
from accord.contract_tests import checks as _checks
from accord.contract_tests.coverage import (
    DocumentedOperation,
    documented_operations,
    status_coverage,
)
from accord.contract_tests.report import (
    CheckTally,
    ContractReport,
    FailureRecord,
    OperationResult,
)
from accord.contract_tests.settings import RunSettings
from accord.contract_tests.targets import Target, open_target
from accord.contract_tests.tolerances import tolerated
from accord.errors import UsageError
from accord.loading import load_spec

#: Engine errors that say something about the document or the selection, not about the target:
#: a contract (or a --operations subset) without links has no stateful phase to run.
NOT_TARGET_ERRORS = frozenset({"NoLinksFound"})
#: How much of a reproduction to keep: job bodies can run to megabytes.
MAX_REPRODUCTION = 2000
MAX_MESSAGE = 1500


@dataclass(frozen=True, slots=True)
class Progress:
    """One step of a run, for a progress display: a phase starting, or an operation done."""

    phase: str
    operation: str | None = None
    status: str | None = None
    done: int = 0
    total: int = 0


ProgressCallback = Callable[[Progress], None]


def run_contract_tests(
    target: str | Any,
    *,
    spec: str | Path = DEFAULT_SPEC,
    max_examples: int | None = None,
    seed: int | None = None,
    junit: str | Path | None = None,
    progress: ProgressCallback | None = None,
    name: str | None = None,
    api_key: str | None = None,
    operations: Sequence[str] | None = None,
    mock_options: Mapping[str, Any] | None = None,
    app: str | None = None,
    checks: Sequence[str] | None = None,
) -> ContractReport:
    """Test `target` ('mock', 'service', a URL or an ASGI app) against `spec`; never raises on failures.

    `checks` are accord's own checks to run besides Schemathesis's (default: `configured_checks()`;
    `problem_json_errors` holds every error to problem+json with a request_id).
    `app` is the handlers package the 'service' target serves (default: ACCORD_APP, then
    `[tool.accord] app`, then `service`).

    `api_key` overrides the key sent (default: first of ACCORD_API_KEYS, else the dev key);
    `operations` restricts the run to these operationIds; `mock_options` are passed to the
    in-process mock target's `create_app` (e.g. `{"stateful": True, "rules": FILE}`). Raises
    accord.errors.UsageError for an unknown target, an unreachable URL or an unknown operationId,
    and the loading errors of `load_spec` for a bad document.
    """
    settings = RunSettings.resolve(max_examples=max_examples, seed=seed)
    conventions = tuple(checks) if checks is not None else configured_checks()
    document = load_spec(spec).document
    documented = documented_operations(document)
    if operations is not None:
        wanted = set(operations)
        unknown = wanted - {op.operation_id for op in documented}
        if unknown:
            raise UsageError(f"no operation with operationId {', '.join(sorted(unknown))} in {spec}")
        documented = [op for op in documented if op.operation_id in wanted]
    with open_target(target, Path(spec), name=name, api_key=api_key, mock_options=mock_options,
                     app=app) as resolved:
        report = _execute(resolved, str(spec), document, documented, settings, progress, conventions)
    if junit is not None:
        from accord.contract_tests.render import write_junit

        write_junit(report, Path(junit))
    return report


@dataclass(slots=True)
class _Tally:
    passed: int = 0
    failed: int = 0
    tolerated: int = 0
    first: FailureRecord | None = None
    reasons: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Collector:
    """Mutable accumulation while the engine runs; frozen into a ContractReport at the end."""

    tallies: dict[str, dict[str, _Tally]] = field(default_factory=dict)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    requests: Counter[str] = field(default_factory=Counter)
    errors: dict[str, list[str]] = field(default_factory=dict)
    run_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)

    def scenario(self, phase: str, recorder: Any) -> tuple[int, int]:
        """Tally one finished scenario; returns its (failed, tolerated) check counts."""
        failed = tolerated_here = 0
        for case_id, interaction in recorder.interactions.items():
            case = _case_of(recorder, case_id)
            if case is None or interaction.response is None:
                continue
            label = case.operation.label
            self.requests[label] += 1
            if case.method.upper() == case.operation.method.upper():  # not an unsupported-method probe
                self.statuses.setdefault(label, Counter())[interaction.response.status_code] += 1
        for case_id, nodes in recorder.checks.items():
            case = _case_of(recorder, case_id)
            if case is None:
                continue
            label = case.operation.label
            per_op = self.tallies.setdefault(label, {})
            for node in nodes:
                tally = per_op.setdefault(node.name, _Tally())
                if node.status.value == "success":
                    tally.passed += 1
                elif node.status.value == "failure":
                    interaction = recorder.interactions.get(case_id)
                    reason = tolerated(node.name, case, interaction.response if interaction else None)
                    if reason is not None:
                        tally.tolerated += 1
                        tally.reasons.add(reason)
                        tolerated_here += 1
                        continue
                    tally.failed += 1
                    failed += 1
                    if tally.first is None and node.failure_info is not None:
                        tally.first = _failure_record(label, node, phase, recorder, case_id)
        return failed, tolerated_here

    def error(self, label: str | None, message: str) -> None:
        if label:
            self.errors.setdefault(label, []).append(message)
        else:
            self.run_errors.append(message)


def _case_of(recorder: Any, case_id: str) -> Any:
    node = recorder.cases.get(case_id)
    return node.value if node is not None else None


def _failure_record(label: str, node: Any, phase: str, recorder: Any, case_id: str) -> FailureRecord:
    failure = node.failure_info.failure
    interaction = recorder.interactions.get(case_id)
    status = interaction.response.status_code if interaction is not None and interaction.response is not None else None
    return FailureRecord(
        operation=label,
        check=node.name,
        title=str(failure.title),
        message=_clip(str(failure.message or ""), MAX_MESSAGE),
        reproduction=_clip(node.failure_info.code_sample or "", MAX_REPRODUCTION),
        phase=phase,
        status=status,
    )


def _runnable(failure: FailureRecord | None, target: Target) -> FailureRecord | None:
    if failure is None:
        return None
    return dataclasses.replace(failure, reproduction=target.runnable(failure.reproduction))


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def credentials(document: dict[str, Any], api_key: str) -> dict[str, dict[str, str]]:
    """Schemathesis's `[auth.openapi.<scheme>]` for each scheme the document declares, so each
    credential travels where its scheme says (header, query or cookie): API keys get `api_key`,
    bearer/OAuth2/OpenID schemes the first of ACCORD_BEARER_TOKENS, basic schemes the first of
    ACCORD_BASIC_CREDENTIALS (`user:password`). No scheme is assumed."""
    from accord.openapi import credential_kind, security_schemes
    from accord.settings import read

    tokens = read("ACCORD_BEARER_TOKENS")
    pairs = [p.split(":", 1) for p in read("ACCORD_BASIC_CREDENTIALS") if ":" in p]
    auth: dict[str, dict[str, str]] = {}
    for name, scheme in security_schemes(document).items():
        kind = credential_kind(scheme)
        if kind == "api_key":
            auth[name] = {"api_key": api_key}
        elif kind == "bearer" and tokens:
            auth[name] = {"bearer": tokens[0]}
        elif kind == "basic" and pairs:
            auth[name] = {"username": pairs[0][0], "password": pairs[0][1]}
    return auth


#: accord's own checks (accord.contract_tests.checks), each a convention of some contracts.
ACCORD_CHECKS = (_checks.CHECK_NAME,)


def configured_checks() -> tuple[str, ...]:
    """accord's checks to run: ACCORD_CHECKS (comma-separated), else `[tool.accord] checks`."""
    from accord.config import pyproject_settings
    from accord.settings import read

    chosen = read("ACCORD_CHECKS") or pyproject_settings().get("checks") or []
    unknown = sorted(set(chosen) - set(ACCORD_CHECKS))
    if unknown:
        raise UsageError(f"unknown accord check(s) {', '.join(unknown)}: the checks are {', '.join(ACCORD_CHECKS)}")
    return tuple(chosen)


def _build_schema(target: Target, document: dict[str, Any], settings: RunSettings,
                  conventions: Sequence[str] = ()) -> Any:
    import schemathesis

    data = settings.schemathesis_config({})
    # accord's own checks are conventions a contract may or may not promise: on only when chosen.
    data["checks"].update({name: {"enabled": name in conventions} for name in ACCORD_CHECKS})
    config = schemathesis.Config.from_dict({**data, "auth": {"openapi": credentials(document, target.api_key)}})
    schema = schemathesis.openapi.from_dict(copy.deepcopy(document), config=config)
    schema.config.update(base_url=target.base_url, continue_on_failure=True)
    if target.in_process:
        schema.app = target.app
    return schema


def _execute(target: Target, spec: str, document: dict[str, Any], operations: list[DocumentedOperation],
             settings: RunSettings, progress: ProgressCallback | None,
             conventions: Sequence[str] = ()) -> ContractReport:
    from schemathesis.engine import events, from_schema

    notify = progress or (lambda _p: None)
    collector = _Collector()
    started = time.monotonic()
    schema = _build_schema(target, document, settings, conventions)
    if len(operations) < len(documented_operations(document)):
        schema = schema.include(operation_id=[op.operation_id for op in operations])
    total = len(operations)
    done = 0
    for event in from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted):
            name = event.phase.name.value
            if name not in collector.phases:  # the stateful phase may restart (link calibration)
                collector.phases.append(name)
                done = 0
                notify(Progress(phase=name, total=total))
        elif isinstance(event, events.ScenarioFinished):
            if not event.is_test_scenario:
                continue
            failed, tolerated_here = collector.scenario(event.phase.value, event.recorder)
            done += 1
            status = event.status.value
            if status == "failure" and not failed and tolerated_here:
                # Every failing check was a documented rejection the report tolerates: not a failure.
                status = "tolerated"
            notify(Progress(phase=event.phase.value, operation=event.label or f"{event.phase.value} scenario",
                            status=status, done=done, total=total))
        elif isinstance(event, events.NonFatalError) and type(event.value).__name__ in NOT_TARGET_ERRORS:
            collector.notes.append(f"{event.phase.value if event.phase else 'run'}: {str(event.value).splitlines()[0]}")
        elif isinstance(event, events.NonFatalError):
            message = _clip(f"{type(event.value).__name__}: {event.value}", MAX_MESSAGE)
            collector.error(event.label if event.related_to_operation else None, message)
        elif isinstance(event, events.FatalError):
            collector.error(None, _clip(f"{type(event.exception).__name__}: {event.exception}", MAX_MESSAGE))
    return _freeze(target, spec, operations, settings, collector, time.monotonic() - started)


def _freeze(target: Target, spec: str, operations: list[DocumentedOperation], settings: RunSettings,
            collector: _Collector, elapsed: float) -> ContractReport:
    results = []
    known = {op.label for op in operations}
    for op in operations:
        tallies = collector.tallies.get(op.label, {})
        seen = collector.statuses.get(op.label, Counter())
        results.append(OperationResult(
            label=op.label,
            operation_id=op.operation_id,
            requests=collector.requests.get(op.label, 0),
            checks=tuple(CheckTally(name, t.passed, t.failed, _runnable(t.first, target), t.tolerated,
                                    tuple(sorted(t.reasons)))
                         for name, t in sorted(tallies.items())),
            statuses=tuple(sorted(seen.items())),
            coverage=status_coverage(op, seen),
            errors=tuple(collector.errors.get(op.label, ())),
        ))
    stray = [f"{label}: {msg}" for label, msgs in collector.errors.items() if label not in known for msg in msgs]
    return ContractReport(
        target=target.name,
        spec=spec,
        seed=settings.seed,
        max_examples=settings.max_examples,
        deterministic=settings.deterministic,
        elapsed=elapsed,
        operations=tuple(results),
        errors=tuple(collector.run_errors + stray),
        phases=tuple(collector.phases),
        notes=tuple(collector.notes),
    )
