"""Request parameters: read each one in its OpenAPI style, then coerce strings by its schema.

OpenAPI 3 §4.8.12.4 (style values): path `simple`/`label`/`matrix`, query `form`/
`spaceDelimited`/`pipeDelimited`/`deepObject`, header `simple`, cookie `form`, each with
`explode`. A value that does not follow its style is a violation, not a crash; a string that
cannot be coerced to the schema's type is kept as a string so the validator names the error.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

import orjson

from accord.mock.problems import Violation
from accord.openapi import deref

MISSING: Any = object()

#: Header parameters OpenAPI tells tools to ignore (§4.8.12.1).
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
#: Default style per location (§4.8.12.4).
DEFAULT_STYLE = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
# ASCII digits only: `\d` and int() also accept other scripts' digits ("႖" is 6).
_INTEGER = re.compile(r"[-+]?[0-9]+")
_NUMBER = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


class ParameterDecodeError(ValueError):
    """A query string or cookie that cannot be decoded (invalid percent-encoded UTF-8)."""


@dataclass(slots=True, frozen=True)
class Shape:
    """What a parameter's schema expects, as far as turning strings into values needs."""

    types: frozenset[str]
    items: frozenset[str] = frozenset()
    properties: dict[str, frozenset[str]] = field(default_factory=dict)
    property_items: dict[str, frozenset[str]] = field(default_factory=dict)  # item types of array properties
    open_object: bool = True  # additionalProperties is not false
    additional: frozenset[str] = frozenset()  # the types of additionalProperties' values (a map's)


def schema_types(document: dict[str, Any], schema: Any, depth: int = 0) -> frozenset[str]:
    """The JSON types a schema can take, looking through $ref, combinators, nullable and enum."""
    schema = deref(document, schema)
    if not isinstance(schema, dict) or depth > 16:
        return frozenset()
    found: set[str] = set()
    kind = schema.get("type")
    if isinstance(kind, str):
        found.add(kind)
    elif isinstance(kind, list):
        found.update(k for k in kind if isinstance(k, str))
    for key in ("oneOf", "anyOf", "allOf"):
        for member in schema.get(key) or ():
            found |= schema_types(document, member, depth + 1)
    if not found and isinstance(schema.get("enum"), list):
        found.update(_json_type(v) for v in schema["enum"])
    if schema.get("nullable") is True:
        found.add("null")
    if "number" in found:
        found.add("integer")
    return frozenset(found)


_CONTAINER_TYPES: dict[type, str] = {dict: "object", list: "array"}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    return _CONTAINER_TYPES.get(type(value), "string")


def shape_of(document: dict[str, Any], schema: Any) -> Shape:
    types = schema_types(document, schema)
    resolved = deref(document, schema)
    items: frozenset[str] = frozenset()
    properties: dict[str, frozenset[str]] = {}
    property_items: dict[str, frozenset[str]] = {}
    open_object = True
    additional: frozenset[str] = frozenset()
    if isinstance(resolved, dict):
        members = [resolved, *[deref(document, m) for m in resolved.get("allOf") or ()]]
        for member in members:
            if not isinstance(member, dict):
                continue
            if "items" in member:
                items |= schema_types(document, member["items"])
            for name, sub in (member.get("properties") or {}).items():
                properties[name] = schema_types(document, sub)
                if "array" in properties[name]:
                    property_items[name] = _item_types(document, sub)
            extra = member.get("additionalProperties")
            if extra is False:
                open_object = False
            elif isinstance(extra, dict):
                additional |= schema_types(document, extra)
    return Shape(types, items, properties, property_items, open_object, additional)


def _item_types(document: dict[str, Any], schema: Any, depth: int = 0) -> frozenset[str]:
    """The types of an array schema's items, looking through $ref and combinators."""
    schema = deref(document, schema)
    if not isinstance(schema, dict) or depth > 16:
        return frozenset()
    if "items" in schema:
        return schema_types(document, schema["items"])
    found: frozenset[str] = frozenset()
    for key in ("allOf", "oneOf", "anyOf"):
        for member in schema.get(key) or ():
            found |= _item_types(document, member, depth + 1)
    return found


