"""mock/prepared_bodies.py: a request with a body answered from its operation's plan gets the answer
and the journal entry the pipeline gives it, over many varied bodies and headers on several
contracts, a body that fails its schema included (rejected from the plan); what a plan does not
cover (and every other rejection) is the pipeline's."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from conftest import FIXTURES, PETS, build_app

from accord.mock import app as app_module
from accord.mock.app import MockApp
from accord.mock.prepared_bodies import prepared_body
from accord.mock.testing import ASGISyncTransport

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
PETSTORE = ROOT / "bench" / "contracts" / "petstore.yaml"
PAGE = "http://127.0.0.1:5173"
#: The ids the mock generates: a UUID's shape (mock/exchange.py `next_request_id`).
GENERATED = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}")


def without_plans(app: MockApp) -> MockApp:
    """`app` answering every request through the pipeline (its `prepared_body` step left out)."""
    app.steps = tuple(entry for entry in app.steps if entry[0] is not prepared_body)
    return app


def counting_pipeline(app: MockApp) -> list[int]:
    """How many requests reached the step after `prepared_body`'s: those a plan did not answer."""
    reached = [0]
    steps = []
    for step, awaits in app.steps:
        if step is app_module.preflight:
            def counted(app: MockApp, ex: Any, step: Callable[..., Any] = step) -> Any:
                reached[0] += 1
                return step(app, ex)
            steps.append((counted, awaits))
        else:
            steps.append((step, awaits))
    app.steps = tuple(steps)
    return reached


