"""accord/service/security.py: every declared scheme checked against configured credentials, in
a team's app served by the kit (API key in the query string, HTTP bearer, HTTP basic, OAuth2)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml

from accord.service import close_app, create_app

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "Vault", "version": "1"},
    "paths": {
        f"/{name}": {"get": {"operationId": f"get{name.title()}", "tags": ["vault"],
                             "security": [{scheme: []}],
                             "responses": {"200": {"description": "ok", "content": {"application/json": {
                                 "schema": {"type": "object"}}}}}}}
        for name, scheme in (("query", "QueryKey"), ("bearer", "Bearer"), ("basic", "Basic"), ("oauth", "OAuth"))
    },
    "components": {"securitySchemes": {
        "QueryKey": {"type": "apiKey", "in": "query", "name": "key"},
        "Bearer": {"type": "http", "scheme": "bearer"},
        "Basic": {"type": "http", "scheme": "basic"},
        "OAuth": {"type": "oauth2", "flows": {"clientCredentials": {
            "tokenUrl": "https://auth.example.com/token", "scopes": {"read": "read"}}}},
    }},
}
HANDLERS = "\n".join(f"def get_{name}():\n    return {{'ok': True}}, 200, {{'Content-Type': 'application/json'}}\n"
                     for name in ("query", "bearer", "basic", "oauth"))


@pytest.fixture
def client(tmp_path: Path):  # type: ignore[no-untyped-def]
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(DOCUMENT))
    app_dir = tmp_path / "vault"
    (app_dir / "handlers").mkdir(parents=True)
    (app_dir / "__init__.py").write_text("")
    (app_dir / "handlers" / "__init__.py").write_text("")
    (app_dir / "handlers" / "vault.py").write_text(HANDLERS)
    app = create_app(spec_path=spec, app=str(app_dir), state_dir=tmp_path / "state", api_keys=["k1"],
                     bearer_tokens=["t1"], basic_credentials=["ann:s3cret"])
    with app.test_client() as test_client:
        yield test_client
    close_app(app)


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.mark.parametrize(("path", "good", "bad"), [
    ("/query?key=k1", {}, None),
    ("/bearer", {"Authorization": "Bearer t1"}, {"Authorization": "Bearer t2"}),
    ("/basic", _basic("ann", "s3cret"), _basic("ann", "wrong")),
    ("/oauth", {"Authorization": "Bearer t1"}, {"Authorization": "Bearer nope"}),
])
def test_each_scheme_accepts_its_credential_and_refuses_others(client, path: str, good: dict[str, str],  # type: ignore[no-untyped-def]
                                                              bad: dict[str, str] | None) -> None:
    assert client.get(path, headers=good).status_code == 200
    if bad is not None:
        refused = client.get(path, headers=bad)
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
    bare = path.split("?")[0]
    missing = client.get(bare)
    assert missing.status_code == 401 and missing.json()["status"] == 401


def test_a_wrong_query_key_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/query?key=k2").status_code == 401
