"""The service kit on a Swagger 2.0 document: parameters (whose schema is the parameter itself,
with `required: true`) are validated, and a malformed multipart upload is a 400, not a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from accord.service import close_app, create_app

DOCUMENT = {
    "swagger": "2.0",
    "info": {"title": "Bookshop", "version": "1"},
    "basePath": "/api",
    "produces": ["application/json"],
    "paths": {
        "/books/{bookId}": {"get": {
            "operationId": "getBook", "tags": ["books"],
            "parameters": [{"name": "bookId", "in": "path", "required": True, "type": "string", "maxLength": 5},
                           {"name": "limit", "in": "query", "required": False, "type": "integer", "maximum": 10}],
            "responses": {"200": {"description": "ok", "schema": {"type": "object"}}},
        }},
        "/upload": {"post": {
            "operationId": "upload", "tags": ["books"], "consumes": ["multipart/form-data"],
            "parameters": [{"name": "file", "in": "formData", "type": "file", "required": True}],
            "responses": {"200": {"description": "ok", "schema": {"type": "object"}}},
        }},
    },
}
HANDLERS = ("def get_book(bookId, limit=None):\n    return {'id': bookId, 'limit': limit}, 200\n"
            "def upload(file=None):\n    return {'size': len(file.file.read()) if file else None}, 200\n")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Any]:
    spec = tmp_path / "swagger.yaml"
    spec.write_text(yaml.safe_dump(DOCUMENT))
    app_dir = tmp_path / "shop"
    (app_dir / "handlers").mkdir(parents=True)
    (app_dir / "__init__.py").write_text("")
    (app_dir / "handlers" / "__init__.py").write_text("")
    (app_dir / "handlers" / "books.py").write_text(HANDLERS)
    app = create_app(spec_path=spec, app=str(app_dir), state_dir=tmp_path / "state")
    with app.test_client() as test_client:
        yield test_client
    close_app(app)


def test_swagger2_parameters_are_checked_as_their_schema(client: Any) -> None:
    ok = client.get("/api/books/b1?limit=3")
    assert ok.status_code == 200 and ok.json() == {"id": "b1", "limit": 3}
    for url, parameter in (("/api/books/toolong", "bookId"), ("/api/books/b1?limit=11", "limit")):
        refused = client.get(url)
        assert refused.status_code == 400, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert [e["parameter"] for e in refused.json()["errors"]] == [parameter]


def test_a_malformed_multipart_body_is_a_400(client: Any) -> None:
    for headers, body in (({}, b""),  # no Content-Type: the operation's multipart type is guessed
                          ({"Content-Type": "multipart/form-data"}, b"x"),  # no boundary
                          ({"Content-Type": "multipart/form-data; boundary=zz"}, b"garbage")):
        refused = client.post("/api/upload", headers=headers, content=body)
        assert refused.status_code == 400, (headers, refused.text)
        assert refused.json()["title"] == "Malformed request body"


def test_an_upload_leaves_no_file_open(client: Any) -> None:
    """Connexion parses a multipart body twice (to validate it, then for the handler) into spooled
    temporary files and closes neither: a ResourceWarning per file, an error under `-W error`."""
    import gc
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for _ in range(3):
            response = client.post("/api/upload", files={"file": ("a.txt", b"x" * 100, "text/plain")})
            assert response.status_code == 200, response.text
            assert response.json() == {"size": 100}  # the handler reads it: closed after, not before
        gc.collect()
    leaked = [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaked, [str(w.message) for w in leaked]
