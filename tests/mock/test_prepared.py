"""mock/prepared.py: a plain GET answered from a reply prepared by an earlier one, the same answer
the pipeline gives, and every request the plan cannot answer left to the pipeline."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import FIXTURES, KEY, PETS, build_app

from accord.mock import app as app_module
from accord.mock.app import MockApp
from accord.mock.prepared import routed
from accord.mock.server import build
from accord.mock.testing import ASGISyncTransport

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
PAGE = "http://127.0.0.1:5173"


def client_of(app: MockApp) -> httpx.Client:
    return httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock")


def _refuse(*_args: Any) -> Any:
    """Stands in for the pipeline's first step: a request answered anyway was answered by a plan."""
    raise AssertionError("the request went through the pipeline")


def comparable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], Any]:
    """Status, headers and body, with the generated request ids (and what depends on them) left out."""
    rid = response.headers.get("x-request-id")
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k not in ("x-request-id", "content-length") or (k == "x-request-id" and rid and not _uuid(rid))]
    body = response.json() if "json" in response.headers.get("content-type", "") else response.content
    if isinstance(body, dict) and "request_id" in body:
        assert body["request_id"] == rid  # the body says what the header says
        body = {**body, "request_id": None}
    return response.status_code, headers, body


def _uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def planned(app: MockApp, target: str) -> bool:
    """Whether a plain GET of `target` finds a plan (of its path, or of its operation)."""
    return target.encode() in app.plans or routed(app, target.encode()) is not None


def primed(path: Path, target: str, headers: dict[str, str] | None = None, **options: Any) -> MockApp:
    """An app whose plan for `target` is made (two plain GETs answered alike)."""
    app = build_app(path, **options)
    with client_of(app) as client:
        first = client.get(target, headers=headers)
        second = client.get(target, headers=headers)
    assert comparable(first) == comparable(second)
    assert planned(app, target)
    return app


#: (path, request headers): answered by a plan and by the pipeline alike.
PLANNED = [
    ("/pets", {}),
    ("/pets", {"X-Request-ID": "caller-7"}),  # not a UUID: the response's format asks for one
    ("/pets", {"X-Request-ID": "1b4e28ba-2fa1-4d2e-a883-0e9b7f1d7a11"}),  # echoed
    ("/pets", {"Origin": PAGE}),
    ("/pets", {"Accept": "application/json"}),
    ("/pets", {"Accept": "*/*", "User-Agent": "x", "Accept-Encoding": "gzip"}),
    ("/pets/7", {}),
    ("/pets/mine", {"Authorization": "Bearer t0k"}),
    ("/pets/mine", {"Authorization": "Bearer t0k", "Origin": PAGE}),
]


