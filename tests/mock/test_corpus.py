"""The mock on public real-world documents (tests/corpus.py): start-up never fails, and every
response body it would send validates against its schema (or the failure was reported)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from accord.errors import AccordError, FindingsError
from accord.loading import load_spec
from accord.mock.app import MockApp, create_app
from accord.mock.testing import mock_client
from tests import corpus

pytestmark = pytest.mark.slow


def serve(path: Path) -> MockApp:
    spec = load_spec(path)
    return create_app(spec, eager=True)


def assert_bodies_conform(app: MockApp) -> int:
    """Every prepared body validates; returns how many were checked."""
    reported = {f.pointer for f in app.api.findings if f.rule in ("mock-generation-failed", "mock-schema-invalid")}
    checked = 0
    for op in app.api.operations:
        for response in op.responses.values():
            for content in response.contents:
                if content.schema is None or content.pointer in reported or not content.served.endswith("json"):
                    continue
                value = orjson.loads(content.body)
                assert app.api.schemas.is_valid(content.schema, value, "response"), content.pointer
                checked += 1
    return checked


def test_github_rest_description():
    app = serve(corpus.document("github"))
    assert len(app.api.operations) > 1000
    assert assert_bodies_conform(app) > 1000
    with mock_client(app) as client:
        assert client.get("/zen").status_code == 200
        assert client.get("/repos/octocat/hello-world").json()["full_name"]
        assert client.get("/users/0/attestations/0").status_code == 200  # same-shape templates both kept
        assert client.delete("/orgs/o/actions/runners/downloads").status_code == 405
        assert client.get("/no/such/path").status_code == 404


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_readme_examples_start_and_conform(version):
    paths = [p for p in corpus.documents("oas-examples") if f"/{version}/" in p.as_posix()]
    assert paths
    served = 0
    for path in paths:
        try:
            app = serve(path)
        except FindingsError as exc:
            assert exc.findings[0].rule in ("mock-no-operations",), (path, exc)
            continue
        except AccordError:
            continue  # a document the loader refuses (e.g. remote $refs) is not the mock's to serve
        assert_bodies_conform(app)
        served += 1
    assert served >= len(paths) // 2


DIRECTORY_EVERY = 60  # about 44 of APIs.guru's 2,639 documents; all of them start (measured outside)


def test_public_directory_sample_starts_and_conforms():
    """A sample of APIs.guru's directory (AWS, Azure, Google, and the rest): every document
    starts, those without operations too, and every prepared body validates."""
    paths = corpus.directory_sample(DIRECTORY_EVERY)
    assert len(paths) > 40
    for path in paths:
        big = path.stat().st_size > 2_000_000  # as `accord mock` starts them: prepared on use
        app = create_app(load_spec(path), eager=not big)
        if not big:
            assert_bodies_conform(app)
