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


def primed(path: Path, target: str, headers: dict[str, str] | None = None, **options: Any) -> MockApp:
    """An app whose plan for `target` is made (two plain GETs answered alike)."""
    app = build_app(path, **options)
    with client_of(app) as client:
        first = client.get(target, headers=headers)
        second = client.get(target, headers=headers)
    assert comparable(first) == comparable(second)
    assert target.encode() in app.plans
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
    assert b"/pets/0" not in app.plans


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
    assert not app.plans


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
        patch.setattr(app_module, "PLAN_CACHE_SIZE", 0)  # no plan: every answer from the pipeline
        unplanned = build_app(PETS, dynamic=True, seed=7)
        expected = answers(unplanned, 6)
    assert not unplanned.plans
    planned = build_app(PETS, dynamic=True, seed=7)
    got = answers(planned, 2)
    assert path.encode() in planned.plans
    monkeypatch.setattr(app_module.Exchange, "from_scope", _refuse)
    got += answers(planned, 4)
    assert [comparable(r) for r in got] == [comparable(r) for r in expected]
    assert [r.headers["content-length"] for r in got] == [str(len(r.content)) for r in got]
    bodies = [r.content for r in got[2:]]
    assert len(set(bodies)) > 1  # generated per request, not prepared
    schema = planned.api.document["paths"][path.replace("7", "{petId}")]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    assert all(planned.api.schemas.is_valid(schema, r.json(), "response") for r in got)


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
