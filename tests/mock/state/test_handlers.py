"""mock/state/handlers.py: a web front end's flow against the stateful mock, over HTTP.

In-process with a clock the test moves (every status and page checked exactly), and once
against a real server on a free port in real time (poll until done). Every answer is checked
against the contract (conforms.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from conforms import assert_conforms

from accord.mock.app import MockApp, create_app
from accord.mock.testing import ASGISyncTransport, serve_mock

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT / "spec" / "openapi.yaml"
NOTES = ROOT / "tests" / "fixtures" / "mock-notes" / "openapi.yaml"
KEY = {"X-API-Key": "accord-dev-key"}
IRIS = {"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}
WINE = {"alcohol": 13.0, "malic_acid": 1.7, "ash": 2.4, "alcalinity_of_ash": 15.6, "magnesium": 127,
        "total_phenols": 2.8, "flavanoids": 3.06, "nonflavanoid_phenols": 0.28, "proanthocyanins": 2.29,
        "color_intensity": 5.64, "hue": 1.04, "od280_od315_of_diluted_wines": 3.92, "proline": 1065}
CREATE = "/v1/models/iris-classifier/prediction-jobs"


class Clock:
    """Time the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


class Front:
    """What a front end does, each answer checked against the contract."""

    def __init__(self, app: MockApp) -> None:
        self.app = app
        self.http = httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock", headers=KEY)

    def call(self, label: str, method: str, url: str, **kw: Any) -> tuple[httpx.Response, Any]:
        response = self.http.request(method, url, **kw)
        return response, assert_conforms(self.app, label, response)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def front(clock: Clock) -> Iterator[Front]:
    # durations: the defaults (queued 2 s, running 5 s)
    app = create_app(SPEC, stateful=True, clock=clock, api_keys=["accord-dev-key"])
    client = Front(app)
    yield client
    client.http.close()


def test_a_job_is_created_polled_until_done_and_its_results_paged(front: Front, clock: Clock) -> None:
    instances = [IRIS] * 5
    created, job = front.call("createIrisPredictionJob", "POST", CREATE, json={"instances": instances},
                              headers={"X-Request-ID": "web-123"})
    assert created.status_code == 202
    assert job["status"] == "queued" and job["progress"] == {"total": 5, "completed": 0}
    assert job["request_id"] == "web-123" and job["model_id"] == "iris-classifier"
    location = created.headers["location"]
    assert location == f"/v1/prediction-jobs/{job['id']}"

    _, early = front.call("getPredictionJobResults", "GET", f"{location}/results")
    assert early["type"].endswith("/job-not-finished") and job["id"] in early["detail"]

    seen = []
    for _ in range(20):
        polled, state = front.call("getPredictionJob", "GET", location)
        seen.append(state["status"])
        if state["status"] == "succeeded":
            assert "retry-after" not in polled.headers  # a polling hint only while it runs
            break
        assert polled.headers["retry-after"]
        clock.now += 1
    assert seen[0] == "queued" and "running" in seen and seen[-1] == "succeeded"
    assert state["progress"] == {"total": 5, "completed": 5} and state["finished_at"] is not None

    first, page = front.call("getPredictionJobResults", "GET", f"{location}/results", params={"limit": 2})
    assert first.status_code == 200
    assert page["job_id"] == job["id"] and [row["index"] for row in page["data"]] == [0, 1]
    indexes = [0, 1]
    while page["next_page_token"] is not None:
        _, page = front.call("getPredictionJobResults", "GET", f"{location}/results",
                             params={"limit": 2, "page_token": page["next_page_token"]})
        indexes += [row["index"] for row in page["data"]]
    assert indexes == [0, 1, 2, 3, 4]

    refused, problem = front.call("cancelPredictionJob", "POST", f"{location}/cancel")
    assert refused.status_code == 409 and problem["type"].endswith("/job-already-finished")


