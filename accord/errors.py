"""The exception tree of accord.

    AccordError                 root; carries the CLI exit code
    ├── UsageError              bad invocation, missing file (exit 2)
    ├── DocumentError           a file that cannot be read or parsed (exit 2), with file and line
    ├── RefError                a `$ref` that is refused or dangling (exit 1), with its location
    └── FindingsError           a document or a run with findings (exit 1)

Library functions raise these; only the CLI entry point turns them into exit codes.
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
    """A document cannot be read or parsed; names the file and, when known, the line."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        self.file = file
        self.line = line
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
