"""Postman Collection v2.0/v2.1 → OpenAPI 3.0, for the mock (Prism serves collections too).

Each request of the collection (folders walked in order) becomes an operation: its URL path the
path template (`:id` and `{{id}}` segments become `{id}` parameters), its query parameters and
headers optional parameters, its raw, url-encoded or form-data body a request body of the media
type its Content-Type header names (for the two form modes, their own media type when the
header names none). Each saved response becomes a documented response: its code, its headers,
its body as the example of its Content-Type (parsed when JSON). A JSON body, in a request or a
saved response, also gets the schema its example implies (`infer_schema`), as Prism's converter
(`@stoplight/http-spec`) infers one: so the mock validates requests against the collection's
example bodies. Requests with the same method and path, and saved responses with the same code,
are merged as Prism merges them: one operation, one response per code, one entry per media type
whose schema is the `anyOf` of the distinct schemas (a request matching any example's shape is
valid) and whose examples are all the bodies. Collection- and request-level `auth` becomes
security requirements (basic, bearer, digest, apikey, oauth2 as the bearer token or
`access_token` query parameter Postman sends; `noauth` lifts them). `Conversion.origins`
maps each operation back to its (first) item in the collection.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from accord import pointers
from accord.swagger2 import Conversion

_NO_RESPONSE = {"description": "OK"}
#: Values nested deeper than this in a body get no inferred schema (anything goes there).
INFER_DEPTH = 32
_VARIABLE = re.compile(r"^(?::(?P<colon>.+)|\{\{(?P<braces>.+)\}\}|\{(?P<single>.+)\})$")
AUTH_SCHEMES = {
    "basic": {"type": "http", "scheme": "basic"},
    "bearer": {"type": "http", "scheme": "bearer"},
    "digest": {"type": "http", "scheme": "digest"},
}
# Postman's OAuth 2.0 auth sends the token it obtained as `Authorization: Bearer <token>`, or as an
# `access_token` query parameter when `addTokenTo` is `queryParams`: that is what a request carries.
OAUTH2_HEADER = {"type": "http", "scheme": "bearer"}
OAUTH2_QUERY = {"type": "apiKey", "in": "query", "name": "access_token"}


def is_collection(document: Any) -> bool:
    """A Postman collection: `info` naming Postman's schema or carrying `_postman_id`, or an
    `info` and an `item` list without any OpenAPI version field."""
    if not isinstance(document, dict) or "openapi" in document or "swagger" in document:
        return False
    info = document.get("info")
    return isinstance(info, dict) and isinstance(document.get("item"), list)


def convert(collection: dict[str, Any]) -> Conversion:
    return _Converter(collection).run()


class _Converter:
    def __init__(self, collection: dict[str, Any]) -> None:
        self.collection = collection
        self.paths: dict[str, dict[str, Any]] = {}
        # (template, method) -> the saved bodies of each code and media type, for merging
        self.bodies: dict[tuple[str, str], _Bodies] = {}
        self.schemes: dict[str, Any] = {}
        self.origins: dict[str, str] = {}

    def run(self) -> Conversion:
        info = self.collection.get("info") or {}
        document: dict[str, Any] = {
            "openapi": "3.0.3",
            "info": {"title": str(info.get("name") or "Postman collection"),
                     "version": str(info.get("version") or "1")},
            "paths": self.paths,
        }
        self.walk(self.collection.get("item") or [], "/item", self.collection.get("auth"))
        if self.schemes:
            document["components"] = {"securitySchemes": self.schemes}
        return Conversion(document, self.origins)

    def walk(self, items: list[Any], pointer: str, auth: Any) -> None:
        for index, item in enumerate(items):
            where = pointers.join(pointer, index)
            if not isinstance(item, dict):
                continue
            inherited = item.get("auth", auth)
            if isinstance(item.get("item"), list):
                self.walk(item["item"], where + "/item", inherited)
            elif isinstance(item.get("request"), (dict, str)):
                self.operation(item, where, inherited)

    def operation(self, item: dict[str, Any], where: str, auth: Any) -> None:
        request = item["request"]
        if isinstance(request, str):
            request = {"url": request, "method": "GET"}
        template, parameters = _path(request.get("url"))
        method = str(request.get("method") or "GET").lower()
        op: dict[str, Any] = {}
        if item.get("name"):
            op["summary"] = str(item["name"])
        headers = [h for h in request.get("header") or [] if isinstance(h, dict) and not h.get("disabled")]
        content_type = next((str(h.get("value", "")) for h in headers
                             if str(h.get("key", "")).lower() == "content-type"), None)
        for header in headers:
            name = str(header.get("key", ""))
            if name.lower() in ("content-type", "accept", "authorization") or not name:
                continue
            parameters.append({"name": name, "in": "header", "schema": {"type": "string"},
                               "example": header.get("value")})
        url = request.get("url")
        for query in (url.get("query") or []) if isinstance(url, dict) else []:
            if isinstance(query, dict) and query.get("key") and not query.get("disabled"):
                parameters.append({"name": str(query["key"]), "in": "query", "schema": {"type": "string"}})
        if parameters:
            op["parameters"] = parameters
        body = self.request_body(request.get("body"), content_type)
        if body is not None:
            op["requestBody"] = body
        security = self.security(request.get("auth", auth))
        if security is not None:
            op["security"] = security
        existing = self.paths.setdefault(template, {}).get(method)
        if existing is None:
            self.paths[template][method] = op
            self.origins.setdefault(pointers.join("/paths", template, method), where)
        else:
            _merge_operations(existing, op)
            op = existing
        bodies = self.bodies.setdefault((template, method), _Bodies())
        responses: dict[str, Any] = op.setdefault("responses", {})
        for index, saved in enumerate(item.get("response") or []):
            if not isinstance(saved, dict):
                continue
            code = str(saved.get("code") or 200)
            response = _response(saved)
            at = pointers.join("/paths", template, method, "responses", code)
            origin = pointers.join(where, "response", index)
            if code not in responses:
                responses[code] = {k: v for k, v in response.items() if k != "content"}
                self.origins[at] = origin
            else:
                responses[code]["headers"] = _merge_headers(responses[code].get("headers") or {},
                                                            response.get("headers") or {})
                if not responses[code]["headers"]:
                    del responses[code]["headers"]
            for media, entry in (response.get("content") or {}).items():
                if bodies.add(code, media, entry, str(saved.get("name") or "")):
                    self.origins.setdefault(pointers.join(at, "content", media), origin)
            content = bodies.content(code)
            if content:
                responses[code]["content"] = content
        if not responses:
            responses["200"] = dict(_NO_RESPONSE)
        elif len(responses) > 1 and responses.get("200") == _NO_RESPONSE:
            del responses["200"]  # an earlier request of this operation saved no response

    def request_body(self, body: Any, content_type: str | None) -> dict[str, Any] | None:
        if not isinstance(body, dict) or body.get("disabled"):
            return None
        mode = body.get("mode")
        declared = (content_type or "").split(";")[0].strip().lower() or None
        if mode == "raw":
            media = declared or "text/plain"
            entry: dict[str, Any] = {}
            raw = body.get("raw")
            if isinstance(raw, str) and raw.strip():
                entry = _entry(raw, media)
            return {"content": {media: entry}}
        if mode in ("urlencoded", "formdata"):
            # As Prism: the request's Content-Type header names the media type; the mode's own
            # media type only when the header names none.
            media = declared or ("application/x-www-form-urlencoded" if mode == "urlencoded"
                                 else "multipart/form-data")
            fields = [f for f in body.get(mode) or [] if isinstance(f, dict) and f.get("key")]
            schema = {"type": "object", "properties": {str(f["key"]): {"type": "string"} for f in fields}}
            return {"content": {media: {"schema": schema}}}
        return None

    def security(self, auth: Any) -> list[dict[str, list[str]]] | None:
        if not isinstance(auth, dict):
            return None
        kind = str(auth.get("type", ""))
        if kind == "noauth":
            return []
        if kind == "apikey":
            settings = _settings(auth.get("apikey"))
            where = str(settings.get("in") or "header")
            name = str(settings.get("key") or "Authorization")
            scheme_name = f"apikey-{where}-{name}"
            self.schemes[scheme_name] = {"type": "apiKey", "in": where, "name": name}
            return [{scheme_name: []}]
        if kind == "oauth2":
            in_query = _settings(auth.get("oauth2")).get("addTokenTo") == "queryParams"
            scheme_name = "oauth2-query" if in_query else "oauth2"
            self.schemes[scheme_name] = OAUTH2_QUERY if in_query else OAUTH2_HEADER
            return [{scheme_name: []}]
        if kind in AUTH_SCHEMES:
            self.schemes[kind] = AUTH_SCHEMES[kind]
            return [{kind: []}]
        return None


def _settings(value: Any) -> dict[str, Any]:
    """Postman's auth settings: a list of {key, value} (v2.1) or a mapping (v2.0)."""
    if isinstance(value, list):
        return {str(e.get("key")): e.get("value") for e in value if isinstance(e, dict)}
    return value if isinstance(value, dict) else {}


