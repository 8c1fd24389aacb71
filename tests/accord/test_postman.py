"""accord/postman.py: a Postman collection as the OpenAPI 3.0 document the mock serves."""

from __future__ import annotations

from pathlib import Path

import jsonschema_rs

from accord import postman
from accord.documents import load
from accord.loading import load_spec

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mock-postman" / "collection.json"


def test_recognised_only_without_an_openapi_version():
    assert postman.is_collection(load(FIXTURE))
    assert not postman.is_collection({"openapi": "3.0.3", "info": {}, "item": []})
    assert not postman.is_collection({"info": {"name": "x"}})


def test_requests_become_operations():
    doc = postman.convert(load(FIXTURE)).document
    assert set(doc["paths"]) == {"/plants/{plantId}", "/plants/{plantId}/water", "/health"}
    get = doc["paths"]["/plants/{plantId}"]["get"]
    assert get["parameters"][0] == {"name": "plantId", "in": "path", "required": True, "schema": {"type": "string"}}
    assert get["parameters"][1]["name"] == "fields" and get["parameters"][1]["in"] == "query"
    found = get["responses"]["200"]
    assert found["content"]["application/json"]["example"] == {"id": "p1", "name": "Fern"}
    assert found["headers"]["X-Zone"]["example"] == "north"
    water = doc["paths"]["/plants/{plantId}/water"]["post"]
    assert water["requestBody"]["content"]["application/json"]["example"] == {"litres": 2}
    assert water["security"] == []  # noauth lifts the collection's auth
    assert get["security"] == [{"apikey-header-X-Token": []}]
    assert doc["paths"]["/health"]["get"]["security"] == [{"basic": []}]
    assert doc["components"]["securitySchemes"]["apikey-header-X-Token"] == {
        "type": "apiKey", "in": "header", "name": "X-Token"}


def test_operations_are_located_at_their_item():
    spec = load_spec(FIXTURE, convert=True)
    assert spec.source_format == "postman"
    assert spec.origin("/paths/~1plants~1{plantId}/get/responses/200/content") == "/item/0/item/0/response/0/content"
    assert spec.origin("/paths/~1health/get") == "/item/1"


def test_validate_says_a_collection_is_for_the_mock():
    import pytest

    from accord.errors import DocumentError

    with pytest.raises(DocumentError) as caught:
        load_spec(FIXTURE)
    assert "a Postman collection" in str(caught.value) and "accord mock" in str(caught.value)
    assert caught.value.exit_code == 2


