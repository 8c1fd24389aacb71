"""accord diff between a Swagger 2.0 document and its OpenAPI 3.0 form (a team migrating): the 2.0
side is compared in its converted form, so `formData` and `body` moved into `requestBody` are not
removals, while findings stay located in each side's own file."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.diff import diff
from accord.locations import Location
from tests.conftest import FIXTURES

TWINS = FIXTURES / "diff-mixed-versions"
SWAGGER2, OPENAPI3 = TWINS / "swagger2.yaml", TWINS / "openapi3.yaml"
STATUS_FIELD = "        - {name: status, in: formData, type: string, enum: [new, sold]}\n"
RENAME = "/paths/~1items~1{id}/post"
FORM_SCHEMA = f"{RENAME}/requestBody/content/application~1x-www-form-urlencoded/schema"


def _file(location: Location | None) -> Path:
    assert location is not None and location.file is not None
    return Path(location.file).resolve()


def _line_of(file: Path, text: str) -> int:
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    return next(n for n, line in enumerate(lines, 1) if line == text)


@pytest.mark.parametrize(("old", "new"), [(SWAGGER2, OPENAPI3), (OPENAPI3, SWAGGER2)])
def test_the_twins_have_no_changes_either_way(old: Path, new: Path) -> None:
    """A form, a file upload, a body parameter, produces/consumes, collectionFormat, a header."""
    report = diff(str(old), str(new))
    assert report.changes == ()
    assert report.ignored == ()


def test_a_form_field_removed_in_the_30_form_is_reported_at_its_20_parameter(tmp_path: Path) -> None:
    edited = tmp_path / "openapi3.yaml"
    status = "                status: {type: string, enum: [new, sold]}\n"
    text = OPENAPI3.read_text(encoding="utf-8")
    assert text.count(status) == 1
    edited.write_text(text.replace(status, ""), encoding="utf-8")
    report = diff(str(SWAGGER2), str(edited))
    assert [(c.rule, c.level, c.operation, c.old_pointer, c.new_pointer, c.subject) for c in report.changes] == [
        ("request-property-removed", "warning", "POST /items/{id}", f"{RENAME}/parameters/1", FORM_SCHEMA,
         ("request-body", "status")),
    ]
    change = report.changes[0]
    # the old side is the 2.0 file: the line of the formData parameter, as written
    assert _file(change.old_location) == SWAGGER2.resolve()
    assert change.old_location is not None and change.old_location.line == _line_of(SWAGGER2, STATUS_FIELD)
    assert _file(change.new_location) == edited.resolve()


def test_a_form_field_removed_in_the_20_form_is_reported_against_the_30_document(tmp_path: Path) -> None:
    edited = tmp_path / "swagger2.yaml"
    text = SWAGGER2.read_text(encoding="utf-8")
    assert text.count(STATUS_FIELD) == 1
    edited.write_text(text.replace(STATUS_FIELD, ""), encoding="utf-8")
    report = diff(str(OPENAPI3), str(edited))
    found = [(c.rule, c.level, c.operation, c.old_pointer, c.subject) for c in report.changes]
    assert found == [("request-property-removed", "warning", "POST /items/{id}", f"{FORM_SCHEMA}/properties/status",
                      ("request-body", "status"))]
    change = report.changes[0]
    assert _file(change.old_location) == OPENAPI3.resolve()
    assert _file(change.new_location) == edited.resolve()
    assert change.new_pointer == f"{RENAME}/parameters/0"  # the 2.0 form (its first field), not `requestBody`


def test_two_20_documents_are_compared_as_written(tmp_path: Path) -> None:
    """Both sides 2.0: no conversion, so a formData parameter keeps its own rule ids and pointers."""
    edited = tmp_path / "swagger2.yaml"
    edited.write_text(SWAGGER2.read_text(encoding="utf-8").replace(STATUS_FIELD, ""), encoding="utf-8")
    report = diff(str(SWAGGER2), str(edited))
    assert [(c.rule, c.old_pointer, c.new_pointer, c.subject) for c in report.changes] == [
        ("request-parameter-removed", f"{RENAME}/parameters/1", RENAME, ("parameter", "formData", "status")),
    ]
