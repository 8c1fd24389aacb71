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
from accord.contract_tests import configuration
from accord.contract_tests.checks import ACCORD_CHECKS
from accord.contract_tests.configuration import Selection
from accord.contract_tests.coverage import (
    DocumentedOperation,
    dimension,
    documented_operations,
    documenting_key,
    documents_success,
    media_seen,
    status_coverage,
)
from accord.contract_tests.report import (
    BaselineOutcome,
    CheckTally,
    ContractReport,
    FailureRecord,
    OperationResult,
)
from accord.contract_tests.settings import RunSettings
from accord.contract_tests.targets import Target, open_target
from accord.errors import UsageError
from accord.loading import load_spec

#: Engine errors that say something about the document or the selection, not about the target:
#: a contract (or a --operations subset) without links has no stateful phase to run.
NOT_TARGET_ERRORS = frozenset({"NoLinksFound"})
#: How much of a reproduction to keep: job bodies can run to megabytes.
MAX_REPRODUCTION = 2000
MAX_MESSAGE = 1500
#: The answer of an operation a served stub does not implement yet (accord scaffold's stubs; any
#: server's 501 Not Implemented, RFC 9110 §15.6.2).
NOT_IMPLEMENTED = 501
#: The answer of a server with nothing at the requested path.
NOT_FOUND = 404
#: Schemathesis's check for a status the operation does not document.
UNDOCUMENTED_STATUS_CHECK = "status_code_conformance"
#: Checks that read the documented response of the status answered: on a status the operation does
#: not document they can only object that the answer is not what some other status documents.
RESPONSE_CONFORMANCE_CHECKS = frozenset({UNDOCUMENTED_STATUS_CHECK, "content_type_conformance",
                                         "response_headers_conformance", "response_schema_conformance"})
#: Schemathesis's check that a schema-valid request is accepted (2xx, 3xx, or an auth or not-found
#: answer): it cannot hold where the operation documents no success for the target to answer.
POSITIVE_ACCEPTANCE_CHECK = "positive_data_acceptance"


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
    selection: Selection | None = None,
    allow_not_implemented: bool = False,
    baseline: str | Path | None = None,
    update_baseline: bool = False,
) -> ContractReport:
    """Test `target` ('mock', 'service', a URL or an ASGI app) against `spec`; never raises on failures.

    `checks` are accord's own checks the project turns on (default: `configured_checks()`;
    `problem_json_errors` holds every error to problem+json with a request_id); `selection` is
    what the command line chose: checks by name, credentials per security scheme, headers, the
    schemathesis.toml to read (default: the project's, found as `st` finds it).
    `app` is the handlers package the 'service' target serves (default: ACCORD_APP, then
    `[tool.accord] app`, then `service`).

    `api_key` is the key for apiKey schemes given no credential (default: an in-process target's
    own key; for a URL, the first of ACCORD_API_KEYS if set); `operations` restricts the run to
    these operationIds; `mock_options` are passed to the in-process mock target's `create_app`.
    Operations answering 501 are reported as not implemented and fail the run unless
    `allow_not_implemented`. `baseline` is a file of known failures (Schemathesis's baseline
    format, shared with `st run --baseline`): failures it lists are reported as known, not failed,
    and entries the run did not reproduce on an operation it exercised are reported fixed; a missing
    file is written with this run's failures (adopting contract tests on an existing API), and
    `update_baseline` rewrites it. Raises accord.errors.UsageError for an unknown target, an
    unreachable URL, an unknown operationId, check or security scheme, or a bad schemathesis.toml,
    and the loading errors of `load_spec` for a bad document.
    """
    settings = RunSettings.resolve(max_examples=max_examples, seed=seed)
    conventions = tuple(checks) if checks is not None else configured_checks()
    chosen = selection or Selection()
    # Swagger 2.0 (or a Postman collection) is tested as the OpenAPI 3.0 the mock and the service
    # serve (accord/swagger2.py): Schemathesis applies a 2.0 document's `produces` to every response,
    # a response declared without a schema (no body, in 2.0) included.
    document = load_spec(spec, convert=True).document
    documented = documented_operations(document)
    if operations is not None:
        wanted = set(operations)
        unknown = wanted - {op.operation_id for op in documented}
        if unknown:
            raise UsageError(f"no operation with operationId {', '.join(sorted(unknown))} in {spec}")
        documented = [op for op in documented if op.operation_id in wanted]
    with open_target(target, Path(spec), name=name, api_key=api_key, mock_options=mock_options,
                     app=app) as resolved:
        config = configuration.resolve(
            settings.schemathesis_config({}), settings.explicit_config(), chosen, conventions, document,
            resolved.credentials, stateless=resolved.stateless, any_credential=resolved.any_credential)
        known = _load_baseline(Path(baseline)) if baseline is not None else None
        report = _execute(resolved, str(spec), document, documented, settings, progress, config,
                          allow_not_implemented, known)
        report = _uncredentialed_note(report, document, config)
    if baseline is not None:
        report = _settle_baseline(report, Path(baseline), known, update_baseline)
    if junit is not None:
        from accord.contract_tests.render import write_junit

        write_junit(report, Path(junit))
    return report


