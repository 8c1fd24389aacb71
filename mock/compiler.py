"""Compile an OpenAPI 3.0/3.1 document once into what requests need: routes and operations.

Start-up only builds the routing table and security checks (cheap even for GitHub's 13 MB
description); everything else of an operation — parameter readers, validators, response
bodies rendered to bytes — is prepared the first time the operation is used (`prepare`), or
up front by `prepare_all` for small documents, or in the background by the server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from accord import openapi, pointers
from accord.errors import FindingsError
from accord.findings import Finding
from accord.mock.bodies import BodyContext, Parser, find_declared, is_json, parser_for, split_media_type
from accord.mock.generation.static import StaticSampler
from accord.mock.negotiation import default_key
from accord.mock.parameters import DEFAULT_STYLE, IGNORED_HEADERS, Parameter, Shape, shape_of
from accord.mock.responses import Response, ResponseBuilder
from accord.mock.routing import Fragment, Match, Router, split_fragment, split_path, template_names
from accord.mock.security import Security, compile_security
from accord.openapi import deref
from accord.schemas import Direction, PatternNote, SchemaCompileError, SchemaCompiler

log = logging.getLogger("accord.mock")

#: Distinct Content-Type headers whose parse context is kept per request media type.
CONTEXT_CACHE_SIZE = 64
#: Schema nodes whose words are kept per request media type (a schema has finitely many; a bound all the same).
WORDING_CACHE_SIZE = 4096
#: Distinct request paths whose route matches are remembered (paths repeat: a cache pays).
ROUTE_CACHE_SIZE = 4096


@dataclass(slots=True)
class MediaBody:
    """One declared request media type: how to parse it and what schema it must match."""

    key: str
    schema: Any
    parser: Parser | None
    context_shape: Any
    json_properties: frozenset[str]
    contexts: dict[str, BodyContext] = field(default_factory=dict)  # by Content-Type header
    json_text: bool = False  # parsed from a JSON text: at most as many values as bytes (accord.bounded)
    # url-encoded fields whose encoding does not allow reserved characters -> the delimiter their
    # style writes raw (`,` for a non-exploded form array or object)
    reserved: dict[str, bytes] = field(default_factory=dict)
    #: (kind name, *schema path) -> (code, detail, Prism's words) of an error its schema node words
    #: alone (mock/app.py): a property of the schema, filled by whichever request breaks the rule.
    wording: dict[tuple[Any, ...], tuple[str, str, str]] = field(default_factory=dict)

    def context(self, header: str) -> BodyContext:
        """What the parser needs besides the bytes, built once per Content-Type header seen."""
        found = self.contexts.get(header)
        if found is None:
            found = BodyContext(header, self.context_shape, self.json_properties)
            if len(self.contexts) < CONTEXT_CACHE_SIZE:  # multipart boundaries differ per request
                self.contexts[header] = found
        return found


@dataclass(slots=True)
class RequestBody:
    required: bool
    declared: dict[str, str]  # normalised base media type -> document key
    media: dict[str, MediaBody]  # document key -> MediaBody
    pointer: str
    keys: dict[str, str | None] = field(default_factory=dict)  # by Content-Type header: `key_for`'s answers

    def key_for(self, header: str) -> str | None:
        """The declared media type key a Content-Type header selects (None: not accepted),
        worked out once per header seen (clients send the same few)."""
        try:
            return self.keys[header]
        except KeyError:
            key = find_declared(split_media_type(header)[0], self.declared)
            if len(self.keys) < CONTEXT_CACHE_SIZE:  # multipart boundaries differ per request
                self.keys[header] = key
            return key


@dataclass(slots=True)
class Operation:
    """One method of one path; `prepare()` fills the request/response parts on first use."""

    method: str
    path: str
    names: tuple[str, ...]  # template parameter names, in order
    pointer: str
    raw: dict[str, Any]
    path_item: dict[str, Any]
    security: Security
    label: str
    deprecated: bool = False
    prepared: bool = False
    parameters: list[Parameter] = field(default_factory=list)
    param_schema: dict[str, Any] | None = None
    body: RequestBody | None = None
    responses: dict[str, Response] = field(default_factory=dict)
    default_key: str | None = None


@dataclass(slots=True)
class PathItem:
    template: str
    operations: dict[str, Operation]
    allow: str  # the Allow header value for 405
    fragment: Fragment | None = None  # what a `#…` in the path key asks of a request (routing.py)


def server_paths(document: dict[str, Any]) -> tuple[str, ...]:
    """The path parts of the root `servers` URLs (`/api/v3` of Petstore's `url: /api/v3`,
    `/v1` of `https://api.example.com/v1`), variables at their defaults, longest first."""
    found: set[str] = set()
    for server in document.get("servers") or ():
        if not isinstance(server, dict) or not isinstance(server.get("url"), str):
            continue
        url = server["url"]
        for name, variable in (server.get("variables") or {}).items():
            if isinstance(variable, dict) and variable.get("default") is not None:
                url = url.replace("{" + str(name) + "}", str(variable["default"]))
        # `https://host/v1`, and `//host/v1` (a network-path reference) have a host before the path
        path = urlsplit(url).path if "://" in url or url.startswith("//") else url.split("?", 1)[0]
        path = "/" + path.strip("/")
        if path != "/" and "{" not in path:
            found.add(path)
    return tuple(sorted(found, key=len, reverse=True))


class CompiledApi:
    """The compiled document: a router of path items and the shared compilers."""

    def __init__(
        self,
        document: dict[str, Any],
        version: str,
        *,
        generator: Any,
        seed: int | str | None = None,
        locate: Callable[[Finding], Finding] | None = None,
        schemas: SchemaCompiler | None = None,
    ) -> None:
        if version not in ("3.0", "3.1"):
            raise FindingsError(
                [Finding("mock-version", f"the mock serves OpenAPI 3.0 and 3.1 documents, not {version}", "")]
            )
        self.document = document
        self.version = version
        #: One compiler for requests, responses and examples; pass the one whose validators the
        #: generator shares (`SchemaCompiler.sibling`), so a schema is compiled once for both.
        self.schemas = schemas or SchemaCompiler(document, version, openapi_formats=True)
        if self.schemas.on_pattern is None:
            self.schemas.on_pattern = self._pattern_unread
        self.generator = generator
        self.sampler = StaticSampler(document, version)
        self.seed = seed
        self.locate = locate or (lambda f: f)
        self.router: Router[PathItem] = Router()
        self.operations: list[Operation] = []
        self.findings: list[Finding] = []
        self.fragments = False  # some path key holds `#`: routing looks at headers and query too
        self.base_paths = server_paths(document)
        self.routes: dict[str, list[Match[PathItem]]] = {}  # `matches`' answers, by request path
        self._build()
        #: Generic problems (what the document does not describe) in Prism's words, unless the
        #: document has a problem convention of its own: an application/problem+json response.
        self.prism_errors = not _declares_problems(self.document, [op.raw for op in self.operations])

    # -- start-up: routes and security ------------------------------------------------------
    def _build(self) -> None:
        paths = self.document.get("paths")
        if paths is None:
            paths = {}
        if not isinstance(paths, dict):
            raise FindingsError([self.locate(Finding("mock-paths", "'paths' is not a mapping", "/paths"))])
        components = self.document.get("components") or {}
        schemes = components.get("securitySchemes") or {} if isinstance(components, dict) else {}
        schemes = {name: deref(self.document, s) for name, s in schemes.items()} if isinstance(schemes, dict) else {}
        root_security = self.document.get("security")
        for entry in openapi.path_items(self.document):
            template, item_pointer, item = entry.path, entry.pointer, entry.item
            path, fragment = split_fragment(template)
            if item is None or not path.startswith("/"):
                self.report(
                    Finding(
                        "mock-path-invalid", f"path item {template!r} is not usable", item_pointer, severity="warning"
                    )
                )
                continue
            operations: dict[str, Operation] = {}
            for method, raw in openapi.item_operations(item):
                requirements = raw.get("security", root_security)
                label = raw.get("operationId") or f"{method.upper()} {template}"
                operations[method] = Operation(
                    method=method.upper(),
                    path=template,
                    names=tuple(template_names(path)),
                    pointer=pointers.join(item_pointer, method),
                    raw=raw,
                    path_item=item,
                    security=compile_security(requirements, schemes),
                    label=str(label),
                    deprecated=raw.get("deprecated") is True,
                )
            if not operations:
                continue
            allow = ", ".join(sorted(m.upper() for m in operations))
            if fragment is not None:
                fragment = self._located(fragment, item)
                self.fragments = True
            self.router.add(path, PathItem(template, operations, allow, fragment))
            self.operations.extend(operations.values())
        if not self.operations:
            self._no_operations()

    def _no_operations(self) -> None:
        """A valid document may have no operation: 3.0's `paths` "MAY be empty, due to ACL
        constraints" (§4.7.8), and a 3.1 document may describe only the webhooks an API sends
        (§4.8.1). Nothing is wrong with it, so the mock starts, says so once, and answers 404."""
        webhooks = self.document.get("webhooks")
        if isinstance(webhooks, dict) and webhooks:
            message = (f"the document describes webhooks only ({len(webhooks)}), requests the API sends: "
                       "the mock has no operation to serve and answers every request 404")
            pointer = "/webhooks"
        else:
            message = "the document has no operations (its paths are empty): the mock answers every request 404"
            pointer = "/paths"
        self.report(Finding("mock-no-operations", message, pointer, severity="warning"))

    def _located(self, fragment: Fragment, item: dict[str, Any]) -> Fragment:
        """Where the path item's operations declare each name the fragment names."""
        declared: dict[str, str] = {}
        sources = [item, *(raw for _method, raw in openapi.item_operations(item))]
        for source in sources:
            for param in source.get("parameters") or ():
                resolved = deref(self.document, param)
                if isinstance(resolved, dict) and resolved.get("in") in ("header", "query"):
                    declared.setdefault(str(resolved.get("name", "")).lower(), str(resolved["in"]))
        where = tuple(declared.get(name.lower(), "") for name, _value in fragment.conditions)
        return Fragment(fragment.conditions, where)

    def report(self, finding: Finding) -> None:
        """Log a finding about the document once, located by file and line."""
        located = self.locate(finding)
        self.findings.append(located)
        (log.warning if located.severity != "info" else log.info)("%s", located.render())

    # -- per request: routing ----------------------------------------------------------------
    def matches(self, path: str) -> list[Match[PathItem]]:
        """The path items a request path (still percent-encoded, as `Exchange.path`) matches, best
        first; raises PathEncodingError. Remembered per path, for the first ROUTE_CACHE_SIZE paths.

        `/groups//members` matches `/groups/{group}/members` (with group "") only when nothing else
        does; a path under a `servers` URL (`/api/v3/pet/1` for `url: /api/v3`) is matched without
        that prefix, as clients built from the document call it."""
        found = self.routes.get(path)
        if found is None:
            segments = split_path(path)
            found = self.router.match(segments)
            if not found and "" in segments[:-1]:
                found = self.router.match(segments, empty=True)
            if not found:
                found = self._under_server(path)
            if len(self.routes) < ROUTE_CACHE_SIZE:
                self.routes[path] = found
        return found

    def _under_server(self, path: str) -> list[Match[PathItem]]:
        for base in self.base_paths:
            if path.startswith(base + "/"):
                found = self.router.match(split_path(path[len(base):]))
                if found:
                    return found
        return []

    # -- first use: parameters, bodies, responses ------------------------------------------
    def prepare(self, op: Operation) -> Operation:
        if op.prepared:
            return op
        self._prepare_parameters(op)
        self._prepare_body(op)
        compiled = ResponseBuilder(self, op)
        op.responses = compiled.build()
        op.default_key = self._renderable_default(op, default_key(op.responses))
        if not op.responses:
            self.report(Finding("mock-no-responses", "the operation documents no response: answered 204", op.pointer))
        op.prepared = True
        return op

    def _renderable_default(self, op: Operation, key: str | None) -> str | None:
        """`key`, unless no body can be rendered for it (a schema no value satisfies, e.g. a
        32-character string holding a 36-character UUID pattern): then another documented
        response that renders — 5xx first (the failure is the mock's), then `default`, then the
        rest in document order — so the answer stays one the operation documents."""
        chosen = op.responses.get(key) if key is not None else None
        if chosen is None or chosen.unrenderable is None or chosen.contents:
            return key
        others = [k for k in op.responses if k != key]
        order = sorted(k for k in others if k[:1] == "5") + [k for k in others if k == "default"]
        order += [k for k in others if k not in order]
        for other in order:
            response = op.responses[other]
            if response.unrenderable is None or response.contents:
                self.report(Finding("mock-fallback", f"response {key} cannot be rendered: answering {other} instead",
                                    op.pointer, severity="warning"))
                return other
        return key

    def prepare_all(self) -> None:
        for op in self.operations:
            self.prepare(op)

    def _prepare_parameters(self, op: Operation) -> None:
        declared: dict[tuple[str, str], tuple[Any, str]] = {}
        item_pointer = op.pointer.rpartition("/")[0]  # where the path item is written
        for source, base in ((op.path_item, item_pointer), (op.raw, op.pointer)):
            for index, param in enumerate(source.get("parameters") or ()):
                resolved = deref(self.document, param)
                if isinstance(resolved, dict) and "name" in resolved and "in" in resolved:
                    declared[(str(resolved["name"]), str(resolved["in"]))] = (resolved, f"{base}/parameters/{index}")
        properties: dict[str, Any] = {}
        for (name, location), (param, pointer) in declared.items():
            if location not in DEFAULT_STYLE or (location == "header" and name.lower() in IGNORED_HEADERS):
                continue
            schema = param.get("schema")
            content_json = False
            if schema is None and isinstance(param.get("content"), dict) and param["content"]:
                media, entry = next(iter(param["content"].items()))
                schema = entry.get("schema") if isinstance(entry, dict) else None
                content_json = is_json(split_media_type(media)[0])
            style = str(param.get("style") or DEFAULT_STYLE[location])
            explode = param.get("explode", style == "form")
            shape = shape_of(self.document, schema)
            parameter = Parameter(
                name=name,
                location=location,
                required=bool(param.get("required")) or location == "path",
                style=style,
                explode=bool(explode),
                shape=shape,
                schema=schema,
                content_json=content_json,
                deprecated=param.get("deprecated") is True,
                pointer=pointer,
                allow_empty=location == "query" and param.get("allowEmptyValue") is True,
                unserialisable=location == "query" and style == "form" and not content_json
                and _nests_objects(shape),
            )
            op.parameters.append(parameter)
            if schema is not None and self._compiles(schema, "request", pointer + "/schema"):
                properties[parameter.key] = schema
        query_names = frozenset(p.name for p in op.parameters if p.location == "query")
        for parameter in op.parameters:
            if parameter.location == "query":
                parameter.siblings = query_names - {parameter.name}
        if properties:
            op.param_schema = {"type": "object", "properties": properties}

    def _prepare_body(self, op: Operation) -> None:
        pointer = op.pointer + "/requestBody"
        raw = deref(self.document, op.raw.get("requestBody"))
        if not isinstance(raw, dict) or not isinstance(raw.get("content"), dict):
            return
        declared: dict[str, str] = {}
        media: dict[str, MediaBody] = {}
        for key, entry in raw["content"].items():
            base = split_media_type(key)[0]
            declared.setdefault(base, key)
            entry = entry if isinstance(entry, dict) else {}
            schema = entry.get("schema")
            if schema is not None and not self._compiles(
                schema, "request", pointers.join(pointer, "content", key, "schema")
            ):
                schema = None
            json_properties = frozenset(
                name
                for name, enc in (entry.get("encoding") or {}).items()
                if isinstance(enc, dict) and is_json(split_media_type(str(enc.get("contentType", "")))[0])
            )
            shape = shape_of(self.document, schema)
            reserved = _reserved_fields(entry, shape) if base == "application/x-www-form-urlencoded" else {}
            media[key] = MediaBody(key, schema, parser_for(base), shape, json_properties,
                                   json_text=is_json(base), reserved=reserved)
        op.body = RequestBody(raw.get("required") is True, declared, media, pointer)

    def _compiles(self, schema: Any, direction: Direction, pointer: str) -> bool:
        """Compile now, so a broken schema is reported once at start-up, not per request."""
        try:
            self.schemas.validator(schema, direction, where=pointer)
            return True
        except (SchemaCompileError, KeyError, ValueError, TypeError, RecursionError) as exc:
            self.report(Finding("mock-schema-invalid", f"schema cannot be compiled, not validated: {exc}", pointer))
            return False


    def _pattern_unread(self, note: PatternNote) -> None:
        """A pattern left out of a schema (the rest still checks): said once, where it is written."""
        self.report(Finding("mock-pattern-unread", note.message(), note.pointer or "", severity="warning"))