def comparable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers (names, order, values) and body; an id the mock generated (it differs
    between two apps) named by its place, in the headers and in the body that repeats it."""
    body = response.content
    headers = []
    for name, value in response.headers.multi_items():
        if name == "x-request-id" and GENERATED.fullmatch(value.encode()):
            body = body.replace(value.encode(), b"<generated>")
            value = "<generated>"
        headers.append((name, value))
    return response.status_code, headers, body


def client_of(app: MockApp) -> httpx.Client:
    return httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock")


Request = tuple[str, str, list[tuple[str, str]], bytes]


def compare(path: Path, requests: list[Request], **options: Any) -> tuple[list[int], int]:
    """Send every request to an app with plans and to one without; their answers and journals
    must be the same. Returns the statuses and how many requests a plan answered."""
    options.setdefault("seed", 7)  # `Prefer: dynamic=true` generates the same bodies in both
    planned, reference = build_app(path, **options), without_plans(build_app(path, **options))
    reached = counting_pipeline(planned)
    statuses = []
    with client_of(planned) as fast, client_of(reference) as slow:
        for method, target, headers, body in requests:
            expected = slow.request(method, target, headers=headers, content=body)
            got = fast.request(method, target, headers=headers, content=body)
            assert comparable(got) == comparable(expected), (method, target, headers, body)
            statuses.append(got.status_code)
    assert [e.as_dict() for e in planned.journal.entries()] == [e.as_dict() for e in reference.journal.entries()]
    return statuses, len(requests) - reached[0]


def headers_for(rng: random.Random, credentials: list[tuple[str, str]], json_type: str = "application/json",
                ) -> list[tuple[str, str]]:
    """A client's headers, some of them each time: credentials (or wrong ones), X-Request-ID,
    Origin, Accept, Prefer, Content-Type, cookies and headers that change nothing."""
    headers: list[tuple[str, str]] = []
    roll = rng.random()
    if roll < 0.85:
        headers += credentials
    elif roll < 0.92:
        headers += [(name, "") for name, _value in credentials]
    headers.append(("Content-Type", rng.choice([json_type] * 8 + [json_type + "; charset=utf-8", "text/plain"])))
    if rng.random() < 0.5:
        headers.append(("X-Request-ID", rng.choice(["trace-1", "1b4e28ba-2fa1-4d2e-a883-0e9b7f1d7a11",
                                                    "not a tame id!", "x" * 200, "r-" + str(rng.randrange(10**6))])))
    if rng.random() < 0.3:
        headers.append(("Origin", PAGE))
    if rng.random() < 0.3:
        headers.append(("Accept", rng.choice(["application/json", "*/*", "application/*", "text/html",
                                              "application/json;q=0.5, text/csv"])))
    if rng.random() < 0.05:
        headers.append(("Prefer", rng.choice(["code=400", "dynamic=true", "example=nope", "code=abc"])))
    if rng.random() < 0.05:
        headers.append(("Cookie", "session=1"))
    if rng.random() < 0.3:
        headers.append(("User-Agent", f"client/{rng.randrange(9)}"))
    return headers


def iris_body(rng: random.Random) -> bytes:
    """A valid prediction body mostly; some break a bound, miss a feature, add one, or do not parse."""
    names = ("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm")
    instances = [{name: round(rng.uniform(0.1, 8.0), rng.randrange(1, 4)) for name in names}
                 for _ in range(rng.randrange(1, 5))]
    value: dict[str, Any] = {"instances": instances}
    if rng.random() < 0.3:
        value["options"] = {"top_k": rng.randrange(1, 4)}
    roll = rng.random()
    if roll < 0.06:
        instances[0][rng.choice(names)] = rng.choice([-1, 31, "five", None])
    elif roll < 0.1:
        del instances[-1][rng.choice(names)]
    elif roll < 0.13:
        value["extra"] = True
    elif roll < 0.15:
        return b'{"instances": [' if rng.random() < 0.5 else b""
    return orjson.dumps(value)


def pet_body(rng: random.Random) -> bytes:
    """A valid new pet of tests/fixtures/mock-pets mostly; some are not."""
    value: dict[str, Any] = {"name": rng.choice(["Tom", "Rex", "Kit", "Ünïcode"]), "kind": rng.choice(["cat", "dog"])}
    if rng.random() < 0.5:
        value["age"] = rng.randrange(0, 20)
    if rng.random() < 0.3:
        value["tags"] = [rng.choice(["a", "b"]) for _ in range(rng.randrange(3))]
    roll = rng.random()
    if roll < 0.07:
        value["kind"] = "cow"
    elif roll < 0.1:
        value.pop("name")
    elif roll < 0.12:
        value["age"] = 12345678901234567890123  # beyond 64 bits: parsed exactly, valid
    return orjson.dumps(value)


def store_body(rng: random.Random) -> bytes:
    """A valid bench/contracts/petstore.yaml body mostly."""
    pets = [{"name": rng.choice(["Rex", "Tom", "Polly"]), "species": rng.choice(["dog", "cat", "bird", "fish"]),
             "age": rng.randrange(0, 41)} for _ in range(rng.randrange(1, 4))]
    for pet in pets:
        if rng.random() < 0.4:
            pet["weight_kg"] = round(rng.uniform(0.1, 120), 2)
        if rng.random() < 0.3:
            pet["tag"] = rng.choice(["good-boy", "talks", "Bad Tag"])
    return orjson.dumps({"pets": pets})


def test_predictions_and_jobs_of_this_contract() -> None:
    """Static bodies that repeat X-Request-ID, a 202 with Location and Retry-After, a declared
    X-Request-ID parameter, an API key, CORS, Accept, Prefer, query strings."""
    rng = random.Random(20)
    requests: list[Request] = []
    for _ in range(160):
        target = rng.choice(["/v1/models/iris-classifier/predict", "/v1/models/iris-classifier/prediction-jobs"])
        if rng.random() < 0.05:
            target += rng.choice(["?version=3", "?__code=400"])
        requests.append(("POST", target, headers_for(rng, [("X-API-Key", "k1")]), iris_body(rng)))
    statuses, planned = compare(SPEC, requests)
    assert {200, 202, 400, 401, 406, 415} <= set(statuses)
    assert planned > 60  # most valid requests are answered by a plan


@pytest.mark.parametrize("keys", [None, ["k1"]])
def test_pets_with_keys_form_bodies_and_uploads(keys: list[str] | None) -> None:
    """An API key (checked for presence, then against configured keys), a JSON and a form media
    type, a multipart upload, a DELETE with a path parameter and no request body."""
    rng = random.Random(21)
    requests: list[Request] = []
    for _ in range(120):
        roll = rng.random()
        credentials = [("X-API-Key", rng.choice(["k1", "k1", "k2"]))]
        if roll < 0.6:
            requests.append(("POST", "/pets", headers_for(rng, credentials), pet_body(rng)))
        elif roll < 0.75:
            form = f"name={rng.choice(['Tom', 'R%C3%A9x', ''])}&kind={rng.choice(['cat', 'dog', 'cow'])}".encode()
            requests.append(("POST", "/pets", headers_for(rng, credentials, "application/x-www-form-urlencoded"),
                             form))
        elif roll < 0.9:
            boundary = "b0undary"
            title = rng.choice(["ok title", "x"])
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n"
                    f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                    f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n").encode()
            requests.append(("POST", "/uploads", headers_for(rng, [], f"multipart/form-data; boundary={boundary}"),
                             body))
        else:
            requests.append(("DELETE", f"/pets/{rng.choice(['7', '0', 'x'])}", headers_for(rng, []),
                             rng.choice([b"", b"{}"])))
    statuses, planned = compare(PETS, requests, api_keys=keys)
    assert {201, 200, 401, 422} <= set(statuses)
    assert planned > 25


def test_the_bench_petstore_and_dynamic_answers() -> None:
    """A 201 with a rendered body and a `default` error; then the same in dynamic mode, where the
    plan generates each body from the server's sequence, as `respond` does."""
    rng = random.Random(22)
    requests: list[Request] = [("POST", "/pets", headers_for(rng, []), store_body(rng)) for _ in range(100)]
    statuses, planned = compare(PETSTORE, requests)
    assert {201, 400} <= set(statuses) and planned > 50
    statuses, planned = compare(PETSTORE, requests[:40], dynamic=True, seed=5)
    assert 201 in statuses and planned > 20