def coerce(text: str, types: frozenset[str]) -> Any:
    """The value `text` stands for, given the types its schema allows (else `text` itself)."""
    # `text.isdigit()` on ASCII text is `[0-9]+`: the usual id, without running the pattern.
    if "integer" in types and ((text.isascii() and text.isdigit()) or _INTEGER.fullmatch(text)):
        try:
            return int(text)
        except ValueError:  # more digits than Python converts: let the validator say so
            return text
    if "number" in types and _NUMBER.fullmatch(text):
        number = float(text)
        if math.isfinite(number):
            return number
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "null" in types and text in ("", "null") and "string" not in types:
        return None
    return text


@dataclass(slots=True)
class Parameter:
    """One declared parameter, ready to be read from a request."""

    name: str
    location: str  # path | query | header | cookie
    required: bool
    style: str
    explode: bool
    shape: Shape
    schema: Any
    content_json: bool = False  # declared with `content` (a JSON-encoded value)
    deprecated: bool = False
    pointer: str = ""
    allow_empty: bool = False  # `allowEmptyValue` (query): `?uploads` is present, its schema not applied
    #: A query array of objects in `form` style: OpenAPI defines no serialisation for it, so clients
    #: send their own (AWS's `Tag.1.Key=a`); only its presence is checked.
    unserialisable: bool = False
    #: The operation's other query parameters (a `form` exploded map takes every other query key).
    siblings: frozenset[str] = frozenset()
    _kind: str = field(default="", repr=False, compare=False)  # kind(), worked out on first use

    @property
    def key(self) -> str:
        return f"{self.location}.{self.name}"

    def kind(self) -> str:
        """"array", "object" or "primitive": how the value is serialised (read per request)."""
        if not self._kind:
            self._kind = self._classify()
        return self._kind

    def _classify(self) -> str:
        types = self.shape.types
        if types == {"array"} or ("array" in types and not types & {"string", "integer", "number", "boolean"}):
            return "array"
        if "object" in types and not types & {"string", "integer", "number", "boolean", "array"}:
            return "object"
        return "primitive"

    def plain_path_types(self) -> frozenset[str] | None:
        """For a path parameter whose reading is its text coerced by its schema's types, and
        nothing else, those types: what `read_all` gives for any non-empty text is then
        `coerce(text, types)`, with no violation (`_read_path` → `_simple` → `from_text` →
        `coerce`, for style `simple`, a primitive, no `content`, not deprecated). None otherwise."""
        if (self.location == "path" and self.style == "simple" and self.kind() == "primitive"
                and not self.content_json and not self.deprecated):
            return self.shape.types
        return None

    def read(self, request: RequestParts) -> Any:
        """The parameter's value in `request`, MISSING when absent; raises StyleError."""
        reader = _READERS[self.location]
        return reader(self, request)

    # -- conversions shared by the readers -------------------------------------------------
    def from_text(self, text: str) -> Any:
        if self.content_json:
            try:
                return orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                raise StyleError(f"is not valid JSON: {exc.msg}") from exc
        return coerce(text, self.shape.types)

    def array(self, items: list[str]) -> list[Any]:
        return [coerce(item, self.shape.items) for item in items]

    def object_from_pairs(self, pairs: list[tuple[str, str]]) -> dict[str, Any]:
        props = self.shape.properties
        value: dict[str, Any] = {}
        for key, text in pairs:
            types = props.get(key, frozenset())
            if types == {"array"}:  # `ids=1,2` or `ids=1&ids=2`: one level more than RFC 6570 goes
                items = self.shape.property_items.get(key, frozenset())
                found = value.setdefault(key, [])
                found.extend(coerce(item, items) for item in (text.split(",") if text else []))
            else:
                value[key] = coerce(text, types)
        if len(value) > 1 and props:
            # The schema's order, whatever the request's: violations are then listed property by
            # property as the document declares them, as Prism (ajv) lists them.
            ordered = {key: value[key] for key in props if key in value}
            ordered.update(value)
            return ordered
        return value


class StyleError(ValueError):
    """A parameter value that does not follow its declared style."""


@dataclass(slots=True)
class RequestParts:
    """The raw, decoded parameter sources of one request."""

    path: dict[str, str]
    query: list[tuple[str, str]]
    headers: dict[str, str]
    cookies: dict[str, str] | None = None
    _query_map: dict[str, list[str]] | None = None

    def query_values(self, name: str) -> list[str] | None:
        if self._query_map is None:
            grouped: dict[str, list[str]] = {}
            for key, value in self.query:
                grouped.setdefault(key, []).append(value)
            self._query_map = grouped
        return self._query_map.get(name)

    def cookie_map(self) -> dict[str, str]:
        if self.cookies is None:
            self.cookies = parse_cookies(self.headers.get("cookie", ""))
        return self.cookies