def _reserved_fields(entry: dict[str, Any], shape: Any) -> dict[str, bytes]:
    """The url-encoded fields whose value must percent-encode reserved characters (allowReserved
    applies to url-encoded bodies only, OpenAPI 3.0.3 §4.7.15; as Prism, only the fields given an
    Encoding Object are checked), each with the delimiter its style writes raw."""
    fields: dict[str, bytes] = {}
    for name, enc in (entry.get("encoding") or {}).items():
        if not isinstance(enc, dict) or enc.get("allowReserved") is True:
            continue
        style = enc.get("style", "form")
        explode = enc.get("explode", style == "form")
        structured = bool(shape.properties.get(name, frozenset()) & {"array", "object"})
        fields[str(name)] = b"," if structured and style == "form" and explode is False else b""
    return fields


def _declares_problems(document: dict[str, Any], operations: list[dict[str, Any]]) -> bool:
    """Whether any response of the served `operations` (Operation Objects) or of the document's
    components is problem+json."""
    responses: list[Any] = []
    for operation in operations:
        found = operation.get("responses")
        if isinstance(found, dict):
            responses.extend(found.values())
    components = document.get("components")
    if isinstance(components, dict) and isinstance(components.get("responses"), dict):
        responses.extend(components["responses"].values())
    for response in responses:
        content = response.get("content") if isinstance(response, dict) else None
        if isinstance(content, dict) and any(
            split_media_type(str(media))[0] == "application/problem+json" for media in content
        ):
            return True
    return False


def _nests_objects(shape: Shape) -> bool:
    """Whether a `form` query value holds objects inside an array, an object or a map, for which
    OpenAPI defines no serialisation (clients send their own: AWS's `Tag.1.Key=a`,
    `Storage.S3.Bucket=b`), so that only the parameter's presence can be checked."""
    if shape.types == frozenset({"array"}):
        return "object" in shape.items
    if "object" in shape.types and not shape.types & {"string", "integer", "number", "boolean", "array"}:
        return "object" in shape.additional or any("object" in types for types in shape.properties.values()) or any(
            "object" in items for items in shape.property_items.values())
    return False