def test_another_job_is_cancelled_and_the_list_shows_both(front: Front, clock: Clock) -> None:
    _, done = front.call("createIrisPredictionJob", "POST", CREATE, json={"instances": [IRIS]})
    clock.now += 1
    _, other = front.call("createWinePredictionJob", "POST", "/v1/models/wine-classifier/prediction-jobs",
                          json={"instances": [WINE]})
    assert other["id"] != done["id"]
    cancel_url = f"/v1/prediction-jobs/{other['id']}/cancel"
    cancelled_response, cancelled = front.call("cancelPredictionJob", "POST", cancel_url)
    assert cancelled_response.status_code == 200 and cancelled["status"] == "cancelled"
    clock.now += 100  # time passes: the cancelled job stays cancelled, the other one finishes
    _, again = front.call("getPredictionJob", "GET", f"/v1/prediction-jobs/{other['id']}")
    assert again["status"] == "cancelled"
    _, listing = front.call("listPredictionJobs", "GET", "/v1/prediction-jobs")
    assert [(j["id"], j["status"]) for j in listing["data"]] == [(other["id"], "cancelled"), (done["id"], "succeeded")]
    _, filtered = front.call("listPredictionJobs", "GET", "/v1/prediction-jobs", params={"status": "cancelled"})
    assert [j["id"] for j in filtered["data"]] == [other["id"]]
    _, by_model = front.call("listPredictionJobs", "GET", "/v1/prediction-jobs", params={"model_id": "iris-classifier"})
    assert [j["id"] for j in by_model["data"]] == [done["id"]]
    _, results = front.call("getPredictionJobResults", "GET", f"/v1/prediction-jobs/{other['id']}/results")
    assert results["type"].endswith("/job-not-finished")


def test_unknown_ids_and_tokens_get_the_documented_problems(front: Front) -> None:
    for label, method, url in [("getPredictionJob", "GET", "/v1/prediction-jobs/job_0000000000"),
                               ("getPredictionJobResults", "GET", "/v1/prediction-jobs/job_0000000000/results"),
                               ("cancelPredictionJob", "POST", "/v1/prediction-jobs/job_0000000000/cancel")]:
        response, problem = front.call(label, method, url)
        assert response.status_code == 404 and problem["type"].endswith("/job-not-found")
        assert problem["instance"] == url and problem["request_id"] == response.headers["x-request-id"]
    response, problem = front.call("listPredictionJobs", "GET", "/v1/prediction-jobs",
                                   params={"page_token": "eyJvIjoyMH0"})
    assert response.status_code == 400 and problem["type"].endswith("/invalid-page-token")


def test_without_stateful_the_static_answers_stay(clock: Clock) -> None:
    app = create_app(SPEC, api_keys=["accord-dev-key"])
    client = Front(app)
    response, job = client.call("getPredictionJob", "GET", "/v1/prediction-jobs/job_0000000000")
    assert response.status_code == 200 and job["id"] == "job_01HZX3K8Q2"  # the documented example


def test_crud_on_a_document_without_links() -> None:
    app = create_app(NOTES, stateful=True)
    http = httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock")

    def call(label: str, method: str, url: str, **kw: Any) -> tuple[httpx.Response, Any]:
        response = http.request(method, url, **kw)
        return response, assert_conforms(app, label, response)

    made = [call("createNote", "POST", "/notes", json={"text": t, "colour": c})
            for t, c in (("a", "red"), ("b", "blue"), ("c", "red"))]
    assert [(r.headers["location"], body["noteId"], body["text"]) for r, body in made] == [
        ("/notes/1", 1, "a"), ("/notes/2", 2, "b"), ("/notes/3", 3, "c")]
    assert call("getNote", "GET", "/notes/2")[1] == {"noteId": 2, "text": "b", "colour": "blue"}
    _, first = call("listNotes", "GET", "/notes")  # limit defaults to the parameter's default, 2
    assert [n["noteId"] for n in first["items"]] == [3, 2] and first["next"]
    _, rest = call("listNotes", "GET", "/notes", params={"cursor": first["next"]})
    assert [n["noteId"] for n in rest["items"]] == [1] and rest["next"] is None
    assert [n["noteId"] for n in call("listNotes", "GET", "/notes", params={"colour": "red"})[1]["items"]] == [3, 1]
    patched = call("patchNote", "PATCH", "/notes/2", content=b'{"text": "B"}',
                   headers={"content-type": "application/merge-patch+json"})[1]
    assert patched == {"noteId": 2, "text": "B", "colour": "blue"}
    deleted, _ = call("deleteNote", "DELETE", "/notes/2")
    assert deleted.status_code == 204
    assert call("getNote", "GET", "/notes/2")[0].status_code == 404
    assert call("deleteNote", "DELETE", "/notes/2")[0].status_code == 404
    assert call("getTag", "GET", "/tags/red")[0].status_code == 404
    assert call("putTag", "PUT", "/tags/red", json={"label": "Red"})[1] == {"name": "red", "label": "Red"}
    assert call("getTag", "GET", "/tags/red")[1] == {"name": "red", "label": "Red"}
    assert app.journal.last().answered_by == {"state": "read red"}