@dataclass(slots=True)
class _Tally:
    passed: int = 0
    failed: int = 0
    known: int = 0
    first: FailureRecord | None = None


@dataclass(slots=True)
class _Collector:
    """Mutable accumulation while the engine runs; frozen into a ContractReport at the end."""

    tallies: dict[str, dict[str, _Tally]] = field(default_factory=dict)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    media: dict[str, set[tuple[int, str]]] = field(default_factory=dict)
    parameters: dict[str, set[str]] = field(default_factory=dict)
    links: set[str] = field(default_factory=set)
    not_implemented: Counter[str] = field(default_factory=Counter)
    baseline: Any = None  # schemathesis.baseline.Baseline of known failures, or None
    #: Every distinct failure of the run, as baseline entries (identity -> entry).
    observed: dict[tuple[str, str, str, str], Any] = field(default_factory=dict)
    requests: Counter[str] = field(default_factory=Counter)
    errors: dict[str, list[str]] = field(default_factory=dict)
    run_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)
    #: Rejections of invalid requests with a status the operation does not document: label -> statuses.
    undocumented_rejections: dict[str, Counter[int]] = field(default_factory=dict)
    #: Answers to valid requests on operations that document no success: label -> statuses.
    no_success_answers: dict[str, Counter[int]] = field(default_factory=dict)
    unimplemented_in_last: bool = False  # the last scenario tallied met a 501

    def scenario(self, phase: str, recorder: Any) -> int:
        """Tally one finished scenario; returns its failed check count (a stub's 501s are not failures)."""
        failed = 0
        for case_id, node in recorder.cases.items():
            transition = getattr(node, "transition", None)
            if transition is not None and not transition.is_inferred and case_id in recorder.interactions:
                self.links.add(transition.id)
        unimplemented: set[str] = set()
        self.unimplemented_in_last = False
        for case_id, interaction in recorder.interactions.items():
            case = _case_of(recorder, case_id)
            if case is None or interaction.response is None:
                continue
            label = case.operation.label
            self.requests[label] += 1
            if case.method.upper() != case.operation.method.upper():  # an unsupported-method probe
                continue
            status = interaction.response.status_code
            self.statuses.setdefault(label, Counter())[status] += 1
            content_type = (interaction.response.headers.get("content-type") or [""])[0]
            self.media.setdefault(label, set()).add((status, content_type))
            self.parameters.setdefault(label, set()).update(_sent_parameters(case))
            if status == NOT_IMPLEMENTED:
                self.not_implemented[label] += 1
                unimplemented.add(case_id)
                self.unimplemented_in_last = True
        for case_id, nodes in recorder.checks.items():
            case = _case_of(recorder, case_id)
            if case is None:
                continue
            label = case.operation.label
            per_op = self.tallies.setdefault(label, {})
            rejection = _rejection_status(case, recorder, case_id)
            for node in nodes:
                if (node.name in RESPONSE_CONFORMANCE_CHECKS and rejection is not None
                        and node.status.value == "failure"):
                    # The contract is incomplete, the target is not at fault: noted (once per
                    # answer, by status_code_conformance), not failed.
                    if node.name == UNDOCUMENTED_STATUS_CHECK:
                        self.undocumented_rejections.setdefault(label, Counter())[rejection] += 1
                    continue
                if (node.name == POSITIVE_ACCEPTANCE_CHECK and node.status.value == "failure"
                        and not documents_success(_response_keys(case))):
                    # The document gives the target no success to answer valid data with: a gap in
                    # the contract, noted with the statuses answered, not the target's failure.
                    answered = _answered_status(recorder, case_id)
                    if answered is not None:
                        self.no_success_answers.setdefault(label, Counter())[answered] += 1
                        continue
                tally = per_op.setdefault(node.name, _Tally())
                if node.status.value == "success":
                    tally.passed += 1
                elif node.status.value == "failure" and case_id not in unimplemented:
                    if self._known(node):
                        tally.known += 1
                        continue
                    tally.failed += 1
                    failed += 1
                    if tally.first is None and node.failure_info is not None:
                        tally.first = _failure_record(label, node, phase, recorder, case_id)
        return failed

    def _known(self, node: Any) -> bool:
        """Record the failure for the baseline; True when the baseline already lists it."""
        if node.failure_info is None:
            return False
        from schemathesis.baseline import BaselineEntry, failure_identity

        failure = node.failure_info.failure
        identity = failure_identity(failure, node.name)
        self.observed.setdefault(identity, BaselineEntry.from_failure(failure, check=node.name))
        return self.baseline is not None and self.baseline.match(failure, node.name) is not None

    def error(self, label: str | None, message: str) -> None:
        if label:
            self.errors.setdefault(label, []).append(message)
        else:
            self.run_errors.append(message)


