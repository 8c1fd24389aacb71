"""Round trips through the ASGI app: the pipeline from routing to rendering."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import orjson
import pytest
from conftest import KEY, PETS_31

from accord.loading import load_spec
from accord.mock.testing import serve_mock
from accord.schemas import SchemaCompiler


def problem_of(response) -> dict:
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


def test_get_serves_the_first_example_with_declared_headers(pets):
    response = pets.get("/pets")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == [{"id": 1, "name": "Tom", "kind": "cat"}, {"id": 2, "name": "Rex", "kind": "dog"}]
    assert response.headers["x-total"] == "2"


def test_request_id_is_echoed_when_the_contract_declares_it(pets):
    sent = "0b5c3f4e-1a2b-4c3d-9e8f-0123456789ab"
    assert pets.get("/pets", headers={"X-Request-ID": sent}).headers["x-request-id"] == sent
    fresh = pets.get("/pets").headers["x-request-id"]
    assert fresh != sent and len(fresh) == 36


def test_request_id_that_breaks_the_header_schema_is_not_echoed(pets):
    assert pets.get("/pets", headers={"X-Request-ID": "not a uuid"}).headers["x-request-id"] != "not a uuid"


def test_unknown_path_is_a_404_problem(pets):
    response = pets.get("/nowhere")
    assert response.status_code == 404
    assert problem_of(response)["status"] == 404


def test_wrong_method_is_405_with_allow(pets):
    response = pets.put("/pets")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"  # the methods the document declares, no more
    assert problem_of(response)["status"] == 405


def test_literal_path_beats_template(pets):
    response = pets.get("/pets/mine", headers={"Authorization": "Bearer t"})
    assert response.status_code == 200
    assert response.json() == []


def test_head_where_the_document_declares_none_is_405(pets):
    response = pets.head("/pets")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.content == b""


def test_invalid_query_lists_every_violation_in_a_documented_400(pets):
    response = pets.get("/pets?limit=0&ids=1|x&filter[kind]=bird")
    assert response.status_code == 400  # 422 is not documented for listPets; 400 is
    body = problem_of(response)
    assert body["status"] == 400
    located = {(e["parameter"], e["in"]) for e in body["errors"]}
    assert located == {("limit", "query"), ("ids", "query"), ("filter", "query")}
    header = json.loads(response.headers["sl-violations"])
    assert {tuple(v["location"][:3]) for v in header} >= {("request", "query", "limit")}
    assert all(v["severity"] == "Error" for v in header)
    assert "x-request-id" in response.headers


def test_header_parameter_is_coerced_and_validated(pets):
    assert pets.get("/pets", headers={"X-Trace": "12"}).status_code == 200
    response = pets.get("/pets", headers={"X-Trace": "twelve"})
    assert response.status_code == 400
    assert problem_of(response)["errors"][0]["parameter"] == "X-Trace"


def test_deprecated_parameter_is_a_warning_in_sl_violations(pets):
    response = pets.get("/pets?old=1")
    assert response.status_code == 200
    assert json.loads(response.headers["sl-violations"])[0]["severity"] == "Warning"


def test_valid_post(pets):
    response = pets.post("/pets", json={"name": "Kit", "kind": "cat"}, headers=KEY)
    assert response.status_code == 201
    assert response.json() == {"id": 3, "name": "Kit", "kind": "cat"}


def test_form_body_is_coerced_and_validated(pets):
    ok = pets.post("/pets", data={"name": "Kit", "kind": "cat", "age": "3"}, headers=KEY)
    assert ok.status_code == 201
    bad = pets.post("/pets", data={"name": "Kit", "kind": "cat", "age": "old"}, headers=KEY)
    assert bad.status_code == 422
    assert problem_of(bad)["errors"] == [
        {"pointer": "#/age", "in": "body", "detail": bad.json()["errors"][0]["detail"]}
    ]


def test_invalid_body_fills_the_documented_problem_with_all_violations(pets):
    response = pets.post("/pets", json={"name": "", "kind": "bird", "extra": 1}, headers=KEY)
    assert response.status_code == 422
    body = problem_of(response)
    pointers = sorted(e["pointer"] for e in body["errors"])
    assert pointers == ["#/extra", "#/kind", "#/name"]  # an unexpected property is pointed at itself
    schema = load_spec(pets.mock_app.api.document and "tests/fixtures/mock-pets/openapi.yaml").document["components"][
        "schemas"
    ]["Problem"]
    assert SchemaCompiler({"components": {}}, "3.0").is_valid(schema, body)


def test_malformed_json_is_400_or_documented_422(pets):
    response = pets.post("/pets", content=b'{"name": NaN}', headers={**KEY, "Content-Type": "application/json"})
    assert response.status_code == 422  # 400 is not documented for createPet; 422 is
    assert "not valid JSON" in problem_of(response)["detail"]


def test_invalid_utf8_body_is_rejected(pets):
    response = pets.post("/pets", content=b'{"name": "\xff"}', headers={**KEY, "Content-Type": "application/json"})
    assert response.status_code == 422
    assert "UTF-8" in problem_of(response)["detail"]


def test_deeply_nested_body_is_a_4xx(pets):
    deep = b"[" * 100_000 + b"]" * 100_000
    response = pets.post("/pets", content=deep, headers={**KEY, "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500


def test_missing_body_is_required(pets):
    response = pets.post("/pets", headers=KEY)
    assert response.status_code == 422
    assert problem_of(response)["errors"][0]["pointer"] == "#"


def test_undeclared_content_type_is_415_generic_when_undocumented(pets, caplog):
    response = pets.post("/pets", content=b"name=x", headers={**KEY, "Content-Type": "text/plain"})
    # createPet documents 422 (the next candidate after 415), so 422 is chosen
    assert response.status_code == 422
    assert "text/plain" in problem_of(response)["detail"]


def test_body_over_the_limit_is_413(make_client):
    client = make_client()
    client.mock_app.max_body = 10
    response = client.post("/pets", json={"name": "Kittycat", "kind": "cat"}, headers=KEY)
    assert response.status_code == 413


def test_missing_api_key_is_a_documented_401(pets):
    response = pets.post("/pets", json={"name": "Kit", "kind": "cat"})
    assert response.status_code == 401
    assert problem_of(response)["errors"][0] == {
        "parameter": "X-API-Key",
        "in": "header",
        "detail": "ApiKey: the header parameter 'X-API-Key' is missing",
    }
    assert response.headers["www-authenticate"].startswith("ApiKey")


def test_configured_keys_reject_a_wrong_key(make_client):
    client = make_client(api_keys=["right"])
    assert client.post("/pets", json={"name": "K", "kind": "cat"}, headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.post("/pets", json={"name": "K", "kind": "cat"}, headers={"X-API-Key": "right"}).status_code == 201


def test_keys_from_the_environment(make_client, monkeypatch):
    monkeypatch.setenv("ACCORD_API_KEYS", "a, b")
    client = make_client()
    assert client.post("/pets", json={"name": "K", "kind": "cat"}, headers={"X-API-Key": "b"}).status_code == 201
    assert client.post("/pets", json={"name": "K", "kind": "cat"}, headers={"X-API-Key": "c"}).status_code == 401


def test_security_alternatives_or_of_ands(pets):
    assert pets.get("/pets/mine").status_code == 401
    assert pets.get("/pets/mine", headers=KEY).status_code == 401  # ApiKey AND Basic
    basic = "Basic dXNlcjpwYXNz"  # user:pass
    assert pets.get("/pets/mine", headers={**KEY, "Authorization": basic}).status_code == 200
    challenge = pets.get("/pets/mine").headers["www-authenticate"]
    assert "Bearer" in challenge and "Basic" in challenge


def test_prefer_code_and_example(pets):
    assert pets.get("/pets", headers={"Prefer": "example=empty"}).json() == []
    forced = pets.get("/pets", headers={"Prefer": "code=404"})
    assert forced.status_code == 404 and forced.json()["status"] == 404
    assert pets.get("/pets?__example=empty").json() == []
    assert pets.get("/pets?__code=404").status_code == 404


def test_prefer_header_wins_all_or_nothing(pets):
    response = pets.get("/pets?__example=empty", headers={"Prefer": "code=200"})
    assert response.json() != []


def test_unknown_forced_code_or_example_is_404(pets):
    assert problem_of(pets.get("/pets", headers={"Prefer": "code=418"}))["status"] == 404
    assert problem_of(pets.get("/pets", headers={"Prefer": "example=nope"}))["status"] == 404


def test_invalid_prefer_value_is_a_documented_4xx(pets):
    response = pets.get("/pets", headers={"Prefer": "code=abc"})
    assert response.status_code == 400
    assert problem_of(response)["errors"][0]["parameter"] == "Prefer"


def test_forced_code_through_default(pets):
    response = pets.get("/pets/7", headers={"Prefer": "code=503"})
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"


def test_accept_negotiation(pets):
    csv = pets.get("/pets", headers={"Accept": "text/csv"})
    assert csv.headers["content-type"] == "text/csv" and csv.text.startswith("id,name")
    assert (
        pets.get("/pets", headers={"Accept": "text/csv;q=0.1, application/json"}).headers["content-type"]
        == "application/json"
    )
    assert pets.get("/pets", headers={"Accept": "image/png"}).status_code == 406


def test_invalid_example_is_replaced_and_reported_once_with_its_line(pets):
    response = pets.get("/pets/7")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body["id"], int)  # never the invalid "not-an-integer"
    findings = [f for f in pets.mock_app.api.findings if f.rule == "mock-example-invalid"]
    assert len(findings) == 1
    assert (
        findings[0].file.endswith("mock-pets/openapi.yaml") and findings[0].line == 97
    )  # "value: {id: \"not-an-integer\", ...}"
    assert pets.get("/pets/7", headers={"Prefer": "example=good"}).json()["id"] == 7


def test_invalid_path_parameter(pets):
    response = pets.get("/pets/0")
    assert response.status_code == 400  # served through `default` (400 is tried first)
    assert problem_of(response)["errors"][0]["parameter"] == "petId"


def test_response_without_content(pets):
    response = pets.delete("/pets/3")
    assert response.status_code == 204 and response.content == b""


def test_multipart_body(pets):
    ok = pets.post("/uploads", data={"title": "hello", "count": "2"}, files={"file": ("a.bin", b"\x00\x01")})
    assert ok.status_code == 200
    bad = pets.post("/uploads", data={"title": "h", "count": "x"}, files={"file": ("a.bin", b"\x00")})
    assert bad.status_code == 400
    assert sorted(e["pointer"] for e in bad.json()["errors"]) == ["#/count", "#/title"]


def test_path_styles(pets):
    assert pets.get("/labels/.1,2").status_code == 200
    assert pets.get("/labels/1,2").status_code == 400
    assert pets.get("/matrix/;x=1;y=2").status_code == 200
    assert pets.get("/matrix/;x=a;y=2").status_code == 400


def test_odd_path_encodings_are_4xx(pets):
    assert pets.get("/pets/%ff").status_code == 400
    assert pets.get("/pets/1%2F2").status_code == 400  # one segment "1/2": not an integer


def test_dynamic_with_seed_is_deterministic_and_valid(make_client):
    client = make_client(dynamic=True)
    first = client.get("/pets/7", headers={"Prefer": "seed=42"}).json()
    again = client.get("/pets/7", headers={"Prefer": "seed=42"}).json()
    assert first == again
    assert isinstance(first["id"], int) and first["kind"] in ("cat", "dog")


def test_cors_preflight_and_headers(pets):
    response = pets.options("/anything", headers={"Origin": "http://web", "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-methods"] == "POST"
    assert pets.get("/pets", headers={"Origin": "http://web"}).headers["access-control-allow-origin"] == "http://web"


def test_cors_off(make_client):
    client = make_client(cors=False)
    assert "access-control-allow-origin" not in client.get("/pets").headers
    assert client.options("/pets", headers={"Origin": "x", "Access-Control-Request-Method": "GET"}).status_code == 405


def test_swagger_ui_and_served_document(pets):
    assert "swagger-ui" in pets.get("/__accord/docs").text
    assert pets.get("/__accord/docs/swagger-ui-bundle.js").status_code == 200
    assert pets.get("/__accord/openapi.json").json()["info"]["title"] == "Pets (mock fixture)"


def test_journal_records_requests(pets):
    pets.get("/pets?limit=2")
    pets.post("/pets", json={"name": "K", "kind": "cat"}, headers=KEY)
    journal = pets.mock_app.journal
    assert [e.status for e in journal.calls("createPet")] == [201]
    assert journal.calls("GET /pets")[0].query == "limit=2"
    assert journal.calls("POST /pets")[0].json() == {"name": "K", "kind": "cat"}


def test_validation_can_be_turned_off(make_client):
    client = make_client(validate_requests=False)
    assert client.get("/pets?limit=0").status_code == 200


# -- OpenAPI 3.1 -------------------------------------------------------------------------------
@pytest.fixture
def pets31(make_client):
    return make_client(PETS_31)


def test_31_type_lists_and_invalid_schema_examples(pets31):
    body = pets31.get("/pets/1").json()
    assert body["id"] > 0 and body["name"] == "Tom"
    assert any(f.rule == "mock-example-invalid" for f in pets31.mock_app.api.findings)


def test_31_null_query_and_exclusive_minimum(pets31):
    assert pets31.get("/pets/1?note=null").status_code == 200
    response = pets31.get("/pets/0")
    assert response.status_code == 422
    assert response.json() == {"status": 422}  # filled problem does not fit: the documented example
    assert json.loads(response.headers["sl-violations"])[0]["location"] == ["request", "path", "petId"]


def test_no_500_on_garbage(pets):
    for raw in (b"\x00\x01", b"{", b"[1,2", b'"x"', b"1e999", b"{}" * 10):
        response = pets.post("/pets", content=raw, headers={**KEY, "Content-Type": "application/json"})
        assert 400 <= response.status_code < 500, raw
        orjson.loads(response.content)


def test_integers_beyond_64_bits_stay_integers(pets):
    big = b'{"name": "Kit", "kind": "cat", "age": 3083385274218551091025076551680}'
    assert pets.post("/pets", content=big, headers={**KEY, "Content-Type": "application/json"}).status_code == 201
    constant = b'{"name": "Kit", "kind": "cat", "age": 30833852742185510910, "x": NaN}'
    assert pets.post("/pets", content=constant, headers={**KEY, "Content-Type": "application/json"}).status_code == 422


def test_declared_framing_headers_are_not_copied(make_client, tmp_path):
    doc = tmp_path / "openapi.yaml"
    doc.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
        "        '200':\n          description: ok\n          headers:\n"
        "            Content-Length: {schema: {type: integer}, example: 2}\n"
        "            X-Rate: {schema: {type: integer}, example: 5}\n"
        "          content: {application/json: {schema: {type: object}, example: {k: 1}}}\n"
    )
    response = make_client(doc).get("/a")
    assert response.headers["content-length"] == str(len(response.content)) and response.headers["x-rate"] == "5"


def test_named_error_example_when_code_names_the_chosen_status(pets):
    forced = pets.get("/pets?limit=0", headers={"Prefer": "code=400, example=unknown"})
    assert forced.status_code == 404  # no such example: what a valid request gets for it (Prism)
    assert "exampleKey: unknown does not exist" in forced.json()["detail"]
    named = pets.get("/pets?limit=0", headers={"Prefer": "code=400, example=plain"})
    assert named.json() == {"type": "about:blank", "title": "Bad Request", "status": 400}
    ignored = pets.get("/pets?limit=0", headers={"Prefer": "code=200, example=plain"})
    assert ignored.status_code == 400 and "errors" in ignored.json()
    doc = pets.get("/__accord/openapi.json").json()
    assert doc["servers"] == [{"url": "/", "description": "accord mock"}]


def test_server_seed_makes_the_dynamic_sequence_reproducible(make_client):
    first = make_client(dynamic=True, seed=11)
    second = make_client(dynamic=True, seed=11)
    bodies = [first.get("/pets/7").json() for _ in range(3)]
    assert bodies == [second.get("/pets/7").json() for _ in range(3)]
    assert len({str(b) for b in bodies}) > 1  # a sequence, not one body repeated


def test_operation_without_responses_answers_204(make_client, tmp_path):
    doc = tmp_path / "openapi.yaml"
    doc.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post: {operationId: quiet}\n")
    client = make_client(doc)
    assert client.post("/a").status_code == 204
    assert [f.rule for f in client.mock_app.api.findings] == ["mock-no-responses"]


def test_answers_no_operation_describes_carry_a_request_id(pets):  # type: ignore[no-untyped-def]
    """405/404 are not in any operation: still problem+json with request_id = X-Request-ID."""
    echoed = pets.request("TRACE", "/pets", headers={"X-Request-ID": "web-7f3a1c"})
    assert echoed.status_code == 405
    assert echoed.headers["x-request-id"] == "web-7f3a1c"
    assert echoed.json()["request_id"] == "web-7f3a1c"
    fresh = pets.get("/nowhere", headers={"X-Request-ID": "has spaces/and slashes"})
    assert fresh.status_code == 404
    assert fresh.headers["x-request-id"] != "has spaces/and slashes"
    assert fresh.json()["request_id"] == fresh.headers["x-request-id"]


def test_filled_problem_is_named_as_the_contract_names_it(make_client):  # type: ignore[no-untyped-def]
    """The shared contract's 400 example says validation-error: the mock's filled problem does too."""
    contract = make_client(Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml")
    response = contract.post(
        "/v1/models/iris-classifier/predict",
        json={"instances": [{"sepal_length_cm": "5.1", "sepal_width_cm": 3.5, "petal_length_cm": 1.4}]},
        headers={"X-API-Key": "accord-dev-key"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "https://ml.example.com/problems/validation-error"
    assert {e["pointer"] for e in body["errors"]} == {"#/instances/0/petal_width_cm", "#/instances/0/sepal_length_cm"}


def test_every_answer_names_the_served_document(pets):
    """RFC 8631 `service-desc`: a client finds the document without probing (the demo page does)."""
    for response in (pets.get("/pets"), pets.get("/nowhere"), pets.get("/__accord/openapi.json")):
        assert response.headers["link"] == '</__accord/openapi.json>; rel="service-desc"'
    assert pets.get("/__accord/openapi.json").json()["openapi"].startswith("3.")


CONTAINS_31 = Path(__file__).resolve().parents[1] / "fixtures" / "mock-array-contains-31" / "openapi.yaml"


@pytest.mark.parametrize("dynamic", ["false", "true"])
def test_arrays_with_contains_get_valid_bodies(make_client, dynamic):  # type: ignore[no-untyped-def]
    """`contains` + `minContains: 3` (the example breaks it): valid generated data, never an empty 200."""
    client = make_client(CONTAINS_31)
    schemas = client.mock_app.api.schemas
    for path in ("/statuses", "/tags"):
        response = client.get(path, headers={"Prefer": f"dynamic={dynamic}"})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        schema = client.mock_app.api.document["paths"][path]["get"]["responses"]["200"]["content"][
            "application/json"]["schema"]
        assert schemas.is_valid(schema, response.json(), "response"), response.json()
    assert [f.rule for f in client.mock_app.api.findings] == ["mock-example-invalid"]


def test_a_body_nothing_can_render_is_a_500_problem_not_an_empty_200(make_client, tmp_path):  # type: ignore[no-untyped-def]
    doc = tmp_path / "openapi.yaml"
    doc.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
        "        '200':\n          description: impossible\n          content:\n            application/json:\n"
        "              schema: {type: string, minLength: 5, maxLength: 2}\n"
    )
    client = make_client(doc)
    response = client.get("/a")
    assert response.status_code == 500
    assert problem_of(response)["detail"].endswith(
        "matches the schema at /paths/~1a/get/responses/200/content/application~1json (see its log)")
    assert "mock-generation-failed" in [f.rule for f in client.mock_app.api.findings]


def test_an_unrenderable_success_falls_back_to_a_documented_answer(make_client, tmp_path):  # type: ignore[no-untyped-def]
    """AWS's AppRunner: a 32-character id holding an unanchored 36-character UUID pattern."""
    doc = tmp_path / "openapi.yaml"
    doc.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
        "        '200':\n          description: impossible\n          content:\n            application/json:\n"
        "              schema: {type: string, minLength: 32, maxLength: 32, pattern: '[0-9a-f]{8}-[0-9a-f]{4}-"
        "[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'}\n"
        "        '480':\n          description: InvalidRequestException\n          content:\n"
        "            application/json:\n              schema: {type: object, properties: {Message: {type: string}}}\n"
        "        '500':\n          description: Internal\n          content:\n            application/json:\n"
        "              schema: {type: object, required: [Message], properties: {Message: {type: string}}}\n"
    )
    client = make_client(doc)
    response = client.get("/a")
    assert response.status_code == 500
    assert set(response.json()) == {"Message"}
    assert "mock-fallback" in [f.rule for f in client.mock_app.api.findings]
    assert client.get("/a", headers={"Prefer": "code=200"}).status_code == 500  # asked for: the problem


def test_head_is_served_only_where_the_document_declares_it():
    """Over HTTP: HEAD on a path whose item declares only GET is 405 naming GET, without a body."""
    with serve_mock(Path(__file__).resolve().parents[1] / "fixtures" / "mock-negotiation" / "openapi.yaml") as mock:
        refused = httpx.head(mock.url + "/reports/7")
        served = httpx.head(mock.url + "/ping")
    assert refused.status_code == 405 and refused.headers["allow"] == "GET" and refused.content == b""
    assert served.status_code == 200 and served.content == b""