def test_a_front_end_flow_against_a_real_server(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    # A second each: the cancel below must reach its job before it succeeds (2 s after its
    # creation, two round trips later), also on a loaded machine.
    rules.write_text("stateful:\n  durations: {queued: 1, running: 1}\n", encoding="utf-8")
    with serve_mock(SPEC, stateful=True, rules=rules, api_keys=["accord-dev-key"]) as mock:
        http = requests.Session()
        http.headers.update(KEY)
        created = http.post(f"{mock.url}{CREATE}", json={"instances": [IRIS, IRIS, IRIS]}, timeout=10)
        assert created.status_code == 202 and created.json()["status"] == "queued"
        job_url = mock.url + created.headers["location"]
        cancel_me = http.post(f"{mock.url}{CREATE}", json={"instances": [IRIS]}, timeout=10).json()
        cancelled = http.post(f"{mock.url}/v1/prediction-jobs/{cancel_me['id']}/cancel", timeout=10)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        statuses = []
        for _ in range(200):  # poll as a front end does, honouring nothing but the status
            statuses.append(http.get(job_url, timeout=10).json()["status"])
            if statuses[-1] == "succeeded":
                break
            time.sleep(0.05)
        # The status moves with the clock (queued 1 s, running 1 s from creation), so which
        # statuses a poll sees depends on the machine's load; their order does not.
        order = ["queued", "running", "succeeded"]
        assert statuses[-1] == "succeeded" and statuses == sorted(statuses, key=order.index), statuses
        results = http.get(f"{job_url}/results", timeout=10).json()
        assert [row["index"] for row in results["data"]] == [0, 1, 2] and results["next_page_token"] is None
        listed = http.get(f"{mock.url}/v1/prediction-jobs", timeout=10).json()["data"]
        assert {(j["id"], j["status"]) for j in listed} == {(cancel_me["id"], "cancelled"),
                                                            (created.json()["id"], "succeeded")}
        assert [e.answered_by["state"].split()[0] for e in mock.journal.calls("POST " + CREATE)] == ["created"] * 2


PETSTORE = ROOT / "tests" / "fixtures" / "mock-petstore" / "openapi.yaml"


@pytest.fixture
def shop() -> Iterator[Any]:
    app = create_app(PETSTORE, stateful=True)
    http = httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock")

    def call(label: str, method: str, url: str, **kw: Any) -> tuple[httpx.Response, Any]:
        response = http.request(method, url, **kw)
        return response, assert_conforms(app, label, response)

    call.app = app  # type: ignore[attr-defined]
    yield call
    http.close()


def test_petstore_round_trip_keeps_the_clients_id(shop: Any) -> None:
    """Create with a chosen id, read, update through `PUT /pet`, list, delete (issue 19)."""
    rex = {"id": 77, "name": "Rex", "photoUrls": [], "status": "available", "tags": [{"id": 1, "name": "good"}]}
    created, pet = shop("addPet", "POST", "/pet", json=rex)
    assert created.status_code == 200 and pet["id"] == 77 and pet["name"] == "Rex"
    assert shop("getPetById", "GET", "/pet/77")[1]["name"] == "Rex"
    updated, pet = shop("updatePet", "PUT", "/pet", json={**rex, "name": "Rex II", "status": "sold"})
    assert updated.status_code == 200 and (pet["id"], pet["name"], pet["status"]) == (77, "Rex II", "sold")
    assert shop("getPetById", "GET", "/pet/77")[1]["name"] == "Rex II"
    renamed = shop("updatePetWithForm", "POST", "/pet/77?name=Rex%20III&status=pending")[1]
    assert (renamed["id"], renamed["name"], renamed["status"]) == (77, "Rex III", "pending")
    assert shop("updatePetWithForm", "POST", "/pet/78?name=x")[0].status_code == 400  # no 404 documented
    shop("updatePetWithForm", "POST", "/pet/77?status=sold")
    _, tom = shop("addPet", "POST", "/pet", json={"name": "Tom", "photoUrls": [], "status": "available"})
    assert tom["id"] == 1  # no id chosen: the pets' own sequence
    assert [p["id"] for p in shop("findPetsByStatus", "GET", "/pet/findByStatus?status=sold")[1]] == [77]
    assert [p["id"] for p in shop("findPetsByStatus", "GET", "/pet/findByStatus?status=available")[1]] == [1]
    assert [p["id"] for p in shop("findPetsByTags", "GET", "/pet/findByTags?tags=good&tags=bad")[1]] == [77]
    deleted, _ = shop("deletePet", "DELETE", "/pet/77")
    assert deleted.status_code == 200
    assert shop("getPetById", "GET", "/pet/77")[0].status_code == 404
    assert shop("updatePet", "PUT", "/pet", json=rex)[0].status_code == 404  # documented: Pet not found
    assert shop("updatePet", "PUT", "/pet", json={"name": "nobody", "photoUrls": []})[0].status_code == 400


def test_petstore_users_are_kept_under_their_username(shop: Any) -> None:
    created, user = shop("createUser", "POST", "/user", json={"username": "bob", "email": "bob@example.com"})
    assert created.status_code == 200 and user["username"] == "bob"
    assert shop("getUserByName", "GET", "/user/bob")[1]["email"] == "bob@example.com"
    shop("updateUser", "PUT", "/user/bob", json={"username": "bob", "firstName": "Bob"})
    assert shop("getUserByName", "GET", "/user/bob")[1]["firstName"] == "Bob"
    assert shop("deleteUser", "DELETE", "/user/bob")[0].status_code == 200
    assert shop("getUserByName", "GET", "/user/bob")[0].status_code == 404
    assert shop("loginUser", "GET", "/user/login?username=bob&password=x")[0].status_code == 200  # not an item


def test_each_resource_counts_its_own_ids(shop: Any) -> None:
    pets = [shop("addPet", "POST", "/pet", json={"name": n, "photoUrls": []})[1]["id"] for n in ("a", "b")]
    orders = [shop("placeOrder", "POST", "/store/order", json={"quantity": q})[1]["id"] for q in (1, 2)]
    assert pets == [1, 2] and orders == [1, 2]
    _, chosen = shop("placeOrder", "POST", "/store/order", json={"id": 3, "quantity": 3})
    assert chosen["id"] == 3
    assert shop("placeOrder", "POST", "/store/order", json={"quantity": 4})[1]["id"] == 4  # 3 is taken
    assert shop("getOrderById", "GET", "/store/order/3")[1]["quantity"] == 3


def test_a_chosen_id_that_exists_is_the_documented_409_and_a_read_only_id_is_the_servers(tmp_path: Path) -> None:
    doc = tmp_path / "openapi.yaml"
    doc.write_text("""
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    post:
      operationId: createThing
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
      responses:
        '201': {description: made, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
        '409': {description: exists}
  /things/{code}:
    get:
      operationId: getThing
      parameters: [{name: code, in: path, required: true, schema: {type: string}}]
      responses:
        '200': {description: one, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
        '404': {description: none}
  /serials:
    post:
      operationId: createSerial
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Serial'}}}}
      responses:
        '201': {description: made, content: {application/json: {schema: {$ref: '#/components/schemas/Serial'}}}}
  /serials/{id}:
    get:
      operationId: getSerial
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200': {description: one, content: {application/json: {schema: {$ref: '#/components/schemas/Serial'}}}}
components:
  schemas:
    Thing: {type: object, properties: {code: {type: string}, size: {type: integer}}}
    Serial: {type: object, properties: {id: {type: integer, readOnly: true}, label: {type: string}}}
""")
    app = create_app(doc, stateful=True)
    with httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock") as http:
        assert http.post("/things", json={"code": "a1", "size": 1}).status_code == 201
        assert http.post("/things", json={"code": "a1", "size": 2}).status_code == 409
        assert http.get("/things/a1").json() == {"code": "a1", "size": 1}
        assert http.post("/serials", json={"id": 50, "label": "x"}).json()["id"] == 1  # readOnly: the server's
        assert http.get("/serials/1").json()["label"] == "x"


def test_a_create_without_a_response_body_stores_what_the_client_sent(tmp_path: Path) -> None:
    """Swagger's own Petstore (2.0) documents createUser with a bare `default`: no schema to read
    an id from, so the user is shaped and keyed as getUserByName reads it."""
    doc = tmp_path / "swagger.yaml"
    doc.write_text("""
swagger: '2.0'
info: {title: Swagger Petstore, version: 1.0.7}
basePath: /v2
paths:
  /user:
    post:
      operationId: createUser
      parameters: [{in: body, name: body, required: true, schema: {$ref: '#/definitions/User'}}]
      responses:
        default: {description: successful operation}
  /user/{username}:
    parameters: [{name: username, in: path, required: true, type: string}]
    get:
      operationId: getUserByName
      produces: [application/json]
      responses:
        '200': {description: successful operation, schema: {$ref: '#/definitions/User'}}
        '404': {description: User not found}
definitions:
  User: {type: object, properties: {id: {type: integer}, username: {type: string}, email: {type: string}}}
""")
    app = create_app(doc, stateful=True)
    with httpx.Client(transport=ASGISyncTransport(app), base_url="http://mock") as http:
        assert http.get("/v2/user/bob").status_code == 404
        created = http.post("/v2/user", json={"username": "bob", "email": "bob@example.com"})
        assert created.status_code == 200 and created.content == b""
        assert created.headers["location"] == "/user/bob"
        read = http.get("/v2/user/bob")
        assert read.status_code == 200
        assert read.json()["username"] == "bob" and read.json()["email"] == "bob@example.com"
        assert http.get("/v2/user/alice").status_code == 404


#: Swagger's own Petstore's users: updateUser and deleteUser document only 400 and 404, so the
#: mock's answer to any of their requests is the 400.
REJECTING_USERS = """\
openapi: 3.0.3
info: {title: Users, version: "1.0"}
paths:
  /user:
    post:
      operationId: createUser
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/User"}
      responses:
        default: {description: successful operation}
  /user/{username}:
    parameters:
      - {name: username, in: path, required: true, schema: {type: string}}
    get:
      operationId: getUserByName
      responses:
        "200":
          description: The user.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/User"}
        "400": {description: Invalid username supplied}
        "404": {description: User not found}
    put:
      operationId: updateUser
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/User"}
      responses:
        "400": {description: Invalid user supplied}
        "404": {description: User not found}
    delete:
      operationId: deleteUser
      responses:
        "400": {description: Invalid username supplied}
        "404": {description: User not found}
components:
  schemas:
    User:
      type: object
      properties:
        username: {type: string}
        firstName: {type: string}
"""


def test_a_request_answered_with_a_rejection_leaves_the_state_unchanged(tmp_path: Path) -> None:
    spec = tmp_path / "users.yaml"
    spec.write_text(REJECTING_USERS)
    with serve_mock(spec, stateful=True) as mock:
        assert requests.post(f"{mock.url}/user", json={"username": "bob", "firstName": "Bob"}, timeout=10).ok
        for method, kw in (("PUT", {"json": {"username": "bob", "firstName": "Robert"}}),  # valid, yet answered 400
                           ("PUT", {"json": {"firstName": 7}}),  # invalid
                           ("DELETE", {}), ("DELETE", {"params": {"extra": "x"}})):
            answer = requests.request(method, f"{mock.url}/user/bob", timeout=10, **kw)
            assert answer.status_code == 400, (method, kw, answer.text)
            kept = requests.get(f"{mock.url}/user/bob", timeout=10)
            assert kept.status_code == 200 and kept.json() == {"username": "bob", "firstName": "Bob"}, (method, kw)
        assert requests.delete(f"{mock.url}/user/nobody", timeout=10).status_code == 404


def test_a_rejection_asked_for_with_prefer_changes_nothing(shop: Any) -> None:
    shop("createUser", "POST", "/user", json={"username": "ann", "email": "ann@example.com"})
    refused, _ = shop("deleteUser", "DELETE", "/user/ann", headers={"Prefer": "code=400"})
    assert refused.status_code == 400
    assert shop("getUserByName", "GET", "/user/ann")[0].status_code == 200
    assert shop("deleteUser", "DELETE", "/user/ann")[0].status_code == 200
    assert shop("getUserByName", "GET", "/user/ann")[0].status_code == 404
