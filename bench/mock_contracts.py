"""The contracts bench/bench_mock.py measures the mock on, and the invalid bodies it rotates.

Three contracts by default: this repository's own (spec/), a Petstore-shaped one written for the
bench (bench/contracts/petstore.yaml: a plain `Error` object instead of problem+json, a `default`
response for failures), and the team's reference excerpt of another model-serving contract
(../shared/reference/ml_serving_excerpt.openapi.yaml, kept beside the repository, not in it; left
out with a note when absent).

Each contract names a GET of a templated path (`item_path`, `{n}` standing for the id): the bench
rotates the id over ITEM_IDS different values, more than any table the mock keeps per path (its
route matches, 4,096 paths), so each request's path is one the mock has not seen recently.

Invalid bodies are derived from a valid one and the operation's request schema
(`invalid_bodies`): each breaks four rules at once (a value of the wrong type, a missing required
property, a number above its maximum, an unexpected property), at different places and with a
different property name in each body, so no two bodies have the same set of violations. A
load generator that rotates them measures a rejection whose rendering no earlier request
prepared, which is what a client's real mistakes cost.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.openapi import deref

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference"

#: Two valid iris instances: the valid POST of both model-serving contracts.
IRIS_BODY = {
    "instances": [
        {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2},
        {"sepal_length_cm": 6.7, "sepal_width_cm": 3.0, "petal_length_cm": 5.2, "petal_width_cm": 2.3},
    ]
}
INVALID_COUNT = 24  # bodies rotated by the load generator (the issue asks for at least 20)
#: Ids rotated in a templated GET's path: well beyond the 4,096 paths the mock remembers matches for.
ITEM_IDS = 100_000


@dataclass(frozen=True, slots=True)
class Contract:
    name: str
    source: Path  # the document as written; bundled to one JSON file before a run
    get_path: str  # a GET answered from the document (its example, else a body rendered once)
    post_path: str  # a POST with a JSON body
    item_path: str  # a GET of a templated path, `{n}` for the rotated id (1 to ITEM_IDS)
    valid_body: dict[str, Any] | None  # None: the request body's first example in the document
    about: str

    @property
    def available(self) -> bool:
        return self.source.is_file()


CONTRACTS: dict[str, Contract] = {
    "ours": Contract(
        "ours", ROOT / "spec" / "openapi.yaml", "/v1/models", "/v1/models/iris-classifier/predict",
        "/v1/prediction-jobs/job_{n:010d}", IRIS_BODY, "this repository's contract (spec/openapi.yaml)",
    ),
    "petstore": Contract(
        "petstore", ROOT / "bench" / "contracts" / "petstore.yaml", "/pets", "/pets", "/pets/{n}", None,
        "a Petstore-shaped contract written for the bench (bench/contracts/petstore.yaml)",
    ),
    "ml-excerpt": Contract(
        "ml-excerpt", REFERENCE / "ml_serving_excerpt.openapi.yaml", "/v1/models",
        "/v1/models/iris-classifier/predict", "/v1/prediction-jobs/job_{n:010d}", IRIS_BODY,
        "another model-serving contract (../shared/reference/ml_serving_excerpt.openapi.yaml)",
    ),
}


def request_schema(document: dict[str, Any], path: str, method: str = "post") -> Any:
    body = deref(document, document["paths"][path][method]["requestBody"])
    return body["content"]["application/json"]["schema"]


def valid_body(contract: Contract, document: dict[str, Any]) -> dict[str, Any]:
    """The contract's valid POST body: given, or the request body's first example."""
    if contract.valid_body is not None:
        return contract.valid_body
    body = deref(document, document["paths"][contract.post_path]["post"]["requestBody"])
    media = body["content"]["application/json"]
    if "example" in media:
        return media["example"]
    return next(iter(media["examples"].values()))["value"]


# -- invalid bodies -------------------------------------------------------------------------------


def _resolved(document: dict[str, Any], schema: Any) -> dict[str, Any]:
    """The schema's own keywords with its `allOf` members' properties and required merged in."""
    schema = deref(document, schema)
    if not isinstance(schema, dict):
        return {}
    merged = dict(schema)
    for member in schema.get("allOf") or ():
        part = _resolved(document, member)
        merged["properties"] = {**(part.get("properties") or {}), **(merged.get("properties") or {})}
        merged["required"] = [*(merged.get("required") or ()), *(part.get("required") or ())]
        merged.setdefault("type", part.get("type"))
        if part.get("additionalProperties") is False:
            merged["additionalProperties"] = False
    return merged


@dataclass(slots=True)
class _Slots:
    wrong_type: list[tuple[tuple[Any, ...], Any]]  # (path, a value of another type)
    missing: list[tuple[Any, ...]]  # path of a required property present in the body
    over: list[tuple[tuple[Any, ...], float]]  # (path, maximum)
    closed: list[tuple[Any, ...]]  # path of an object that admits no other property


def _slots(document: dict[str, Any], value: Any, schema: Any, path: tuple[Any, ...], found: _Slots) -> None:
    resolved = _resolved(document, schema)
    if isinstance(value, dict):
        if resolved.get("additionalProperties") is False:
            found.closed.append(path)
        properties = resolved.get("properties") or {}
        required = set(resolved.get("required") or ())
        for name, member in value.items():
            sub = _resolved(document, properties.get(name))
            here = (*path, name)
            if name in required:
                found.missing.append(here)
            kind = sub.get("type")
            if kind in ("number", "integer") and isinstance(sub.get("maximum"), (int, float)):
                found.over.append((here, sub["maximum"]))
            if kind in ("number", "integer", "boolean") and not isinstance(member, (dict, list)):
                found.wrong_type.append((here, json.dumps(member)))  # "5.1": a number sent as a string
            elif kind == "string" and "enum" not in sub:
                found.wrong_type.append((here, 12345))
            _slots(document, member, properties.get(name), here, found)
    elif isinstance(value, list):
        items = resolved.get("items")
        for index, member in enumerate(value):
            _slots(document, member, items, (*path, index), found)


def _at(body: Any, path: tuple[Any, ...]) -> Any:
    for token in path:
        body = body[token]
    return body


def invalid_bodies(document: dict[str, Any], schema: Any, valid: Any, count: int = INVALID_COUNT) -> list[Any]:
    """`count` different bodies, each with four violations: a wrong type, a missing required
    property, a number over its maximum and an unexpected property (those the schema allows
    to break), at places and with names that change from body to body."""
    found = _Slots([], [], [], [])
    _slots(document, valid, schema, (), found)
    if not (found.wrong_type or found.missing or found.over or found.closed):
        raise SystemExit("the request schema has no rule a body could break (type, required, maximum, closed)")
    bodies: list[Any] = []
    k = 0
    while len(bodies) < count and k < count * 50:
        k += 1
        body = copy.deepcopy(valid)
        touched: set[tuple[Any, ...]] = set()
        if found.over:
            path, maximum = found.over[k % len(found.over)]
            limit = int(maximum) if float(maximum).is_integer() else maximum
            _at(body, path[:-1])[path[-1]] = limit + 1 + k
            touched.add(path)
        if found.wrong_type:
            path, wrong = found.wrong_type[(k // 2) % len(found.wrong_type)]
            if path in touched:
                continue
            _at(body, path[:-1])[path[-1]] = wrong
            touched.add(path)
        if found.missing:
            path = found.missing[(k // 3) % len(found.missing)]
            if path in touched or any(t[: len(path)] == path for t in touched):
                continue
            del _at(body, path[:-1])[path[-1]]
            touched.add(path)
        if found.closed:
            path = found.closed[k % len(found.closed)]
            _at(body, path)[f"extra_{len(bodies)}"] = "unexpected"
        bodies.append(body)
    if len(bodies) < count:
        raise SystemExit(f"only {len(bodies)} different invalid bodies could be made from the valid body")
    return bodies