def _rejection_status(case: Any, recorder: Any, case_id: str) -> int | None:
    """The 4xx status a target answered a request generated to be invalid (negative data) with, else None.

    Schemathesis's status_code_conformance fails such an answer when the operation documents no
    4xx: true of the document, but the target did what it should (reject it), and a team's fresh
    document with no error responses would fail its first run on the mock's (Prism's) 422 or the
    service's 400. accord reports those statuses as the contract's gap in a note; a schema-valid
    request answered with an undocumented status still fails."""
    meta = getattr(case, "meta", None)
    if meta is None or not meta.generation.mode.is_negative:
        return None
    interaction = recorder.interactions.get(case_id)
    if interaction is None or interaction.response is None:
        return None
    status = int(interaction.response.status_code)
    if not 400 <= status < 500 or documenting_key(status, _response_keys(case)) is not None:
        return None
    return status


def _response_keys(case: Any) -> tuple[str, ...]:
    """The response keys ('200', '4XX', 'default') the case's operation documents."""
    responses = (getattr(getattr(case.operation, "definition", None), "raw", None) or {}).get("responses") or {}
    return tuple(str(key) for key in responses)


def _answered_status(recorder: Any, case_id: str) -> int | None:
    interaction = recorder.interactions.get(case_id)
    if interaction is None or interaction.response is None:
        return None
    return int(interaction.response.status_code)


def _sent_parameters(case: Any) -> set[str]:
    """The parameters a case carried, as coverage names them ("query page_token", "header x-api-key")."""
    sent = set()
    for location, values in (("path", case.path_parameters), ("query", case.query), ("header", case.headers),
                             ("cookie", case.cookies)):
        for name in values or {}:
            sent.add(f"{location} {name.lower() if location == 'header' else name}")
    return sent


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


