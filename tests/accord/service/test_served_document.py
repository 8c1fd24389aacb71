"""The service's /openapi.json and /openapi.yaml are prepared once, not copied and dumped on every
request (Connexion's with_base_path deep-copies the document per call; ~3 s for the YAML of this
repository's bundled contract), and the YAML is byte for byte what Connexion's dumper writes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from connexion.spec import Specification
from connexion.utils import yamldumper
from starlette.testclient import TestClient

from accord.service import close_app, create_app
from tests.accord.service.test_error_media import DOCUMENT, HANDLERS


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    spec = tmp_path / "openapi.yaml"
    shutil.copy(DOCUMENT, spec)
    # A multi-line description: served as a `|` block, as Connexion writes it.
    spec.write_text(spec.read_text().replace("  version: 1.0.0\n", "  version: 1.0.0\n  description: |\n"
                                             "    Two lines\n    of text.\n", 1))
    handlers = tmp_path / "service" / "handlers"
    handlers.mkdir(parents=True)
    (tmp_path / "service" / "__init__.py").write_text("")
    (handlers / "__init__.py").write_text("")
    (handlers / "default.py").write_text(HANDLERS)
    app = create_app(spec_path=spec, app=str(tmp_path / "service"), state_dir=tmp_path / "state", api_keys=["k"])
    try:
        with TestClient(app) as test_client:
            yield test_client
    finally:
        close_app(app)


def test_each_form_is_prepared_once(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    copies: list[Any] = []
    original = Specification.with_base_path

    def counted(self: Any, base_path: str) -> Any:
        copy = original(self, base_path)
        copies.append(copy)
        return copy

    monkeypatch.setattr(Specification, "with_base_path", counted)
    first = [client.get("/v1/openapi.yaml") for _ in range(3)]
    as_json = [client.get("/v1/openapi.json") for _ in range(3)]
    assert len(copies) == 2  # one per form, not one per request
    assert all(r.status_code == 200 and r.content == first[0].content for r in first)
    assert all(r.status_code == 200 and r.content == as_json[0].content for r in as_json)
    assert first[0].headers["content-type"].startswith("text/yaml")
    assert as_json[0].headers["content-type"] == "application/json"
    served = yaml.safe_load(first[0].text)
    assert served == as_json[0].json()
    assert first[0].text == yamldumper(served)  # Connexion's format, unchanged
    assert "description: |\n    Two lines\n    of text.\n" in first[0].text