@pytest.mark.parametrize(("path", "headers"), PLANNED)
def test_a_planned_answer_is_the_pipelines(path: str, headers: dict[str, str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with client_of(build_app(PETS)) as fresh:  # a first request: always the pipeline
        expected = fresh.get(path, headers=headers)
    app = primed(PETS, path, {"Authorization": "Bearer t0k"} if path == "/pets/mine" else None)
    monkeypatch.setattr(app_module.Exchange, "from_scope", _refuse)
    with client_of(app) as client:
        got = client.get(path, headers=headers)
    assert comparable(got) == comparable(expected)


#: (path, request headers, expected status): the plan of `path` exists, the pipeline answers.
UNPLANNED = [
    ("/pets", {"Prefer": "code=404"}, 404),
    ("/pets", {"Prefer": "example=empty"}, 200),
    ("/pets", {"X-Trace": "not-a-number"}, 400),  # a declared header parameter is validated
    ("/pets", {"Accept": "text/csv"}, 200),  # another media type
    ("/pets", {"Accept": "application/xml"}, 406),
    ("/pets/mine", {}, 401),  # security is checked on every request
    ("/pets/mine", {"Authorization": "Basic Zm9vOmJhcg=="}, 401),  # the other alternative needs a key too
    ("/pets/mine", {"Authorization": "Bearer "}, 401),
    ("/pets", {"X-Accord-Scenario": "nope"}, 400),
    ("/pets", {"Content-Type": "application/json", "Content-Length": "2"}, 400),  # a body the GET takes not
]


@pytest.mark.parametrize(("path", "headers", "status"), UNPLANNED)
def test_what_a_plan_does_not_cover_goes_through_the_pipeline(path: str, headers: dict[str, str],
                                                               status: int) -> None:
    with client_of(build_app(PETS)) as fresh:
        expected = fresh.request("GET", path, headers=headers, content=b"{}" if "Content-Length" in headers else None)
    app = primed(PETS, path, {"Authorization": "Bearer t0k"} if path == "/pets/mine" else None)
    with client_of(app) as client:
        got = client.request("GET", path, headers=headers, content=b"{}" if "Content-Length" in headers else None)
    assert got.status_code == expected.status_code == status
    assert comparable(got) == comparable(expected)


#: GETs with a query string answered by the plan of /pets: the query read and validated as the pipeline does.
PLANNED_QUERIES = ["/pets?limit=5", "/pets?tags=a&tags=b", "/pets?ids=1|2", "/pets?filter[kind]=cat&filter[age]=3",
                   "/pets?unknown=1", "/pets?limit=5&tags=x", "/pets?", "/pets?limit=100"]
#: (target, status): the plan of /pets exists; the pipeline answers (a violation, a warning, a preference).
UNPLANNED_QUERIES = [("/pets?limit=0", 400), ("/pets?limit=abc", 400), ("/pets?ids=1|x", 400),
                     ("/pets?filter[kind]=bird", 400), ("/pets?__code=404", 404), ("/pets?__example=empty", 200),
                     ("/pets?__dynamic=maybe", 400), ("/pets?old=x", 200), ("/pets?limit=%FF", 400)]


@pytest.mark.parametrize("target", PLANNED_QUERIES)
def test_a_query_the_operation_takes_gets_the_planned_answer(target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with client_of(build_app(PETS)) as fresh:
        expected = fresh.get(target)
    app = primed(PETS, "/pets")
    monkeypatch.setattr(app_module.Exchange, "from_scope", _refuse)
    with client_of(app) as client:
        got = client.get(target)
    assert comparable(got) == comparable(expected)
    query = target.partition("?")[2]
    assert app.journal.entries()[-1].query == query  # the journal keeps what was asked


@pytest.mark.parametrize(("target", "status"), UNPLANNED_QUERIES)
def test_a_query_with_a_violation_or_a_preference_goes_through_the_pipeline(target: str, status: int) -> None:
    with client_of(build_app(PETS)) as fresh:
        expected = fresh.get(target)
    app = primed(PETS, "/pets")
    with client_of(app) as client:
        got = client.get(target)
    assert got.status_code == expected.status_code == status
    assert comparable(got) == comparable(expected)
    assert ("sl-violations" in got.headers) == ("sl-violations" in expected.headers)


REQUIRED_QUERY = """
openapi: 3.0.3
info: {title: search, version: '1'}
paths:
  /search:
    get:
      parameters:
        - {name: q, in: query, required: true, schema: {type: string, minLength: 2}}
        - {name: page, in: query, schema: {type: integer, default: 1, minimum: 1}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: array}, example: [1, 2]}}
"""


def test_an_operation_with_a_required_query_parameter_is_read_whole_on_every_request(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "openapi.yaml"
    doc.write_text(REQUIRED_QUERY)
    app = build_app(doc)
    with client_of(app) as client:
        client.get("/search?q=ab")  # learned from a GET with a query string
    assert planned(app, "/search")
    with client_of(build_app(doc)) as fresh, client_of(app) as client:
        for target in ("/search", "/search?q=a", "/search?q=abc", "/search?q=abc&page=0", "/search?q=abc&page=2"):
            assert comparable(client.get(target)) == comparable(fresh.get(target)), target
    assert [e.status for e in app.journal.entries()[-5:]] == [422, 422, 200, 422, 200]
    monkeypatch.setattr(app_module.Exchange, "from_scope", _refuse)
    with client_of(app) as client:  # the valid ones come from the plan
        assert [client.get(t).status_code for t in ("/search?q=abc", "/search?page=3&q=xyz")] == [200, 200]


KEYS_SPEC = """
openapi: 3.0.3
info: {title: keys, version: '1'}
security: [{A: [], B: []}, {C: []}, {Basic: []}]
paths:
  /things:
    get:
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: object}, example: {ok: true}}}
components:
  securitySchemes:
    A: {type: apiKey, in: header, name: X-Key-A}
    B: {type: apiKey, in: header, name: X-Key-B}
    C: {type: apiKey, in: header, name: X-Key-C}
    Basic: {type: http, scheme: basic}
"""


@pytest.mark.parametrize(("headers", "status"), [
    ([("X-Key-A", "a"), ("X-Key-B", "b")], 200),
    ([("X-Key-C", "c")], 200),
    ([("X-Key-A", "a"), ("X-Key-C", "c")], 200),
    ([("X-Key-A", "a")], 401),  # half of the first alternative
    ([("X-Key-A", "a"), ("X-Key-B", "")], 401),  # an empty key is no key
    ([("Authorization", "Basic Zm9vOmJhcg==")], 200),  # the alternative a plan leaves to the pipeline
    ([("X-Key-C", ""), ("X-Key-C", "c")], 200),  # repeated: joined by the pipeline
    ([], 401),
])
def test_security_alternatives_on_a_planned_path(tmp_path: Path, headers: list[tuple[str, str]],
                                                 status: int) -> None:
    spec = tmp_path / "keys.yaml"
    spec.write_text(KEYS_SPEC)
    with client_of(build_app(spec)) as fresh:
        expected = fresh.get("/things", headers=headers)
    app = primed(spec, "/things", {"X-Key-C": "c"})
    with client_of(app) as client:
        got = client.get("/things", headers=headers)
    assert got.status_code == expected.status_code == status
    assert comparable(got) == comparable(expected)


@pytest.mark.parametrize("headers", [
    [("Authorization", "Basic Zm9vOmJhcg=="), ("Authorization", "Bearer t0k")],  # joined: no bearer token
    [("Authorization", "Bearer t0k"), ("Origin", PAGE), ("Origin", "http://other")],
    [("Authorization", "Bearer t0k"), ("Accept", "text/csv"), ("Accept", "application/json")],
])
def test_repeated_headers_are_read_as_the_pipeline_joins_them(headers: list[tuple[str, str]]) -> None:
    with client_of(build_app(PETS)) as fresh:
        expected = fresh.get("/pets/mine", headers=headers)
    app = primed(PETS, "/pets/mine", {"Authorization": "Bearer t0k"})
    with client_of(app) as client:
        got = client.get("/pets/mine", headers=headers)
    assert comparable(got) == comparable(expected)


def test_a_query_string_or_a_head_goes_through_the_pipeline() -> None:
    app = primed(PETS, "/pets")
    with client_of(app) as client:
        assert client.get("/pets", params={"limit": "0"}).status_code == 400
        head = client.head("/pets")
    # the pipeline's answer, not the GET plan's: /pets declares no HEAD (405 naming what it does declare)
    assert head.status_code == 405 and head.headers["allow"] == "GET, POST" and head.content == b""


def test_an_invalid_path_value_is_never_planned() -> None:
    app = build_app(PETS)
    with client_of(app) as client:
        assert [client.get("/pets/0").status_code for _ in range(3)] == [400, 400, 400]
    assert not app.operation_plans and not planned(app, "/pets/0")


def test_generated_request_ids_differ_and_bodies_repeat_them(monkeypatch: pytest.MonkeyPatch) -> None:
    job = "/v1/prediction-jobs/job_0123456789abcdef"  # its 200 body repeats the request id
    app = primed(SPEC, job, KEY)
    monkeypatch.setattr(app_module.Exchange, "from_scope", _refuse)
    seen = set()
    with client_of(app) as client:
        for _ in range(5):
            response = client.get(job, headers=KEY)
            assert response.status_code == 200 and response.json()["request_id"]
            comparable(response)  # the body's request_id is the header's
            seen.add(response.headers["x-request-id"])
    assert len(seen) == 5
    monkeypatch.undo()  # the contract declares X-Request-ID as a parameter: the pipeline validates it
    with client_of(app) as client:
        sent = client.get(job, headers={**KEY, "X-Request-ID": "trace-42"})
    assert sent.headers["x-request-id"] == "trace-42" == sent.json()["request_id"]


def test_keys_are_compared_on_a_planned_path() -> None:
    app = primed(SPEC, "/v1/models", {"X-API-Key": "accord-dev-key"}, api_keys=["accord-dev-key"])
    with client_of(app) as client:
        assert client.get("/v1/models", headers={"X-API-Key": "accord-dev-key"}).status_code == 200
        wrong = client.get("/v1/models", headers={"X-API-Key": "wrong"})
        assert wrong.status_code == 401 and "www-authenticate" in wrong.headers


def test_the_journal_records_planned_answers_with_credentials_redacted() -> None:
    app = primed(SPEC, "/v1/models", KEY)
    app.journal.clear()
    with client_of(app) as client:
        client.get("/v1/models", headers={**KEY, "X-Seen": "yes"})
    entry = app.journal.last()
    assert entry is not None and entry.status == 200 and entry.path == "/v1/models"
    assert entry.template == "/v1/models" and entry.headers["x-seen"] == "yes"
    assert entry.as_dict()["headers"]["x-api-key"] == "[redacted]"


def test_no_plan_where_answers_change() -> None:
    app = build_app(PETS, stateful=True)
    with client_of(app) as client:
        for _ in range(3):
            client.get("/pets/7")
    assert not app.plans and not app.operation_plans


@pytest.mark.parametrize(("path", "headers"), [("/pets", {}), ("/pets/7", {"Origin": PAGE}),
                                               ("/pets", {"X-Request-ID": "1b4e28ba-2fa1-4d2e-a883-0e9b7f1d7a11"})])
def test_a_dynamic_plan_generates_each_body_as_the_pipeline_does(path: str, headers: dict[str, str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Dynamic mode: the plan prepares all but the body, which it generates per request from the
    server's sequence, so a seeded server gives the same answers with plans as without them."""
    def answers(app: MockApp, count: int) -> list[httpx.Response]:
        with client_of(app) as client:
            return [client.get(path, headers=headers) for _ in range(count)]

    with monkeypatch.context() as patch:
        patch.setattr(app_module, "remember", lambda *_args: None)  # no plan: every answer from the pipeline
        unplanned = build_app(PETS, dynamic=True, seed=7)
        expected = answers(unplanned, 6)
    assert not unplanned.operation_plans
    app = build_app(PETS, dynamic=True, seed=7)
    got = answers(app, 2)
    assert planned(app, path)
    monkeypatch.setattr(app_module.Exchange, "from_scope", _refuse)
    got += answers(app, 4)
    assert [comparable(r) for r in got] == [comparable(r) for r in expected]
    assert [r.headers["content-length"] for r in got] == [str(len(r.content)) for r in got]
    bodies = [r.content for r in got[2:]]
    assert len(set(bodies)) > 1  # generated per request, not prepared
    schema = app.api.document["paths"][path.replace("7", "{petId}")]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    assert all(app.api.schemas.is_valid(schema, r.json(), "response") for r in got)


def test_stateful_answers_follow_the_stored_resources() -> None:
    with client_of(build_app(FIXTURES / "mock-notes" / "openapi.yaml", stateful=True)) as client:
        before = [client.get("/notes").json() for _ in range(2)]
        created = client.post("/notes", json={"text": "hello"})
        after = client.get("/notes").json()
    assert created.status_code == 201
    assert before[0] == before[1] and after != before[1]


@pytest.fixture
def multifile(tmp_path: Path) -> Path:
    target = tmp_path / "doc"
    shutil.copytree(FIXTURES / "mock-multifile", target)
    return target


def test_a_reload_drops_every_plan(multifile: Path) -> None:
    app = build(multifile / "openapi.yaml", watch=False)

    async def versions() -> list[int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
            found = [(await client.get("/things")).json()["version"] for _ in range(2)]
            paths = multifile / "paths.yaml"
            paths.write_text(paths.read_text().replace("version: 1", "version: 2"))
            assert await app.reload()
            found += [(await client.get("/things")).json()["version"] for _ in range(2)]
            return found

    assert asyncio.run(versions()) == [1, 1, 2, 2]


# -- plans per operation: a templated path's values never seen before ------------------------------


class Spy:
    """Counts the requests the pipeline answers (its Exchange.from_scope), passing them on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = app_module.Exchange.from_scope

        def counted(scope: dict[str, Any], receive: Any) -> Any:
            self.calls += 1
            return original(scope, receive)

        monkeypatch.setattr(app_module.Exchange, "from_scope", counted)


def pipelines(spec: Path, targets: list[str], headers: dict[str, str] | None = None,
              **options: Any) -> list[httpx.Response]:
    """Each target's answer from the pipeline alone (an app that keeps no plan)."""
    app = build_app(spec, **options)
    app.operation_plans = _NoPlans()
    with client_of(app) as client:
        return [client.get(target, headers=headers) for target in targets]


class _NoPlans(dict):  # type: ignore[type-arg]
    """`MockApp.operation_plans` that keeps nothing: every answer from the pipeline."""

    def __setitem__(self, key: Any, value: Any) -> None:
        return None


#: Values of /pets/{petId} (`type: integer, minimum: 1`), as sent in the path, and whether the
#: pipeline takes them (then a plan answers).
PET_IDS = [
    ("1", True), ("8", True), ("42", True), ("100000", True), ("9007199254740993", True), ("007", True),
    ("%31%32", True),  # 12, percent-encoded
    ("+5", True),  # the sign the pipeline's integer pattern allows
    ("0", False), ("-3", False),  # under the minimum
    ("abc", False), ("1.5", False), ("1e3", False), ("12x", False), ("%20", False),  # not integers: strings
    ("%D9%A3", False),  # ٣, a digit of another script: not an integer to the pipeline
    ("1_000", False),  # int() reads it; the pipeline does not
    ("%FF", False),  # not UTF-8 once decoded: 400
    ("1%2F2", False),  # an encoded slash stays in its segment
]


@pytest.mark.parametrize("dynamic", [False, True])
def test_new_values_of_a_templated_path_are_answered_as_the_pipeline_answers_them(
        dynamic: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    targets = [f"/pets/{value}" for value, _ in PET_IDS]
    expected = pipelines(PETS, ["/pets/1", *targets], dynamic=dynamic, seed=3)
    app = build_app(PETS, dynamic=dynamic, seed=3)
    spy = Spy(monkeypatch)
    with client_of(app) as client:
        first = client.get("/pets/1")  # the pipeline's: it leaves the operation's plan
        got = []
        for target, (_value, takes) in zip(targets, PET_IDS, strict=True):
            before = spy.calls
            got.append(client.get(target))
            assert (spy.calls == before) is takes, target  # a plan answered, or the pipeline
    assert spy.calls == 1 + sum(not takes for _, takes in PET_IDS)
    assert [comparable(r) for r in [first, *got]] == [comparable(r) for r in expected]
    statuses = {value: r.status_code for (value, _), r in zip(PET_IDS, got, strict=True)}
    assert {v for v, s in statuses.items() if s == 200} == {v for v, takes in PET_IDS if takes}
    assert statuses["abc"] == statuses["0"] == 400 and statuses["%FF"] == 400
    if dynamic:  # one server-wide sequence: the same bodies whether a plan or the pipeline drew them
        assert len({r.content for r in got if r.status_code == 200}) > 1


def test_a_thousand_ids_are_answered_by_one_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    targets = [f"/pets/{n}" for n in range(1, 1001)]
    expected = pipelines(PETS, targets)
    app = build_app(PETS)
    with client_of(app) as client:
        got = [client.get(targets[0])]
        spy = Spy(monkeypatch)
        got += [client.get(target) for target in targets[1:]]
    assert spy.calls == 0 and len(app.operation_plans) == 1
    assert [comparable(r) for r in got] == [comparable(r) for r in expected]


def test_the_journal_records_the_path_a_plan_answered() -> None:
    app = primed(PETS, "/pets/1")
    app.journal.clear()
    with client_of(app) as client:
        assert client.get("/pets/%34%32").status_code == 200
        assert client.get("/pets/43").status_code == 200
    entries = [e.as_dict() for e in app.journal.entries()]
    assert [(e["path"], e["template"], e["status"]) for e in entries] == [
        ("/pets/%34%32", "/pets/{petId}", 200), ("/pets/43", "/pets/{petId}", 200)]


@pytest.mark.parametrize(("target", "headers"), [
    ("/pets/mine", {}),  # the literal path is another operation (with security): its own answer, 401
    ("/pets/mine", {"Authorization": "Bearer t0k"}),
    ("/pets/5", {"Origin": PAGE, "X-Request-ID": "1b4e28ba-2fa1-4d2e-a883-0e9b7f1d7a11"}),
    ("/pets/5", {"Accept": "application/xml"}),  # 406 from the pipeline
    ("/pets/5/", {}),  # a trailing slash fills no template: 404
    ("/pets//5", {}),
    ("/labels/.1,2", {}), ("/labels/.1", {}), ("/labels/1,2", {}),  # label style, an array of two or more
    ("/matrix/;x=1;y=2", {}), ("/matrix/;x=a", {}), ("/matrix/x=1", {}),  # matrix style, an object
    ("/__accord/openapi.json", {}),
])
def test_other_requests_near_a_planned_operation_are_answered_as_the_pipeline_answers_them(
        target: str, headers: dict[str, str]) -> None:
    expected = pipelines(PETS, [target], headers)[0]
    app = build_app(PETS)
    with client_of(app) as client:
        for prime in ("/pets/1", "/labels/.1,2", "/matrix/;x=1;y=2"):
            assert client.get(prime).status_code == 200
        got = client.get(target, headers=headers)
    assert comparable(got) == comparable(expected)


TWINS_SPEC = """
openapi: 3.0.3
info: {title: twins, version: '1'}
servers: [{url: /api/v3}]
paths:
  /things/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200': {description: by id, content: {application/json: {schema: {type: object}, example: {by: id}}}}
        '400': {description: refused, content: {application/json: {schema: {type: object}, example: {no: id}}}}
  /things/{name}:
    get:
      parameters: [{name: name, in: path, required: true, schema: {type: string, pattern: '^[a-z]+$'}}]
      responses:
        '200': {description: by name, content: {application/json: {schema: {type: object}, example: {by: name}}}}
  /groups/{group}/members:
    get:
      parameters: [{name: group, in: path, required: true, schema: {type: string}}]
      responses:
        '200': {description: members, content: {application/json: {schema: {type: array}, example: []}}}
  /{section}/{page}:
    get:
      parameters:
        - {name: section, in: path, required: true, schema: {type: string}}
        - {name: page, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: a page, content: {application/json: {schema: {type: object}, example: {by: page}}}}
"""


@pytest.mark.parametrize(("target", "answer"), [
    ("/things/5", {"by": "id"}), ("/things/%35", {"by": "id"}), ("/api/v3/things/6", {"by": "id"}),
    ("/things/abc", {"by": "name"}),  # the first template refuses it, its twin takes it
    ("/things/%61bc", {"by": "name"}), ("/api/v3/things/xyz", {"by": "name"}),
    ("/things/ABC", 400),  # neither takes it: the first template's refusal
    ("/groups/g1/members", []), ("/api/v3/groups/g2/members", []),
    ("/groups//members", 422),  # an empty value: missing to the pipeline (no 4xx documented: 422)
    ("/docs/intro", {"by": "page"}),
    ("/__accord/openapi.json", "document"),  # the mock's own path, which /{section}/{page} matches too
])
def test_twins_servers_and_empty_segments_with_plans(tmp_path: Path, target: str, answer: Any) -> None:
    spec = tmp_path / "twins.yaml"
    spec.write_text(TWINS_SPEC)
    expected = pipelines(spec, [target])[0]
    app = build_app(spec)
    with client_of(app) as client:
        primes = [client.get(p) for p in ("/things/1", "/things/zz", "/things/zy", "/groups/g0/members", "/docs/a")]
        assert [p.json() for p in primes] == [{"by": "id"}, {"by": "name"}, {"by": "name"}, [], {"by": "page"}]
        got = [client.get(target) for _ in range(2)]  # the second one after whatever the first left
    assert comparable(got[0]) == comparable(got[1]) == comparable(expected)
    # a plan answers for the template the router tries first, never for the twin the pipeline turns to
    assert planned(app, target) is (answer in ({"by": "id"}, [], {"by": "page"}))
    if isinstance(answer, int):
        assert got[0].status_code == answer
    elif answer == "document":
        assert got[0].status_code == 200 and got[0].json()["openapi"] == "3.0.3"
    else:
        assert got[0].status_code == 200 and got[0].json() == answer