FEATURES_SPEC = """
openapi: 3.1.0
info: {title: features, version: '1'}
paths:
  /groups/{group}/items:
    parameters:
      - {name: group, in: path, required: true, schema: {type: integer, minimum: 1}}
    put:
      deprecated: true
      security: [{Bearer: []}, {Key: [], Other: []}]
      parameters:
        - {name: X-Mode, in: header, schema: {type: string, enum: [fast, slow]}}
        - {name: X-Old, in: header, deprecated: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [items]
              properties:
                items: {type: array, items: {type: [integer, "null"]}, maxItems: 3}
          text/plain: {}
      responses:
        '201':
          description: stored
          headers:
            Location: {schema: {type: string}, example: /groups/1/items}
            X-Request-ID: {schema: {type: string}}
          content:
            application/json:
              schema:
                type: object
                properties: {request_id: {type: string}, stored: {type: integer}}
              example: {request_id: r-1, stored: 3}
            application/xml:
              schema: {type: object, properties: {stored: {type: integer}}}
        '400': {description: bad}
components:
  securitySchemes:
    Bearer: {type: http, scheme: bearer}
    Key: {type: apiKey, in: header, name: X-Key}
    Other: {type: apiKey, in: query, name: other}
"""


def test_path_and_header_parameters_bearer_tokens_and_a_deprecated_operation(tmp_path: Path) -> None:
    """3.1 types, a path parameter, declared header parameters (one deprecated: a warning in
    sl-violations), bearer or key+query-key security, Deprecation, Location, a body that repeats
    the request id, two response media types, a body-less text/plain request."""
    spec = tmp_path / "features.yaml"
    spec.write_text(FEATURES_SPEC)
    rng = random.Random(23)
    requests: list[Request] = []
    for _ in range(160):
        credentials = rng.choice([[("Authorization", "Bearer t0k")], [("Authorization", "Bearer t0k")],
                                  [("Authorization", "Basic Zm9vOmJhcg==")], [("X-Key", "k")]])
        headers = headers_for(rng, credentials)
        if rng.random() < 0.3:
            headers.append(("X-Mode", rng.choice(["fast", "slow", "warp"])))
        if rng.random() < 0.1:
            headers.append(("X-Old", "1"))
        items = [rng.choice([1, None, 2, "x"]) for _ in range(rng.randrange(0, 5))]
        body = orjson.dumps({"items": items}) if rng.random() < 0.9 else b"plain"
        target = f"/groups/{rng.choice(['1', '2', '0', 'a'])}/items"
        requests.append(("PUT", target, headers, body))
    statuses, planned = compare(spec, requests)
    assert {201, 400, 401} <= set(statuses)
    assert planned > 10


