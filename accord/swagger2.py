"""Swagger 2.0 → OpenAPI 3.0: one conversion at load, with a map back to where each part was written.

The mock compiles OpenAPI 3.x only, so a 2.0 document is converted once (the rules are the
OpenAPI 3.0 migration's, as swagger2openapi applies them): `definitions`, `parameters`,
`responses` and `securityDefinitions` move into `components`; `body` and `formData` parameters
become a `requestBody` for each media type the operation consumes; a response `schema` and its
`examples` become `content` for each media type it produces (an example keyed by a range such
as `*/*` is the example of the produced types it matches); non-body parameters keep their
type keywords under `schema`, `collectionFormat` becomes `style`/`explode`.

`Conversion.origins` maps each converted pointer (prefix) to the 2.0 pointer it came from, so a
finding on the converted document is reported at the 2.0 source (`Spec.locate` follows it).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from accord import openapi, pointers
from accord.http import parse_accept, quality

#: Keywords of a 2.0 non-body parameter, header or `items` that belong in a 3.0 schema.
SCHEMA_KEYWORDS = (
    "type", "format", "items", "default", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
    "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "enum", "multipleOf",
)
#: collectionFormat → (style, explode) per location; `multi` is the form style exploded.
COLLECTION_STYLES = {
    "csv": ("form", False), "ssv": ("spaceDelimited", False), "pipes": ("pipeDelimited", False),
    "multi": ("form", True), "tsv": ("form", False),
}
DEFAULT_MEDIA = "application/json"
FORM_MEDIA = ("application/x-www-form-urlencoded", "multipart/form-data")
REF_TARGETS = {
    "#/definitions/": "#/components/schemas/",
    "#/responses/": "#/components/responses/",
}


@dataclass(slots=True)
class Conversion:
    document: dict[str, Any]
    origins: dict[str, str] = field(default_factory=dict)  # 3.0 pointer prefix -> 2.0 pointer


def is_swagger2(document: Any) -> bool:
    return isinstance(document, dict) and str(document.get("swagger", "")).startswith("2.")


def convert(source: dict[str, Any]) -> Conversion:
    """The OpenAPI 3.0.3 form of a Swagger 2.0 document (the source is not changed)."""
    return _Converter(source).run()


class _Converter:
    def __init__(self, source: dict[str, Any]) -> None:
        self.src = source
        self.origins: dict[str, str] = {}
        self.body_params = {
            name for name, p in (source.get("parameters") or {}).items()
            if isinstance(p, dict) and p.get("in") in ("body", "formData")
        }
        self.consumes = _media_list(source.get("consumes"))
        self.produces = _media_list(source.get("produces"))

    def note(self, new: str, old: str) -> None:
        self.origins[new] = old

    def run(self) -> Conversion:
        src = self.src
        doc: dict[str, Any] = {"openapi": "3.0.3"}
        for key, value in src.items():
            if key.startswith("x-") or key in ("info", "tags", "externalDocs", "security"):
                doc[key] = self.refs(copy.deepcopy(value))
                self.note("/" + pointers.escape(key), "/" + pointers.escape(key))
        doc.setdefault("info", {"title": "", "version": ""})
        servers = self.servers()
        if servers:
            doc["servers"] = servers
        components: dict[str, Any] = {}
        definitions = src.get("definitions")
        if isinstance(definitions, dict):
            components["schemas"] = {
                name: self.schema(schema, pointers.join("/definitions", name),
                                  pointers.join("/components/schemas", name))
                for name, schema in definitions.items()
            }
        parameters = src.get("parameters")
        if isinstance(parameters, dict):
            for name, param in parameters.items():
                old = pointers.join("/parameters", name)
                if name in self.body_params:
                    new = pointers.join("/components/requestBodies", name)
                    body = self.request_body([param], [old], self.consumes, new)
                    if body is not None:
                        components.setdefault("requestBodies", {})[name] = body
                else:
                    new = pointers.join("/components/parameters", name)
                    components.setdefault("parameters", {})[name] = self.parameter(param, old, new)
        responses = src.get("responses")
        if isinstance(responses, dict):
            components["responses"] = {
                name: self.response(r, pointers.join("/responses", name), pointers.join("/components/responses", name),
                                    self.produces)
                for name, r in responses.items()
            }
        schemes = src.get("securityDefinitions")
        if isinstance(schemes, dict):
            components["securitySchemes"] = {}
            for name, scheme in schemes.items():
                new = pointers.join("/components/securitySchemes", name)
                self.note(new, pointers.join("/securityDefinitions", name))
                components["securitySchemes"][name] = security_scheme(scheme)
        if components:
            doc["components"] = components
        paths = src.get("paths")
        doc["paths"] = {}
        if isinstance(paths, dict):
            for template, item in paths.items():
                ptr = pointers.join("/paths", template)
                self.note(ptr, ptr)
                doc["paths"][template] = self.path_item(item, ptr) if isinstance(item, dict) else item
        return Conversion(doc, self.origins)

    def servers(self) -> list[dict[str, Any]]:
        host = self.src.get("host")
        base = str(self.src.get("basePath") or "")
        if not host:
            return [{"url": base}] if base and base != "/" else []
        schemes = [s for s in self.src.get("schemes") or ["https"] if isinstance(s, str)] or ["https"]
        return [{"url": f"{scheme}://{host}{base.rstrip('/')}"} for scheme in schemes]

    # -- references and schemas -------------------------------------------------------------
    def ref(self, ref: str) -> str:
        for old, new in REF_TARGETS.items():
            if ref.startswith(old):
                return new + ref[len(old):]
        if ref.startswith("#/parameters/"):
            name = pointers.unescape(ref[len("#/parameters/"):])
            kind = "requestBodies" if name in self.body_params else "parameters"
            return f"#/components/{kind}/" + ref[len("#/parameters/"):]
        return ref

    def refs(self, node: Any) -> Any:
        """Rewrite every local `$ref` (in place) to where 3.0 keeps its target."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    node[key] = self.ref(value)
                else:
                    self.refs(value)
        elif isinstance(node, list):
            for value in node:
                self.refs(value)
        return node

    def schema(self, schema: Any, old: str, new: str) -> Any:
        self.note(new, old)
        converted = self.refs(copy.deepcopy(schema))
        _schema_keywords(converted)
        return converted

    # -- path items and operations -----------------------------------------------------------
    def path_item(self, item: dict[str, Any], ptr: str) -> dict[str, Any]:
        if "$ref" in item:
            return {"$ref": item["$ref"]}
        out: dict[str, Any] = {}
        shared: list[Any] = _list(item.get("parameters"))
        for key, value in item.items():
            if key in openapi.METHODS and isinstance(value, dict):
                out[key] = self.operation(value, pointers.join(ptr, key), shared, pointers.join(ptr, "parameters"))
            elif key == "parameters":
                kept = [(i, p) for i, p in enumerate(shared) if self.location(p) not in ("body", "formData")]
                out["parameters"] = [
                    self.parameter(p, pointers.join(ptr, "parameters", str(i)),
                                   pointers.join(ptr, "parameters", str(n)))
                    for n, (i, p) in enumerate(kept)
                ]
            else:
                out[key] = copy.deepcopy(value)
        return out

    def location(self, param: Any) -> str | None:
        if not isinstance(param, dict):
            return None
        if "$ref" in param:
            ref = str(param["$ref"])
            if ref.startswith("#/parameters/"):
                name = pointers.unescape(ref[len("#/parameters/"):])
                target = (self.src.get("parameters") or {}).get(name)
                return target.get("in") if isinstance(target, dict) else None
            return None
        location = param.get("in")
        return location if isinstance(location, str) else None

    def operation(self, op: dict[str, Any], ptr: str, shared: list[Any], shared_ptr: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        consumes = _media_list(op.get("consumes")) or self.consumes
        produces = _media_list(op.get("produces")) or self.produces
        own: list[Any] = _list(op.get("parameters"))
        body_params: list[Any] = []
        body_ptrs: list[str] = []
        own_names = {(p.get("name"), p.get("in")) for p in own if isinstance(p, dict)}
        for i, p in enumerate(shared):  # path-level body/formData parameters apply to each operation
            if self.location(p) in ("body", "formData") and (
                not isinstance(p, dict) or (p.get("name"), p.get("in")) not in own_names
            ):
                body_params.append(p)
                body_ptrs.append(pointers.join(shared_ptr, str(i)))
        params: list[Any] = []
        for i, p in enumerate(own):
            old = pointers.join(ptr, "parameters", str(i))
            if self.location(p) in ("body", "formData"):
                body_params.append(p)
                body_ptrs.append(old)
            else:
                params.append(self.parameter(p, old, pointers.join(ptr, "parameters", str(len(params)))))
        for key, value in op.items():
            if key in ("consumes", "produces", "parameters", "responses", "schemes"):
                continue
            out[key] = self.refs(copy.deepcopy(value))
        if params:
            out["parameters"] = params
        if body_params:
            body = self.request_body(body_params, body_ptrs, consumes, pointers.join(ptr, "requestBody"))
            if body is not None:
                out["requestBody"] = body
        responses = op.get("responses")
        if isinstance(responses, dict):
            out["responses"] = {
                str(code): self.response(r, pointers.join(ptr, "responses", str(code)),
                                         pointers.join(ptr, "responses", str(code)), produces)
                for code, r in responses.items()
            }
        return out

    def parameter(self, param: Any, old: str, new: str) -> Any:
        self.note(new, old)
        if not isinstance(param, dict):
            return param
        if "$ref" in param:
            return {"$ref": self.ref(str(param["$ref"]))}
        out: dict[str, Any] = {}
        schema: dict[str, Any] = {}
        for key, value in param.items():
            if key in SCHEMA_KEYWORDS:
                schema[key] = copy.deepcopy(value)
            elif key == "collectionFormat":
                continue
            elif key == "allowEmptyValue" and param.get("in") != "query":
                continue
            else:
                out[key] = copy.deepcopy(value)
        _schema_keywords(schema)
        if schema:
            out["schema"] = schema
            self.note(new + "/schema", old)
        fmt = param.get("collectionFormat")
        if schema.get("type") == "array":
            location = param.get("in")
            style, explode = COLLECTION_STYLES.get(str(fmt or "csv"), ("form", False))
            if location in ("path", "header"):
                style = "simple"
            out["style"], out["explode"] = style, explode
        return out

    def request_body(self, params: list[Any], olds: list[str], consumes: list[str], new: str) -> dict[str, Any] | None:
        resolved = [self.resolve_param(p) for p in params]
        body = next((p for p in resolved if isinstance(p, dict) and p.get("in") == "body"), None)
        self.note(new, olds[0])
        if body is not None:
            old = olds[resolved.index(body)]
            media = [m for m in consumes if m not in FORM_MEDIA] or consumes or [DEFAULT_MEDIA]
            schema = self.schema(body.get("schema", {}), old + "/schema", new + "/content")
            out: dict[str, Any] = {"content": {}}
            for m in media:
                self.note(pointers.join(new, "content", m, "schema"), old + "/schema")
                out["content"][m] = {"schema": schema}
                if "x-examples" in body and isinstance(body["x-examples"], dict) and m in body["x-examples"]:
                    out["content"][m]["example"] = body["x-examples"][m]
            if body.get("required") is True:
                out["required"] = True
            if "description" in body:
                out["description"] = body["description"]
            return out
        form = [(p, old) for p, old in zip(resolved, olds, strict=True)
                if isinstance(p, dict) and p.get("in") == "formData"]
        if not form:
            return None
        properties: dict[str, Any] = {}
        required: list[str] = []
        has_file = False
        origins: dict[str, str] = {}
        for p, old in form:
            name = str(p.get("name", ""))
            origins[name] = old
            prop = {k: copy.deepcopy(v) for k, v in p.items() if k in SCHEMA_KEYWORDS or k == "description"}
            if prop.get("type") == "file":
                has_file = True
            if p.get("allowEmptyValue") is False and prop.get("type", "string") == "string" and "minLength" not in prop:
                prop["minLength"] = 1  # 2.0: an empty value is refused when allowEmptyValue is false
            _schema_keywords(prop)
            properties[name] = prop
            if p.get("required") is True:
                required.append(name)
        form_schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            form_schema["required"] = required
        media = [m for m in consumes if m in FORM_MEDIA] or (
            ["multipart/form-data"] if has_file else ["application/x-www-form-urlencoded"])
        out = {"content": {}}
        for m in media:
            self.note(pointers.join(new, "content", m, "schema"), form[0][1])
            for name, old in origins.items():
                self.note(pointers.join(new, "content", m, "schema", "properties", name), old)
            encoding = {}
            for p, _ in form:
                fmt = p.get("collectionFormat")
                if p.get("type") == "array" and m == FORM_MEDIA[0]:
                    style, explode = COLLECTION_STYLES.get(str(fmt or "csv"), ("form", False))
                    encoding[str(p.get("name"))] = {"style": style, "explode": explode}
            out["content"][m] = {"schema": form_schema, **({"encoding": encoding} if encoding else {})}
        if required:
            out["required"] = True
        return out

    def resolve_param(self, param: Any) -> Any:
        if isinstance(param, dict) and "$ref" in param:
            ref = str(param["$ref"])
            if ref.startswith("#/parameters/"):
                return (self.src.get("parameters") or {}).get(pointers.unescape(ref[len("#/parameters/"):]))
        return param

    def response(self, resp: Any, old: str, new: str, produces: list[str]) -> Any:
        self.note(new, old)
        if not isinstance(resp, dict):
            return resp
        if "$ref" in resp:
            return {"$ref": self.ref(str(resp["$ref"]))}
        out: dict[str, Any] = {"description": resp.get("description", "")}
        for key, value in resp.items():
            if key.startswith("x-"):
                out[key] = copy.deepcopy(value)
        headers = resp.get("headers")
        if isinstance(headers, dict):
            out["headers"] = {}
            for name, header in headers.items():
                self.note(pointers.join(new, "headers", name), pointers.join(old, "headers", name))
                out["headers"][name] = self.header(header)
        raw_examples = resp.get("examples")
        examples: dict[str, Any] = raw_examples if isinstance(raw_examples, dict) else {}
        schema = resp.get("schema")
        media = list(produces) or [DEFAULT_MEDIA]
        example_of = {m: m for m in media if m in examples}  # content media type -> examples key
        for key in examples:
            if key in media:
                continue
            covered = _covered(key, media)
            if not covered:
                media.append(key)
                example_of[key] = key
            for m in covered:  # `*/*: hello` with `produces: [text/plain]`: text/plain's example
                example_of.setdefault(m, key)
        if schema is not None or examples:
            out["content"] = {}
            for m in media:
                entry: dict[str, Any] = {}
                if schema is not None:
                    entry["schema"] = self.schema(schema, old + "/schema", pointers.join(new, "content", m, "schema"))
                if m in example_of:
                    entry["example"] = copy.deepcopy(examples[example_of[m]])
                    self.note(pointers.join(new, "content", m, "example"),
                              pointers.join(old, "examples", example_of[m]))
                elif schema is None:
                    continue
                out["content"][m] = entry
        return out

    def header(self, header: Any) -> Any:
        if not isinstance(header, dict):
            return header
        schema = {k: copy.deepcopy(v) for k, v in header.items() if k in SCHEMA_KEYWORDS}
        _schema_keywords(schema)
        out: dict[str, Any] = {k: copy.deepcopy(v) for k, v in header.items()
                               if k not in SCHEMA_KEYWORDS and k not in ("collectionFormat", "x-example")}
        out["schema"] = schema
        if "x-example" in header:  # 2.0 has no header example; x-example is the common extension
            out["example"] = copy.deepcopy(header["x-example"])
        return out


def security_scheme(scheme: Any) -> Any:
    if not isinstance(scheme, dict):
        return scheme
    kind = scheme.get("type")
    extra = {k: v for k, v in scheme.items() if k.startswith("x-") or k == "description"}
    if kind == "basic":
        return {"type": "http", "scheme": "basic", **extra}
    if kind == "apiKey":
        return {"type": "apiKey", "name": scheme.get("name"), "in": scheme.get("in"), **extra}
    if kind == "oauth2":
        flow = {"implicit": "implicit", "password": "password", "application": "clientCredentials",
                "accessCode": "authorizationCode"}.get(str(scheme.get("flow")), "implicit")
        body: dict[str, Any] = {"scopes": scheme.get("scopes") or {}}
        if flow in ("implicit", "authorizationCode"):
            body["authorizationUrl"] = scheme.get("authorizationUrl", "")
        if flow != "implicit":
            body["tokenUrl"] = scheme.get("tokenUrl", "")
        return {"type": "oauth2", "flows": {flow: body}, **extra}
    return copy.deepcopy(scheme)


def _schema_keywords(schema: Any) -> None:
    """2.0 schema keywords that 3.0 spells differently, everywhere in a schema (in place)."""
    if isinstance(schema, list):
        for item in schema:
            _schema_keywords(item)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "file":
        schema["type"] = "string"
        schema["format"] = "binary"
    if "x-nullable" in schema:
        nullable = schema.pop("x-nullable")
        if nullable is True:
            schema["nullable"] = True
    discriminator = schema.get("discriminator")
    if isinstance(discriminator, str):
        schema["discriminator"] = {"propertyName": discriminator}
    for key, value in schema.items():
        if key in ("properties", "definitions", "patternProperties", "dependencies") and isinstance(value, dict):
            for sub in value.values():
                _schema_keywords(sub)  # a `dependencies` list of names is left as it is
        elif key in ("items", "additionalItems", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
            _schema_keywords(value)


def _covered(key: str, produced: list[str]) -> list[str]:
    """The produced media types an `examples` key names as a range (`*/*`, `text/*`); 2.0 wants
    produced types as keys, and a range is read as the types it matches rather than as one more
    media type the operation would answer."""
    if "*" not in key:
        return []
    ranges = parse_accept(key)
    return [m for m in produced if quality(ranges, m)[0] > 0]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _media_list(value: Any) -> list[str]:
    return [str(m) for m in value if isinstance(m, str)] if isinstance(value, list) else []
