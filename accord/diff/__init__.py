"""Breaking-change detection: what a change of the contract breaks, and for whom.

    report = diff("main:spec/openapi.yaml", "spec/openapi.yaml")
    report.fails("breaking")            # any change at or above that level?
    RENDERERS["markdown"](report, False)  # a pull-request comment

Modules by role: `sources` (files and `REF:path` from git), `operations` (the parts of an
operation a client depends on, and the callbacks and webhooks it calls), `schemadiff`
(structural schema comparison, JSON Schema 2020-12 keywords included), `walker` (pairs
operations and emits changes; callbacks and webhooks with the roles swapped), `lifecycle`
(sunset dates, stability levels, the deprecation policy), `rules` (the catalogue: rule id ->
level and explanation; docs/diff-rules.md), `policy` (ignore file, per-rule levels, version
check), `report` (`Change`, `DiffReport`, renderers: text, json, markdown, junit, github).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from accord import documents, loading
from accord.diff.lifecycle import LifecyclePolicy
from accord.diff.policy import DiffPolicy
from accord.diff.report import BREAKING, RENDERERS, Change, DiffReport, sort_changes
from accord.diff.sources import Source, open_source
from accord.diff.walker import diff_documents
from accord.locations import Location

#: Files larger than this are not scanned for line numbers: composing the YAML node tree of a
#: 13 MB document costs far more than the diff itself. Pointers are always given.
LINE_LOOKUP_MAX_BYTES = 4 * 1024 * 1024

__all__ = ["RENDERERS", "Change", "DiffReport", "diff", "diff_documents"]


def diff(old: str, new: str, *, cwd: Path | None = None, allow_remote: bool = False,
         allow_outside: bool = False, fail_on: str = BREAKING, lifecycle: LifecyclePolicy | None = None,
         policy: DiffPolicy | None = None) -> DiffReport:
    """Compare two documents, each a file or `REF:path` read from git (relative to `cwd`);
    the report fails (exit code 1) when a change at or above `fail_on` exists. `lifecycle`
    holds the deprecation policy; `policy` the ignore file, per-rule levels and version check."""
    source = partial(open_source, cwd=cwd, allow_remote=allow_remote, allow_outside=allow_outside)
    with source(old) as old_source, source(new) as new_source:
        old_source, new_source = _like_with_like(old_source, new_source)
        changes = diff_documents(
            old_source.spec.document, old_source.spec.version,
            new_source.spec.document, new_source.spec.version, lifecycle,
        )
        kept, ignored = (policy or DiffPolicy()).apply(
            changes, _info_version(old_source.spec.document), _info_version(new_source.spec.document))
        located = [_located(change, old_source, new_source) for change in kept]
        ignored = [_located(change, old_source, new_source) for change in ignored]
    return DiffReport(old, new, sort_changes(located), fail_on, sort_changes(ignored))


def _like_with_like(old: Source, new: Source) -> tuple[Source, Source]:
    """A Swagger 2.0 side compared with an OpenAPI 3.x side is converted to 3.0 first (swagger2.py,
    as the mock does), so a `formData` field or `body` parameter that moved into `requestBody` is
    not reported as removed; its findings stay located in the 2.0 file. Two 2.0 sides stay as written."""
    if (old.spec.version == "2.0") == (new.spec.version == "2.0"):
        return old, new
    return replace(old, spec=loading.converted(old.spec)), replace(new, spec=loading.converted(new.spec))


def _info_version(document: object) -> str | None:
    info = document.get("info") if isinstance(document, dict) else None
    version = info.get("version") if isinstance(info, dict) else None
    return str(version) if version is not None else None


def _located(change: Change, old: Source, new: Source) -> Change:
    """The change with where each side is written; the pointers of a side converted from 2.0 are
    given back in the 2.0 document (`#/definitions/Pet`, the `formData` parameter), as written."""
    located = change.located(_location(old, change.old_pointer), _location(new, change.new_pointer))
    if old.spec.source_format != "2.0" and new.spec.source_format != "2.0":
        return located
    return replace(located, old_pointer=_origin(old, change.old_pointer), new_pointer=_origin(new, change.new_pointer))


def _origin(source: Source, pointer: str | None) -> str | None:
    return source.spec.origin(pointer) if pointer is not None else None


def _location(source: Source, pointer: str | None) -> Location | None:
    """Where the node at `pointer` is written (no line for very large files)."""
    if pointer is None:
        return None
    file, inner = source.spec.locate(pointer)
    try:
        small = Path(file).stat().st_size <= LINE_LOOKUP_MAX_BYTES
    except OSError:
        small = False
    line = documents.line_of(file, inner) if small else None
    return Location(source.display(file), line, inner)
