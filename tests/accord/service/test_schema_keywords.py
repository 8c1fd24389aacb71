"""accord/service/validation.py: OpenAPI-only keywords (`example`, `nullable`, `discriminator`)
are left out where they are keywords, never where they are the names of object properties or
the content of an `enum` value; a recursive response schema (Connexion hands it over as a dict
that contains itself) is checked, not answered 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from accord.contract_tests.serving import serve_app
from accord.service.app import close_app, create_app
from accord.service.validation import as_draft4

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT = ROOT / "tests" / "fixtures" / "service-keyword-named-properties" / "openapi.yaml"
HANDLERS = '''from typing import Any



def create_sample(body: Any) -> Any:
    return len(body), 201


def get_forest(broken: bool) -> Any:
    leaf: dict[str, Any] = {"children": []} if broken else {"name": "leaf", "children": []}
    return {"name": "root", "children": [{"name": "branch", "children": [leaf]}]}
'''


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    package = tmp_path_factory.mktemp("project") / "keywords"
    (package / "handlers").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "handlers" / "__init__.py").write_text("")
    (package / "handlers" / "default.py").write_text(HANDLERS)
    app = create_app(spec_path=DOCUMENT, app=str(package), api_keys=[], validate_responses=True)
    try:
        with serve_app(app) as url:
            yield url + "/v1"
    finally:
        close_app(app)


def _pointers(response: requests.Response) -> list[str]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return sorted(e["pointer"] for e in response.json()["errors"])


def test_a_property_named_like_a_keyword_is_checked(service: str) -> None:
    accepted = requests.post(service + "/samples", json={"example": "a", "nullable": True, "discriminator": 7},
                             timeout=10)
    assert (accepted.status_code, accepted.json()) == (201, 3)
    refused = requests.post(service + "/samples", json={"example": 1, "nullable": "yes", "discriminator": 2**31},
                            timeout=10)
    assert _pointers(refused) == ["#/discriminator", "#/example", "#/nullable"]
    missing = requests.post(service + "/samples", json={"nullable": False}, timeout=10)
    assert _pointers(missing) == ["#/example"]
    assert "required" in missing.json()["errors"][0]["detail"]


def test_an_enum_value_is_compared_as_written(service: str) -> None:
    for shape in ({"kind": "square", "example": 1}, {"type": "integer", "format": "int32"}):
        accepted = requests.post(service + "/samples", json={"example": "a", "shape": shape}, timeout=10)
        assert accepted.status_code == 201, (shape, accepted.text)
    refused = requests.post(service + "/samples", json={"example": "a", "shape": {"kind": "square"}}, timeout=10)
    assert _pointers(refused) == ["#/shape"]


def test_a_recursive_response_schema_is_checked(service: str) -> None:
    answered = requests.get(service + "/forest", timeout=10)
    assert answered.status_code == 200, answered.text
    assert answered.json()["children"][0]["children"][0]["name"] == "leaf"
    refused = requests.get(service + "/forest", params={"broken": "true"}, timeout=10)
    assert refused.status_code == 500, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_only_keywords_are_left_out() -> None:
    schema = {"type": "object", "nullable": True, "example": {"example": 1}, "discriminator": {"propertyName": "x"},
              "properties": {"example": {"type": "string", "example": "e"}, "nullable": {"type": "boolean"},
                             "discriminator": {"type": "integer", "nullable": True}},
              "enum": [{"example": 1, "nullable": True}, None], "default": {"discriminator": "d"}}
    assert as_draft4(schema) == {
        "type": ["object", "null"],
        "properties": {"example": {"type": "string"}, "nullable": {"type": "boolean"},
                       "discriminator": {"type": ["integer", "null"]}},
        "enum": [{"example": 1, "nullable": True}, None], "default": {"discriminator": "d"}}