def _path(url: Any) -> tuple[str, list[dict[str, Any]]]:
    if isinstance(url, dict) and (url.get("path") is not None or not isinstance(url.get("raw"), str)):
        raw_path = url.get("path")
        segments = raw_path if isinstance(raw_path, list) else str(raw_path or "").split("/")
    else:
        text = str((url.get("raw") if isinstance(url, dict) else url) or "")
        # As Postman parses a URL: the host runs to the first `/`, whether it is written out or a
        # variable (`{{baseUrl}}/orders/{{orderId}}`: the path is /orders/{orderId}).
        if not text.startswith("/"):
            text = re.sub(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://)?[^/?#]*", "", text)
        segments = text.split("?", 1)[0].split("#", 1)[0].split("/")
    names: list[str] = []
    parts: list[str] = []
    for segment in segments:
        text = segment if isinstance(segment, str) else str(segment.get("value", "")) if isinstance(
            segment, dict) else str(segment)
        if text == "":
            continue
        match = _VARIABLE.match(text)
        if match:
            name = match.group("colon") or match.group("braces") or match.group("single")
            names.append(name)
            parts.append("{" + name + "}")
        else:
            parts.append(text)
    parameters = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names]
    return "/" + "/".join(parts), parameters


def _response(saved: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"description": str(saved.get("name") or saved.get("status") or "")}
    headers = [h for h in saved.get("header") or [] if isinstance(h, dict) and h.get("key")]
    media = next((str(h.get("value", "")).split(";")[0].strip() for h in headers
                  if str(h["key"]).lower() == "content-type"), None)
    declared = {str(h["key"]): {"schema": {"type": "string"}, "example": h.get("value")} for h in headers
                if str(h["key"]).lower() not in ("content-type", "content-length")}
    if declared:
        out["headers"] = declared
    body = saved.get("body")
    if media is not None or (isinstance(body, str) and body):
        media = media or "text/plain"
        out["content"] = {media: _entry(body, media) if isinstance(body, str) and body else {}}
    return out


