"""The mock serves a Postman collection: saved responses are the answers, auth is checked."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES
from test_cli import accord

from accord.mock.testing import mock_client

COLLECTION = FIXTURES / "mock-postman" / "collection.json"


def test_saved_responses_are_served():
    with mock_client(COLLECTION) as client:
        found = client.get("/plants/p9", headers={"X-Token": "t"})
        assert found.status_code == 200
        assert found.json() == {"id": "p1", "name": "Fern"}
        assert found.headers["x-zone"] == "north"
        assert client.get("/plants/p9").status_code == 401  # the collection's API key
        assert client.post("/plants/p9/water", json={"litres": 1}).status_code == 204
        health = client.get("/health", headers={"Authorization": "Basic dTpw"})
        assert (health.status_code, health.text) == (200, "green")
        assert client.get("/nowhere").status_code == 404


def test_neither_openapi_nor_a_collection_exits_2(tmp_path: Path):
    (tmp_path / "notes.json").write_text('{"info": {"name": "x"}, "pages": []}')
    result = accord("mock", str(tmp_path / "notes.json"), "--port", "1")
    assert result.returncode == 2
    assert "not an OpenAPI document" in result.stderr and "Traceback" not in result.stderr


MAILROOM = FIXTURES / "mock-postman" / "mailroom.json"
PRISM_422 = "https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY"


def test_requests_are_validated_against_the_shapes_of_the_collections_bodies():
    with mock_client(MAILROOM) as client:
        note = {"to": "Ada", "kind": "note", "note": {"text": "hello"}, "stamps": [3]}
        assert client.post("/letters", json=note).status_code == 201
        assert client.post("/letters", json={"to": "Grace", "parcel": {"grams": 9}}).status_code == 201
        wrong = client.post("/letters", json={"to": 42, "kind": "note"})
        assert wrong.status_code == 422
        assert wrong.json()["type"] == PRISM_422
        # As ajv (Prism's validator) lists them: each branch's errors, then the anyOf itself.
        assert wrong.json()["validation"] == [
            {"location": ["body", "to"], "severity": "Error", "code": "type",
             "message": "Request body property to must be string"},
            {"location": ["body", "to"], "severity": "Error", "code": "type",
             "message": "Request body property to must be string"},
            {"location": ["body"], "severity": "Error", "code": "anyOf",
             "message": "Request body must match a schema in anyOf"},
        ]


def test_each_saved_media_type_of_a_code_is_negotiated():
    with mock_client(MAILROOM) as client:
        def media(accept: str) -> tuple[str, str]:
            answer = client.get("/letters/7", headers={"Accept": accept})
            assert answer.status_code == 200
            return answer.headers["content-type"].split(";")[0], answer.text

        assert media("application/xml") == ("application/xml", "<letter><id>7</id><to>Ada</to></letter>")
        assert media("application/vnd.mail+json") == ("application/vnd.mail+json", '{"letter":7}')
        assert media("application/xml, application/json")[0] == "application/xml"  # the client's order
        assert media("application/json;q=0.5, application/xml")[0] == "application/xml"
        assert media("application/json")[0] == "application/json"
        assert client.get("/letters/7", headers={"Prefer": "code=404"}).text == "no such letter"


def test_a_form_body_is_read_as_the_media_type_the_collection_names():
    with mock_client(MAILROOM) as client:
        stored = client.post("/scans", files={"letter": (None, "7"), "side": (None, "back")})
        assert (stored.status_code, stored.text) == (200, "stored")
        refused = client.post("/scans", data={"letter": "7"})  # url-encoded: not what the collection sends
        assert refused.status_code == 415


def test_oauth2_auth_wants_the_bearer_token_postman_sends(tmp_path: Path):
    collection = tmp_path / "collection.json"
    collection.write_text(json.dumps({
        "info": {"name": "Sensors"},
        "auth": {"type": "oauth2", "oauth2": [{"key": "addTokenTo", "value": "header"}]},
        "item": [{"name": "readings", "request": {"method": "GET", "url": {"path": ["readings"]}},
                  "response": [{"code": 200, "header": [{"key": "Content-Type", "value": "application/json"}],
                                "body": "[1, 2]"}]}],
    }))
    with mock_client(collection) as client:
        assert client.get("/readings", headers={"Authorization": "Bearer t0k"}).json() == [1, 2]
        refused = client.get("/readings", headers={"Authorization": "Basic dTpw"})
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert refused.json()["headers"] == {"WWW-Authenticate": "Bearer"}
