"""The rejection path of an invalid request body, end to end: the violations mock/app.py builds from
the validator's errors (its references inlined, accord/inlining.py), and what mock/problems.py and
mock/rejections.py render of them, each against the plain per-error and per-violation functions it
stands for (`describe`, `prism.words`, `Violation.sl_entry`, `error_entries`…) on a validator whose
references are left as they are, on many different invalid bodies in 3.0 and 3.1."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, build_app

from accord import schemas
from accord.mock import prism
from accord.mock.app import MockApp, _body_violations
from accord.mock.exchange import Exchange
from accord.mock.parameters import RequestParts
from accord.mock.problems import (
    Violation,
    deciding_kind,
    error_entries,
    render_violations,
    sl_violations,
    summary,
)
from accord.violations import describe

DOCUMENTS = {
    "3.0": FIXTURES / "mock-rejections" / "openapi.yaml",
    "3.1": FIXTURES / "mock-rejections-31" / "openapi.yaml",
}
VALID: dict[str, Any] = {
    "id": 7,
    "items": [{"sku": "ABC-1", "qty": 2}, {"sku": "XYZ-22", "qty": 5}],
    "customer": {"name": "Ada", "email": "ada@example.com"},
    "note": "fragile",
    "status": "new",
    "discount": 2.5,
    "payment": {"card": "4242"},
    "contact": "ada@example.com",
    "code": "A1",
    "meta": {"a": 1},
    "a/b~c": True,
}
#: 3.1's document takes two more members (2020-12's const, contains, prefixItems and `items: false`).
VALID_31 = {**VALID, "tags": ["urgent"], "kind": "order"}
#: Values of other types, and values at or past the limits the fixture's schemas set.
_WRONG: list[Any] = ["x", 12345, 1.5, True, None, [], {}, -7, "", "y" * 40, [1, "b"], {"k": 1}, 10**20, 0, 50, 0.25,
                     "not an email", "abc-1", "urgent", "order", ["urgent"], [3], 2**70]


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, member in value.items():
            yield from _nodes(member, (*path, key))
    elif isinstance(value, list):
        for index, member in enumerate(value):
            yield from _nodes(member, (*path, index))


def invalid_bodies(valid: dict[str, Any], count: int = 200, seed: int = 20) -> list[Any]:
    """`count` bodies derived from `valid` by one to five changes each (a member removed, replaced or
    added), each different from the others; a few that are not objects at all."""
    rnd = random.Random(seed)
    bodies: list[Any] = [[], "order", None, {}]
    seen = {json.dumps(b) for b in bodies}
    while len(bodies) < count:
        body = copy.deepcopy(valid)
        for _ in range(rnd.randint(1, 5)):
            path, value = rnd.choice(list(_nodes(body))[1:])
            parent = body
            for token in path[:-1]:
                parent = parent[token]
            roll = rnd.random()
            if roll < 0.1:
                body[f"extra_{rnd.randint(0, 9)}"] = copy.deepcopy(rnd.choice(_WRONG))
            elif roll < 0.3 and isinstance(parent, dict):
                del parent[path[-1]]
            elif roll < 0.4 and isinstance(value, dict):
                value[rnd.choice(["extra", "zz/z", "t~1", "é"])] = copy.deepcopy(rnd.choice(_WRONG))
            elif roll < 0.5 and isinstance(value, list):
                parent[path[-1]] = rnd.choice([[], value * 2, [*value, copy.deepcopy(value[0])] if value else [None]])
            else:
                parent[path[-1]] = copy.deepcopy(rnd.choice(_WRONG))
        text = json.dumps(body)
        if text not in seen:
            seen.add(text)
            bodies.append(body)
    return bodies


BODIES = {"3.0": invalid_bodies(VALID), "3.1": invalid_bodies(VALID_31)}


def _exchange(app: MockApp, path: str, raw: bytes) -> Exchange:
    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]}
    ex = Exchange.from_scope(scope, None)
    assert app.api.prepare  # the operation is prepared by the route below
    match = next(iter(app.api.router.match(path.split("/")[1:])))
    ex.op = app.api.prepare(match.target.operations["post"])
    ex.values, ex.body = match.values, raw
    ex.parts = RequestParts({}, [], ex.headers)
    return ex


def _described(reference: MockApp, path: str, value: Any) -> list[Violation]:
    """What `_body_violations` stands for: `describe` and `prism.words` of each error of the
    request validator the reference app holds (its references not inlined), in order."""
    op = reference.api.prepare(next(iter(reference.api.router.match(path.split("/")[1:]))).target.operations["post"])
    assert op.body is not None
    media = op.body.media["application/json"]
    found = []
    for error in reference.api.schemas.validator(media.schema, "request").iter_errors(value):
        code = str(error.schema_path[-1]) if error.schema_path else ""
        words = prism.words(error)
        branches = prism.branch_entries("body", "", error) if code in ("anyOf", "oneOf") else ()
        found.extend(Violation("body", "", path, code, detail, prism=words, branches=branches)
                     for path, detail in describe(error))
    return found


@pytest.fixture(scope="module", params=list(DOCUMENTS))
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def app(version: str) -> MockApp:
    path: Path = DOCUMENTS[version]
    return build_app(path)


@pytest.fixture(scope="module")
def reference(version: str) -> MockApp:
    """The same document served with its request validators' references left as references."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schemas, "inlined", lambda root, kept, **_: root)
        return build_app(DOCUMENTS[version])


def test_the_bodies_differ_and_break_many_kinds_of_rule(app: MockApp, version: str) -> None:
    codes: set[str] = set()
    for body in BODIES[version]:
        raw = json.dumps(body).encode()
        ex = _exchange(app, "/orders", raw)
        assert ex.op is not None
        codes.update(v.code for v in _body_violations(app, ex, ex.op))
    assert len(BODIES[version]) == len({json.dumps(b) for b in BODIES[version]})
    assert {"required", "type", "additionalProperties", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
            "enum", "pattern", "format", "oneOf", "anyOf", "not", "minItems", "uniqueItems", "minLength", "maxLength",
            "minProperties"} <= codes
    if version == "3.1":
        assert {"unevaluatedProperties", "const", "contains"} <= codes


def test_body_violations_are_the_described_errors(app: MockApp, reference: MockApp, version: str) -> None:
    """Twice over the bodies: the second time every rule's words come from what the first pass kept
    per schema node (`MediaBody.wording`), whichever body broke it then."""
    for _ in range(2):
        for body in BODIES[version]:
            raw = json.dumps(body).encode()
            ex = _exchange(app, "/orders", raw)
            assert ex.op is not None and ex.op.body is not None
            assert _body_violations(app, ex, ex.op) == _described(reference, "/orders", body), raw
    assert len(ex.op.body.media["application/json"].wording) > 10


def test_one_pass_renderings_say_what_each_violation_renders(app: MockApp, version: str) -> None:
    for body in BODIES[version]:
        raw = json.dumps(body).encode()
        ex = _exchange(app, "/orders", raw)
        assert ex.op is not None
        violations = _body_violations(app, ex, ex.op)
        if not violations:
            continue
        rendered = render_violations(violations)
        assert rendered.kind == deciding_kind(violations) == "schema"
        assert rendered.entries == error_entries(violations)
        assert rendered.detail == summary(violations)
        assert rendered.sl == sl_violations(violations) == render_violations(violations).sl
