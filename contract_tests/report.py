"""The result of a contract run: per operation and check, plus what the run covered.

Values only; `runner.py` fills them, `render.py` turns them into text and JUnit XML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accord import pointers
from accord.locations import Location


@dataclass(frozen=True, slots=True)
class FailureRecord:
    """One failed check on one request, with a curl command that reproduces it."""

    operation: str
    check: str
    title: str
    message: str
    reproduction: str
    phase: str
    status: int | None = None

    @property
    def location(self) -> Location:
        """The operation in the contract (`#/paths/~1pets/get`); `operation` is "METHOD /path"."""
        method, _, path = self.operation.partition(" ")
        return Location(pointer=pointers.join("/paths", path, method.lower()))

    def headline(self) -> str:
        return f"{self.operation}: {self.check}: {self.title}"


@dataclass(frozen=True, slots=True)
class CheckTally:
    """How one check fared on one operation."""

    name: str
    passed: int = 0
    failed: int = 0
    first_failure: FailureRecord | None = None
    known: int = 0  # failures a baseline lists: reported, not failed


@dataclass(frozen=True, slots=True)
class StatusCoverage:
    """Documented response keys ('200', '4XX', 'default') exercised or not, and undocumented codes seen."""

    documented: tuple[str, ...]
    exercised: tuple[str, ...]
    missing: tuple[str, ...]
    undocumented: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Dimension:
    """Documented items of one kind (media types, parameters, links) and those a run exercised."""

    documented: tuple[str, ...] = ()
    exercised: tuple[str, ...] = ()

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(d for d in self.documented if d not in self.exercised)


@dataclass(frozen=True, slots=True)
class OperationResult:
    """Everything the run did to one operation of the contract."""

    label: str
    operation_id: str | None
    requests: int
    checks: tuple[CheckTally, ...]
    statuses: tuple[tuple[int, int], ...]  # (status code, times seen), sorted
    coverage: StatusCoverage
    errors: tuple[str, ...] = ()
    media: Dimension = Dimension()
    parameters: Dimension = Dimension()
    links: Dimension = Dimension()
    #: Responses that were the not-implemented answer of a stub (501): its own outcome, apart
    #: from failures; checks that objected to them are not counted as failed.
    not_implemented: int = 0

    @property
    def failures(self) -> tuple[FailureRecord, ...]:
        return tuple(t.first_failure for t in self.checks if t.failed and t.first_failure is not None)

    @property
    def failed_checks(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.checks if t.failed)

    @property
    def ok(self) -> bool:
        return not self.failed_checks and not self.errors

    @property
    def exercised(self) -> bool:
        return self.requests > 0

    @property
    def implemented(self) -> bool:
        return self.not_implemented == 0


@dataclass(frozen=True, slots=True)
class BaselineOutcome:
    """How a run compared with its baseline file."""

    path: str
    entries: int  # entries the file listed before the run
    fixed: tuple[str, ...]  # entries the run did not reproduce on an operation it exercised
    recorded: int | None = None  # entries written (a new file, or an update)


@dataclass(frozen=True, slots=True)
class ContractReport:
    """A whole run against one target."""

    target: str
    spec: str
    seed: int
    max_examples: int
    deterministic: bool
    elapsed: float
    operations: tuple[OperationResult, ...]
    errors: tuple[str, ...] = ()  # run-level problems not tied to an operation
    phases: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = ()  # what could not be tested, and why (not failures)
    allow_not_implemented: bool = False
    config_file: str | None = None  # the schemathesis.toml the run read
    #: Every distinct failure, known or new, as schemathesis.baseline.BaselineEntry values.
    observed: tuple[Any, ...] = ()
    baseline: BaselineOutcome | None = None

    @property
    def ok(self) -> bool:
        return (not self.errors and all(op.ok for op in self.operations)
                and (self.allow_not_implemented or not self.not_implemented))

    @property
    def not_implemented(self) -> tuple[OperationResult, ...]:
        return tuple(op for op in self.operations if not op.implemented)

    @property
    def exit_code(self) -> int:
        """1 when a check failed, the run had errors or (unless allowed) an operation is not implemented."""
        return 0 if self.ok else 1

    @property
    def failures(self) -> tuple[FailureRecord, ...]:
        return tuple(f for op in self.operations for f in op.failures)

    def operation(self, label: str) -> OperationResult:
        for op in self.operations:
            if op.label == label or op.operation_id == label:
                return op
        raise KeyError(label)

    def failed_pairs(self) -> set[tuple[str, str]]:
        """{(operation label, check name)} of every failed check: what tests assert on."""
        return {(op.label, name) for op in self.operations for name in op.failed_checks}
