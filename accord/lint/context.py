"""What every lint rule looks at: the bundled document, walked once, with OpenAPI-aware helpers.

Rules are small functions of a `LintContext`; the expensive walks (every node, every
operation, the schemas reachable from requests and from responses) are done lazily, once,
and shared. Pointers handed to rules are definition sites: a `$ref`'d response is reported
where it is written (`/components/responses/NotFound`), once, not at every use.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord import openapi, pointers
from accord.openapi import Operation
from accord.schemas import SchemaCompiler

#: What a rule yields: (JSON pointer into the bundled document, message).
Hit = tuple[str, str]
Hits = Iterator[Hit]

#: Keys whose value maps names to schemas (a property named "enum" is not an enum).
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_SINGLE = ("items", "not", "additionalProperties", "contains", "if", "then", "else",
                 "propertyNames", "unevaluatedItems", "unevaluatedProperties", "additionalItems")
#: Keys whose values are data, not OpenAPI or schema objects: never walked for structure.
DATA_KEYS = frozenset(("example", "examples", "default", "enum", "const", "x-examples"))
#: Maps of names (whose own keys are not keywords) in the OpenAPI object tree.
NAME_MAPS = frozenset((*SCHEMA_MAPS, "schemas", "paths", "responses", "content", "headers",
                       "parameters", "requestBodies", "securitySchemes", "links", "callbacks",
                       "variables", "webhooks", "encoding", "mapping", "scopes", "pathItems"))


@dataclass(slots=True, frozen=True)
class Node:
    """A mapping somewhere in the document; `is_name_map` when its keys are names (paths,
    properties, components...), not keywords: `{"enum": ...}` there is a property, not an enum."""

    pointer: str
    value: dict[str, Any]
    is_name_map: bool


@dataclass(slots=True, frozen=True)
class Reached:
    """A schema reached from a root, at its definition site, and the keyword that led to it."""

    pointer: str
    schema: dict[str, Any]
    via: str


class LintContext:
    """The document under lint and the shared, lazily computed views of it."""

    def __init__(self, document: dict[str, Any], version: str, *,
                 source_map: dict[str, tuple[Path, str]] | None = None) -> None:
        self.document = document
        self.version = version
        self.source_map = source_map or {}
        self._nodes: list[Node] | None = None
        self._operations: list[Operation] | None = None
        self._compiler: SchemaCompiler | None = None
        self._reachable: dict[str, list[Reached]] = {}
        #: Views shared by declared rules (the resolved document, the set of $ref targets).
        self.cache: dict[str, Any] = {}

    # -- references -------------------------------------------------------------------------
    def resolve(self, pointer: str, node: Any) -> tuple[str, Any]:
        """Follow internal `$ref`s from `node` (at `pointer`): (definition pointer, target).

        A reference that leads nowhere (accord.openapi.follow) yields (pointer, None)."""
        target, where = openapi.follow(self.document, node, pointer)
        return where, target

    def deref(self, node: Any) -> Any:
        return openapi.deref(self.document, node)

    # -- walks ------------------------------------------------------------------------------
    @property
    def nodes(self) -> list[Node]:
        """Every mapping in the document outside example/default/enum data."""
        if self._nodes is None:
            found: list[Node] = []
            stack: list[tuple[str, Any, bool]] = [("", self.document, False)]
            while stack:
                pointer, value, is_map = stack.pop()
                if isinstance(value, dict):
                    found.append(Node(pointer, value, is_map))
                    for key, child in value.items():
                        if isinstance(child, (dict, list)) and (is_map or key not in DATA_KEYS):
                            stack.append((f"{pointer}/{pointers.escape(key)}", child,
                                          not is_map and key in NAME_MAPS))
                elif isinstance(value, list):
                    for index, child in enumerate(value):
                        if isinstance(child, (dict, list)):
                            stack.append((f"{pointer}/{index}", child, False))
            found.reverse()
            self._nodes = found
        return self._nodes

    @property
    def operations(self) -> list[Operation]:
        if self._operations is None:
            self._operations = list(openapi.operations(self.document))
        return self._operations

    def parameters(self, operation: Operation) -> Iterator[tuple[str, dict[str, Any]]]:
        """(usage pointer, resolved Parameter Object); the operation's own override the path's."""
        merged: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        for owner, owner_pointer in ((operation.path_item, operation.path_item_pointer),
                                     (operation.operation, operation.pointer)):
            raw = owner.get("parameters")
            if not isinstance(raw, list):
                continue
            for index, entry in enumerate(raw):
                param = self.deref(entry)
                if isinstance(param, dict):
                    key = (str(param.get("name")), str(param.get("in")))
                    merged[key] = (f"{owner_pointer}/parameters/{index}", param)
        yield from merged.values()

    def responses(self, operation: Operation) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(status key, definition pointer, resolved Response Object) of an operation."""
        raw = operation.operation.get("responses")
        if not isinstance(raw, dict):
            return
        for status, entry in raw.items():
            pointer, response = self.resolve(pointers.join(operation.pointer, "responses", status), entry)
            if isinstance(response, dict):
                yield str(status), pointer, response

    def request_body(self, operation: Operation) -> tuple[str, dict[str, Any]] | None:
        raw = operation.operation.get("requestBody")
        if raw is None:
            return None
        pointer, body = self.resolve(f"{operation.pointer}/requestBody", raw)
        return (pointer, body) if isinstance(body, dict) else None

    @staticmethod
    def media_types(pointer: str, owner: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(media type, pointer, Media Type Object) of a request body or response."""
        content = owner.get("content")
        if isinstance(content, dict):
            for media, entry in content.items():
                if isinstance(entry, dict):
                    yield media, pointers.join(pointer, "content", media), entry

    # -- schemas ----------------------------------------------------------------------------
    @property
    def compiler(self) -> SchemaCompiler:
        if self._compiler is None:
            self._compiler = SchemaCompiler(self.document, self.version)
        return self._compiler

    def request_schema_roots(self) -> Iterator[tuple[str, Any]]:
        """Schemas of every request body and parameter, at their usage pointers."""
        for operation in self.operations:
            for pointer, param in self.parameters(operation):
                yield from _parameter_schemas(pointer, param)
            found = self.request_body(operation)
            if found is not None:
                for _, media_pointer, media in self.media_types(*found):
                    if "schema" in media:
                        yield f"{media_pointer}/schema", media["schema"]

    def response_schema_roots(self) -> Iterator[tuple[str, Any]]:
        for operation in self.operations:
            for _, pointer, response in self.responses(operation):
                for _, media_pointer, media in self.media_types(pointer, response):
                    if "schema" in media:
                        yield f"{media_pointer}/schema", media["schema"]

    def reachable(self, direction: str) -> list[Reached]:
        """Every schema reachable from the request ("request") or response ("response") roots."""
        if direction not in self._reachable:
            roots = self.request_schema_roots() if direction == "request" else self.response_schema_roots()
            self._reachable[direction] = list(self._walk_reachable(roots))
        return self._reachable[direction]

    def _walk_reachable(self, roots: Iterable[tuple[str, Any]]) -> Iterator[Reached]:
        seen: set[str] = set()
        stack = [(pointer, schema, "") for pointer, schema in roots]
        stack.reverse()
        while stack:
            pointer, schema, via = stack.pop()
            pointer, schema = self.resolve(pointer, schema)
            if not isinstance(schema, dict) or pointer in seen:
                continue
            seen.add(pointer)
            yield Reached(pointer, schema, via)
            children = list(subschemas(pointer, schema))
            stack.extend((p, s, k) for k, p, s in reversed(children))

    def object_properties(self, schema: Any) -> dict[str, Any]:
        """The properties a (resolved) object schema declares, `allOf` members merged."""
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return {}
        merged: dict[str, Any] = {}
        for member in schema.get("allOf", []) if isinstance(schema.get("allOf"), list) else []:
            merged.update(self.object_properties(member))
        if isinstance(schema.get("properties"), dict):
            merged.update(schema["properties"])
        return merged


def subschemas(pointer: str, schema: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(keyword, pointer, subschema) for the immediate subschemas of a Schema Object."""
    for key in SCHEMA_MAPS:
        value = schema.get(key)
        if isinstance(value, dict):
            for name, sub in value.items():
                if isinstance(sub, dict):
                    yield key, pointers.join(pointer, key, name), sub
    for key in SCHEMA_LISTS:
        value = schema.get(key)
        if isinstance(value, list):
            for index, sub in enumerate(value):
                if isinstance(sub, dict):
                    yield key, f"{pointer}/{key}/{index}", sub
    for key in SCHEMA_SINGLE:
        value = schema.get(key)
        if isinstance(value, dict):
            yield key, f"{pointer}/{key}", value
        elif isinstance(value, list):  # draft-4 tuple `items`
            for index, sub in enumerate(value):
                if isinstance(sub, dict):
                    yield key, f"{pointer}/{key}/{index}", sub


def _parameter_schemas(pointer: str, param: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    if "schema" in param:
        yield f"{pointer}/schema", param["schema"]
    content = param.get("content")
    if isinstance(content, dict):
        for media, entry in content.items():
            if isinstance(entry, dict) and "schema" in entry:
                yield pointers.join(pointer, "content", media, "schema"), entry["schema"]


def schema_types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a schema declares (`type` string or list); empty when it declares none."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def is_object_schema(schema: dict[str, Any]) -> bool:
    types = schema_types(schema)
    return "object" in types or (not types and isinstance(schema.get("properties"), dict))
