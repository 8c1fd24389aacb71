"""What the contract documents per operation, and which of it a run exercised.

A status seen is matched to the response key that documents it the way OpenAPI does (3.0 §4.7.16):
the exact code first, then its range ('4XX'), then 'default'. A code no key covers is undocumented.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accord import openapi
from accord.contract_tests.report import StatusCoverage


@dataclass(frozen=True, slots=True)
class DocumentedOperation:
    label: str  # "GET /v1/models/{model_id}", as Schemathesis labels it
    operation_id: str | None
    responses: tuple[str, ...]


def documented_operations(document: Mapping[str, Any]) -> list[DocumentedOperation]:
    """Every operation of the document, in document order."""
    result = []
    for found in openapi.operations(document):
        responses = tuple(str(key) for key in (found.operation.get("responses") or {}))
        result.append(DocumentedOperation(found.label, found.operation.get("operationId"), responses))
    return result


def documenting_key(status: int, responses: tuple[str, ...]) -> str | None:
    """The response key documenting `status`, or None."""
    by_upper = {key.upper(): key for key in responses}
    for candidate in (str(status), f"{status // 100}XX", "DEFAULT"):
        if candidate in by_upper:
            return by_upper[candidate]
    return None


def status_coverage(operation: DocumentedOperation, seen: Mapping[int, int]) -> StatusCoverage:
    exercised: set[str] = set()
    undocumented: set[int] = set()
    for status in seen:
        key = documenting_key(status, operation.responses)
        if key is None:
            undocumented.add(status)
        else:
            exercised.add(key)
    return StatusCoverage(
        documented=operation.responses,
        exercised=tuple(k for k in operation.responses if k in exercised),
        missing=tuple(k for k in operation.responses if k not in exercised),
        undocumented=tuple(sorted(undocumented)),
    )
