"""What a JSON Schema error is about, in words a client can show: shared by the mock and the
service, so the same bad request gets the same `errors` entries from both.

`describe` turns one jsonschema-rs error into (path, detail) pairs:
- the path is where the client must look: a missing property's own path (not its parent's),
  one path per unexpected property;
- the detail states the rule without echoing the value sent (a secret pasted into the wrong
  field must not come back in a problem, or reach a log).

A 401 for an API key is worded here too (`api_key_challenge`, `missing_credential`, `UNKNOWN_KEY`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from accord.patterns import as_written

_COMPARISONS = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}

#: The detail of a missing property (reported at the property's own path) and of an unexpected one.
REQUIRED = "is a required property"
UNEXPECTED = "is not allowed (additional property)"
#: Kinds reported once per unexpected property, each at that property's path.
UNEXPECTED_KINDS = frozenset({"additionalProperties", "unevaluatedProperties"})


def describe(error: Any) -> list[tuple[tuple[Any, ...], str]]:
    """(path, detail) pairs for one jsonschema-rs `ValidationError` (a path: keys and indexes)."""
    kind = error.kind
    name = getattr(kind, "name", "")
    path = tuple(error.instance_path)
    if name == "required":
        return [((*path, kind.property), REQUIRED)]
    if name in UNEXPECTED_KINDS:
        return [((*path, extra), UNEXPECTED) for extra in kind.unexpected]
    return [(path, detail(name, kind))]


def detail(name: str, kind: Any) -> str:
    """The detail of an error reported at its own path: every kind but `required` and the
    unexpected properties' (`describe`). `name` is `kind.name`, read once by the caller."""
    fixed = _FIXED.get(name)
    if fixed is not None:
        return fixed
    wording = _WORDING.get(name)
    return wording(kind) if wording is not None else f"fails the {name or 'schema'} rule"


def _type(kind: Any) -> str:
    types = kind.types
    named = types if "null" not in types else [t for t in types if t != "null"]
    return "must be of type " + " or ".join(named)


def _compare(sign: str) -> Callable[[Any], str]:
    return lambda kind: f"must be {sign} {kind.limit}"


#: Kind name -> its detail, when it does not depend on the error.
_FIXED = {
    "const": "must be the one value the contract allows here",
    "uniqueItems": "must not contain the same item twice",
    "anyOf": "does not match exactly one of the allowed shapes",
    "oneOf": "does not match exactly one of the allowed shapes",  # jsonschema-rs 0.60: both kinds below
    "oneOfNotValid": "does not match exactly one of the allowed shapes",
    "oneOfMultipleValid": "does not match exactly one of the allowed shapes",
    "not": "matches a shape the contract excludes",
    "contains": "must contain at least one matching item",
    "falseSchema": "is not allowed",
}
#: Kind name -> its detail, from what the error carries (a limit, the allowed types…).
_WORDING: dict[str, Callable[[Any], str]] = {
    "type": _type,
    **{name: _compare(sign) for name, sign in _COMPARISONS.items()},
    "multipleOf": lambda kind: f"must be a multiple of {kind.multiple_of}",
    "enum": lambda kind: "must be one of " + ", ".join(map(str, kind.options)),
    "minItems": lambda kind: f"must have at least {kind.limit} item(s)",
    "maxItems": lambda kind: f"must have at most {kind.limit} item(s)",
    "minProperties": lambda kind: f"must have at least {kind.limit} property(ies)",
    "maxProperties": lambda kind: f"must have at most {kind.limit} property(ies)",
    "minLength": lambda kind: f"must be at least {kind.limit} character(s) long",
    "maxLength": lambda kind: f"must be at most {kind.limit} character(s) long",
    "pattern": lambda kind: f"must match the pattern {as_written(kind.pattern)}",
    "format": lambda kind: f"must be a valid {kind.format}",
}


#: A 401's `errors` detail when the request carried a key the server does not know.
UNKNOWN_KEY = "the credential is not a known key"


#: Query parameter names a client tries when it puts an API key in the URL (compared lower-case).
KEY_QUERY_NAMES = frozenset({"key", "api_key", "apikey", "api-key", "access_key", "x-api-key"})


def misplaced_key(where: str, name: str, query_names: Iterable[str]) -> str | None:
    """The query parameter a key for a header (or cookie) scheme was sent in instead, if any: one
    named like a key (`KEY_QUERY_NAMES`) or like the scheme's own parameter."""
    if where == "query":
        return None
    for candidate in query_names:
        lowered = candidate.lower()
        if lowered in KEY_QUERY_NAMES or lowered == name.lower():
            return candidate
    return None


def missing_credential(where: str, name: str, misplaced: str | None = None) -> str:
    """A 401's `errors` detail when the request carried no API key where the scheme says; when it
    carried one in the query string instead (`misplaced`), says that it is not read there."""
    detail = f"the {where} parameter '{name}' is missing"
    if misplaced is not None:
        detail += f" (the query parameter '{misplaced}' is not read: a key goes in the {where} only)"
    return detail


def api_key_challenge(where: str, name: str) -> str:
    """The `WWW-Authenticate` value for an API-key scheme: `ApiKey in="header", name="X-API-Key"`."""
    return f'ApiKey in="{where}", name="{name}"'
