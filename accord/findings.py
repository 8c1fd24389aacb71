"""A located finding: what is wrong, and where (file, line, JSON pointer)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from accord.locations import Location


@dataclass(slots=True, frozen=True)
class Finding:
    """One problem in a document.

    `pointer` is an RFC 6901 JSON pointer into the bundled document; `file`, `line` and
    `source_pointer` say where that node is written in the (possibly multi-file) source.
    """

    rule: str
    message: str
    pointer: str = ""
    file: str | None = None
    line: int | None = None
    source_pointer: str | None = None
    severity: str = "error"

    @property
    def location(self) -> Location:
        """Where the finding is written: the source file, line and pointer when known, else the
        pointer into the bundled document."""
        pointer = self.source_pointer if self.source_pointer is not None else self.pointer
        return Location(self.file, self.line, pointer)

    def render(self) -> str:
        location = self.location
        where = location.file_line or "<document>"
        return f"{where}: {self.severity}: {self.message} [{self.rule}] at {location.fragment}"

    def located(self, file: str | None, line: int | None, source_pointer: str | None) -> Finding:
        return replace(self, file=file, line=line, source_pointer=source_pointer)

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "pointer": self.pointer,
            "file": self.file,
            "line": self.line,
            "source_pointer": self.source_pointer,
        }
