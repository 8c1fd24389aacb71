"""accord diff on the shared contract (spec/openapi.yaml, multi-file OpenAPI 3.0.3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from accord.diff import diff
from tests.conftest import SPEC

IRIS = Path("components") / "schemas" / "iris.yaml"
FEATURES_REQUIRED = "required: [sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm]\n  properties:\n"


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    """A copy of spec/ to edit; returns the copy's root document."""
    shutil.copytree(SPEC.parent, tmp_path / "spec")
    return tmp_path / "spec" / SPEC.name


def _edit(root: Path, relative: Path, old: str, new: str) -> None:
    file = root.parent / relative
    text = file.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"the contract changed: {old!r} is no longer in {relative}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_contract_against_itself_has_no_changes() -> None:
    assert diff(str(SPEC), str(SPEC)).changes == ()


def test_a_copy_of_the_contract_has_no_changes(edited: Path) -> None:
    assert diff(str(SPEC), str(edited)).changes == ()


def test_removing_a_response_enum_value_is_compatible(edited: Path) -> None:
    _edit(edited, IRIS, "enum: [setosa, versicolor, virginica]", "enum: [setosa, versicolor]")
    report = diff(str(SPEC), str(edited))
    assert report.changes, "the edit must be seen"
    assert {(c.rule, c.level) for c in report.changes} == {("response-property-enum-value-removed", "info")}
    assert not report.fails("warning")


def test_a_new_required_request_property_breaks_both_iris_operations(edited: Path) -> None:
    with_colour = FEATURES_REQUIRED.replace("]", ", sepal_colour]")
    _edit(edited, IRIS, FEATURES_REQUIRED,
          with_colour.replace("properties:\n", "properties:\n    sepal_colour: {type: string}\n"))
    report = diff(str(SPEC), str(edited))
    breaking = [c for c in report.changes if c.level == "breaking"]
    assert {c.rule for c in breaking} == {"new-required-request-property"}
    assert sorted(c.operation for c in breaking) == [
        "POST /v1/models/iris-classifier/predict",
        "POST /v1/models/iris-classifier/prediction-jobs",
    ]
    assert all(c.new_pointer is not None and c.new_pointer.endswith("/properties/sepal_colour") for c in breaking)
    # located in the component file where the property is written
    assert all(c.new_location is not None and "components/schemas/iris.yaml:" in c.new_location.file_line
               for c in breaking)
    assert report.fails("breaking")
