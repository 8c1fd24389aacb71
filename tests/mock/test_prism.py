"""mock/prism.py: where the document defines no error response, the answer is Prism's, word for word."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import jsonschema_rs
import pytest
from conftest import FIXTURES, PETS

from accord.mock import prism
from accord.mock.testing import mock_client

DOC = FIXTURES / "mock-prism-errors" / "openapi.yaml"
PRISM = "https://stoplight.io/prism/errors#"
INVALID = ("Your request is not valid and no HTTP validation response was found in the spec, "
           "so Prism is generating this error for you.")


@pytest.fixture
def tickets() -> Iterator[httpx.Client]:
    with mock_client(DOC) as client:
        yield client


def test_invalid_request_is_prisms_422_with_ajv_words(tickets: httpx.Client):
    answer = tickets.post("/tickets", json={"title": 1, "status": "lost", "votes": 0},
                          headers={"X-Key": "k"})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json() == {
        "type": PRISM + "UNPROCESSABLE_ENTITY", "title": "Invalid request", "status": 422, "detail": INVALID,
        "validation": [
            {"location": ["body", "title"], "severity": "Error", "code": "type",
             "message": "Request body property title must be string"},
            {"location": ["body", "status"], "severity": "Error", "code": "enum",
             "message": "Request body property status must be equal to one of the allowed values: open, closed"},
            {"location": ["body", "votes"], "severity": "Error", "code": "exclusiveMinimum",
             "message": "Request body property votes must be > 0"},
        ],
    }
    assert list(answer.json()) == ["type", "title", "status", "detail", "validation"]  # Prism's order
    assert answer.headers["x-request-id"]


def test_missing_parameters_are_reported_at_their_parent(tickets: httpx.Client):
    answer = tickets.get("/tickets", params={"page": "0", "legacy": "x"})
    assert answer.status_code == 422
    entries = answer.json()["validation"]
    assert {"location": ["header"], "severity": "Error", "code": "required",
            "message": "Request header must have required property 'x-team'"} in entries
    assert {"location": ["query", "page"], "severity": "Error", "code": "minimum",
            "message": "Request query parameter page must be >= 1"} in entries
    warning = json.loads(answer.headers["sl-violations"]) if "sl-violations" in answer.headers else None
    assert warning is None or all(e["location"][0] == "request" for e in warning)


def test_deprecated_parameter_warning_in_sl_violations(tickets: httpx.Client):
    answer = tickets.get("/tickets", params={"legacy": "x"}, headers={"X-Team": "a"})
    assert answer.status_code == 200
    assert json.loads(answer.headers["sl-violations"]) == [
        {"location": ["request", "query", "legacy"], "severity": "Warning", "code": "deprecated",
         "message": "Query param legacy is deprecated"}]


def test_security_is_prisms_401_with_the_failing_schemes_challenges(tickets: httpx.Client):
    answer = tickets.post("/tickets", json={"title": "abc"})
    assert answer.status_code == 401
    challenge = 'Basic realm="*",OAuth2'  # every failing scheme, API keys have none
    assert answer.headers.get_list("www-authenticate") == [challenge]
    assert answer.json() == {
        "type": PRISM + "UNAUTHORIZED", "title": "Invalid security scheme used", "status": 401,
        "detail": "Your request does not fullfil the security requirements and no HTTP unauthorized "
                  "response was found in the spec, so Prism is generating this error for you.",
        "headers": {"WWW-Authenticate": challenge},
    }


def test_malformed_credentials_under_their_own_scheme_are_not_challenged(tickets: httpx.Client):
    # `Basic abc123` is not base64 of user:password: the client chose Basic, so only the other
    # failing scheme (OAuth2) is challenged, in the header and in Prism's `headers` member.
    answer = tickets.post("/tickets", json={"title": "abc"}, headers={"Authorization": "Basic abc123"})
    assert answer.status_code == 401
    assert answer.headers.get_list("www-authenticate") == ["OAuth2"]
    assert answer.json()["headers"] == {"WWW-Authenticate": "OAuth2"}


def test_no_challenge_left_means_no_headers_member(tmp_path):
    doc = tmp_path / "openapi.yaml"
    doc.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nsecurity: [{basic: []}, {key: []}]\n"
        "paths:\n  /vault:\n    get:\n      responses:\n        '200': {description: ok}\n"
        "components:\n  securitySchemes:\n    basic: {type: http, scheme: basic}\n"
        "    key: {type: apiKey, in: header, name: X-Key}\n")
    with mock_client(doc) as client:
        answer = client.get("/vault", headers={"Authorization": "Basic abc123"})
        assert answer.status_code == 401
        assert "www-authenticate" not in answer.headers
        assert "headers" not in answer.json()
        assert client.get("/vault").json()["headers"] == {"WWW-Authenticate": 'Basic realm="*"'}


def test_routing_and_negotiation_answers(tickets: httpx.Client):
    assert tickets.get("/nowhere").json() == {
        "type": PRISM + "NO_PATH_MATCHED_ERROR", "title": "Route not resolved, no path matched", "status": 404,
        "detail": "The route /nowhere hasn't been found in the specification file"}
    method = tickets.delete("/tickets")
    assert method.status_code == 405 and method.headers["allow"] == "GET, POST"
    assert method.json()["detail"] == (
        'The route /tickets has been matched, but it does not have "delete" method defined')
    assert tickets.get("/tickets/AB", headers={"Accept": "application/xml"}).json() == {
        "type": PRISM + "NOT_ACCEPTABLE", "title": "The server cannot produce a representation for your accept header",
        "status": 406, "detail": "Unable to find content for application/xml"}
    assert tickets.get("/tickets/AB", headers={"Prefer": "code=418"}).json()["detail"] == (
        "Requested status code 418 is not defined in the document.")
    missing = tickets.get("/tickets", headers={"X-Team": "a", "Prefer": "example=many"})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Response for contentType: application/json and exampleKey: many does not exist."


def test_the_documents_own_error_response_wins(tickets: httpx.Client):
    answer = tickets.get("/tickets/ab")
    assert answer.status_code == 400
    assert answer.json() == {"oops": "bad id"}
    assert json.loads(answer.headers["sl-violations"])[0]["message"] == 'must match pattern "^[A-Z]+$"'


def test_a_document_with_its_own_problem_convention_keeps_accords_members():
    with mock_client(PETS) as pets:
        answer = pets.get("/nowhere", headers={"X-Request-ID": "t-1"})
    assert answer.status_code == 404
    assert answer.json()["type"] == "about:blank" and answer.json()["request_id"] == "t-1"


def test_a_body_the_operation_does_not_take_is_415(tmp_path):
    doc = tmp_path / "openapi.yaml"
    doc.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /ping:\n    post:\n      responses:\n"
        "        '200': {description: ok, content: {text/plain: {example: pong}}}\n"
        "        '415': {description: no body, content: {text/plain: {example: no body allowed}}}\n"
        "  /bare:\n    post:\n      responses:\n        '204': {description: done}\n")
    with mock_client(doc) as client:
        assert client.post("/ping").text == "pong"  # no body: fine
        refused = client.post("/ping", content=b"hello", headers={"Content-Type": "text/plain"})
        assert (refused.status_code, refused.text) == (415, "no body allowed")  # the document's own 415
        generic = client.post("/bare", content=b"hello", headers={"Content-Type": "text/plain"})
        assert generic.status_code == 415
        assert generic.json()["type"] == PRISM + "INVALID_CONTENT_TYPE"


def test_a_failed_any_of_lists_its_branches_errors_first(tmp_path):
    doc = tmp_path / "openapi.yaml"
    doc.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /slots:\n    get:\n      parameters:\n"
        "        - {name: size, in: query,\n"
        "           schema: {anyOf: [{type: integer, minimum: 1}, {type: string, enum: [all]}]}}\n"
        "      responses:\n        '200': {description: ok, content: {text/plain: {example: ok}}}\n")
    with mock_client(doc) as client:
        assert client.get("/slots", params={"size": "all"}).status_code == 200
        answer = client.get("/slots", params={"size": "some"})
        assert answer.status_code == 422
        assert [(e["location"], e["code"], e["message"]) for e in answer.json()["validation"]] == [
            (["query", "size"], "type", "Request query parameter size must be integer"),
            (["query", "size"], "enum", "Request query parameter size must be equal to one of the allowed values: all"),
            (["query", "size"], "anyOf", "Request query parameter size must match a schema in anyOf")]


def test_a_documented_error_is_served_as_documented_with_prefer_honoured_only_for_its_status(tmp_path):
    doc = tmp_path / "openapi.yaml"
    doc.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /plants:\n    post:\n"
        "      requestBody: {content: {application/json: {schema: {type: object, required: [name],\n"
        "                    properties: {name: {type: string}}}}}}\n"
        "      responses:\n        '201': {description: planted}\n"
        "        '422':\n          description: refused\n          content:\n            application/json:\n"
        "              schema: {type: object, properties: {reason: {type: string}}}\n"
        "              examples:\n                no-name: {value: {reason: a plant needs a name}}\n"
        "                too-long: {value: {reason: the name is too long}}\n")
    with mock_client(doc) as client:
        # The 422's schema is an error shape of the document's own (no problem member): its
        # body as written, the violations in Prism's header.
        refused = client.post("/plants", json={})
        assert (refused.status_code, refused.json()) == (422, {"reason": "a plant needs a name"})
        assert json.loads(refused.headers["sl-violations"]) == [
            {"location": ["request", "body"], "severity": "Error", "code": "required",
             "message": "must have required property 'name'"}]
        named = client.post("/plants", json={}, headers={"Prefer": "code=422, example=too-long"})
        assert named.json() == {"reason": "the name is too long"}
        ignored = client.post("/plants", json={}, headers={"Prefer": "code=201, example=too-long"})
        assert (ignored.status_code, ignored.json()) == (422, {"reason": "a plant needs a name"})
        missing = client.post("/plants?__code=422&__example=wilted", json={})
        assert missing.status_code == 404
        assert missing.json() == {
            "type": PRISM + "NOT_FOUND", "title": "The server cannot find the requested content", "status": 404,
            "detail": "Response for contentType: application/json and exampleKey: wilted does not exist."}


def test_a_401_answered_through_a_documented_default_challenges_as_prisms_does(tmp_path):
    """Swagger's classic 3.0 Petstore: `GET /pet/{petId}` takes an API key and documents only
    200, 400, 404 and a `default` without content. The 401 is that `default`, and, as Prism's own
    401, challenges only the failing schemes that have a challenge: never an API key."""
    doc = tmp_path / "openapi.yaml"
    doc.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
        "paths:\n"
        "  /pet/{petId}:\n"
        "    parameters: [{name: petId, in: path, required: true, schema: {type: integer}}]\n"
        "    get:\n      security: [{api_key: []}]\n"
        "      responses: {'200': {description: ok}, '404': {description: no}, default: {description: any}}\n"
        "    put:\n      security: [{petstore_auth: [write]}, {api_key: []}]\n"
        "      responses: {'200': {description: ok}, default: {description: any}}\n"
        "components:\n  securitySchemes:\n"
        "    api_key: {type: apiKey, in: header, name: api_key}\n"
        "    petstore_auth:\n      type: oauth2\n"
        "      flows: {implicit: {authorizationUrl: 'https://x.test/a', scopes: {write: w}}}\n")
    with mock_client(doc) as client:
        refused = client.get("/pet/1")
        assert refused.status_code == 401
        assert "www-authenticate" not in refused.headers
        assert client.get("/pet/1", headers={"api_key": "k"}).status_code == 200
        both = client.put("/pet/1")
        assert both.status_code == 401
        assert both.headers.get_list("www-authenticate") == ["OAuth2"]


#: (draft, schema, instance) -> ajv's words for each error, as `prism.words` gives them: one case per
#: kind its table names, and one it does not.
_WORDS = [
    ("Draft4", {"required": ["a"]}, {}, ["must have required property 'a'"]),
    ("Draft4", {"additionalProperties": False, "properties": {"a": {}}}, {"b": 1},
     ["must NOT have additional properties"]),
    ("Draft202012", {"unevaluatedProperties": False}, {"z": 2}, ["must NOT have unevaluated properties"]),
    ("Draft4", {"type": ["string", "null"]}, 1, ["must be null,string"]),
    ("Draft4", {"minimum": 5}, 1, ["must be >= 5"]),
    ("Draft4", {"minimum": 5, "exclusiveMinimum": True}, 5, ["must be > 5"]),
    ("Draft4", {"maximum": 5.0}, 6, ["must be <= 5"]),
    ("Draft202012", {"exclusiveMaximum": 2.5}, 3, ["must be < 2.5"]),
    ("Draft4", {"multipleOf": 2.0}, 3, ["must be multiple of 2"]),
    ("Draft4", {"enum": ["a", 1, None]}, "b", ["must be equal to one of the allowed values: a, 1, None"]),
    ("Draft202012", {"const": "a"}, "b", ["must be equal to constant"]),
    ("Draft4", {"minItems": 2}, [1], ["must NOT have fewer than 2 items"]),
    ("Draft4", {"maxItems": 1}, [1, 2], ["must NOT have more than 1 items"]),
    ("Draft4", {"minProperties": 2}, {"a": 1}, ["must NOT have fewer than 2 properties"]),
    ("Draft4", {"maxProperties": 1}, {"a": 1, "b": 2}, ["must NOT have more than 1 properties"]),
    ("Draft4", {"minLength": 3}, "ab", ["must NOT have fewer than 3 characters"]),
    ("Draft4", {"maxLength": 1}, "ab", ["must NOT have more than 1 characters"]),
    ("Draft4", {"uniqueItems": True}, [1, 1], ["must NOT have duplicate items"]),
    ("Draft4", {"pattern": "^a+$"}, "b", ['must match pattern "^a+$"']),
    ("Draft4", {"anyOf": [{"type": "string"}, {"type": "integer"}]}, 1.5, ["must match a schema in anyOf"]),
    ("Draft4", {"oneOf": [{"type": "string"}, {"type": "integer"}]}, 1.5, ["must match exactly one schema in oneOf"]),
    ("Draft4", {"oneOf": [{"type": "string"}, {"minLength": 1}]}, "ab", ["must match exactly one schema in oneOf"]),
    ("Draft4", {"not": {"type": "string"}}, "a", ["must NOT be valid"]),
    ("Draft202012", {"contains": {"type": "string"}}, [1], ["must contain at least 1 valid item(s)"]),
    ("Draft202012", {"items": False}, [1], ["boolean schema is false"]),
    ("Draft4", {"format": "email"}, "nope", ['must match format "email"']),
    ("Draft202012", {"propertyNames": {"maxLength": 1}}, {"ab": 1}, ["must pass the propertyNames rule"]),
]


@pytest.mark.parametrize(("draft", "schema", "instance", "expected"), _WORDS)
def test_each_kind_of_error_has_ajvs_words(draft: str, schema: dict[str, object], instance: object,
                                           expected: list[str]) -> None:
    validator = getattr(jsonschema_rs, draft + "Validator")(schema, validate_formats=True)
    assert [prism.words(error) for error in validator.iter_errors(instance)] == expected