def parse_query(raw: bytes) -> list[tuple[str, str]]:
    """Query pairs, `+` as space, percent-decoded as strict UTF-8 (RFC 3986 + HTML forms)."""
    if not raw:
        return []
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    pairs: list[tuple[str, str]] = []
    try:
        for part in text.split("&"):
            if not part:
                continue
            key, _, value = part.partition("=")
            pairs.append((unquote_plus(key, errors="strict"), unquote_plus(value, errors="strict")))
    except UnicodeDecodeError as exc:
        raise ParameterDecodeError("the query string is not valid UTF-8 once percent-decoded") from exc
    return pairs


def parse_cookies(header: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name and name not in cookies:
            cookies[name] = value
    return cookies


# -- readers, one per location ----------------------------------------------------------------
def _read_query(param: Parameter, request: RequestParts) -> Any:
    kind = param.kind()
    if kind == "object" and not param.content_json:
        return _query_object(param, request)
    values = request.query_values(param.name)
    if values is None:
        return MISSING
    if kind == "array" and not param.content_json:
        if param.style == "form" and param.explode:
            return param.array(values)
        separator = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}.get(param.style, ",")
        return param.array(values[0].split(separator) if values[0] != "" else [])
    return param.from_text(values[0])


def _query_object(param: Parameter, request: RequestParts) -> Any:
    if param.style == "deepObject":
        prefix = param.name + "["
        pairs = [(k[len(prefix) : -1], v) for k, v in request.query if k.startswith(prefix) and k.endswith("]")]
        return param.object_from_pairs(pairs) if pairs else MISSING
    if param.explode:
        props = param.shape.properties
        if props or not param.shape.open_object:
            pairs = [(k, v) for k, v in request.query if k in props]
        else:  # a map (`additionalProperties` only): its keys are the names the client chose
            pairs = [(k, v) for k, v in request.query if k not in param.siblings and not k.startswith("__")]
        return param.object_from_pairs(pairs) if pairs else MISSING
    values = request.query_values(param.name)
    if values is None:
        return MISSING
    return param.object_from_pairs(_pairs(values[0].split(",") if values[0] else []))


def _pairs(flat: list[str]) -> list[tuple[str, str]]:
    if len(flat) % 2:
        raise StyleError("does not list keys and values in pairs")
    pairs = list(zip(flat[0::2], flat[1::2], strict=True))
    if any(not key for key, _ in pairs):
        raise StyleError("has an empty key")  # what a scalar sent for an object looks like: ",5"
    return pairs


def _simple(param: Parameter, text: str) -> Any:
    kind = param.kind()
    if param.content_json:
        return param.from_text(text)
    if kind == "array":
        return param.array(text.split(",") if text != "" else [])
    if kind == "object":
        parts = text.split(",") if text else []
        if param.explode:
            pairs = []
            for part in parts:
                key, sep, value = part.partition("=")
                if not sep:
                    raise StyleError("does not list key=value pairs")
                pairs.append((key, value))
            return param.object_from_pairs(pairs)
        return param.object_from_pairs(_pairs(parts))
    return param.from_text(text)


def _read_path(param: Parameter, request: RequestParts) -> Any:
    text = request.path.get(param.name, MISSING)
    if text is MISSING or text == "":
        # An empty segment (`/groups//members`) reaches the operation, but its parameter counts
        # as missing, as Prism reads it (and servers' routers, which match no empty segment):
        # the client left the value out, and is told which one.
        return MISSING
    if param.style == "label":
        if not text.startswith("."):
            raise StyleError("does not start with '.' (label style)")
        body = text[1:]
        if param.kind() == "array" and param.explode:
            return param.array(body.split("."))
        if param.kind() == "object" and param.explode:
            return _simple(param, body.replace(".", ","))
        return _simple(param, body)
    if param.style == "matrix":
        prefix = ";" + param.name + "="
        if param.kind() == "object" and param.explode:
            pairs = []
            for piece in (p for p in text.split(";") if p):
                key, sep, value = piece.partition("=")
                if not sep:  # an empty key is a valid expansion of {"": value} (RFC 6570 §3.2.7)
                    raise StyleError("does not follow matrix style (;key=value…)")
                pairs.append((key, value))
            return param.object_from_pairs(pairs)
        if param.kind() == "array" and param.explode:
            pieces = text.split(";")[1:]
            if not all(p.startswith(param.name + "=") for p in pieces):
                raise StyleError(f"does not follow matrix style ({prefix}…)")
            return param.array([p[len(param.name) + 1 :] for p in pieces])
        if not text.startswith(prefix) and text != ";" + param.name:
            raise StyleError(f"does not start with '{prefix}' (matrix style)")
        return _simple(param, text[len(prefix) :])
    return _simple(param, text)


