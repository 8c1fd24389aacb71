"""The service kit on a Swagger 2.0 document: parameters (whose schema is the parameter itself,
with `required: true`) are validated, not a 500."""

from __future__ import annotations

from pathlib import Path

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
    },
}
HANDLERS = "def get_book(bookId, limit=None):\n    return {'id': bookId, 'limit': limit}, 200\n"


def test_swagger2_parameters_are_checked_as_their_schema(tmp_path: Path) -> None:
    spec = tmp_path / "swagger.yaml"
    spec.write_text(yaml.safe_dump(DOCUMENT))
    app_dir = tmp_path / "shop"
    (app_dir / "handlers").mkdir(parents=True)
    (app_dir / "__init__.py").write_text("")
    (app_dir / "handlers" / "__init__.py").write_text("")
    (app_dir / "handlers" / "books.py").write_text(HANDLERS)
    app = create_app(spec_path=spec, app=str(app_dir), state_dir=tmp_path / "state")
    try:
        with app.test_client() as client:
            ok = client.get("/api/books/b1?limit=3")
            assert ok.status_code == 200 and ok.json() == {"id": "b1", "limit": 3}
            for url, parameter in (("/api/books/toolong", "bookId"), ("/api/books/b1?limit=11", "limit")):
                refused = client.get(url)
                assert refused.status_code == 400, refused.text
                assert refused.headers["content-type"] == "application/problem+json"
                assert [e["parameter"] for e in refused.json()["errors"]] == [parameter]
    finally:
        close_app(app)
