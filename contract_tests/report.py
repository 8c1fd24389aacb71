"""The result of a contract run: per operation and check, plus what the run covered.

Values only; `runner.py` fills them, `render.py` turns them into text and JUnit XML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    tolerated: int = 0  # documented semantic rejections (see tolerances.py), not failures
    tolerance_reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StatusCoverage:
    """Documented response keys ('200', '4XX', 'default') exercised or not, and undocumented codes seen."""

    documented: tuple[str, ...]
    exercised: tuple[str, ...]
    missing: tuple[str, ...]
    undocumented: tuple[int, ...]


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

    @property
    def ok(self) -> bool:
        return not self.errors and all(op.ok for op in self.operations)

    @property
    def exit_code(self) -> int:
        """1 when a check failed or the run had errors, else 0."""
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
