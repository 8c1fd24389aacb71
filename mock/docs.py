"""Swagger UI for the served document, under `/__accord/` (a prefix no API path uses).

/__accord/docs           Swagger UI (static files of the swagger_ui_bundle package)
/__accord/openapi.json   the bundled document being served (its servers: this mock)
/__accord/journal        the request journal, as JSON
/__accord/about          what this server is and how it was started (what a test run by URL needs
                         to know: whether it checks keys or only their presence, whether it keeps state)
"""

from __future__ import annotations

import mimetypes
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from accord.mock.exchange import Reply, problem_reply
from accord.mock.problems import problem

if TYPE_CHECKING:
    from accord.mock.journal import Journal

PREFIX = "/__accord/"
DOCS = PREFIX + "docs"
OPENAPI = PREFIX + "openapi.json"
JOURNAL = PREFIX + "journal"
ABOUT = PREFIX + "about"
#: `server` of /__accord/about: how a client tells this mock from any other server.
SERVER = "accord mock"

_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <title>{title} — accord mock</title>
  <link rel="stylesheet" type="text/css" href="{base}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{base}/swagger-ui-bundle.js" charset="UTF-8"></script>
  <script src="{base}/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
  <script>
  window.onload = function() {{
    window.ui = SwaggerUIBundle({{
      url: "{spec}", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout"
    }});
  }};
  </script>
</body>
</html>
"""


@cache
def _static_root() -> Path | None:
    """Swagger UI's files; looked up on the first docs request (importing the bundle takes ~3 ms of start-up)."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    return Path(str(swagger_ui_path))


class Docs:
    """Serves the internal routes; the document's JSON is rendered on first request."""

    def __init__(self, document: dict[str, Any], journal: Journal, *, keys: bool = False,
                 stateful: bool = False) -> None:
        self.document = document
        self.journal = journal
        # "presence": any non-empty credential is accepted, as Prism does (started without keys).
        self._about = orjson.dumps({"server": SERVER, "credentials": "keys" if keys else "presence",
                                    "stateful": stateful})
        self._spec: bytes | None = None

    def serve(self, method: str, path: str) -> Reply:
        if method not in ("GET", "HEAD"):
            return problem_reply(
                405, problem(405, f"{path} answers GET only", instance=path), [(b"allow", b"GET, HEAD")]
            )
        if path == OPENAPI:
            if self._spec is None:
                # Served with this mock as its only server, so Swagger UI's "Try it out" calls
                # the mock (routing ignores server URLs anyway, as Prism's does).
                here = [{"url": "/", "description": "accord mock"}]
                self._spec = orjson.dumps({**self.document, "servers": here})
            return Reply(200, [(b"content-type", b"application/json")], self._spec)
        if path == ABOUT:
            return Reply(200, [(b"content-type", b"application/json")], self._about)
        if path == JOURNAL:
            body = orjson.dumps([e.as_dict() for e in self.journal.entries()])
            return Reply(200, [(b"content-type", b"application/json")], body)
        if path in (DOCS, DOCS + "/"):
            if _static_root() is None:
                return problem_reply(
                    404, problem(404, "Swagger UI is not installed (pip install swagger-ui-bundle)", instance=path)
                )
            title = str((self.document.get("info") or {}).get("title", "API")).replace("<", "&lt;")
            html = _INDEX.format(title=title, base=DOCS, spec=OPENAPI)
            return Reply(200, [(b"content-type", b"text/html; charset=utf-8")], html.encode("utf-8"))
        root = _static_root() if path.startswith(DOCS + "/") else None
        if root is not None:
            name = path[len(DOCS) + 1 :]
            if "/" not in name and not name.startswith(".") and (root / name).is_file():
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return Reply(200, [(b"content-type", kind.encode("ascii"))], (root / name).read_bytes())
        return problem_reply(404, problem(404, f"No internal resource at {path}", instance=path))