def _is_json(media: str) -> bool:
    media = media.lower()
    return media == "application/json" or media.endswith("+json")


def _entry(text: str, media: str) -> dict[str, Any]:
    """A media type entry for a body written in the collection: the body as its example, and for
    a JSON body the schema it implies."""
    if _is_json(media):
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            return {"example": text}
        return {"schema": infer_schema(value), "example": value}
    return {"example": text}


def infer_schema(value: Any, depth: int = 0) -> dict[str, Any]:
    """The schema a JSON example implies, as Prism's converter infers it (its
    `@stoplight/json-schema-generator`): each value's JSON type (`integer` for a whole number),
    an object's `properties` (none `required`: an example shows what may be sent, not what must
    be), an array's `items` from its elements. Unlike that generator, elements of different types
    give an `anyOf` of their types (it keeps the last element's type, so a mixed array would fail
    its own example), `null` constrains nothing (OpenAPI 3.0 has no `null` type), an empty
    array leaves its items open, and so does a value nested deeper than `INFER_DEPTH`. The
    example always validates against the schema."""
    if depth > INFER_DEPTH:
        return {}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, dict):
        return {"type": "object", "properties": {str(k): infer_schema(v, depth + 1) for k, v in value.items()}}
    if isinstance(value, list):
        schema: dict[str, Any] = {"type": "array"}
        items: dict[str, Any] | None = None
        for element in value:
            inferred = infer_schema(element, depth + 1)
            items = inferred if items is None else _union(items, inferred)
        if items:
            schema["items"] = items
        return schema
    return {}


