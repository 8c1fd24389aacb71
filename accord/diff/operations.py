"""The parts of an operation a client depends on, in one shape for Swagger 2.0 and OpenAPI 3.x.

`operations(document, version)` reads each operation of a bundled document into an
`Operation`: effective parameters (path-level merged with operation-level), request body per
media type, responses per status with their media types and headers, effective security.
Every part keeps the JSON pointer of the node it came from, after `$ref` resolution, so a
change points where a reader would edit. Schemas are kept raw; `schemadiff` compares them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from accord import openapi, pointers
from accord.openapi import follow

_TEMPLATE_VARIABLE = re.compile(r"\{[^}/]*\}")


@dataclass(slots=True, frozen=True)
class Node:
    """A value of the document and the pointer where it is written (after `$ref`s)."""

    value: Any
    pointer: str


@dataclass(slots=True, frozen=True)
class Param:
    name: str
    location: str  # path | query | header | cookie | formData
    required: bool
    deprecated: bool
    schema: Node | None  # 2.0 non-body parameters are their own schema
    pointer: str
    #: a single value is also a valid one-element array (form style, exploded: `?tag=a`)
    repeatable: bool = False
    sunset: str | None = None  # x-sunset of a deprecated parameter

    def describe(self) -> str:
        return f"{self.location} parameter `{self.name}`"


@dataclass(slots=True, frozen=True)
class Body:
    required: bool
    pointer: str
    media: dict[str, Node]  # lower-cased media type -> schema (value None when absent)


@dataclass(slots=True, frozen=True)
class Header:
    name: str
    required: bool
    schema: Node | None
    pointer: str


@dataclass(slots=True, frozen=True)
class Response:
    status: str  # "200", "4XX", "default"
    pointer: str
    media: dict[str, Node]
    headers: dict[str, Header]  # lower-cased name -> header


@dataclass(slots=True, frozen=True)
class Operation:
    method: str
    path: str
    pointer: str
    operation_id: str | None
    deprecated: bool
    sunset: str | None
    stability: str | None  # x-stability-level: draft | alpha | beta | stable (None: stable)
    params: dict[tuple[str, str], Param]
    body: Body | None
    responses: dict[str, Response]
    security: tuple[dict[str, frozenset[str]], ...]
    security_pointer: str
    raw: Any = field(default=None, compare=False)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def path_key(path: str) -> str:
    """Paths are the same endpoint when they differ only in template variable names."""
    return _TEMPLATE_VARIABLE.sub("{}", path)


def operations(document: dict[str, Any], version: str) -> dict[tuple[str, str], Operation]:
    """Every operation, keyed by (path_key, method)."""
    result: dict[tuple[str, str], Operation] = {}
    for found in openapi.operations(document):
        reader = _Reader(document, version)
        operation = reader.operation(found.path, found.method, found.path_item, found.path_item_pointer,
                                     found.operation)
        result[(path_key(found.path), found.method)] = operation
    return result


def reversed_operations(document: dict[str, Any], version: str) -> dict[tuple[str, ...], Operation]:
    """Operations our service *calls*: webhooks (3.1) and the callbacks of each operation, keyed by
    ("webhook", name, method) or ("callback", owner path_key, owner method, name, expression, method)."""
    result: dict[tuple[str, ...], Operation] = {}
    reader = _Reader(document, version)
    webhooks = document.get("webhooks")
    if isinstance(webhooks, dict):
        for name, raw in webhooks.items():
            item, pointer = follow(document, raw, pointers.join("", "webhooks", name))
            if isinstance(item, dict):
                for method, op in openapi.item_operations(item):
                    result[("webhook", str(name), method)] = reader.operation(str(name), method, item, pointer, op)
    for found in openapi.operations(document):
        callbacks = found.operation.get("callbacks")
        if not isinstance(callbacks, dict):
            continue
        for name, raw in callbacks.items():
            callback, pointer = follow(document, raw, pointers.join(found.pointer, "callbacks", name))
            if not isinstance(callback, dict):
                continue
            for expression, raw_item in callback.items():
                item, item_pointer = follow(document, raw_item, pointers.join(pointer, expression))
                if not isinstance(item, dict):
                    continue
                for method, op in openapi.item_operations(item):
                    key = ("callback", path_key(found.path), found.method, str(name), str(expression), method)
                    result[key] = reader.operation(str(expression), method, item, item_pointer, op)
    return result


class _Reader:
    def __init__(self, document: dict[str, Any], version: str) -> None:
        self.document = document
        self.swagger = version == "2.0"

    def operation(self, path: str, method: str, item: dict[str, Any], item_pointer: str,
                  op: dict[str, Any]) -> Operation:
        op_pointer = pointers.join(item_pointer, method)
        params: dict[tuple[str, str], Param] = {}
        body: Body | None = None
        path_names = [m.group(0)[1:-1] for m in _TEMPLATE_VARIABLE.finditer(path)]
        sources = (
            (item.get("parameters"), pointers.join(item_pointer, "parameters")),
            (op.get("parameters"), pointers.join(op_pointer, "parameters")),
        )
        for raw_list, list_pointer in sources:  # operation-level overrides path-level
            if not isinstance(raw_list, list):
                continue
            for index, raw in enumerate(raw_list):
                param, pointer = follow(self.document, raw, f"{list_pointer}/{index}")
                if not isinstance(param, dict):
                    continue
                location = str(param.get("in", ""))
                if self.swagger and location == "body":
                    body = self._swagger_body(op, param, pointer)
                    continue
                parsed = self._param(param, pointer)
                params[_param_key(parsed, path_names)] = parsed
        if not self.swagger:
            body = self._body(op, op_pointer)
        security = op["security"] if "security" in op else self.document.get("security")
        security_pointer = pointers.join(op_pointer, "security") if "security" in op else "/security"
        return Operation(
            method=method,
            path=path,
            pointer=op_pointer,
            operation_id=op.get("operationId") if isinstance(op.get("operationId"), str) else None,
            deprecated=op.get("deprecated") is True,
            sunset=str(op["x-sunset"]) if op.get("x-sunset") is not None else None,
            stability=str(op["x-stability-level"]) if op.get("x-stability-level") is not None else None,
            params=params,
            body=body,
            responses=self._responses(op, op_pointer),
            security=_security(security),
            security_pointer=security_pointer,
            raw=op,
        )

    def _param(self, param: dict[str, Any], pointer: str) -> Param:
        location = str(param.get("in", ""))
        return Param(
            name=str(param.get("name", "")),
            location=location,
            required=param.get("required") is True or location == "path",
            deprecated=param.get("deprecated") is True,
            schema=self._param_schema(param, pointer),
            pointer=pointer,
            repeatable=self._repeatable(param, location),
            sunset=str(param["x-sunset"]) if param.get("x-sunset") is not None else None,
        )

    def _repeatable(self, param: dict[str, Any], location: str) -> bool:
        if self.swagger:
            return location in ("query", "formData") and param.get("collectionFormat") == "multi"
        style = param.get("style", "form" if location in ("query", "cookie") else "simple")
        return location in ("query", "cookie") and style == "form" and param.get("explode", True) is not False

    def _param_schema(self, param: dict[str, Any], pointer: str) -> Node | None:
        if self.swagger:
            return Node(param, pointer)  # 2.0: type, enum, items... sit on the parameter itself
        if "schema" in param:
            return Node(param["schema"], pointers.join(pointer, "schema"))
        content = param.get("content")
        if isinstance(content, dict):
            for media, media_object in content.items():
                if isinstance(media_object, dict) and "schema" in media_object:
                    return Node(media_object["schema"], pointers.join(pointer, "content", media, "schema"))
        return None

    def _media(self, content: Any, pointer: str) -> dict[str, Node]:
        media: dict[str, Node] = {}
        if isinstance(content, dict):
            for media_type, media_object in content.items():
                media_pointer = pointers.join(pointer, "content", media_type)
                schema = media_object.get("schema") if isinstance(media_object, dict) else None
                schema_pointer = pointers.join(media_pointer, "schema") if schema is not None else media_pointer
                media[media_type.lower()] = Node(schema, schema_pointer)
        return media

    def _body(self, op: dict[str, Any], op_pointer: str) -> Body | None:
        if "requestBody" not in op:
            return None
        body, pointer = follow(self.document, op["requestBody"], pointers.join(op_pointer, "requestBody"))
        if not isinstance(body, dict):
            return None
        return Body(
            required=body.get("required") is True, pointer=pointer, media=self._media(body.get("content"), pointer)
        )

    def _media_types(self, op: dict[str, Any], key: str) -> list[str]:
        types = op.get(key, self.document.get(key)) or ["application/json"]
        return [str(t).lower() for t in types] if isinstance(types, list) else ["application/json"]

    def _swagger_body(self, op: dict[str, Any], param: dict[str, Any], pointer: str) -> Body:
        schema = Node(param.get("schema"), pointers.join(pointer, "schema"))
        return Body(
            required=param.get("required") is True,
            pointer=pointer,
            media={media: schema for media in self._media_types(op, "consumes")},
        )

    def _responses(self, op: dict[str, Any], op_pointer: str) -> dict[str, Response]:
        responses: dict[str, Response] = {}
        raw = op.get("responses")
        if not isinstance(raw, dict):
            return responses
        for status, response in raw.items():
            response, pointer = follow(self.document, response, pointers.join(op_pointer, "responses", status))
            if not isinstance(response, dict):
                continue
            if self.swagger:
                media: dict[str, Node] = {}
                if "schema" in response:
                    schema = Node(response["schema"], pointers.join(pointer, "schema"))
                    media = {media_type: schema for media_type in self._media_types(op, "produces")}
            else:
                media = self._media(response.get("content"), pointer)
            code = _status(status)
            responses[code] = Response(
                status=code,
                pointer=pointer,
                media=media,
                headers=self._headers(response.get("headers"), pointer),
            )
        return responses

    def _headers(self, raw: Any, response_pointer: str) -> dict[str, Header]:
        headers: dict[str, Header] = {}
        if not isinstance(raw, dict):
            return headers
        for name, header in raw.items():
            header, pointer = follow(self.document, header, pointers.join(response_pointer, "headers", name))
            if not isinstance(header, dict):
                continue
            if self.swagger:
                schema: Node | None = Node(header, pointer)
            elif "schema" in header:
                schema = Node(header["schema"], pointers.join(pointer, "schema"))
            else:
                schema = None
            headers[name.lower()] = Header(name, header.get("required") is True, schema, pointer)
        return headers


def _status(raw: object) -> str:
    """"200", "4XX" (ranges are case-insensitive) or "default"."""
    text = str(raw)
    return "default" if text.lower() == "default" else text.upper()


def _param_key(param: Param, path_names: list[str]) -> tuple[str, str]:
    """Path parameters pair by position in the template (renaming `{id}` is no change);
    header names are case-insensitive (RFC 9110 §5.1)."""
    if param.location == "path" and param.name in path_names:
        return ("path", f"#{path_names.index(param.name)}")
    if param.location == "header":
        return ("header", param.name.lower())
    return (param.location, param.name)


def _security(raw: Any) -> tuple[dict[str, frozenset[str]], ...]:
    """Security requirements: alternatives (OR) of schemes (AND) with their scopes."""
    if not isinstance(raw, list):
        return ()
    result = []
    for requirement in raw:
        if isinstance(requirement, dict):
            result.append({
                str(name): frozenset(str(s) for s in scopes) if isinstance(scopes, list) else frozenset()
                for name, scopes in requirement.items()
            })
    return tuple(result)
