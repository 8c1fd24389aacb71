"""The service kit reads `pattern`s as the mock does (accord/patterns.py): Java's spellings are
enforced as Java means them, and a pattern with no faithful reading is named at start-up, located,
while the rest of its schema still checks (tests/fixtures/service-java-patterns)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accord.service.app import close_app, create_app

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT = ROOT / "tests" / "fixtures" / "service-java-patterns" / "openapi.yaml"
HANDLERS = '''from typing import Any


def create_key(body: Any, region: str) -> Any:
    return body, 201, {"Content-Type": "application/json"}
'''


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, list[str]]]:
    package = tmp_path_factory.mktemp("project") / "javakeys"
    (package / "handlers").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "handlers" / "__init__.py").write_text("")
    (package / "handlers" / "default.py").write_text(HANDLERS)
    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("accord.service").addHandler(handler)
    try:
        app = create_app(spec_path=DOCUMENT, app=str(package), api_keys=[], validate_responses=True)
    finally:
        logging.getLogger("accord.service").removeHandler(handler)
    try:
        yield app, warnings
    finally:
        close_app(app)


def _post(app: Any, body: object, region: str = "eu-West") -> Any:
    with app.test_client(raise_server_exceptions=False) as client:
        return client.post("/keys", params={"region": region}, json=body)


def test_the_unreadable_pattern_is_named_at_start_up_with_its_place(served):
    _app, warnings = served
    assert [w for w in warnings if "is not checked" in w] == [
        f"{DOCUMENT}#/components/schemas/Key/properties/tag/pattern: pattern '[^\\\\p\\\\{{C\\\\}}]*\\\\+' is not "
        "checked: \\p is not followed by a property name in braces (at character 2 of the pattern)"]


def test_java_patterns_are_enforced_as_java_means_them(served):
    app, _warnings = served
    answer = _post(app, {"id": "0aF9c3d2", "tag": "x"})
    assert answer.status_code == 201, answer.text
    bad_id = _post(app, {"id": "0aF9c3dz"})
    assert bad_id.status_code == 400
    assert [(e["pointer"], e["detail"]) for e in bad_id.json()["errors"]] == [
        ("#/id", "must match the pattern ^\\p{XDigit}{8}$")]  # the document's words, not the translation
    bad_region = _post(app, {"id": "0aF9c3d2"}, region="eu-west-1")  # \p{Alpha} is [A-Za-z] beside \A, \z
    assert bad_region.status_code == 400
    assert [e["parameter"] for e in bad_region.json()["errors"]] == ["region"]


def test_the_rest_of_a_schema_with_an_unreadable_pattern_still_checks(served):
    app, _warnings = served
    assert _post(app, {"id": "0aF9c3d2", "tag": "no+"}).status_code == 201
    too_long = _post(app, {"id": "0aF9c3d2", "tag": "abcdef"})
    assert too_long.status_code == 400
    assert [e["pointer"] for e in too_long.json()["errors"]] == ["#/tag"]
