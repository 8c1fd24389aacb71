"""accord/bounded.py: every error of a small instance, a bounded sample of a large one."""

from __future__ import annotations

import json

import jsonschema_rs

from accord.bounded import FULL_NODES, errors_of

VALIDATOR = jsonschema_rs.Draft4Validator({"type": "array", "items": {"type": "integer"}})


def _paths(errors: object) -> list[list[object]]:
    return [list(e.instance_path) for e in errors]  # type: ignore[attr-defined]


def test_a_short_json_text_gets_every_error_without_counting_its_values() -> None:
    value = ["x", 1, "y", "z"]
    text = json.dumps(value)
    assert len(text) <= FULL_NODES
    assert _paths(errors_of(VALIDATOR, value, text_bytes=len(text))) == [[0], [2], [3]]
    assert _paths(errors_of(VALIDATOR, value)) == [[0], [2], [3]]


def test_a_long_json_text_is_still_bounded_by_its_values() -> None:
    value = ["x"] * (FULL_NODES * 2)
    text = json.dumps(value)
    listed = _paths(errors_of(VALIDATOR, value, text_bytes=len(text)))
    assert listed[0] == [0] and len(listed) < FULL_NODES  # the first error, then a sample's
