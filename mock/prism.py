"""Prism's words, for the answers a document does not describe.

When the document defines no response for what went wrong, the mock answers as Prism does, so
that tests a web team wrote against Prism keep passing (issue 19): Prism's problem `type` URIs
and titles (its `mocker/errors.ts` and `router/errors.ts`), its `detail` sentences, the
`validation` member of a 422 and the `headers` member of a 401, with messages worded as ajv
(Prism's validator) words them. The document's own error responses always win over these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.patterns import as_written

BASE = "https://stoplight.io/prism/errors#"

TITLES = {
    "UNPROCESSABLE_ENTITY": "Invalid request",
    "NOT_ACCEPTABLE": "The server cannot produce a representation for your accept header",
    "NOT_FOUND": "The server cannot find the requested content",
    "UNAUTHORIZED": "Invalid security scheme used",
    "INVALID_CONTENT_TYPE": "Invalid content type",
    "NO_PATH_MATCHED_ERROR": "Route not resolved, no path matched",
    "NO_METHOD_MATCHED_ERROR": "Route resolved, but no method matched",
    "VIOLATIONS": "Request/Response not valid",
}

INVALID_REQUEST = ("Your request is not valid and no HTTP validation response was found in the spec, "
                   "so Prism is generating this error for you.")
VIOLATIONS = ("Your request/response is not valid and the --errors flag is set, so Prism is generating this "
              "error for you.")
#: A url-encoded field with raw reserved characters its Encoding Object does not allow: Prism's
#: entry carries this message as is, without a `code`.
RESERVED_CHARACTERS = "Reserved characters used in request body"
RESERVED = "allowReserved"
UNAUTHORIZED = ("Your request does not fullfil the security requirements and no HTTP unauthorized response "
                "was found in the spec, so Prism is generating this error for you.")


def problem(code: str, status: int, detail: str, **members: Any) -> dict[str, Any]:
    """Prism's problem body: type, title, status, detail, then its extension members."""
    return {"type": BASE + code, "title": TITLES[code], "status": status, "detail": detail, **members}


def no_path(path: str) -> str:
    return f"The route {path} hasn't been found in the specification file"


def no_method(path: str, method: str) -> str:
    return f'The route {path} has been matched, but it does not have "{method.lower()}" method defined'


def no_status(status: int | str) -> str:
    return f"Requested status code {status} is not defined in the document."


def no_example(media: str, name: str) -> str:
    return f"Response for contentType: {media} and exampleKey: {name} does not exist."


def not_acceptable(accept: str) -> str:
    return f"Unable to find content for {accept}"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_COMPARISONS = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}
_COUNTS = {
    "minLength": ("fewer", "characters"), "maxLength": ("more", "characters"),
    "minItems": ("fewer", "items"), "maxItems": ("more", "items"),
    "minProperties": ("fewer", "properties"), "maxProperties": ("more", "properties"),
}
_FIXED = {
    "additionalProperties": "must NOT have additional properties",
    "unevaluatedProperties": "must NOT have unevaluated properties",
    "anyOf": "must match a schema in anyOf",
    "oneOf": "must match exactly one schema in oneOf",  # jsonschema-rs 0.60: both kinds below
    "oneOfNotValid": "must match exactly one schema in oneOf",
    "oneOfMultipleValid": "must match exactly one schema in oneOf",
    "const": "must be equal to constant",
    "uniqueItems": "must NOT have duplicate items",
    "not": "must NOT be valid",
    "falseSchema": "boolean schema is false",
    "contains": "must contain at least 1 valid item(s)",
}


def words(error: Any) -> str:
    """ajv's message for one jsonschema-rs error ("must be integer", "must have required property 'id'")."""
    kind = error.kind
    return words_of(getattr(kind, "name", ""), kind)


def words_of(name: str, kind: Any) -> str:
    """`words` for an error's kind whose name (`kind.name`) the caller has read already."""
    fixed = _FIXED.get(name)
    if fixed is not None:
        return fixed
    wording = _WORDING.get(name)
    return wording(kind) if wording is not None else f"must pass the {name or 'schema'} rule"


def _compare(sign: str) -> Callable[[Any], str]:
    return lambda kind: f"must be {sign} {_number(kind.limit)}"


def _count(more: str, unit: str) -> Callable[[Any], str]:
    return lambda kind: f"must NOT have {more} than {_number(kind.limit)} {unit}"


#: Kind name -> ajv's message, from what the error carries (a limit, the property, the types…).
_WORDING: dict[str, Callable[[Any], str]] = {
    "required": lambda kind: f"must have required property '{kind.property}'",
    "type": lambda kind: "must be " + ",".join(kind.types),
    **{name: _compare(sign) for name, sign in _COMPARISONS.items()},
    **{name: _count(more, unit) for name, (more, unit) in _COUNTS.items()},
    "enum": lambda kind: "must be equal to one of the allowed values: " + ", ".join(map(str, kind.options)),
    "pattern": lambda kind: f'must match pattern "{as_written(kind.pattern)}"',
    "format": lambda kind: f'must match format "{kind.format}"',
    "multipleOf": lambda kind: f"must be multiple of {_number(kind.multiple_of)}",
}


def validation_entry(part: str, name: str, path: tuple[str | int, ...], code: str, message: str,
                     severity: str) -> dict[str, Any]:
    """One entry of a 422's `validation`: ajv's location (a missing property's parent) and the
    message prefixed as Prism prefixes it ("Request body property id must be integer")."""
    where = [*([name] if name else []), *path]
    if code == RESERVED:
        return {"location": [part, *where], "severity": severity, "message": message}
    if code == "required" and where:
        where = where[:-1]  # ajv reports a missing property at its parent
    return {"location": [part, *where], "severity": severity, "code": code,
            "message": sourced("Request", part, where, message)}


def sourced(side: str, part: str, where: list[Any], message: str) -> str:
    """ajv's message prefixed with where it is, as Prism's `convertAjvErrors` words it:
    "Request body property id must be integer", "Response body must have required property 'id'"."""
    if part == "body":
        subject = f"{side} body" + (" property " + ".".join(map(str, where)) if where else "")
    else:
        subject = f"{side} {part}" + (" parameter " + ".".join(map(str, where)) if where else "")
    return f"{subject} {message}"


def branch_entries(part: str, name: str, error: Any, severity: str = "Error") -> tuple[dict[str, Any], ...]:
    """For a failed anyOf/oneOf, the `validation` entries ajv lists before it: each branch's
    errors in branch order (a nested anyOf/oneOf's own branches first). `error.instance_path`
    starts with the parameter name when `name` is set (the parameters' combined schema)."""
    entries: list[dict[str, Any]] = []
    for branch in getattr(error.kind, "context", None) or ():
        for inner in branch:
            schema_path = inner.schema_path
            code = str(schema_path[-1]) if schema_path else ""
            path = tuple(inner.instance_path)[1:] if name else tuple(inner.instance_path)
            entries.extend(branch_entries(part, name, inner, severity))
            entries.append(validation_entry(part, name, path, code, words(inner), severity))
    return tuple(entries)
