"""mock/compiler.py: routes at start-up, operations prepared once, located findings."""

from __future__ import annotations

import orjson
import pytest
from conftest import PETS

from accord.errors import FindingsError
from accord.loading import load_spec
from accord.mock.compiler import CompiledApi
from accord.mock.generation import Generator
from accord.mock.testing import mock_client
from accord.schemas import SchemaCompiler


def compiled(path=PETS) -> CompiledApi:
    spec = load_spec(path)
    return CompiledApi(
        spec.document, spec.version, generator=Generator(spec.document, spec.version), locate=spec.locate_finding
    )


def test_start_up_builds_routes_only():
    api = compiled()
    assert len(api.operations) == 8
    assert not any(op.prepared for op in api.operations)
    assert api.findings == []


def test_prepare_is_done_once_and_reports_once():
    api = compiled()
    op = next(o for o in api.operations if o.label == "getPet")
    api.prepare(op)
    api.prepare(op)
    assert [f.rule for f in api.findings] == ["mock-example-invalid"]
    assert set(op.responses) == {"200", "default"} and op.default_key == "200"
    assert op.parameters[0].name == "petId" and op.parameters[0].required


def test_security_inherits_and_overrides():
    api = compiled()
    by_label = {op.label: op for op in api.operations}
    assert by_label["listPets"].security.alternatives == ()
    assert [c.name for c in by_label["createPet"].security.alternatives[0]] == ["ApiKey"]
    assert len(by_label["myPets"].security.alternatives) == 2


@pytest.mark.parametrize(
    ("document", "rule"),
    [
        ({"swagger": "2.0", "paths": {}}, "mock-version"),
        ({"openapi": "3.0.3", "paths": []}, "mock-paths"),
    ],
)
def test_documents_that_cannot_be_served(document, rule):
    version = "2.0" if "swagger" in document else "3.0"
    with pytest.raises(FindingsError) as caught:
        CompiledApi(document, version, generator=None)
    assert caught.value.findings[0].rule == rule


@pytest.mark.parametrize(
    ("document", "pointer"),
    [
        ("openapi: 3.0.3\ninfo: {title: Nothing public, version: '1'}\npaths: {}\n", "/paths"),
        ("openapi: 3.1.0\ninfo: {title: Notifications, version: '1'}\n"
         "webhooks:\n"
         "  paymentDone:\n"
         "    post:\n"
         "      requestBody: {content: {application/json: {schema: {type: object}}}}\n"
         "      responses: {'200': {description: received}}\n", "/webhooks"),
    ],
)
def test_a_document_without_operations_starts_and_answers_404(make_client, tmp_path, document, pointer):
    """3.0's `paths` may be empty (APIs.guru holds several such documents) and a 3.1 document may
    describe only the webhooks an API sends (Adyen's notification APIs): valid, with nothing to
    answer. The mock starts, warns once, and every path is a 404."""
    path = tmp_path / "openapi.yaml"
    path.write_text(document)
    client = make_client(path)
    assert [(f.rule, f.severity, f.pointer) for f in client.mock_app.api.findings] == [
        ("mock-no-operations", "warning", pointer)
    ]
    answer = client.post("/paymentDone", json={})
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


def test_uncompilable_schema_is_reported_not_fatal():
    document = {
        "openapi": "3.0.3",
        "paths": {
            "/x": {
                "get": {
                    "parameters": [{"name": "q", "in": "query", "schema": {"type": 5}}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    api = CompiledApi(document, "3.0", generator=Generator(document, "3.0"))
    api.prepare_all()
    assert [f.rule for f in api.findings] == ["mock-schema-invalid"]
    assert api.findings[0].pointer == "/paths/~1x/get/parameters/0/schema"


def test_unreadable_pattern_is_a_located_warning_and_the_rest_is_checked(tmp_path):
    """A pattern without a faithful ECMA reading (`\\p` with no name, AWS IoT Jobs) is left out:
    a warning at the pattern, and the parameter's other keywords still answer 422."""
    document = {
        "openapi": "3.0.3",
        "paths": {
            "/x": {
                "get": {
                    "parameters": [{"name": "q", "in": "query", "required": True,
                                    "schema": {"type": "string", "maxLength": 4, "pattern": r"[^\p\{C\}]*\+"}}],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"example": 1}}}},
                }
            }
        },
    }
    path = tmp_path / "openapi.json"
    path.write_bytes(orjson.dumps(document))
    with mock_client(path, eager=True) as client:
        findings = client.mock_app.api.findings
        assert [(f.rule, f.severity, f.pointer, f.line) for f in findings] == [
            ("mock-pattern-unread", "warning", "/paths/~1x/get/parameters/0/schema/pattern", 1)]
        assert "\\p is not followed by a property name" in findings[0].message
        assert client.get("/x", params={"q": "abc"}).status_code == 200
        assert client.get("/x", params={"q": "abcdef"}).status_code == 422


def test_a_translated_pattern_is_quoted_as_the_document_writes_it(tmp_path):
    """The validator runs `[0-9A-Fa-f]{4}`; the 422 quotes `\\p{XDigit}{4}`, the contract's words."""
    document = {
        "openapi": "3.0.3",
        "paths": {"/x": {"get": {
            "parameters": [{"name": "q", "in": "query", "required": True,
                            "schema": {"type": "string", "pattern": r"^\p{XDigit}{4}$"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"example": 1}}}},
        }}},
    }
    path = tmp_path / "openapi.json"
    path.write_bytes(orjson.dumps(document))
    with mock_client(path) as client:
        assert client.get("/x", params={"q": "beef"}).status_code == 200
        answer = client.get("/x", params={"q": "beer"})
    assert answer.status_code == 422
    assert [v["message"] for v in answer.json()["validation"]] == [
        'Request query parameter q must match pattern "^\\p{XDigit}{4}$"']


def test_a_schema_several_operations_share_is_compiled_once():
    # Every operation answers `default` with the same component, as real documents do (Stripe's
    # `error` under each of its 452 operations): one validator, for the mock and its generator.
    error = {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}

    def default():
        schema = {"$ref": "#/components/schemas/Error"}
        return {"description": "error", "content": {"application/json": {"schema": schema}}}

    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {f"/r{n}": {"get": {"responses": {"200": {"description": "ok"}, "default": default()}}}
                  for n in range(3)},
        "components": {"schemas": {"Error": error}},
    }
    schemas = SchemaCompiler(document, "3.0", openapi_formats=True)
    generator = Generator(document, "3.0", compiler=schemas.sibling(openapi_formats=False))
    api = CompiledApi(document, "3.0", generator=generator, schemas=schemas)
    api.prepare_all()
    schemas = [op.responses["default"].contents[0].schema for op in api.operations]
    assert len({id(s) for s in schemas}) == 3  # three dicts in the document…
    validators = {id(api.schemas.validator(s, "response")) for s in schemas}
    assert len(validators) == 1  # …one validator
    assert generator.compiler.validator(schemas[0], "response") is api.schemas.validator(schemas[2], "response")
    assert len(api.schemas.shared) == 1
