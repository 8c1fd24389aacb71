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


# AWS documents whose `pattern`s are Java regular expressions (accord/patterns.py): each operation
# here failed before (jsonschema-rs refused the pattern, so its schema was not compiled at all);
# now a valid request is answered with a body that validates, and the translated pattern is
# enforced: the same body with `bad` at `at` does not.
AWS_JAVA_PATTERNS = [
    # \p{XDigit}
    ("es.json", "GET", "/2015-01-01/es/reservedInstanceOfferings", None,
     "/ReservedElasticsearchInstanceOfferings/0/ReservedElasticsearchInstanceOfferingId", "not-a-guid"),
    # [\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t] after (?!\s*$): lone surrogates, a look-ahead
    ("cleanrooms.json", "GET", "/collaborations", None, "/collaborationList/0/name", "   "),
    # an octal escape: [^/:|\000-\037]+
    ("AWSMigrationHub.json", "POST", "AWSMigrationHub.ListProgressUpdateStreams", {},
     "/ProgressUpdateStreamSummaryList/0/ProgressUpdateStreamName", "/\x1f"),
    # a quantified look-ahead: (\/(?!\.)+[^…]+){1,4}
    ("elasticfilesystem.json", "GET", "/2015-02-01/access-points", None, "/AccessPoints/0/RootDirectory/Path",
     "/.hidden"),
]


def _aws_request(client, method: str, target: str, body: object) -> object:
    """AWS's JSON protocol names the operation in X-Amz-Target (the document's `/#X-Amz-Target=…`)."""
    headers = {"Authorization": "AWS4-HMAC-SHA256 Credential=test"}
    if method == "POST" and not target.startswith("/"):
        headers["X-Amz-Target"] = target
        return client.post("/", headers=headers, json=body)
    return client.request(method, target, headers=headers)


@pytest.mark.parametrize(("name", "method", "target", "body", "at", "bad"), AWS_JAVA_PATTERNS,
                         ids=[case[0] for case in AWS_JAVA_PATTERNS])
def test_aws_operations_with_java_patterns_are_answered_and_checked(name, method, target, body, at, bad):
    app = serve(corpus.directory_document(f"amazonaws.com/{name}"))
    assert not [f for f in app.api.findings if f.rule in ("mock-schema-invalid", "mock-pattern-unread")]
    op = next(op for op in app.api.operations if op.method == method
              and (op.path == target or op.path.endswith(f"X-Amz-Target={target}")))
    with mock_client(app) as client:
        answer = _aws_request(client, method, target, body)
    assert answer.status_code == 200, answer.text[:300]
    schema = next(c.schema for c in op.responses["200"].contents)
    value = answer.json()
    assert app.api.schemas.is_valid(schema, value, "response")
    parent = value
    *path, last = [int(t) if t.isdigit() else t for t in at.strip("/").split("/")]
    for token in path:
        parent = parent[token]
    assert isinstance(parent[last], str)
    parent[last] = bad
    assert not app.api.schemas.is_valid(schema, value, "response")


def test_aws_patterns_without_a_faithful_reading_are_located_warnings():
    """identitystore.json escapes its Java pattern twice (`\\p\\{L\\}`): no reading to enforce. The
    mock says where, and still answers and checks the rest of the schema."""
    app = serve(corpus.directory_document("amazonaws.com/identitystore.json"))
    unread = {(f.pointer, f.severity) for f in app.api.findings if f.rule == "mock-pattern-unread"}
    assert ("/components/schemas/ExternalIdIssuer/pattern", "warning") in unread
    assert not [f for f in app.api.findings if f.rule == "mock-schema-invalid"]
    op = next(op for op in app.api.operations if op.path.endswith("X-Amz-Target=AWSIdentityStore.ListUsers"))
    with mock_client(app) as client:
        answer = _aws_request(client, "POST", "AWSIdentityStore.ListUsers", {"IdentityStoreId": "d-1234567890"})
    assert answer.status_code == 200, answer.text[:300]
    schema = next(c.schema for c in op.responses["200"].contents)
    value = answer.json()
    assert app.api.schemas.is_valid(schema, value, "response")
    value["Users"][0]["ExternalIds"][0]["Issuer"] = 7  # the Issuer's type is still checked
    assert not app.api.schemas.is_valid(schema, value, "response")
