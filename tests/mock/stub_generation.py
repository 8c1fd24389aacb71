"""A tiny stand-in for mock.generation, used only while that module is not importable.

Deterministic, schema-driven, deliberately simple: enough for the mock's own tests.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from accord import pointers

_FORMATS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "email": "user@example.com",
    "uri": "https://example.com/x",
    "url": "https://example.com/x",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "hostname": "example.com",
}


class Generator:
    def __init__(self, document: dict[str, Any], version: str) -> None:
        self.document = document
        self.version = version

    def generate(self, schema: Any, *, seed: int | str, direction: str = "response") -> Any:
        rng = random.Random(str(seed))
        return self._gen(schema, rng, 0, direction)

    def _gen(self, schema: Any, rng: random.Random, depth: int, direction: str) -> Any:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = pointers.resolve(self.document, schema["$ref"])
        if not isinstance(schema, dict):
            return {}
        for key in ("const",):
            if key in schema:
                return schema[key]
        if "enum" in schema:
            return rng.choice(schema["enum"])
        if "default" in schema:
            return schema["default"]
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for member in schema["allOf"]:
                value = self._gen(member, rng, depth + 1, direction)
                if isinstance(value, dict):
                    merged.update(value)
            extra = {k: v for k, v in schema.items() if k != "allOf"}
            if extra.get("properties"):
                value = self._gen(extra, rng, depth + 1, direction)
                if isinstance(value, dict):
                    merged.update(value)
            return merged
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return self._gen(schema[key][0], rng, depth + 1, direction)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None:
            kind = "object" if "properties" in schema else "string"
        if kind == "object":
            hidden = "writeOnly" if direction == "response" else "readOnly"
            out = {}
            for name, sub in (schema.get("properties") or {}).items():
                target = sub
                while isinstance(target, dict) and "$ref" in target:
                    target = pointers.resolve(self.document, target["$ref"])
                if isinstance(target, dict) and target.get(hidden):
                    continue
                if depth > 6 and name not in schema.get("required", []):
                    continue
                out[name] = self._gen(sub, rng, depth + 1, direction)
            return out
        if kind == "array":
            count = max(schema.get("minItems", 1), 1) if depth < 6 else schema.get("minItems", 0)
            count = min(count, schema.get("maxItems", count))
            items = [self._gen(schema.get("items", {}), rng, depth + 1, direction) for _ in range(count)]
            return items
        if kind in ("integer", "number"):
            low = schema.get("minimum", 0)
            high = schema.get("maximum", low + 100)
            value = rng.randint(
                int(low) + (1 if schema.get("exclusiveMinimum") is True else 0),
                max(int(low), int(high) - (1 if schema.get("exclusiveMaximum") is True else 0)),
            )
            return value if kind == "integer" else float(value)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "null":
            return None
        fmt = schema.get("format")
        if fmt == "uuid":
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if fmt in _FORMATS:
            return _FORMATS[fmt]
        length = max(schema.get("minLength", 3), 1)
        length = min(length, schema.get("maxLength", length))
        return "".join(rng.choice("abcdefghij") for _ in range(length))
