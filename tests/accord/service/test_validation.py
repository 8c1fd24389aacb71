"""accord/service/validation.py: request bodies declared as components (Swagger's Petstore declares
Pet and UserArray under `components/requestBodies`) are validated, not answered 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from accord.contract_tests.serving import serve_app
from accord.service.app import close_app, create_app
from accord.service.validation import as_draft4

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT = ROOT / "tests" / "fixtures" / "service-request-bodies" / "openapi.yaml"
HANDLERS = '''from typing import Any


def create_users(body: Any) -> Any:
    return len(body), 201


def create_tree(body: Any) -> Any:
    return len(body.get("children", [])), 201
'''


def test_the_attached_components_are_dropped() -> None:
    """Connexion's in-place attachment makes a cycle when the body schema is itself a component."""
    body: dict[str, Any] = {"type": "array", "items": {"type": "integer", "format": "int32"}}
    body["components"] = {"requestBodies": {"Batch": {"content": {"application/json": {"schema": body}}}}}
    assert as_draft4(body) == {"type": "array", "items": {"type": "integer", "format": "int32",
                                                          "minimum": -(2**31), "maximum": 2**31 - 1}}


def test_a_schema_met_inside_itself_becomes_a_reference() -> None:
    """A `$ref` to Tree inside Tree, as Connexion resolves it: a copy of Tree's keys, same values."""
    tree: dict[str, Any] = {"type": "object", "required": ["name"]}
    properties: dict[str, Any] = {"name": {"type": "string"}}
    tree["properties"] = properties
    properties["children"] = {"type": "array", "items": dict(tree)}
    converted = as_draft4(tree)
    assert converted["allOf"][0]["properties"]["children"]["items"] == {"$ref": "#/definitions/recurring0"}
    assert converted["definitions"]["recurring0"]["properties"]["children"]["items"] == {
        "$ref": "#/definitions/recurring0"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    package = tmp_path_factory.mktemp("project") / "bodies"
    (package / "handlers").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "handlers" / "__init__.py").write_text("")
    (package / "handlers" / "default.py").write_text(HANDLERS)
    app = create_app(spec_path=DOCUMENT, app=str(package), api_keys=[])
    try:
        with serve_app(app) as url:
            yield url + "/v1"
    finally:
        close_app(app)


def test_a_request_body_component_is_validated(service: str) -> None:
    accepted = requests.post(service + "/users/batch", json=[{"username": "a"}, {"username": "b"}], timeout=10)
    assert (accepted.status_code, accepted.json()) == (201, 2)
    refused = requests.post(service + "/users/batch", json=[{"username": "a", "userStatus": 2**31}], timeout=10)
    assert refused.status_code == 400, refused.text
    assert [e["pointer"] for e in refused.json()["errors"]] == ["#/0/userStatus"]


def test_a_recursive_schema_component_still_resolves(service: str) -> None:
    tree = {"name": "root", "children": [{"name": "leaf", "children": []}]}
    assert requests.post(service + "/trees", json=tree, timeout=10).status_code == 201
    refused = requests.post(service + "/trees", json={"name": "root", "children": [{"children": []}]}, timeout=10)
    assert refused.status_code == 400, refused.text
    assert [e["pointer"] for e in refused.json()["errors"]] == ["#/children/0/name"]
