"""OpenAPI Schema Objects as compiled JSON Schema validators (jsonschema-rs).

OpenAPI 3.0 and Swagger 2.0 schemas are a dialect of JSON Schema draft 4 (`nullable`,
`x-nullable`, `readOnly`/`writeOnly` relaxing `required`); 3.1 schemas are draft 2020-12.
`SchemaCompiler` converts a schema once, carries along only the components it references
(by their original JSON pointers, so `$ref`s keep working), and caches the compiled validator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import jsonschema_rs

from accord import openapi, pointers
from accord.errors import AccordError

Direction = Literal["request", "response", "any"]

_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_SINGLE = ("items", "not", "additionalProperties", "contains", "if", "then", "else",
                  "propertyNames", "unevaluatedItems", "unevaluatedProperties", "additionalItems")
_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
#: Annotations a 2.0/3.0 Schema Object may carry that validate nothing: left out of the compiled schema.
_OPENAPI_ONLY = ("example", "examples", "discriminator", "xml", "externalDocs", "deprecated")


@dataclass(slots=True, frozen=True)
class SchemaViolation:
    """One way an instance fails a schema: where in the instance, and why."""

    pointer: str  # RFC 6901 pointer into the instance ("" = the whole instance)
    message: str
    keyword: str


class SchemaCompileError(AccordError, ValueError):
    """The schema itself cannot be compiled (for example an invalid `pattern`); a ValueError too,
    for the callers that catch it with other bad-value errors."""

    exit_code = 2


class SchemaCompiler:
    """Compiles schemas of one document; validators are cached per schema and direction."""

    def __init__(self, document: dict[str, Any], version: str, *, openapi_formats: bool = False) -> None:
        self.document = document
        self.version = version
        # OpenAPI's own `format: byte` (base64) checked, as Prism checks it (the mock's requests
        # and answers); other users keep JSON Schema's formats only.
        self.openapi_formats = openapi_formats
        self._cache: dict[tuple[int, str], jsonschema_rs.Validator] = {}
        self._keep: list[Any] = []  # keeps cached schema objects alive so their ids stay valid

    # -- public -------------------------------------------------------------------------
    def validator(self, schema: Any, direction: Direction = "any") -> jsonschema_rs.Validator:
        key = (id(schema), direction)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._compile(schema, direction)
            self._cache[key] = cached
            self._keep.append(schema)
        return cached

    def iter_violations(self, schema: Any, instance: Any, direction: Direction = "any") -> Iterator[SchemaViolation]:
        validator = self.validator(schema, direction)
        for error in validator.iter_errors(instance):
            yield SchemaViolation(
                pointer=pointers.from_path(list(error.instance_path)),
                message=error.message,
                keyword=str(error.schema_path[-1]) if error.schema_path else "",
            )

    def is_valid(self, schema: Any, instance: Any, direction: Direction = "any") -> bool:
        return self.validator(schema, direction).is_valid(instance)

    def convert(self, schema: Any, direction: Direction = "any") -> dict[str, Any]:
        """A self-contained JSON Schema for `schema`, its references carried along."""
        refs: dict[str, Any] = {}
        root = self._convert(schema, direction, refs)
        if not isinstance(root, dict):
            root = {} if root is True else {"not": {}}
        skeleton: dict[str, Any] = {}
        for pointer, converted in refs.items():
            _place(skeleton, pointer, converted)
        if skeleton:
            root = {**skeleton, "allOf": [root]} if _clashes(root, skeleton) else {**root, **skeleton}
        if self.version == "3.1":
            root.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
        return root

    # -- conversion ---------------------------------------------------------------------
    def _compile(self, schema: Any, direction: Direction) -> jsonschema_rs.Validator:
        converted = self.convert(schema, direction)
        cls = jsonschema_rs.Draft202012Validator if self.version == "3.1" else jsonschema_rs.Draft4Validator
        try:
            formats = OPENAPI_FORMATS if self.openapi_formats else None
            return cls(converted, validate_formats=True, ignore_unknown_formats=True, retriever=_no_retrieval,
                       formats=formats)
        except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError) as exc:
            raise SchemaCompileError(str(exc)) from exc

    def _convert(self, schema: Any, direction: Direction, refs: dict[str, Any]) -> Any:
        if not isinstance(schema, dict):
            return schema
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {name: self._convert(sub, direction, refs) for name, sub in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self._convert(sub, direction, refs) for sub in value]
            elif key in _SCHEMA_SINGLE and isinstance(value, (dict, list)):
                if isinstance(value, list):  # draft-4 tuple items
                    out[key] = [self._convert(sub, direction, refs) for sub in value]
                else:
                    out[key] = self._convert(value, direction, refs)
            elif key == "$ref" and isinstance(value, str):
                out[key] = value
                self._follow(value, direction, refs)
            elif key in _OPENAPI_ONLY and self.version != "3.1":
                continue
            elif key == "pattern" and isinstance(value, str):
                out[key] = ecma_class_ranges(value)
            else:
                out[key] = value
        if direction != "any" and isinstance(out.get("required"), list) and isinstance(out.get("properties"), dict):
            hidden = "readOnly" if direction == "request" else "writeOnly"
            props = schema["properties"]
            out["required"] = [n for n in out["required"] if not self.flagged(props.get(n), hidden)]
            if not out["required"]:
                del out["required"]
        apply_format_bounds(out)
        if self.openapi_formats and out.get("format") == "byte" and "pattern" not in out:
            # Prism's schema translation (http-spec) adds the base64 alphabet as a pattern, so a
            # value outside it is reported twice: the pattern, then the format.
            out["pattern"] = BASE64_ALPHABET
        if self.version != "3.1":
            nullable = out.pop("nullable", None)
            if out.pop("x-nullable", None) is True:
                nullable = True
            if nullable is True:
                out = _nullable(out)
        return out

    def flagged(self, schema: Any, flag: str) -> bool:
        """Whether `flag` is true on the schema or on any schema its `$ref` chain passes through."""
        return any(isinstance(node, dict) and node.get(flag) is True for node in openapi.chain(self.document, schema))

    def _follow(self, ref: str, direction: Direction, refs: dict[str, Any]) -> None:
        if not ref.startswith("#"):
            return
        pointer = ref[1:]
        if pointer in refs:
            return
        refs[pointer] = {}  # placeholder: breaks cycles
        target = openapi.target(self.document, ref)
        if target is None:
            del refs[pointer]
            return
        refs[pointer] = self._convert(target, direction, refs)


_CLASS_ESCAPES = frozenset("dDsSwW")


def ecma_class_ranges(pattern: str) -> str:
    """`pattern` with a `-` next to a class escape inside a class (`[\\s-_]`) escaped: ECMA 262
    (Annex B.1.2, what browsers and Prism's ajv run) reads it as the character `-`, while
    jsonschema-rs (and Python's `re`) refuse the pattern as a bad range. AWS documents carry it
    (`^[a-zA-Z0-9\\s-_()\\[\\]]+$`)."""
    if "-" not in pattern or "[" not in pattern:
        return pattern
    out: list[str] = []
    in_class = False
    after_escape = False  # the previous class member is \d, \s, \w or their negations
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            token = pattern[index:index + 2]
            out.append(token)
            after_escape = in_class and token[1:] in _CLASS_ESCAPES
            index += 2
            continue
        if in_class and char == "-":
            ahead = pattern[index + 1:index + 3]
            if after_escape or (len(ahead) == 2 and ahead[0] == "\\" and ahead[1] in _CLASS_ESCAPES):
                char = "\\-"
        elif char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        after_escape = False
        index += 1
    return "".join(out)


#: The pattern Prism's schema translation gives `format: byte`; the format check is the strict one.
BASE64_ALPHABET = r"^[\w\d+\/=]*$"
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _is_base64(value: str) -> bool:
    """OpenAPI's `byte`: base64 (RFC 4648 section 4, the standard alphabet, padded)."""
    return _BASE64.fullmatch(value) is not None


OPENAPI_FORMATS = {"byte": _is_base64}


#: `format` ranges of OpenAPI's integer formats (OAS 3.0 §4.4 "Data Types").
_FORMAT_BOUNDS: dict[object, tuple[int, int]] = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def apply_format_bounds(out: dict[str, Any]) -> None:
    """Narrow an integer schema's minimum/maximum to its `format`'s range (int32, int64), in place:
    a JSON Schema validator knows no such formats, and a 65-bit id is not a valid int64."""
    bounds = _FORMAT_BOUNDS.get(out.get("format")) if out.get("type") == "integer" else None
    if bounds is None:
        return
    low, high = bounds
    if not isinstance(out.get("minimum"), (int, float)) or out["minimum"] < low:
        out["minimum"] = low
        if isinstance(out.get("exclusiveMinimum"), bool):
            del out["exclusiveMinimum"]
    if not isinstance(out.get("maximum"), (int, float)) or out["maximum"] > high:
        out["maximum"] = high
        if isinstance(out.get("exclusiveMaximum"), bool):
            del out["exclusiveMaximum"]


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if kind is not None and not any(k in schema for k in ("$ref", "allOf", "anyOf", "oneOf", "not")):
        if isinstance(kind, list):
            if "null" not in kind:
                schema["type"] = [*kind, "null"]
        elif kind != "null":
            schema["type"] = [kind, "null"]
        # An `enum` is not widened: OpenAPI 3.0.3 clarifies that a nullable enum allows null only
        # when null is listed (Schemathesis reads it so too).
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def _place(skeleton: dict[str, Any], pointer: str, value: Any) -> None:
    tokens = pointers.split(pointer)
    if not tokens:
        return
    node = skeleton
    for token in tokens[:-1]:
        child = node.get(token)
        if not isinstance(child, dict):
            child = {}
            node[token] = child
        node = child
    if tokens[-1] not in node:
        node[tokens[-1]] = value


def _clashes(root: dict[str, Any], skeleton: dict[str, Any]) -> bool:
    return any(key in root for key in skeleton)


def _no_retrieval(uri: str) -> Any:
    raise ValueError(f"remote schema retrieval is disabled: {uri}")