def configured_checks() -> tuple[str, ...]:
    """accord's checks to run: ACCORD_CHECKS (comma-separated), else `[tool.accord] checks`."""
    from accord.config import pyproject_settings
    from accord.settings import read

    chosen = read("ACCORD_CHECKS") or pyproject_settings().get("checks") or []
    unknown = sorted(set(chosen) - set(ACCORD_CHECKS))
    if unknown:
        raise UsageError(f"unknown accord check(s) {', '.join(unknown)}: the checks are {', '.join(ACCORD_CHECKS)}")
    return tuple(chosen)


def _build_schema(target: Target, document: dict[str, Any], config: configuration.ResolvedConfig) -> Any:
    import schemathesis

    schema = schemathesis.openapi.from_dict(copy.deepcopy(document), config=configuration.build(config))
    schema.config.update(base_url=target.base_url, continue_on_failure=True)
    if target.in_process:
        schema.app = target.app
    return schema


def _execute(target: Target, spec: str, document: dict[str, Any], operations: list[DocumentedOperation],
             settings: RunSettings, progress: ProgressCallback | None, config: configuration.ResolvedConfig,
             allow_not_implemented: bool, baseline: Any = None) -> ContractReport:
    from schemathesis.engine import Status, events, from_schema

    notify = progress or (lambda _p: None)
    collector = _Collector(baseline=baseline)
    collector.notes.extend(target.notes)
    if config.skipped_checks:
        which = f"the {target.name}" if target.in_process else f"the mock at {target.base_url}"
        collector.notes.append(f"{', '.join(config.skipped_checks)} not run: {which} keeps no state "
                               "between requests (a mock started with `accord mock --stateful`, tested by its "
                               "URL, runs them)")
    if config.credential_checks_skipped:
        collector.notes.append(f"{', '.join(config.credential_checks_skipped)} not run: the mock at "
                               f"{target.base_url} accepts any credential, so a wrong one is never refused "
                               "(start it with --api-key KEY or ACCORD_API_KEYS=KEY to run it)")
    started = time.monotonic()
    schema = _build_schema(target, document, config)
    if len(operations) < len(documented_operations(document)):
        schema = schema.include(operation_id=[op.operation_id for op in operations])
    total = len(operations)
    done = 0
    for event in from_schema(schema).execute():
        if isinstance(event, events.Interrupted) or getattr(event, "status", None) == Status.INTERRUPTED:
            # Schemathesis turns Ctrl-C into an event and carries on to its summary: a partial
            # run must not pass (exit 0) nor fail (exit 1); cli.main exits 130.
            raise KeyboardInterrupt
        if isinstance(event, events.PhaseStarted):
            name = event.phase.name.value
            if name not in collector.phases:  # the stateful phase may restart (link calibration)
                collector.phases.append(name)
                done = 0
                notify(Progress(phase=name, total=total))
        elif isinstance(event, events.ScenarioFinished):
            if not event.is_test_scenario:
                continue
            failed = collector.scenario(event.phase.value, event.recorder)
            done += 1
            status = event.status.value
            if status == "failure" and not failed:
                # Every objection was to a stub's 501, or to an undocumented rejection (a note).
                status = "not-implemented" if collector.unimplemented_in_last else "success"
            notify(Progress(phase=event.phase.value, operation=event.label or f"{event.phase.value} scenario",
                            status=status, done=done, total=total))
        elif isinstance(event, events.NonFatalError) and type(event.value).__name__ in NOT_TARGET_ERRORS:
            collector.notes.append(f"{event.phase.value if event.phase else 'run'}: {str(event.value).splitlines()[0]}")
        elif isinstance(event, events.NonFatalError):
            message = _clip(f"{type(event.value).__name__}: {event.value}", MAX_MESSAGE)
            collector.error(event.label if event.related_to_operation else None, message)
        elif isinstance(event, events.FatalError):
            collector.error(None, _clip(f"{type(event.exception).__name__}: {event.exception}", MAX_MESSAGE))
    return _freeze(target, spec, operations, settings, collector, time.monotonic() - started,
                   allow_not_implemented, config)


