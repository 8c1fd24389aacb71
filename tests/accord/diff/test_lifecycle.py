"""accord/diff/lifecycle.py: sunset dates, stability levels and the deprecation policy, each rule
from a fixture pair with the day pinned."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from accord.diff.lifecycle import LifecyclePolicy, parse_sunset, stability_rank
from accord.diff.walker import diff_documents
from accord.errors import UsageError

TODAY = datetime.date(2026, 12, 6)
STRICT = LifecyclePolicy(deprecation_days_beta=30, deprecation_days_stable=180, today=TODAY)
LENIENT = LifecyclePolicy(today=TODAY)


def _doc(*, gone: bool = False, path_gone: bool = False, **extensions: Any) -> dict[str, Any]:
    paths: dict[str, Any] = {"/a": {"get": {"responses": {"200": {"description": "ok"}}, **extensions}}}
    if gone:
        paths["/a"] = {"post": {"responses": {"200": {"description": "ok"}}}}
    if path_gone:
        paths = {}
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}


def _found(old: dict[str, Any], new: dict[str, Any], policy: LifecyclePolicy = LENIENT) -> set[tuple[str, str]]:
    return {(c.rule, c.level) for c in diff_documents(old, "3.1.0", new, "3.1.0", policy)}


FUTURE, PAST, SOON = "2027-12-31", "2026-01-01", "2026-12-20"


CASES = [
    (_doc(), _doc(deprecated=True), LENIENT, {("endpoint-deprecated", "info")}),
    (_doc(), _doc(deprecated=True, **{"x-sunset": FUTURE}), LENIENT,
     {("endpoint-deprecated-with-sunset", "info")}),
    (_doc(deprecated=True), _doc(), LENIENT, {("endpoint-reactivated", "info")}),
    # the policy: a deprecation needs a sunset at least N days away
    (_doc(), _doc(deprecated=True), STRICT,
     {("endpoint-deprecated", "info"), ("api-deprecated-sunset-missing", "breaking")}),
    (_doc(), _doc(deprecated=True, **{"x-sunset": SOON}), STRICT,
     {("endpoint-deprecated-with-sunset", "info"), ("api-sunset-date-too-small", "breaking")}),
    (_doc(), _doc(deprecated=True, **{"x-sunset": SOON, "x-stability-level": "beta"}),
     LifecyclePolicy(deprecation_days_beta=10, deprecation_days_stable=180, today=TODAY),
     {("endpoint-deprecated-with-sunset", "info"), ("api-stability-decreased", "breaking")}),  # beta: 10 days
    (_doc(), _doc(deprecated=True, **{"x-sunset": "next spring"}), LENIENT,
     {("endpoint-deprecated", "info"), ("api-deprecated-sunset-parse", "breaking")}),
    (_doc(deprecated=True, **{"x-sunset": FUTURE}), _doc(deprecated=True), LENIENT,
     {("sunset-deleted", "breaking")}),
    (_doc(deprecated=True, **{"x-sunset": FUTURE}), _doc(deprecated=True, **{"x-sunset": SOON}), LENIENT,
     {("api-sunset-date-changed-too-small", "breaking")}),
    (_doc(deprecated=True, **{"x-sunset": FUTURE}), _doc(deprecated=True, **{"x-sunset": "2027-10-01"}), STRICT,
     set()),  # earlier, but still past the policy's 180 days
    # removal
    (_doc(deprecated=True, **{"x-sunset": FUTURE}), _doc(gone=True), LENIENT,
     {("api-removed-before-sunset", "breaking"), ("endpoint-added", "info")}),
    (_doc(deprecated=True, **{"x-sunset": FUTURE}), _doc(path_gone=True), LENIENT,
     {("api-path-removed-before-sunset", "breaking")}),
    (_doc(deprecated=True, **{"x-sunset": "soon"}), _doc(gone=True), LENIENT,
     {("api-sunset-parse", "breaking"), ("endpoint-added", "info")}),
    (_doc(deprecated=True, **{"x-sunset": "soon"}), _doc(path_gone=True), LENIENT,
     {("api-path-sunset-parse", "breaking")}),
    (_doc(deprecated=True, **{"x-sunset": PAST}), _doc(path_gone=True), LENIENT,
     {("api-path-removed-with-deprecation", "warning")}),
    (_doc(**{"x-stability-level": "alpha"}), _doc(path_gone=True), LENIENT, {("api-removed-unstable", "info")}),
    # stability levels
    (_doc(), _doc(**{"x-stability-level": "beta"}), LENIENT, {("api-stability-decreased", "breaking")}),
    (_doc(**{"x-stability-level": "alpha"}), _doc(**{"x-stability-level": "beta"}), LENIENT,
     {("api-stability-increased", "info")}),
    (_doc(), _doc(**{"x-stability-level": "rock-solid"}), LENIENT, {("api-invalid-stability-level", "breaking")}),
    (_doc(**{"x-stability-level": "draft"}), _doc(**{"x-stability-level": "draft", "deprecated": True}), STRICT,
     set()),  # draft operations may change freely
]


@pytest.mark.parametrize(("old", "new", "policy", "expected"), CASES)
def test_lifecycle_rule_fixture_pair(old: dict[str, Any], new: dict[str, Any], policy: LifecyclePolicy,
                                     expected: set[tuple[str, str]]) -> None:
    assert _found(old, new, policy) == expected


def test_a_draft_operation_is_held_to_its_contract_when_the_threshold_says_so() -> None:
    old = {**_doc(**{"x-stability-level": "draft"})}
    new = _doc(**{"x-stability-level": "draft"}, parameters=[{"name": "q", "in": "query", "required": True,
                                                              "schema": {"type": "string"}}])
    assert _found(old, new) == set()
    assert _found(old, new, LifecyclePolicy(threshold="draft", today=TODAY)) == {
        ("new-required-request-parameter", "breaking")}


def test_sunset_dates_and_stability_levels_parse() -> None:
    assert parse_sunset("2027-01-02") == datetime.date(2027, 1, 2)
    assert parse_sunset("2027-01-02T10:00:00Z") == datetime.date(2027, 1, 2)
    assert parse_sunset("January") is None
    assert [stability_rank(s) for s in ("draft", "alpha", "beta", "stable", None, "x")] == [0, 1, 2, 3, 3, None]


def test_a_bad_policy_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="stability level 'gamma'"):
        LifecyclePolicy(threshold="gamma")
    with pytest.raises(UsageError, match="deprecation-days-beta"):
        LifecyclePolicy(deprecation_days_beta=-1)
