"""Status codes are matched to the response key that documents them, as OpenAPI does."""

from __future__ import annotations

from accord.contract_tests.coverage import (
    DocumentedOperation,
    documented_operations,
    documenting_key,
    documents_success,
    status_coverage,
)


def test_exact_code_then_range_then_default() -> None:
    keys = ("200", "4XX", "default")
    assert documenting_key(200, keys) == "200"
    assert documenting_key(404, keys) == "4XX"
    assert documenting_key(503, keys) == "default"
    assert documenting_key(503, ("200", "4xx")) is None


def test_a_success_is_a_2xx_or_3xx_code_or_range() -> None:
    assert documents_success(("201", "400")) and documents_success(("2XX",)) and documents_success(("302",))
    assert not documents_success(("400", "404", "405"))
    assert not documents_success(("default",))  # which answer is the success is not said
    assert not documents_success(())


def test_coverage_lists_missing_and_undocumented() -> None:
    op = DocumentedOperation("GET /x", "getX", ("200", "404"))
    cov = status_coverage(op, {200: 3, 500: 1})
    assert cov.exercised == ("200",) and cov.missing == ("404",) and cov.undocumented == (500,)


def test_operations_in_document_order() -> None:
    doc = {"paths": {"/a": {"parameters": [], "post": {"operationId": "p", "responses": {"201": {}}},
                            "get": {"responses": {"200": {}}}}}}
    assert [(o.label, o.operation_id) for o in documented_operations(doc)] == [("GET /a", None), ("POST /a", "p")]