def _freeze(target: Target, spec: str, operations: list[DocumentedOperation], settings: RunSettings,
            collector: _Collector, elapsed: float, allow_not_implemented: bool,
            config: configuration.ResolvedConfig) -> ContractReport:
    results = []
    known = {op.label for op in operations}
    for op in operations:
        tallies = collector.tallies.get(op.label, {})
        seen = collector.statuses.get(op.label, Counter())
        results.append(OperationResult(
            label=op.label,
            operation_id=op.operation_id,
            requests=collector.requests.get(op.label, 0),
            checks=tuple(CheckTally(name, t.passed, t.failed, _runnable(t.first, target), t.known)
                         for name, t in sorted(tallies.items())),
            statuses=tuple(sorted(seen.items())),
            coverage=status_coverage(op, seen),
            errors=tuple(collector.errors.get(op.label, ())),
            media=dimension(op.media_types, media_seen(op, collector.media.get(op.label, set()))),
            parameters=dimension(op.parameters, collector.parameters.get(op.label, set())),
            links=dimension(op.links, collector.links),
            not_implemented=collector.not_implemented.get(op.label, 0),
        ))
    notes = list(collector.notes)
    for label, statuses in sorted(collector.undocumented_rejections.items()):
        rejected = ", ".join(f"{status}×{count}" for status, count in sorted(statuses.items()))
        notes.append(f"contract incomplete: {label} rejected invalid requests with {rejected}, which it does "
                     "not document (not counted as a failure by status_code_conformance nor the response "
                     "checks: document the error responses, or a `default`, to have them checked)")
    for label, statuses in sorted(collector.no_success_answers.items()):
        answered = ", ".join(f"{status}×{count}" for status, count in sorted(statuses.items()))
        documented = next((op.responses for op in operations if op.label == label), ())
        notes.append(f"contract incomplete: {label} documents no success response (2xx or 3xx; it documents "
                     f"{', '.join(documented) or 'none'}), so valid requests answered {answered} are not counted "
                     "as failures by positive_data_acceptance (document its success response to have them "
                     "checked; `accord lint` reports it as operation-success-response)")
    stray = [f"{label}: {msg}" for label, msgs in collector.errors.items() if label not in known for msg in msgs]
    nowhere = _nothing_served(target, collector)
    if nowhere:
        collector.run_errors.append(nowhere)
    else:
        notes.extend(_no_success(target, collector))
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
        notes=tuple(notes),
        allow_not_implemented=allow_not_implemented,
        config_file=str(config.source) if config.source is not None else None,
        observed=tuple(collector.observed.values()),
    )


def _nothing_served(target: Target, collector: _Collector) -> str | None:
    """The run's error when every answer was 404: the base URL is not where the operations are (a
    404 an operation documents would otherwise pass every check, and the run with it)."""
    answered = sum((statuses for statuses in collector.statuses.values()), Counter[int]())
    if not answered or set(answered) != {NOT_FOUND}:
        return None
    where = target.base_url if not target.in_process else f"the in-process {target.name}"
    return (f"every one of the {answered.total()} requests was answered 404: nothing of the contract is "
            f"served at {where}. Check the target URL: a URL without a path gets the document's first "
            "server path, one ending in / means the server's root, any other path is taken as given "
            "(docs/ci.md, the base URL)")


def _no_success(target: Target, collector: _Collector) -> list[str]:
    """A loud note when no request of the run was answered with a success (2xx, 3xx): the target
    may be the wrong server, or refuse the credentials sent, and checks pass on documented errors."""
    answered = sum((statuses for statuses in collector.statuses.values()), Counter[int]())
    if not answered or any(status < 400 or status == NOT_IMPLEMENTED for status in answered):
        return []  # a stub's 501s are reported as not implemented
    seen = ", ".join(f"{status}×{count}" for status, count in sorted(answered.items()))
    where = target.base_url if not target.in_process else f"the in-process {target.name}"
    return [f"WARNING: no request of the run was answered with a success (2xx or 3xx) at {where}, only {seen}: "
            "is it the right server (docs/ci.md, the base URL), and does it accept the credentials sent "
            "(--auth-scheme, ACCORD_API_KEYS)?"]


