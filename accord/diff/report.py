"""What `accord diff` found, and how it is shown: text, JSON, or markdown for a PR comment.

A `Change` is one difference between the old and new contract that a client could notice:
the rule id (oasdiff's where one exists), its level, the operation it concerns, an RFC 6901
pointer into each bundled document (the nearest existing node when one side lacks it) and
a one-line explanation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from xml.etree import ElementTree

import orjson

from accord.diff.rules import BREAKING, INFO, LEVELS, RANK, WARNING
from accord.locations import Location


@dataclass(slots=True, frozen=True)
class Change:
    """One client-visible change between two versions of a contract."""

    rule: str
    level: str  # breaking | warning | info
    operation: str  # "METHOD /path"
    operation_id: str | None
    old_pointer: str | None
    new_pointer: str | None
    message: str
    old_location: Location | None = None  # where old_pointer is written: file, line, pointer in it
    new_location: Location | None = None
    #: What a client uses that the change touches: () the operation as a whole;
    #: ("parameter", in, name); ("request-body", *field path); ("response", status) or
    #: ("response", status, "body", *field path) or ("response", status, "header", name).
    #: Field paths use "[]" for array items and "*" for additionalProperties.
    subject: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        """A stable name for this change (rule, operation, what it touches, what it says): the same
        change keeps it when unrelated parts of the documents move; an ignore file may name it."""
        text = "\x1f".join((self.rule, self.operation, "/".join(self.subject), self.message))
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    @property
    def location(self) -> Location | None:
        """Where the change is written: in the new document, or the old one when it was removed."""
        return self.new_location or self.old_location

    def located(self, old: Location | None, new: Location | None) -> Change:
        return replace(self, old_location=old, new_location=new)

    def as_dict(self) -> dict[str, object]:
        """JSON form; the locations as `file:line` strings."""
        data = asdict(self)
        data["old_location"] = self.old_location.file_line if self.old_location else None
        data["new_location"] = self.new_location.file_line if self.new_location else None
        data["fingerprint"] = self.fingerprint
        return data

    def render(self) -> str:
        where = self.location.file_line if self.location else ""
        head = f"{where}: " if where else ""
        pointer = self.new_pointer if self.new_pointer is not None else self.old_pointer
        at = Location(pointer=pointer).fragment  # into the bundled document (the location has the source)
        return f"{head}{self.level}: {self.operation}: {self.message} [{self.rule}] at {at}"


@dataclass(slots=True, frozen=True)
class DiffReport:
    """All changes between OLD and NEW, most severe first."""

    old: str
    new: str
    changes: tuple[Change, ...] = field(default_factory=tuple)
    #: The level at or above which a change fails the report (`accord diff --fail-on`).
    fail_on: str = BREAKING
    #: Changes an ignore file accepted (accord.diff.policy); not counted, not failing.
    ignored: tuple[Change, ...] = ()

    def count(self, level: str) -> int:
        return sum(1 for change in self.changes if change.level == level)

    def at_or_above(self, level: str) -> list[Change]:
        return [c for c in self.changes if RANK[c.level] <= RANK[level]]

    def fails(self, fail_on: str) -> bool:
        return bool(self.at_or_above(fail_on))

    @property
    def exit_code(self) -> int:
        """1 when a change at or above `fail_on` exists, else 0."""
        return 1 if self.fails(self.fail_on) else 0

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(level)} {level}" for level in LEVELS)
        return f"{counts}, {len(self.ignored)} ignored" if self.ignored else counts


def sort_changes(changes: Iterable[Change]) -> tuple[Change, ...]:
    return tuple(
        sorted(changes, key=lambda c: (RANK[c.level], c.operation, c.rule, c.new_pointer or "", c.old_pointer or ""))
    )


def _selected(report: DiffReport, changelog: bool) -> list[Change]:
    """Changelog mode lists everything; otherwise what can break someone (breaking, warning)."""
    return list(report.changes) if changelog else report.at_or_above(WARNING)


def _by_operation(changes: list[Change]) -> dict[str, list[Change]]:
    groups: dict[str, list[Change]] = {}
    for change in sorted(changes, key=lambda c: (c.operation, RANK[c.level], c.rule)):
        groups.setdefault(change.operation, []).append(change)
    return groups


def render_text(report: DiffReport, changelog: bool = False) -> str:
    changes = _selected(report, changelog)
    lines: list[str] = []
    if changelog:
        for operation, group in _by_operation(changes).items():
            lines.append(operation)
            lines.extend(f"  {c.level}: {c.message} [{c.rule}]" for c in group)
    else:
        lines.extend(change.render() for change in changes)
        # The summary counts what is not listed too: say where to see it, so "1 info" is not a mystery.
        if unlisted := len(report.changes) - len(changes):
            plural = "s" if unlisted != 1 else ""
            lines.append(f"{unlisted} info change{plural} not listed (--changelog lists every change)")
    lines.append(f"{report.old} -> {report.new}: {report.summary()}")
    return "\n".join(lines) + "\n"


def render_json(report: DiffReport, changelog: bool = False) -> str:
    payload = {
        "old": report.old,
        "new": report.new,
        "summary": {level: report.count(level) for level in LEVELS},
        "changes": [c.as_dict() for c in _selected(report, changelog)],
        "ignored": [c.as_dict() for c in report.ignored],
    }
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n"


_BADGE = {BREAKING: "🔴 breaking", WARNING: "🟠 warning", INFO: "🔵 info"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: DiffReport, changelog: bool = False) -> str:
    """A pull-request comment: verdict first, then one table per operation."""
    changes = _selected(report, changelog)
    breaking = report.count(BREAKING)
    title = "API changelog" if changelog else "API contract changes"
    verdict = (
        f"**{breaking} breaking change{'s' if breaking != 1 else ''}**"
        if breaking
        else "**No breaking changes**"
    )
    lines = [f"### {title}", "", f"{verdict} — `{report.old}` → `{report.new}` ({report.summary()})", ""]
    for operation, group in _by_operation(changes).items():
        op_id = group[0].operation_id
        lines.append(f"#### `{operation}`" + (f" ({op_id})" if op_id else ""))
        lines.append("")
        lines.append("| level | change | rule | where |")
        lines.append("|---|---|---|---|")
        for c in group:
            pointer = c.new_pointer if c.new_pointer is not None else c.old_pointer
            lines.append(f"| {_BADGE[c.level]} | {_cell(c.message)} | `{c.rule}` | `#{_cell(pointer or '')}` |")
        lines.append("")
    if not changes:
        lines.append("Nothing to report." if changelog else "No breaking or possibly breaking changes.")
        lines.append("")
    return "\n".join(lines)


_ANNOTATION = {BREAKING: "error", WARNING: "warning", INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _workspace_file(location: Location | None) -> str | None:
    """The file as GitHub knows it: a `REF:path` source names `path`."""
    if location is None or location.file is None:
        return None
    ref, colon, path = location.file.partition(":")
    return path if colon and ref and not Path(location.file).exists() else location.file


def render_github(report: DiffReport, changelog: bool = False) -> str:
    """GitHub Actions workflow commands: `::error file=…,line=…,title=RULE::message` per change."""
    lines = []
    for change in _selected(report, changelog):
        location = change.new_location or change.old_location
        props = []
        file = _workspace_file(location)
        if file:
            props.append(f"file={_escape_property(file)}")
            if location is not None and location.line is not None:
                props.append(f"line={location.line}")
        props.append(f"title={_escape_property(f'{change.rule} ({change.operation})')}")
        lines.append(f"::{_ANNOTATION[change.level]} {','.join(props)}::{_escape_data(change.message)}")
    lines.append(f"{report.old} -> {report.new}: {report.summary()}")
    return "\n".join(lines) + "\n"


def render_junit(report: DiffReport, changelog: bool = False) -> str:
    """JUnit XML: one test case per change; those at or above --fail-on are failures."""
    changes = list(report.changes)
    failing = [c for c in changes if RANK[c.level] <= RANK[report.fail_on]]
    suites = ElementTree.Element("testsuites", name="accord diff", tests=str(len(changes)),
                                 failures=str(len(failing)))
    suite = ElementTree.SubElement(suites, "testsuite", name=f"{report.old} -> {report.new}",
                                   tests=str(len(changes)), failures=str(len(failing)),
                                   skipped=str(len(report.ignored)))
    for change in changes:
        case = ElementTree.SubElement(suite, "testcase", classname=change.operation,
                                      name=f"{change.rule}: {change.message}")
        if change in failing:
            failure = ElementTree.SubElement(case, "failure", type=change.level, message=change.message)
            failure.text = f"[{change.rule}] at {change.location or ''} fingerprint {change.fingerprint}"
    for change in report.ignored:
        case = ElementTree.SubElement(suite, "testcase", classname=change.operation,
                                      name=f"{change.rule}: {change.message}")
        ElementTree.SubElement(case, "skipped", message="accepted in the ignore file")
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"


RENDERERS: dict[str, Callable[[DiffReport, bool], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "junit": render_junit,
    "github": render_github,
}

__all__ = ["BREAKING", "INFO", "RENDERERS", "WARNING", "Change", "DiffReport", "sort_changes"]
