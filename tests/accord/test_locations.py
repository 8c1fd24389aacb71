"""accord/locations.py: one Location, and every finding-like type answering "where" with it."""

from __future__ import annotations

import pytest

from accord.consumer.matching import Mismatch
from accord.contract_tests.report import FailureRecord
from accord.diff.report import Change
from accord.errors import DocumentError
from accord.findings import Finding
from accord.locations import Location
from accord.mock.behaviour.loading import Problem
from accord.mock.problems import Violation
from accord.mock.upstream_validation import ResponseViolation


@pytest.mark.parametrize(
    ("location", "rendered"),
    [
        (Location("spec/openapi.yaml", 12, "/paths/~1pets/get"), "spec/openapi.yaml:12#/paths/~1pets/get"),
        (Location("big.json", None, "/paths"), "big.json#/paths"),
        (Location("spec/openapi.yaml", 3), "spec/openapi.yaml:3"),
        (Location(pointer=""), "#"),
        (Location(), ""),
    ],
)
def test_one_rendering_of_where(location: Location, rendered: str) -> None:
    assert location.render() == rendered == str(location)


def test_finding_prefers_the_source_pointer() -> None:
    finding = Finding("rule", "m", pointer="/components/schemas/Pet", file="pet.yaml", line=4, source_pointer="/Pet")
    assert finding.location == Location("pet.yaml", 4, "/Pet")
    assert Finding("rule", "m", pointer="/info").location == Location(None, None, "/info")
    assert Finding("rule", "m", pointer="/info").render() == "<document>: error: m [rule] at #/info"


def test_change_is_located_on_the_new_side_first() -> None:
    old, new = Location("old.yaml", 3, "/a"), Location("new.yaml", 5, "/b")
    change = Change("r", "breaking", "GET /", None, "/a", "/b", "m").located(old, None)
    assert change.location == old
    assert change.located(old, new).location == new
    assert change.located(old, new).as_dict()["new_location"] == "new.yaml:5"


def test_request_and_response_violations_point_into_the_message() -> None:
    assert Violation("body", "", ("items", 0), "type", "m").location == Location(pointer="/body/items/0")
    assert Violation("query", "a/b", (), "type", "m").location == Location(pointer="/query/a~1b")
    assert ResponseViolation("header", "missing", "m", name="ETag").location == Location(pointer="/header/ETag")
    assert ResponseViolation("body", "type", "m", pointer="/id").location == Location(pointer="/body/id")


def test_mismatch_behaviour_problem_failure_and_document_error() -> None:
    assert Mismatch("body", "m", pointer="/id").location == Location(pointer="/response/body/content/id")
    assert Problem("rules.yaml", 7, "/rules/0", "m").location == Location("rules.yaml", 7, "/rules/0")
    failure = FailureRecord("GET /pets/{petId}", "status_code_conformance", "t", "m", "curl", "fuzzing")
    assert failure.location == Location(pointer="/paths/~1pets~1{petId}/get")
    assert DocumentError("bad", file="a.yaml", line=2).location == Location("a.yaml", 2)
