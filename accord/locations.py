"""Where something is: a file, a line in it, and an RFC 6901 JSON pointer into it.

Every finding-like value accord reports (a lint or validate `Finding`, a diff `Change`, a
consumer-contract `Mismatch`, the mock's request `Violation`, a behaviour-file problem, a
contract-test `FailureRecord`, a `DocumentError`) answers "where" with one `Location`, and
"where" is written one way: `file:line#pointer`, each part left out when unknown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class Location:
    """A place in a document. Any part may be unknown: a request has no file, a huge file no
    line numbers (the pointer still locates the node), an unreadable file no pointer."""

    file: str | None = None
    line: int | None = None
    pointer: str | None = None  # RFC 6901, without the leading '#'

    @property
    def file_line(self) -> str:
        """`file:line`, or `file` when the line is unknown, or "" when the file is."""
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    @property
    def fragment(self) -> str:
        """The pointer as a URI fragment (`#/paths/~1pets/get`), or "" when unknown."""
        return "" if self.pointer is None else "#" + self.pointer

    def render(self) -> str:
        """The one way "where" is written: `file:line#pointer` (missing parts left out)."""
        return self.file_line + self.fragment

    def __str__(self) -> str:
        return self.render()
