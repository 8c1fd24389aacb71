"""mock/routing.py: literal segments first, templates bound per leaf, odd encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.mock.compiler import server_paths
from accord.mock.routing import (
    Fragment,
    PathEncodingError,
    Router,
    query_values,
    split_fragment,
    split_path,
    template_names,
)


def build(*templates: str) -> Router[str]:
    router: Router[str] = Router()
    for template in templates:
        router.add(template, template)
    return router


def matches(router: Router[str], path: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(m.target, m.values) for m in router.match(split_path(path))]


def test_literal_beats_template_regardless_of_declaration_order():
    router = build("/pets/{id}", "/pets/mine")
    assert matches(router, "/pets/mine")[0] == ("/pets/mine", ())
    assert matches(router, "/pets/7") == [("/pets/{id}", ("7",))]


def test_all_matches_best_first():
    router = build("/{a}/b", "/a/{b}")
    assert [t for t, _ in matches(router, "/a/b")] == ["/a/{b}", "/{a}/b"]


def test_partial_segment_templates():
    router = build("/files/{name}.{ext}")
    assert matches(router, "/files/report.pdf") == [("/files/{name}.{ext}", ("report", "pdf"))]
    assert matches(router, "/files/report") == []


def test_segment_count_and_empty_segments_must_match():
    router = build("/pets/{id}")
    assert matches(router, "/pets/") == []
    assert matches(router, "/pets/1/2") == []


def test_encoded_slash_stays_in_its_segment():
    assert split_path("/a/b%2Fc") == ["a", "b/c"]


def test_invalid_utf8_is_an_error():
    with pytest.raises(PathEncodingError):
        split_path("/a/%ff")


def test_template_names_in_order():
    assert template_names("/a/{x}/b/{y}.{z}") == ["x", "y", "z"]


def test_same_shape_with_other_names_keeps_both():
    router = build("/users/{user}/items/{digest}", "/users/{name}/items/{item_id}")
    assert [t for t, _ in matches(router, "/users/u/items/1")] == [
        "/users/{user}/items/{digest}",
        "/users/{name}/items/{item_id}",
    ]


# -- path keys holding `#` (AWS's published documents) -------------------------------------------

def test_split_fragment():
    assert split_fragment("/pets") == ("/pets", None)
    path, fragment = split_fragment("/#X-Amz-Target=Runner.CreateConnection")
    assert path == "/" and fragment is not None
    assert fragment.conditions == (("X-Amz-Target", "Runner.CreateConnection"),)
    path, fragment = split_fragment("/{Bucket}/{Key}#partNumber&uploadId")
    assert path == "/{Bucket}/{Key}" and fragment is not None
    assert fragment.conditions == (("partNumber", None), ("uploadId", None))
    assert split_fragment("/a#") == ("/a", None)


def test_fragment_conditions_read_headers_and_query_where_declared():
    either = Fragment((("X-Amz-Target", "S.Op"),))
    assert either.holds({"x-amz-target": "S.Op"}, {})
    assert either.holds({}, {"X-Amz-Target": ["S.Op"]})
    assert not either.holds({"x-amz-target": "S.Other"}, {})
    header_only = Fragment((("X-Amz-Target", "S.Op"),), ("header",))
    assert not header_only.holds({}, {"X-Amz-Target": ["S.Op"]})
    present = Fragment((("uploads", None),), ("query",))
    assert present.holds({}, query_values(b"uploads"))
    assert present.holds({}, query_values(b"uploads="))
    assert not present.holds({"uploads": "1"}, {})


AWS = Path(__file__).resolve().parents[1] / "fixtures" / "mock-aws-fragments" / "openapi.yaml"
SIGNED = {"Authorization": "AWS4-HMAC-SHA256 Credential=x"}


def test_operations_told_apart_by_x_amz_target(make_client):
    client = make_client(AWS)
    body = {"ConnectionName": "my-github", "ProviderType": "GITHUB"}
    created = client.post("/", json=body, headers={**SIGNED, "X-Amz-Target": "ExampleRunner.CreateConnection"})
    assert created.status_code == 200
    assert set(created.json()) == {"Connection"}
    assert client.mock_app.journal.entries()[-1].operation == "CreateConnection"
    listed = client.post("/", json={}, headers={**SIGNED, "X-Amz-Target": "ExampleRunner.ListConnections"})
    assert listed.status_code == 200
    assert "ConnectionSummaryList" in listed.json()
    # the body is validated against the chosen operation's schema (not a 404)
    invalid = client.post("/", json={}, headers={**SIGNED, "X-Amz-Target": "ExampleRunner.CreateConnection"})
    assert invalid.status_code == 422  # neither 400 nor 422 documented: Prism's choice for a body
    messages = [v["message"] for v in invalid.json()["validation"]]
    assert len(messages) == 2 and "ConnectionName" in messages[0] and "ProviderType" in messages[1]


def test_no_operation_named_is_a_404_saying_what_to_send(make_client):
    client = make_client(AWS)
    for headers in (SIGNED, {**SIGNED, "X-Amz-Target": "ExampleRunner.DeleteEverything"}):
        response = client.post("/", json={}, headers=headers)
        assert response.status_code == 404
        detail = response.json()["detail"]
        assert "X-Amz-Target: ExampleRunner.CreateConnection" in detail
        assert "X-Amz-Target: ExampleRunner.ListConnections" in detail
        # typed as every other route-less 404 of a document without its own problem types (Prism's)
        unknown = client.get("/no/such/path", headers=SIGNED).json()
        assert response.json()["type"] == unknown["type"] == "https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR"
        assert response.json()["title"] == unknown["title"]
    assert client.delete("/", headers=SIGNED).status_code == 405


def test_operations_told_apart_by_query_parameters(make_client):
    client = make_client(AWS)

    def operation(path: str, method: str = "GET") -> tuple[int, str | None]:
        response = client.request(method, path, headers=SIGNED)
        entry = client.mock_app.journal.entries()[-1]
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"] == "text/xml"
        return response.status_code, entry.operation

    assert operation("/photos?uploads") == (200, "ListMultipartUploads")
    assert operation("/photos") == (200, "ListObjects")
    assert operation("/photos/cat.jpg") == (200, "GetObject")
    assert operation("/photos/cat.jpg?uploadId=u1") == (200, "ListParts")
    assert operation("/photos/cat.jpg?uploadId=u1&partNumber=2") == (200, "GetObjectPart")
    assert operation("/photos/cat.jpg?x-id=CopyObject", "PUT") == (200, "CopyObject")
    assert client.put("/photos/cat.jpg", headers=SIGNED).status_code == 404


def test_allow_empty_value_lets_an_empty_query_value_through_and_checks_others(make_client):
    client = make_client(AWS)
    assert client.get("/photos?uploads=", headers=SIGNED).status_code == 200
    wrong = client.get("/photos?uploads=maybe", headers=SIGNED)
    assert wrong.status_code == 422
    assert [v["location"] for v in wrong.json()["validation"]] == [["query", "uploads"], ["query", "uploads"]]


def test_an_empty_segment_fills_a_template_only_when_asked_and_never_last():
    router = build("/groups/{group}/members", "/groups/{group}")
    assert matches(router, "/groups//members") == []
    found = [(m.target, m.values) for m in router.match(split_path("/groups//members"), empty=True)]
    assert found == [("/groups/{group}/members", ("",))]
    assert list(router.match(split_path("/groups/"), empty=True)) == []


def test_an_empty_path_parameter_reaches_its_operation_as_missing(make_client, tmp_path):
    doc = tmp_path / "openapi.yaml"
    doc.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /groups/{group}/members:\n    get:\n"
                   "      parameters: [{name: group, in: path, required: true, schema: {type: string}}]\n"
                   "      responses: {'200': {description: ok,\n"
                   "                          content: {application/json: {schema: {type: array}}}}}\n")
    client = make_client(doc)
    # The operation's own answer to a request without its required parameter (Prism's 422 here,
    # as the operation documents no 400), not a 404 for a path it serves.
    missing = client.get("/groups//members")
    assert missing.status_code == 422
    assert missing.json()["validation"] == [{"location": ["path"], "severity": "Error", "code": "required",
                                            "message": "Request path must have required property 'group'"}]
    assert client.get("/groups/g1/members").status_code == 200
    assert client.get("/groups/").status_code == 404


def test_server_paths():
    templated = {"url": "https://{region}.example.com/{stage}/v1",
                 "variables": {"region": {"default": "eu"}, "stage": {"default": "prod"}}}
    document = {"servers": [{"url": "/api/v3"}, templated, {"url": "https://example.com"},
                            {"url": "https://example.com/{free}"}]}
    assert server_paths(document) == ("/prod/v1", "/api/v3")
    # a network-path reference: a host, then the path
    assert server_paths({"servers": [{"url": "//trials.example.test/v1"}]}) == ("/v1",)


def test_paths_under_the_server_url_are_served_too(make_client):
    """Swagger's Petstore says `servers: [{url: /api/v3}]`: clients built from it call /api/v3/pet/…"""
    client = make_client(Path(__file__).resolve().parents[1] / "fixtures" / "mock-petstore" / "openapi.yaml")
    assert client.get("/pet/10").status_code == 200
    assert client.get("/api/v3/pet/10").status_code == 200
    assert client.get("/api/v3/nothing").status_code == 404
    assert client.get("/api/v4/pet/10").status_code == 404


def test_same_shape_templates_with_the_same_method_answer_as_the_one_the_request_fits(make_client):
    """`PUT /accounts/{accountId}` and `PUT /accounts/{creditAccountId}`: the first is tried first;
    a request it refuses and its twin takes is the twin's, and one neither takes is refused by the first."""
    client = make_client(Path(__file__).resolve().parents[1] / "fixtures" / "mock-twin-templates" / "openapi.yaml")
    assert client.put("/accounts/a1", json={"id": "a1"}).json() == "opened"
    assert client.put("/accounts/a1", json={"email": "e@example.com"}).json() == "updated"
    neither = client.put("/accounts/a1", json={"name": "x"})
    assert neither.status_code == 422  # the first operation's answer: it documents no 4xx
    assert neither.json()["validation"][0]["message"].endswith("must have required property 'id'")
