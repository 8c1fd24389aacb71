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

from collections.abc import Iterable
from typing import Any

_COMPARISONS = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}


def describe(error: Any) -> list[tuple[tuple[Any, ...], str]]:
    """(path, detail) pairs for one jsonschema-rs `ValidationError` (a path: keys and indexes)."""
    path = tuple(error.instance_path)
    kind = error.kind
    name = getattr(kind, "name", "")
    if name == "required":
        return [((*path, kind.property), "is a required property")]
    if name in ("additionalProperties", "unevaluatedProperties"):
        return [((*path, extra), "is not allowed (additional property)") for extra in kind.unexpected]
    if name == "type":
        types = kind.types
        named = types if "null" not in types else [t for t in types if t != "null"]
        return [(path, "must be of type " + " or ".join(named))]
    if name in _COMPARISONS:
        return [(path, f"must be {_COMPARISONS[name]} {kind.limit}")]
    if name == "multipleOf":
        return [(path, f"must be a multiple of {kind.multiple_of}")]
    if name == "enum":
        return [(path, "must be one of " + ", ".join(map(str, kind.options)))]
    if name == "const":
        return [(path, "must be the one value the contract allows here")]
    if name in ("minItems", "maxItems"):
        return [(path, f"must have {'at least' if name == 'minItems' else 'at most'} {kind.limit} item(s)")]
    if name in ("minProperties", "maxProperties"):
        return [(path, f"must have {'at least' if name == 'minProperties' else 'at most'} {kind.limit} property(ies)")]
    if name in ("minLength", "maxLength"):
        return [(path, f"must be {'at least' if name == 'minLength' else 'at most'} {kind.limit} character(s) long")]
    if name == "uniqueItems":
        return [(path, "must not contain the same item twice")]
    if name == "pattern":
        return [(path, f"must match the pattern {kind.pattern}")]
    if name in ("anyOf", "oneOfNotValid", "oneOfMultipleValid"):
        return [(path, "does not match exactly one of the allowed shapes")]
    if name == "not":
        return [(path, "matches a shape the contract excludes")]
    if name == "contains":
        return [(path, "must contain at least one matching item")]
    if name == "falseSchema":
        return [(path, "is not allowed")]
    if name == "format":
        return [(path, f"must be a valid {kind.format}")]
    return [(path, f"fails the {name or 'schema'} rule")]


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
