"""Postman Collection v2.0/v2.1 → OpenAPI 3.0, for the mock (Prism serves collections too).

Each request of the collection (folders walked in order) becomes an operation: its URL path the
path template (`:id` and `{{id}}` segments become `{id}` parameters), its query parameters and
headers optional parameters, its raw or url-encoded body a request body of the media type its
Content-Type header names. Each saved response becomes a documented response: its code, its
headers, its body as the example of its Content-Type (parsed when JSON). Collection- and
request-level `auth` becomes security requirements (basic, bearer, digest, apikey; `noauth`
lifts them). `Conversion.origins` maps each operation back to its item in the collection.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from accord import pointers
from accord.swagger2 import Conversion

_VARIABLE = re.compile(r"^(?::(?P<colon>.+)|\{\{(?P<braces>.+)\}\}|\{(?P<single>.+)\})$")
AUTH_SCHEMES = {
    "basic": {"type": "http", "scheme": "basic"},
    "bearer": {"type": "http", "scheme": "bearer"},
    "digest": {"type": "http", "scheme": "digest"},
    "oauth2": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "/", "scopes": {}}}},
}


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
        responses: dict[str, Any] = {}
        for index, saved in enumerate(item.get("response") or []):
            if isinstance(saved, dict):
                code = str(saved.get("code") or 200)
                if code not in responses:
                    responses[code] = _response(saved)
                    self.origins[pointers.join("/paths", template, method, "responses", code)] = pointers.join(
                        where, "response", index)
        op["responses"] = responses or {"200": {"description": "OK"}}
        security = self.security(request.get("auth", auth))
        if security is not None:
            op["security"] = security
        self.paths.setdefault(template, {})[method] = op
        self.origins.setdefault(pointers.join("/paths", template, method), where)

    def request_body(self, body: Any, content_type: str | None) -> dict[str, Any] | None:
        if not isinstance(body, dict) or body.get("disabled"):
            return None
        mode = body.get("mode")
        if mode == "raw":
            media = (content_type or "text/plain").split(";")[0].strip()
            entry: dict[str, Any] = {}
            raw = body.get("raw")
            if isinstance(raw, str) and raw.strip():
                entry["example"] = _parsed(raw, media)
            return {"content": {media: entry}}
        if mode in ("urlencoded", "formdata"):
            media = "application/x-www-form-urlencoded" if mode == "urlencoded" else "multipart/form-data"
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
        entry: dict[str, Any] = {}
        if isinstance(body, str) and body:
            entry["example"] = _parsed(body, media)
        out["content"] = {media: entry}
    return out


def _parsed(text: str, media: str) -> Any:
    if media == "application/json" or media.endswith("+json"):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            return text
    return text
