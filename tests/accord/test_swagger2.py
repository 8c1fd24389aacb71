"""accord/swagger2.py: Swagger 2.0 converted to OpenAPI 3.0, each part traced back to its 2.0 source."""

from __future__ import annotations

from pathlib import Path

from accord import swagger2
from accord.documents import load
from accord.loading import load_spec

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mock-swagger2" / "openapi.yaml"


def converted() -> dict:
    return swagger2.convert(load(FIXTURE)).document


def test_components_and_references_move():
    doc = converted()
    assert doc["openapi"] == "3.0.3"
    assert doc["components"]["schemas"]["Book"]["properties"]["subtitle"] == {"type": "string", "nullable": True}
    assert doc["components"]["parameters"]["Limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 50}
    body = doc["components"]["requestBodies"]["NewBook"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Book"}
    assert body["required"] is True
    post = doc["paths"]["/books"]["post"]
    # a referenced body parameter is written out: the operation's own `consumes` may differ
    assert post["requestBody"] == body
    assert "parameters" not in post
    assert doc["components"]["securitySchemes"]["Key"] == {"type": "apiKey", "name": "X-Key", "in": "header"}
    assert doc["servers"] == [{"url": "https://books.example.test/v1"}]


def test_parameters_responses_and_forms():
    doc = converted()
    tags = doc["paths"]["/books"]["get"]["parameters"][1]
    assert tags["schema"] == {"type": "array", "items": {"type": "string"}}
    assert (tags["style"], tags["explode"]) == ("pipeDelimited", False)
    ok = doc["paths"]["/books"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["example"][0]["title"] == "Dune"
    assert ok["schema"]["items"] == {"$ref": "#/components/schemas/Book"}
    created = doc["paths"]["/books"]["post"]["responses"]["201"]
    assert created["headers"]["X-Rate"] == {"schema": {"type": "integer"}, "example": 100}
    cover = doc["paths"]["/books/{isbn}/cover"]
    assert cover["parameters"][0]["schema"] == {"type": "string"}
    form = cover["put"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["image"] == {"type": "string", "format": "binary"}
    assert form["properties"]["caption"]["minLength"] == 1  # allowEmptyValue: false
    assert form["required"] == ["image"]
    assert "content" not in cover["put"]["responses"]["204"]


def test_source_is_not_changed():
    source = load(FIXTURE)
    swagger2.convert(source)
    assert source == load(FIXTURE)


def test_pointers_lead_back_to_the_2_0_source():
    spec = load_spec(FIXTURE, convert=True)
    assert (spec.version, spec.source_format) == ("3.0", "2.0")
    cases = {
        "/components/schemas/Book/properties/title": "/definitions/Book/properties/title",
        "/paths/~1books/get/responses/200/content/application~1json/schema/items":
            "/paths/~1books/get/responses/200/schema/items",
        "/paths/~1books~1{isbn}/get/responses/200/content/application~1json/example":
            "/paths/~1books~1{isbn}/get/responses/200/examples/application~1json",
        "/paths/~1books/get/parameters/1/schema/items": "/paths/~1books/get/parameters/1/items",
        "/components/requestBodies/NewBook": "/parameters/NewBook",
        "/components/securitySchemes/Key": "/securityDefinitions/Key",
    }
    for new, old in cases.items():
        assert spec.origin(new) == old
    file, pointer = spec.locate("/components/schemas/Book/properties/title")
    assert file.endswith("mock-swagger2/openapi.yaml") and pointer == "/definitions/Book/properties/title"


def test_without_convert_a_2_0_document_stays_2_0():
    spec = load_spec(FIXTURE)
    assert spec.version == "2.0" and spec.source_format is None


def test_an_example_keyed_by_a_range_is_the_example_of_the_produced_types_it_covers():
    source = load(FIXTURE.parents[1] / "mock-negotiation" / "swagger.yaml")
    spec = load_spec(FIXTURE.parents[1] / "mock-negotiation" / "swagger.yaml", convert=True)
    content = swagger2.convert(source).document["paths"]["/greeting"]["get"]["responses"]["200"]["content"]
    assert content == {"text/plain": {"example": "good morning"},
                       "application/json": {"example": {"text": "good morning"}}}  # no `*/*` of its own
    assert spec.origin("/paths/~1greeting/get/responses/200/content/text~1plain/example") == \
        "/paths/~1greeting/get/responses/200/examples/*~1*"


def test_x_nullable_is_converted_under_dependencies_and_additional_items():
    schema = {"type": "object",
              "dependencies": {"card": {"properties": {"billing": {"type": "string", "x-nullable": True}}},
                               "a": ["b"]},
              "properties": {"pair": {"type": "array", "items": [{"type": "string"}],
                                      "additionalItems": {"type": "integer", "x-nullable": True}}}}
    source = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
              "definitions": {"Order": schema}}
    order = swagger2.convert(source).document["components"]["schemas"]["Order"]
    assert order["dependencies"]["card"]["properties"]["billing"] == {"type": "string", "nullable": True}
    assert order["dependencies"]["a"] == ["b"]
    assert order["properties"]["pair"]["additionalItems"] == {"type": "integer", "nullable": True}