def _union(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """A schema accepting what either accepts (the elements of one array): objects' properties
    united (a property in both takes the union of its schemas), arrays' items united, integer
    within number; anything else an `anyOf`."""
    if first == second or not first:
        return first
    if not second:
        return second
    kinds = {first.get("type"), second.get("type")}
    if kinds == {"integer", "number"} and len(first) == len(second) == 1:
        return {"type": "number"}
    if kinds == {"object"} and "anyOf" not in first:
        properties = dict(first.get("properties") or {})
        for name, schema in (second.get("properties") or {}).items():
            properties[name] = _union(properties[name], schema) if name in properties else schema
        return {"type": "object", "properties": properties}
    if kinds == {"array"}:
        items = first.get("items"), second.get("items")
        if items[0] is None or items[1] is None:
            return {"type": "array"}
        return {"type": "array", "items": _union(items[0], items[1])}
    return _any_of(first, second) or {}


def _any_of(first: dict[str, Any] | None, second: dict[str, Any] | None) -> dict[str, Any] | None:
    """Prism's merge of two schemas (http-spec `mergeSchemas`): the distinct ones under `anyOf`;
    None (no schema: anything) when either side has none."""
    if first is None or second is None:
        return None
    branches = list(first["anyOf"]) if list(first) == ["anyOf"] else [first]
    for schema in second["anyOf"] if list(second) == ["anyOf"] else [second]:
        if schema not in branches:
            branches.append(schema)
    return branches[0] if len(branches) == 1 else {"anyOf": branches}


class _Bodies:
    """The saved bodies of one operation, per status code and media type, merged into one entry
    each: the `anyOf` of their distinct schemas and all their examples (named after the saved
    responses that gave them)."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, list[tuple[str, dict[str, Any]]]]] = {}

    def add(self, code: str, media: str, entry: dict[str, Any], name: str) -> bool:
        """Adds one saved body; True when it is the first of its code and media type."""
        media_types = self.entries.setdefault(code, {})
        key = next((m for m in media_types if m.lower() == media.lower()), media)
        first = key not in media_types
        media_types.setdefault(key, []).append((name, entry))
        return first

    def content(self, code: str) -> dict[str, Any]:
        return {media: _merged_entries(saved) for media, saved in self.entries.get(code, {}).items()}


def _merged_entries(saved: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    if len(saved) == 1:
        return dict(saved[0][1])
    schema: dict[str, Any] | None = saved[0][1].get("schema")
    for _name, entry in saved[1:]:
        schema = _any_of(schema, entry.get("schema"))
    examples: dict[str, Any] = {}
    seen: list[Any] = []
    given = [(name, entry["example"]) for name, entry in saved if "example" in entry]
    given += [(key, example["value"]) for _name, entry in saved
              for key, example in (entry.get("examples") or {}).items()]
    for name, value in given:
        if value in seen:
            continue
        seen.append(value)
        key = name or "default"
        number = 2
        while key in examples:
            key, number = f"{name or 'default'}-{number}", number + 1
        examples[key] = {"value": value}
    out: dict[str, Any] = {}
    if schema is not None:
        out["schema"] = schema
    if len(examples) == 1:
        out["example"] = next(iter(examples.values()))["value"]
    elif examples:
        out["examples"] = examples
    return out


def _merge_operations(existing: dict[str, Any], other: dict[str, Any]) -> None:
    """Another request with the same method and path (http-spec `mergeOperations`): parameters
    united (one only some requests send is optional), request bodies merged per media type."""
    parameters = _merge_parameters(existing.get("parameters") or [], other.get("parameters") or [])
    if parameters:
        existing["parameters"] = parameters
    first, second = existing.get("requestBody"), other.get("requestBody")
    if first is None or second is None:
        if second is not None:
            existing["requestBody"] = second
        return
    content = first["content"]
    for media, entry in second["content"].items():
        key = next((m for m in content if m.lower() == media.lower()), None)
        if key is None:
            content[media] = entry
        else:
            # The examples are named after the requests that sent them (`Prefer: example=`).
            content[key] = _merged_entries([(str(existing.get("summary") or ""), content[key]),
                                            (str(other.get("summary") or ""), entry)])


def _merge_parameters(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return a["in"] == b["in"] and str(a["name"]).lower() == str(b["name"]).lower()

    out: list[dict[str, Any]] = []
    for parameter in first:
        match = next((p for p in second if same(p, parameter)), None)
        if match is None and parameter["in"] != "path":
            out.append({**parameter, "required": False})
        else:
            out.append(parameter)
    out.extend({**p, "required": False} if p["in"] != "path" else p
               for p in second if not any(same(p, q) for q in first))
    return out


def _merge_headers(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    merged = dict(first)
    for name, header in second.items():
        if not any(n.lower() == name.lower() for n in merged):
            merged[name] = header
    return merged