#: Where a run's user gives a credential for each kind of scheme, besides --auth-scheme NAME=VALUE.
CREDENTIAL_SETTINGS = {"api_key": "ACCORD_API_KEYS", "bearer": "ACCORD_BEARER_TOKENS",
                       "basic": "ACCORD_BASIC_CREDENTIALS"}


def _uncredentialed_note(report: ContractReport, document: dict[str, Any],
                         config: configuration.ResolvedConfig) -> ContractReport:
    """A note naming the security schemes the run sent nothing for, when operations that only they
    open were answered 401 or 403: the target refused what it was right to refuse, and the run
    says what to give it (a document rarely documents those statuses, so they also fail
    status_code_conformance)."""
    from accord import openapi

    given = set((config.data.get("auth") or {}).get("openapi") or {})
    schemes = openapi.security_schemes(document)
    missing = {name for name in schemes if name not in given}
    if not missing:
        return report
    refused = {op.label for op in report.operations if any(status in (401, 403) for status, _n in op.statuses)}
    closed: list[str] = []
    needed: set[str] = set()
    for found in openapi.operations(document):
        requirements = found.operation.get("security", document.get("security")) or []
        alternatives = [set(r) for r in requirements if isinstance(r, dict)]
        if found.label in refused and alternatives and all(alt & missing for alt in alternatives):
            closed.append(found.label)
            needed |= set().union(*alternatives) & missing
    if not closed:
        return report
    ways = ", ".join(f"--auth-scheme {name}=VALUE"
                     + (f" or {CREDENTIAL_SETTINGS[kind]}" if (kind := openapi.credential_kind(schemes[name]))
                        in CREDENTIAL_SETTINGS else "")
                     for name in sorted(needed))
    note = (f"no credential was sent for {', '.join(sorted(needed))}, and {len(closed)} operation(s) open only with "
            f"it were answered 401 or 403 ({', '.join(closed[:5])}{', …' if len(closed) > 5 else ''}): give one "
            f"with {ways} (the target has to accept it)")
    return dataclasses.replace(report, notes=(*report.notes, note))


def _load_baseline(path: Path) -> Any:
    """The known failures of `path` (empty when the file does not exist yet); a bad file is a usage error."""
    from schemathesis.baseline import Baseline

    try:
        return Baseline.load(path)
    except (ValueError, OSError) as exc:
        raise UsageError(f"{path}: not a baseline file: {exc}") from None


def _settle_baseline(report: ContractReport, path: Path, known: Any, update: bool) -> ContractReport:
    """Fixed entries (listed, not reproduced, on an operation the run exercised); write the file when
    it did not exist or `update` asks."""
    from dataclasses import replace

    from schemathesis.baseline import Baseline

    exercised = {op.label for op in report.operations if op.exercised}
    observed = {entry.identity for entry in report.observed}
    entries = list(known.entries) if known is not None else []
    fixed = tuple(f"{e.operation}: {e.check}: {e.failure} [{e.id}]" for e in entries
                  if e.operation in exercised and e.identity not in observed)
    recorded = None
    if update or not path.exists():
        Baseline(entries=sorted(report.observed, key=lambda e: e.identity)).save(path)
        recorded = len(report.observed)
        # What was just recorded is known from now on, this run included.
        report = replace(report, operations=tuple(
            replace(op, checks=tuple(replace(c, failed=0, first_failure=None, known=c.known + c.failed)
                                     for c in op.checks)) for op in report.operations))
    return replace(report, baseline=BaselineOutcome(str(path), len(entries), fixed, recorded))
