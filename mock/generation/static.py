"""Static samples: the document's own values first, then fixed placeholders, as Prism's static mode.

A static answer is the same on every call and, wherever the schema gives a value, that value:
at every level, `example`, then `default`, `const`, the first `enum` value, the first of 3.1's
`examples` (the order of Prism's sampler, @stoplight/json-schema-sampler); `allOf` parts are
merged, the first `oneOf`/`anyOf` branch is taken. Where the schema gives none, the placeholder
is Prism's: "string" (padded to `minLength`, cut to `maxLength`), a sample per `format`, 0 or
the nearest bound for numbers, true, one array item (or `minItems`), every property.

A sample is a candidate, not a promise: the caller validates it and falls back to the seeded
generator when it does not validate (a `pattern`, a `multipleOf`, a `not`...). A `$ref` cycle is
followed twice, then closed with an empty object or array, as Prism's dereferenced document is.
"""

from __future__ import annotations

import math
from typing import Any

from accord import openapi

MAX_DEPTH = 15  # Prism's maxSampleDepth
#: Values one sample may hold. Depth and cycle limits alone let a wide web of references (an OOXML
#: document model: every type refers to a dozen others) grow exponentially below depth 15.
MAX_NODES = 20_000
CYCLE_VISITS = 2  # a reference already being expanded this many times closes the cycle
_NONE = object()

STRING_FORMATS = {
    "email": "user@example.com",
    "idn-email": "пользователь@пример.ру",
    "password": "pa$$word",
    "date-time": "2019-08-24T14:15:22Z",
    "date": "2019-08-24",
    "time": "14:15:22Z",
    "ipv4": "192.168.0.1",
    "ipv6": "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "uri": "http://example.com",
    "uri-reference": "http://example.com",
    "iri": "http://example.com",
    "url": "http://example.com",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "byte": "U3RyaW5n",
}
_OBJECT_KEYWORDS = ("properties", "additionalProperties", "required", "patternProperties", "minProperties",
                    "maxProperties")
_ARRAY_KEYWORDS = ("items", "prefixItems", "contains", "minItems", "maxItems", "uniqueItems")
_STRING_KEYWORDS = ("minLength", "maxLength", "pattern", "format")
_NUMBER_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


class SampleTooLarge(RecursionError):
    """The sample would hold more than MAX_NODES values: there is no static sample, as for a
    runaway recursion (a RecursionError, which callers already answer with generated data)."""


class StaticSampler:
    """Samples schemas of one document (version "3.0" | "3.1") for one direction."""

    def __init__(self, document: dict[str, Any], version: str) -> None:
        self.document = document
        self.version = version
        self._left = MAX_NODES

    def sample(self, schema: Any, direction: str = "response") -> Any:
        """The static sample; raises SampleTooLarge past MAX_NODES values."""
        self._left = MAX_NODES
        return self._sample(schema, direction, {}, 0)

    def _sample(self, schema: Any, direction: str, visits: dict[str, int], depth: int) -> Any:
        if not isinstance(schema, dict):
            return None
        self._left -= 1
        if self._left < 0:
            raise SampleTooLarge(f"a static sample of more than {MAX_NODES} values")
        if depth > MAX_DEPTH:
            return _closed(schema)
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = openapi.target(self.document, ref)
            if not isinstance(target, dict) or visits.get(ref, 0) >= CYCLE_VISITS:
                return _closed(target)
            visits[ref] = visits.get(ref, 0) + 1
            try:
                return self._sample(target, direction, visits, depth)
            finally:
                visits[ref] -= 1
        if "example" in schema and self.version != "3.1":
            return schema["example"]
        if isinstance(schema.get("allOf"), list) and schema["allOf"]:
            return self._all_of(schema, direction, visits, depth)
        for key in ("oneOf", "anyOf"):
            branches = schema.get(key)
            if isinstance(branches, list) and branches:
                return self._sample(branches[0], direction, visits, depth)
        if "default" in schema:
            return schema["default"]
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return schema["enum"][0]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0]
        if "example" in schema:  # 3.1 keeps `example` as a deprecated annotation
            return schema["example"]
        kind = _type_of(schema)
        if kind == "object":
            return self._object(schema, direction, visits, depth)
        if kind == "array":
            return self._array(schema, direction, visits, depth)
        if kind == "string":
            return _string(schema)
        if kind in ("number", "integer"):
            return _number(schema, kind)
        if kind == "boolean":
            return True
        return None

    def _all_of(self, schema: dict[str, Any], direction: str, visits: dict[str, int], depth: int) -> Any:
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        merged: Any = _NONE
        for part in [rest, *schema["allOf"]] if rest else schema["allOf"]:
            value = self._sample(part, direction, visits, depth)
            if isinstance(merged, dict) and isinstance(value, dict):
                merged = {**merged, **value}
            elif value is not None or merged is _NONE:
                merged = value
        return None if merged is _NONE else merged

    def _object(self, schema: dict[str, Any], direction: str, visits: dict[str, int], depth: int) -> Any:
        out: dict[str, Any] = {}
        hidden = "writeOnly" if direction == "response" else "readOnly"
        properties = schema.get("properties")
        listed = schema.get("required")
        required: list[Any] = listed if isinstance(listed, list) else []
        if isinstance(properties, dict):
            for name, sub in properties.items():
                if isinstance(sub, dict) and _flag(self.document, sub, hidden):
                    continue
                if name not in required and self._closes_invalid(sub, visits, depth + 1):
                    continue  # an optional member closing a cycle as {} would break its `required`
                out[name] = self._sample(sub, direction, visits, depth + 1)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            out["property1"] = self._sample(extra, direction, visits, depth + 1)
            out["property2"] = self._sample(extra, direction, visits, depth + 1)
        return out

    def _closes_invalid(self, schema: Any, visits: dict[str, int], depth: int) -> bool:
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        if not isinstance(ref, str) or (visits.get(ref, 0) < CYCLE_VISITS and depth <= MAX_DEPTH):
            return False
        target = openapi.target(self.document, ref)
        return isinstance(target, dict) and bool(target.get("required"))

    def _array(self, schema: dict[str, Any], direction: str, visits: dict[str, int], depth: int) -> Any:
        prefix = schema.get("prefixItems") if isinstance(schema.get("prefixItems"), list) else None
        items = schema.get("items")
        if isinstance(items, list):  # draft-4 tuple items
            prefix, items = items, schema.get("additionalItems")
        length = _int(schema.get("minItems"), 1)
        contains = schema.get("contains")
        if items is None and prefix is None and isinstance(contains, dict):
            wanted = _int(schema.get("minContains"), 1)
            value = self._sample(contains, direction, visits, depth + 1)
            return [value] * max(length, wanted)
        if items is None and prefix is None:
            return []
        prefix = prefix or []
        out = []
        for index in range(max(length, len(prefix))):
            sub = prefix[index] if index < len(prefix) else items
            out.append(self._sample(sub if isinstance(sub, dict) else {}, direction, visits, depth + 1))
        return out


