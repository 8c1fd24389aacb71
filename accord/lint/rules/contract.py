"""accord's own rules for contract-first work between a web team and a data team.

They encode what the rest of accord relies on: the service binds handlers by operationId
(Connexion), the mock answers errors as problem+json (RFC 9457) and serves the examples,
and both teams evolve the contract additively (closed requests catch typos at the edge,
open responses let the service add fields without breaking clients).
"""

from __future__ import annotations

import keyword
from typing import Any

from accord.lint.context import Hits, LintContext, is_object_schema, schema_types

PROBLEM_JSON = "application/problem+json"


def _client_error(status: str) -> bool:
    return status.upper() == "4XX" or (len(status) == 3 and status.startswith("4") and status.isdigit())


def problem_json_errors(ctx: LintContext) -> Hits:
    """Every operation documents client errors (4xx, or a `default`), each as application/problem+json."""
    reported: set[str] = set()
    for op in ctx.operations:
        if not isinstance(op.operation.get("responses"), dict):
            continue
        responses = list(ctx.responses(op))
        errors = [(s, p, r) for s, p, r in responses if _client_error(s)]
        if not errors:
            errors = [(s, p, r) for s, p, r in responses if s == "default"]
        if not errors:
            yield f"{op.pointer}/responses", "Operation documents no client error (4xx) response."
            continue
        for status, pointer, response in errors:
            content = response.get("content")
            if pointer in reported or (isinstance(content, dict) and PROBLEM_JSON in content):
                continue
            reported.add(pointer)
            yield pointer, f"Error response {status} must be described as {PROBLEM_JSON}."


def operation_id_python(ctx: LintContext) -> Hits:
    """operationIds are Python identifiers: the service binds each one to a handler function."""
    for op in ctx.operations:
        value = op.operation.get("operationId")
        if isinstance(value, str) and (not value.isidentifier() or keyword.iskeyword(value)):
            yield f"{op.pointer}/operationId", f"operationId {value!r} is not a valid Python identifier."


def _closed(ctx: LintContext, schema: dict[str, Any]) -> bool:
    extra = schema.get("additionalProperties")
    if extra is False or (ctx.version == "3.1" and schema.get("unevaluatedProperties") is False):
        return True
    # A map (`additionalProperties: {schema}` without `properties`) is open by design, but typed.
    return isinstance(extra, dict) and bool(extra) and "properties" not in schema


def request_schema_closed(ctx: LintContext) -> Hits:
    """Object schemas a request can carry set `additionalProperties: false`.

    Members of `allOf` (and, in 3.0, schemas built with `allOf`) are exempt: in JSON Schema
    draft 4 a closed member rejects the other members' properties.
    """
    for reached in ctx.reachable("request"):
        schema = reached.schema
        if reached.via == "allOf" or not is_object_schema(schema):
            continue
        if ctx.version != "3.1" and "allOf" in schema:
            continue
        if not _closed(ctx, schema):
            yield reached.pointer, "Request schema must be closed (additionalProperties: false)."


def response_schema_open(ctx: LintContext) -> Hits:
    """Response object schemas stay open, so the service can add a field without breaking clients.

    A schema also reachable from a request is left to request-schema-closed.
    """
    request_side = {reached.pointer for reached in ctx.reachable("request")}
    for reached in ctx.reachable("response"):
        if reached.pointer in request_side or not is_object_schema(reached.schema):
            continue
        if reached.schema.get("additionalProperties") is False or reached.schema.get("unevaluatedProperties") is False:
            yield reached.pointer, "Response schema should stay open (no additionalProperties: false)."


def numeric_bounds(ctx: LintContext) -> Hits:
    """Numbers a client sends (parameters, body fields) have a minimum and a maximum."""
    for reached in ctx.reachable("request"):
        schema = reached.schema
        if not schema_types(schema) & {"integer", "number"} or schema.get("readOnly") is True:
            continue
        if "enum" in schema or "const" in schema:
            continue
        low = _bounded(schema, "minimum", "exclusiveMinimum")
        high = _bounded(schema, "maximum", "exclusiveMaximum")
        missing = [name for name, present in (("minimum", low), ("maximum", high)) if not present]
        if missing:
            yield reached.pointer, f"Numeric request input has no {' and no '.join(missing)}."


def _bounded(schema: dict[str, Any], inclusive: str, exclusive: str) -> bool:
    """`minimum`, or a numeric `exclusiveMinimum` (3.1); the 3.0 boolean form bounds nothing alone."""
    value = schema.get(exclusive)
    return inclusive in schema or (isinstance(value, (int, float)) and not isinstance(value, bool))


def example_present(ctx: LintContext) -> Hits:
    """Every request body and response media type carries an example the mock can serve."""
    reported: set[str] = set()
    for op in ctx.operations:
        owners = [] if (body := ctx.request_body(op)) is None else [body]
        owners += [(pointer, response) for _, pointer, response in ctx.responses(op)]
        for owner_pointer, owner in owners:
            for _, pointer, media in ctx.media_types(owner_pointer, owner):
                if pointer in reported or _has_example(ctx, media):
                    continue
                reported.add(pointer)
                yield pointer, "Media type has no example."


def _has_example(ctx: LintContext, media: dict[str, Any]) -> bool:
    if "example" in media or media.get("examples"):
        return True
    schema = ctx.deref(media.get("schema"))
    return isinstance(schema, dict) and ("example" in schema or bool(schema.get("examples")))


def _secured(requirements: Any) -> bool:
    """True when every alternative of a security requirement list asks for credentials."""
    return (isinstance(requirements, list) and bool(requirements)
            and all(isinstance(r, dict) and bool(r) for r in requirements))


def secured_401(ctx: LintContext) -> Hits:
    """An operation that requires credentials documents the 401 a caller without them gets."""
    for op in ctx.operations:
        requirements = op.operation.get("security", ctx.document.get("security"))
        responses = op.operation.get("responses")
        if not _secured(requirements) or not isinstance(responses, dict):
            continue
        if not any(str(status).upper() in ("401", "4XX") for status in responses):
            yield f"{op.pointer}/responses", "Secured operation documents no 401 response (missing or bad credentials)."
