"""The exception tree of accord: every error accord raises on purpose, and its exit code.

    AccordError                   root; `exit_code` is the CLI's exit code (2 unless said)
    ├── UsageError                bad invocation, missing file, bad ACCORD_* value (2)
    ├── DocumentError             a file that cannot be read or parsed, at its `location` (2)
    │   └── BehaviourFileError    accord.mock.behaviour: a rules or seed file's mistakes, located (2)
    ├── SchemaCompileError        accord.schemas: a schema that cannot be compiled (2; a ValueError)
    ├── FindingsError             a document with findings, each located (1)
    │   └── RefError              `$ref`s refused by policy or dangling (1)
    ├── GenerationError           accord.mock.generation: no value fits a schema, at its pointer (1)
    ├── AppNotFoundError          accord.service.errors: `--app` names no importable package (2)
    ├── UnsupportedDocumentError  accord.service.errors: a document Connexion cannot bind (2)
    ├── MissingHandlersError      accord.service.errors: operationIds without a handler (2)
    └── ArtefactError             impl.errors: a model artefact that cannot be trusted (2)

Library functions raise these; only the CLI entry point (`accord.cli.main`) turns them into
exit codes. A command that runs to the end returns a report whose `exit_code` is 0 or 1 (see
`accord.cli`); anything else that escapes is a bug in accord: one line and exit 2.

Other exception classes in accord's packages are internal signals, caught where they are
raised and turned into an HTTP answer, a finding or one of the errors above, never seen by a
user: `accord.consumer.contract._Invalid` (→ DocumentError); `accord.service.problems.ProblemError`
(→ a problem response); in the mock `PathEncodingError`, `ParameterDecodeError`, `StyleError`,
`PreferenceError`, `BodyError`, `BadToken`, `PatternError`, `UnknownScenario` (→ 4xx answers,
an impossible-schema node, or UsageError) and `SampleTooLarge` (→ generated data instead of a
static sample); `accord.contract_tests.verify._Unavailable`
(→ a mismatch); `accord.patterns._Unreadable` (→ a pattern left out of a compiled schema, with a
located note); `accord.inlining._NotInlined` (→ a schema compiled with its $refs as they are);
`accord.mock.wire.HeaderError` (→ no prepared reply, or a logged 500 problem instead of a header
HTTP cannot carry); in accord.lint `UnsupportedPath` (→ a rule reported as not run, or a
lint-rule-failed finding) and `BadOptions` (→ a lint-rule-failed finding); in impl/
`IdempotencyKeyInUse`, `IdempotencyKeyReused`, `InvalidPageToken`, `CapabilityError`,
`DispatchUnavailable` (→ problem responses).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accord.locations import Location

if TYPE_CHECKING:
    from accord.findings import Finding


class AccordError(Exception):
    """Root of every error accord raises on purpose."""

    exit_code = 2


class UsageError(AccordError):
    """The command was called wrongly, or a named file does not exist."""

    exit_code = 2


class DocumentError(AccordError):
    """A document cannot be read or parsed; names the file and, when known, the line.

    `str()` is `file:line: detail`; `detail` is the message without the location."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.detail = message
        where = self.location.file_line
        super().__init__(f"{where}: {message}" if where else message)

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)


class FindingsError(AccordError):
    """A document has findings (invalid, dangling or refused references…)."""

    exit_code = 1

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        first = findings[0].render() if findings else "no findings"
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        super().__init__(first + more)


class RefError(FindingsError):
    """One or more `$ref`s are refused by policy, or point at nothing."""