def test_a_url_string_starting_with_a_variable_has_that_variable_as_its_host():
    # Postman's own exports write `"url": "{{baseUrl}}/orders/{{orderId}}"`; the variable is the
    # host (as in the url object form's `host`), not a path parameter `{baseUrl}`.
    item = {"name": "Get order", "response": [], "request": {"method": "GET", "url": "{{baseUrl}}/orders/{{orderId}}"}}
    raw_only = {"name": "List", "response": [], "request": {"method": "GET", "url": {"raw": "{{baseUrl}}/orders?x=1"}}}
    collection = {"info": {"name": "Shop", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/"},
                  "item": [item, raw_only]}
    doc = postman.convert(collection).document
    assert set(doc["paths"]) == {"/orders/{orderId}", "/orders"}
    assert [p["name"] for p in doc["paths"]["/orders/{orderId}"]["get"]["parameters"]] == ["orderId"]


MAILROOM = FIXTURE.parent / "mailroom.json"


def test_a_json_body_implies_its_schema():
    example = {"to": "Ada", "count": 2, "whole": 3.0, "weight": 0.5, "ok": True, "gone": None,
               "tags": ["a", 1], "none": [], "nested": {"points": [{"x": 1}, {"y": 2.5}]}}
    schema = postman.infer_schema(example)
    assert schema == {"type": "object", "properties": {
        "to": {"type": "string"}, "count": {"type": "integer"}, "whole": {"type": "integer"},
        "weight": {"type": "number"}, "ok": {"type": "boolean"}, "gone": {},
        "tags": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "none": {"type": "array"},
        "nested": {"type": "object", "properties": {"points": {"type": "array", "items": {
            "type": "object", "properties": {"x": {"type": "integer"}, "y": {"type": "number"}}}}}},
    }}
    assert "required" not in str(schema)  # an example shows what may be sent, not what must be
    assert postman.infer_schema([1, 2.5]) == {"type": "array", "items": {"type": "number"}}
    assert jsonschema_rs.validator_for(schema).is_valid(example)


def test_requests_with_one_method_and_path_are_one_operation():
    conversion = postman.convert(load(MAILROOM))
    post = conversion.document["paths"]["/letters"]["post"]
    media = post["requestBody"]["content"]["application/json"]
    note, parcel = media["schema"]["anyOf"]
    assert set(note["properties"]) == {"to", "kind", "note", "stamps"}
    assert parcel["properties"]["parcel"] == {"type": "object", "properties": {"grams": {"type": "integer"}}}
    assert list(media["examples"]) == ["send a note", "send a parcel"]  # named after the requests
    assert post["parameters"] == [{"name": "X-Fragile", "in": "header", "schema": {"type": "string"},
                                   "example": "yes", "required": False}]  # only one request sends it
    created = post["responses"]["201"]["content"]["application/json"]
    assert [b["properties"] for b in created["schema"]["anyOf"]] == [
        {"id": {"type": "integer"}, "weight": {"type": "number"}},
        {"id": {"type": "integer"}, "tracking": {"type": "string"}}]
    assert created["examples"] == {"sent": {"value": {"id": 7, "weight": 0.5}},
                                   "shipped": {"value": {"id": 8, "tracking": "TR-8"}}}
    assert conversion.origins["/paths/~1letters/post"] == "/item/0"


def test_saved_responses_with_one_code_are_one_response_with_each_media_type():
    conversion = postman.convert(load(MAILROOM))
    responses = conversion.document["paths"]["/letters/{letterId}"]["get"]["responses"]
    assert set(responses) == {"200", "404"}
    content = responses["200"]["content"]
    assert list(content) == ["application/json", "application/xml", "application/vnd.mail+json"]
    assert content["application/xml"] == {"example": "<letter><id>7</id><to>Ada</to></letter>"}
    assert content["application/vnd.mail+json"]["schema"]["properties"] == {"letter": {"type": "integer"}}
    assert conversion.origins["/paths/~1letters~1{letterId}/get/responses/200/content/application~1xml"] == (
        "/item/2/response/1")


def test_a_form_body_has_the_media_type_its_content_type_header_names():
    doc = postman.convert(load(MAILROOM)).document
    content = doc["paths"]["/scans"]["post"]["requestBody"]["content"]
    assert list(content) == ["multipart/form-data"]  # urlencoded mode, multipart header
    bare = {"info": {"name": "x"}, "item": [{"request": {"method": "POST", "url": {"path": ["f"]}, "body": {
        "mode": "urlencoded", "urlencoded": [{"key": "a", "value": "1"}]}}}]}
    assert list(postman.convert(bare).document["paths"]["/f"]["post"]["requestBody"]["content"]) == [
        "application/x-www-form-urlencoded"]


def test_a_deeply_nested_body_is_inferred_to_a_bounded_depth():
    raw = "[" * 1000 + "]" * 1000  # as deep as a JSON parser takes
    item = {"request": {"method": "POST", "url": {"path": ["deep"]}, "body": {"mode": "raw", "raw": raw},
                        "header": [{"key": "Content-Type", "value": "application/json"}]}}
    doc = postman.convert({"info": {"name": "x"}, "item": [item]}).document
    schema = doc["paths"]["/deep"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    depth = 0
    while schema:
        schema, depth = schema.get("items", {}), depth + 1
    assert depth == postman.INFER_DEPTH + 1


def test_oauth2_is_the_bearer_token_or_access_token_parameter_postman_sends():
    def collection(settings):
        request = {"method": "GET", "url": {"path": ["greenhouses"]}}
        return {"info": {"name": "G"}, "auth": {"type": "oauth2", "oauth2": settings},
                "item": [{"name": "list", "request": request, "response": []}]}

    header = postman.convert(collection([{"key": "addTokenTo", "value": "header"}])).document
    assert header["paths"]["/greenhouses"]["get"]["security"] == [{"oauth2": []}]
    assert header["components"]["securitySchemes"]["oauth2"] == {"type": "http", "scheme": "bearer"}
    default = postman.convert(collection([])).document  # Postman's default is the header
    assert default["components"]["securitySchemes"]["oauth2"] == {"type": "http", "scheme": "bearer"}
    query = postman.convert(collection({"addTokenTo": "queryParams"})).document  # v2.0: a mapping
    assert query["paths"]["/greenhouses"]["get"]["security"] == [{"oauth2-query": []}]
    assert query["components"]["securitySchemes"]["oauth2-query"] == {
        "type": "apiKey", "in": "query", "name": "access_token"}