def test_a_plan_is_made_for_no_operation_without_a_body_or_with_a_required_header(tmp_path: Path) -> None:
    spec = tmp_path / "required.yaml"
    spec.write_text(FEATURES_SPEC.replace("{name: X-Mode, in: header,", "{name: X-Mode, in: header, required: true,"))
    app = build_app(spec)
    with client_of(app) as client:
        for _ in range(3):
            client.put("/groups/1/items", json={"items": []}, headers={"Authorization": "Bearer t0k", "X-Mode": "fast"})
    assert app.body_plans and all(plan is None for plan in app.body_plans.values())


def test_no_plan_step_where_answers_change() -> None:
    for options in ({"stateful": True}, {"validate_requests": False}):
        app = build_app(FIXTURES / "mock-notes" / "openapi.yaml", **options)
        assert prepared_body not in [step for step, _awaits in app.steps]


def test_bodies_over_the_limit_are_refused_as_the_pipeline_refuses_them() -> None:
    """413 by the declared Content-Length, before reading (limits of two and three digits)."""
    rng = random.Random(24)
    requests: list[Request] = [("POST", "/pets", headers_for(rng, []), store_body(rng)) for _ in range(60)]
    for limit in (99, 150):
        statuses, planned = compare(PETSTORE, requests, max_body=limit)
        assert {201, 413} <= set(statuses) and planned > 5


def broken(rng: random.Random, value: Any) -> Any:
    """`value` with a few of its members broken: another type, removed, a big number, an odd key
    (one that needs escaping in a pointer or JSON, or that is not ASCII) added."""
    for _ in range(rng.randrange(1, 5)):
        target = value
        while True:
            members = list(target.items()) if isinstance(target, dict) else list(enumerate(target))
            if not members:
                break
            key, member = rng.choice(members)
            if isinstance(member, (dict, list)) and member and rng.random() < 0.7:
                target = member
                continue
            roll = rng.random()
            if roll < 0.3:
                target[key] = rng.choice(["7", 7, None, [], {}, True, "x" * 400])
            elif roll < 0.5 and isinstance(target, dict):
                del target[key]
            elif roll < 0.7 and isinstance(member, (int, float)) and not isinstance(member, bool):
                target[key] = member * 1000 + 10**6
            elif isinstance(target, dict):
                target[rng.choice(["extra", "a/b", "c~d", 'q"t', "ünï", "x,y", ""])] = "unexpected"
            break
    return value


@pytest.mark.parametrize("path", [SPEC, PETSTORE], ids=["ours", "petstore"])
def test_invalid_bodies_are_rejected_from_the_plan_as_the_pipeline_rejects_them(path: Path) -> None:
    """Bodies that parse but break their schema in several places (and one that breaks it in more
    places than a problem lists): the plan answers each rejection, with the pipeline's answer and
    journal entry."""
    rng = random.Random(25)
    requests: list[Request] = []
    for _ in range(80):
        if path == SPEC:
            body = orjson.loads(iris_body(random.Random(rng.random())) or b"{}")
            target, credentials = "/v1/models/iris-classifier/predict", [("X-API-Key", "k1")]
        else:
            body = orjson.loads(store_body(rng))
            target, credentials = "/pets", []
        headers = [*credentials, ("Content-Type", "application/json")]
        if rng.random() < 0.3:
            headers.append(("X-Request-ID", rng.choice(["trace-1", "r-7"])))
        if rng.random() < 0.3:
            headers.append(("Origin", PAGE))
        requests.append(("POST", target, headers, orjson.dumps(broken(rng, body))))
    many = {"pets": [{"name": 1, "species": "cow", "age": -1}] * 90} if path == PETSTORE else {
        "instances": [{"sepal_length_cm": "1"}] * 90}
    requests.append(("POST", target, [*credentials, ("Content-Type", "application/json")], orjson.dumps(many)))
    statuses, planned = compare(path, requests)
    assert statuses.count(400) > 60
    assert planned == len(requests)  # every one, rejections included, answered by the plan