def _read_header(param: Parameter, request: RequestParts) -> Any:
    text = request.headers.get(param.name.lower(), MISSING)
    return MISSING if text is MISSING else _simple(param, text)


def _read_cookie(param: Parameter, request: RequestParts) -> Any:
    text = request.cookie_map().get(param.name, MISSING)
    if text is MISSING:
        return MISSING
    if param.kind() == "array" and not param.content_json:
        return param.array(text.split(",") if text else [])
    if param.kind() == "object" and not param.content_json:
        return param.object_from_pairs(_pairs(text.split(",") if text else []))
    return param.from_text(text)


_READERS = {"path": _read_path, "query": _read_query, "header": _read_header, "cookie": _read_cookie}


def _prism_name(param: Parameter) -> str:
    """The name Prism validates a parameter under: header names lower-cased, as HTTP sends them."""
    return param.name.lower() if param.location == "header" else param.name


def read_all(params: list[Parameter], request: RequestParts) -> tuple[dict[str, Any], list[Violation]]:
    """Every declared parameter's value (keyed `location.name`) and the presence/style violations."""
    values: dict[str, Any] = {}
    violations: list[Violation] = []
    no_query = not request.query
    for param in params:
        if param.unserialisable:
            if param.required and not _sent_somehow(param, request):
                violations.append(Violation(param.location, param.name, (), "required", "is required"))
            continue
        try:
            # A request without a query string has no query parameter (object ones included).
            value = MISSING if no_query and param.location == "query" else param.read(request)
        except StyleError as exc:
            violations.append(
                Violation(param.location, param.name, (), "style", f"{param.location} parameter '{param.name}' {exc}")
            )
            continue
        if value is MISSING:
            if param.location == "query" and _deep(param.name, request):
                continue  # `Storage.S3.Bucket=…`: a serialisation OpenAPI does not define, present all the same
            if param.required:
                violations.append(
                    Violation(
                        param.location,
                        param.name,
                        (),
                        "required",
                        "is required",
                        prism=f"must have required property '{_prism_name(param)}'",
                    )
                )
            continue
        if param.allow_empty and value == "":
            continue  # OpenAPI 3 §4.8.12.1 allowEmptyValue: an empty value is allowed whatever the schema
        if param.deprecated:
            violations.append(
                Violation(
                    param.location,
                    param.name,
                    (),
                    "deprecated",
                    f"{param.location} parameter '{param.name}' is deprecated",
                    severity="Warning",
                    prism=f"{param.location.capitalize()} param {param.name} is deprecated",
                )
            )
        values[param.key] = value
    return values, violations


def _deep(name: str, request: RequestParts) -> bool:
    """Whether the query holds `name.…` or `name[…` keys (AWS's `Tag.1.Key`, PHP's `tag[0]`)."""
    prefixes = (f"{name}.", f"{name}[")
    return any(key.startswith(prefixes) for key, _value in request.query)


def _sent_somehow(param: Parameter, request: RequestParts) -> bool:
    """Whether an unserialisable query parameter is in the request: under its name, `name.…`,
    `name[…`, or (an exploded object) as one of its properties (`S3=…`, `S3.Bucket=…`)."""
    if request.query_values(param.name) is not None or _deep(param.name, request):
        return True
    if param.explode and param.kind() == "object":
        props = param.shape.properties
        if not props:  # a map: any key no sibling declares
            return any(key not in param.siblings and not key.startswith("__") for key, _value in request.query)
        return any(key.split(".", 1)[0].split("[", 1)[0] in props for key, _value in request.query)
    return False