def own_values(schema: Any) -> list[Any]:
    """The values a schema states itself, in the sampler's order: `example`, `default`, `const`,
    3.1's `examples` (empty when it states none; `$ref` not followed). Not `enum`: it lists what
    is allowed, not what is sent."""
    if not isinstance(schema, dict):
        return []
    found = [schema[key] for key in ("example", "default", "const") if key in schema]
    if isinstance(schema.get("examples"), list):
        found.extend(schema["examples"])
    return found


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _closed(schema: Any) -> Any:
    kind = _type_of(schema) if isinstance(schema, dict) else None
    return {} if kind == "object" else [] if kind == "array" else None


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if isinstance(kind, str):
        return kind
    for keywords, name in ((_OBJECT_KEYWORDS, "object"), (_ARRAY_KEYWORDS, "array"),
                           (_STRING_KEYWORDS, "string"), (_NUMBER_KEYWORDS, "number")):
        if any(k in schema for k in keywords):
            return name
    return None


def _flag(document: dict[str, Any], schema: dict[str, Any], name: str) -> bool:
    resolved = openapi.deref(document, schema)
    return isinstance(resolved, dict) and resolved.get(name) is True


def _string(schema: dict[str, Any]) -> str:
    low = _int(schema.get("minLength"), 0)
    high = schema.get("maxLength")
    high = high if isinstance(high, int) else None
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in STRING_FORMATS:
        return STRING_FORMATS[fmt]
    text = "string"
    if low > len(text):
        text = (text * (low // len(text) + 1))[:low]
    if high is not None and len(text) > high:
        text = text[:high]
    return text


def _number(schema: dict[str, Any], kind: str) -> int | float:
    """Prism's number: the lower bound (one above it when exclusive), else 0 or below the upper."""
    low, low_open = _bound(schema, "minimum", "exclusiveMinimum")
    high, high_open = _bound(schema, "maximum", "exclusiveMaximum")
    if low is not None:
        value: float = math.floor(low) + 1 if low_open else low
        if high is not None and (value >= high if high_open else value > high):
            value = (low + high) / 2
    elif high is not None:
        value = 0 if high > 0 else (math.floor(high) - 1 if high_open else high)
    else:
        value = 0
    if kind == "integer" or (isinstance(value, float) and value.is_integer()):
        return int(value) if float(value).is_integer() else value
    return value


def _bound(schema: dict[str, Any], name: str, exclusive: str) -> tuple[float | None, bool]:
    flag = schema.get(exclusive)
    if isinstance(flag, (int, float)) and not isinstance(flag, bool):  # 3.1: the bound itself
        return float(flag), True
    value = schema.get(name)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value), flag is True
    return None, False
