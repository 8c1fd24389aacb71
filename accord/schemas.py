"""OpenAPI Schema Objects as compiled JSON Schema validators (jsonschema-rs).

OpenAPI 3.0 and Swagger 2.0 schemas are a dialect of JSON Schema draft 4 (`nullable`,
`x-nullable`, `readOnly`/`writeOnly` relaxing `required`); 3.1 schemas are draft 2020-12.
`SchemaCompiler` converts a schema once, carries along only the components it references
(by their original JSON pointers, so `$ref`s keep working), and caches the compiled validator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import jsonschema_rs

from accord import openapi, pointers
from accord.errors import AccordError
from accord.inlining import inlined
from accord.patterns import compiles, prepare

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


@dataclass(slots=True, frozen=True)
class PatternNote:
    """A `pattern` left out of a compiled schema (the rest of the schema still checks): where it
    is written (an RFC 6901 pointer into the document; None when the caller did not say where
    the schema is), the pattern, and why it cannot be read."""

    pointer: str | None
    pattern: str
    problem: str

    def message(self) -> str:
        return f"pattern {self.pattern!r} is not checked: {self.problem}"


class SchemaCompileError(AccordError, ValueError):
    """The schema itself cannot be compiled (for example an invalid `pattern`); a ValueError too,
    for the callers that catch it with other bad-value errors."""

    exit_code = 2


class SchemaCompiler:
    """Compiles schemas of one document; validators are cached per schema and direction."""

    def __init__(self, document: dict[str, Any], version: str, *, openapi_formats: bool = False,
                 on_pattern: Callable[[PatternNote], None] | None = None) -> None:
        self.document = document
        self.version = version
        #: Told once per unreadable pattern, where it is written (`PatternNote`).
        self.on_pattern = on_pattern
        self._noted: set[tuple[str | None, str]] = set()
        self._probe = False  # check each pattern with jsonschema-rs (after a schema failed to compile)
        # OpenAPI's own `format: byte` (base64) checked, as Prism checks it (the mock's requests
        # and answers); other users keep JSON Schema's formats only.
        self.openapi_formats = openapi_formats
        self._cache: dict[tuple[int, str], jsonschema_rs.Validator] = {}
        self._keep: list[Any] = []  # keeps cached schema objects alive so their ids stay valid

    # -- public -------------------------------------------------------------------------
    def validator(self, schema: Any, direction: Direction = "any", where: str | None = None) -> jsonschema_rs.Validator:
        """The compiled validator; `where` (the schema's pointer in the document) locates the
        notes about its unreadable patterns."""
        key = (id(schema), direction)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._compile(schema, direction, where)
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

    def convert(self, schema: Any, direction: Direction = "any", where: str | None = None, *,
                inline: bool = False) -> dict[str, Any]:
        """A self-contained JSON Schema for `schema`, its references carried along; with `inline`,
        the references replaced by their targets where a validator reports the same (accord.inlining)."""
        refs: dict[str, Any] = {}
        root = self._convert(schema, direction, refs, where)
        if not isinstance(root, dict):
            root = {} if root is True else {"not": {}}
        skeleton: dict[str, Any] = {}
        for pointer, converted in refs.items():
            _place(skeleton, pointer, converted)
        if skeleton:
            root = {**skeleton, "allOf": [root]} if _clashes(root, skeleton) else {**root, **skeleton}
            if inline:
                root = inlined(root, frozenset(skeleton), draft4=self.version != "3.1")
        if self.version == "3.1":
            root.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
        return root

    # -- conversion ---------------------------------------------------------------------
    def _compile(self, schema: Any, direction: Direction, where: str | None) -> jsonschema_rs.Validator:
        # Request validators report every error of every invalid request: their references inlined.
        inline = direction == "request"
        try:
            return self._build(self.convert(schema, direction, where, inline=inline))
        except SchemaCompileError:
            # A pattern jsonschema-rs refuses fails the whole schema: find it, leave it out, say where.
            self._probe = True
            try:
                return self._build(self.convert(schema, direction, where, inline=inline))
            finally:
                self._probe = False

    def _build(self, converted: dict[str, Any]) -> jsonschema_rs.Validator:
        cls = jsonschema_rs.Draft202012Validator if self.version == "3.1" else jsonschema_rs.Draft4Validator
        try:
            formats = OPENAPI_FORMATS if self.openapi_formats else None
            return cls(converted, validate_formats=True, ignore_unknown_formats=True, retriever=_no_retrieval,
                       formats=formats)
        except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError) as exc:
            raise SchemaCompileError(str(exc)) from exc

    def _pattern(self, source: str, at: _Where) -> str | None:
        """The pattern jsonschema-rs compiles for `source` (accord.patterns), or None, noted."""
        prepared = prepare(source)
        ecma, problem = prepared.ecma, prepared.problem
        if ecma is not None and self._probe and not compiles(ecma):
            ecma, problem = None, "jsonschema-rs cannot compile it (an unsupported construct, or too large)"
        if ecma is None:
            where = _pointer(at)
            if (where, source) not in self._noted:
                self._noted.add((where, source))
                if self.on_pattern is not None:
                    self.on_pattern(PatternNote(where, source, problem or "it cannot be read"))
        return ecma

    def _convert(self, schema: Any, direction: Direction, refs: dict[str, Any], where: _Where = None) -> Any:
        if not isinstance(schema, dict):
            return schema
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key == "patternProperties" and isinstance(value, dict):
                at = _child(where, key)
                out[key] = {ecma: self._convert(sub, direction, refs, _child(at, name)) for name, sub in value.items()
                            if (ecma := self._pattern(name, _child(at, name))) is not None}
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                at = _child(where, key)
                out[key] = {name: self._convert(sub, direction, refs, _child(at, name)) for name, sub in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                at = _child(where, key)
                out[key] = [self._convert(sub, direction, refs, _child(at, i)) for i, sub in enumerate(value)]
            elif key in _SCHEMA_SINGLE and isinstance(value, (dict, list)):
                at = _child(where, key)
                if isinstance(value, list):  # draft-4 tuple items
                    out[key] = [self._convert(sub, direction, refs, _child(at, i)) for i, sub in enumerate(value)]
                else:
                    out[key] = self._convert(value, direction, refs, at)
            elif key == "$ref" and isinstance(value, str):
                out[key] = value
                self._follow(value, direction, refs)
            elif key in _OPENAPI_ONLY and self.version != "3.1":
                continue
            elif key == "pattern" and isinstance(value, str):
                ecma = self._pattern(value, _child(where, key))
                if ecma is not None:
                    out[key] = ecma
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
        refs[pointer] = self._convert(target, direction, refs, pointer)


#: Where a schema is written, built only when a note needs it: the document pointer of the root
#: (a str), or (where the parent is, the token under it).
_Where = str | tuple[Any, str | int] | None


def _child(at: _Where, name: str | int) -> _Where:
    return None if at is None else (at, name)


def _pointer(at: _Where) -> str | None:
    tokens: list[str] = []
    while isinstance(at, tuple):
        at, name = at
        tokens.append(pointers.escape(str(name)))
    if at is None:
        return None
    return at + "".join(f"/{token}" for token in reversed(tokens))


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
