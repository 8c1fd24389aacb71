"""accord/postman.py: a Postman collection as the OpenAPI 3.0 document the mock serves."""

from __future__ import annotations

from pathlib import Path

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
