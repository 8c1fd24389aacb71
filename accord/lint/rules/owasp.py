"""`owasp:api`: the OWASP API Security Top 10 2023 checks, by the rule names of Spectral's OWASP
ruleset (`owasp:api1:2023-…` … `owasp:api9:2023-…`), written natively for accord.

Where the published ruleset looks at every node of the document with `$ref`s resolved (its
schema rules look at any object with a `type`, wherever it is), these do the same: one walk
of the resolved document, each object once, findings reported where the node is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from accord.lint.context import Hits, LintContext
from accord.lint.declared import definition_pointer, resolved_document

Path = tuple[str | int, ...]
METHODS = ("get", "head", "post", "put", "patch", "delete", "options", "trace")
_CREDENTIAL_NAME = re.compile(r"client_?secret|token|access_?token|refresh_?token|id_?token|password|secret|api-?key",
                              re.I)
_SSRF_NAME = re.compile(r"(^(callback|redirect)|(_url|Url|-url))$")
_ENVIRONMENT = re.compile(r"local|sandbox|alpha|beta|test|testing|stag|staging|prod|production|next|preprod|"
                          r"preproduction", re.I)
_ID_NAME = re.compile(r"(_id|Id|-id)$")


def _walk(ctx: LintContext, start: Path = ()) -> list[tuple[Path, Any]]:
    """(path, object) of every mapping at or under `start` in the resolved document, each object once."""
    key = f"owasp-walk:{start!r}"
    if key not in ctx.cache:
        node: Any = resolved_document(ctx)
        for token in start:
            node = node.get(token) if isinstance(node, dict) else None
        found: list[tuple[Path, Any]] = []
        seen: set[int] = set()
        stack: list[tuple[Path, Any]] = [(start, node)] if isinstance(node, (dict, list)) else []
        while stack:
            path, value = stack.pop()
            if isinstance(value, dict):
                found.append((path, value))
                children: Any = value.items()
            else:
                children = enumerate(value)
            for name, child in reversed(list(children)):
                if isinstance(child, (dict, list)) and id(child) not in seen:
                    seen.add(id(child))
                    stack.append(((*path, name), child))
        ctx.cache[key] = found
    result: list[tuple[Path, Any]] = ctx.cache[key]
    return result


def _at(ctx: LintContext, path: Path) -> str:
    return definition_pointer(ctx, path, True)


def _typed(node: dict[str, Any], kind: str, version: str) -> bool:
    declared = node.get("type")
    return declared == kind or (version == "3.1" and isinstance(declared, list) and kind in declared)


def _schemes(ctx: LintContext) -> Iterator[tuple[Path, dict[str, Any]]]:
    components = resolved_document(ctx).get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    if isinstance(schemes, dict):
        for name, scheme in schemes.items():
            if isinstance(scheme, dict):
                yield ("components", "securitySchemes", name), scheme


def _named(ctx: LintContext, key: str, start: Path = ()) -> Iterator[tuple[Path, Any]]:
    """(path, value) of every member called `key` of an object under `start`."""
    for path, node in _walk(ctx, start):
        if key in node:
            yield (*path, key), node[key]


def _responses(ctx: LintContext) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every `responses` object under /paths (operations, callbacks)."""
    for path, value in _named(ctx, "responses", ("paths",)):
        if isinstance(value, dict):
            yield path, value


def _closest(ctx: LintContext, path: Path, *missing: str | int) -> str:
    return _at(ctx, (*path, *missing))


# -- API1: broken object level authorization ------------------------------------------------------
def no_numeric_ids(ctx: LintContext) -> Hits:
    for path, params in _named(ctx, "parameters", ("paths",)):
        if not isinstance(params, list):
            continue
        for index, param in enumerate(params):
            name = param.get("name") if isinstance(param, dict) else None
            if not isinstance(name, str) or not (name == "id" or _ID_NAME.search(name)):
                continue
            schema = param.get("schema")
            if schema is None:
                yield _closest(ctx, path, index, "schema"), '"schema" property must exist'
            elif isinstance(schema, dict) and schema.get("type") == "integer":
                yield _at(ctx, (*path, index, "schema")), "Use random IDs that cannot be guessed (not integers)."


# -- API2: broken authentication --------------------------------------------------------------------
def no_http_basic(ctx: LintContext) -> Hits:
    for path, scheme in _schemes(ctx):
        if isinstance(scheme.get("scheme"), str) and "basic" in scheme["scheme"]:
            yield _at(ctx, (*path, "scheme")), "Security scheme uses HTTP Basic: use a more secure method."


def _schemes_anywhere(ctx: LintContext) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path, schemes in _named(ctx, "securitySchemes"):
        if isinstance(schemes, dict):
            for name, scheme in schemes.items():
                if isinstance(scheme, dict):
                    yield (*path, name), scheme


def no_api_keys_in_url(ctx: LintContext) -> Hits:
    for path, scheme in _schemes_anywhere(ctx):
        where = scheme.get("in")
        if scheme.get("type") == "apiKey" and where in ("path", "query"):
            yield _at(ctx, (*path, "in")), f"API Key passed in URL: {where!r} (use a header)."


def no_credentials_in_url(ctx: LintContext) -> Hits:
    for path, params in _named(ctx, "parameters"):
        if not isinstance(params, (list, dict)):
            continue
        members = enumerate(params) if isinstance(params, list) else params.items()
        for key, param in members:
            if not isinstance(param, dict) or not isinstance(param.get("in"), str):
                continue
            name = param.get("name")
            if re.search("query|path", param["in"]) and isinstance(name, str) and _CREDENTIAL_NAME.search(name):
                yield _at(ctx, (*path, key, "name")), f"Security credentials detected in path parameter: {name}."


def auth_insecure_schemes(ctx: LintContext) -> Hits:
    for path, scheme in _schemes_anywhere(ctx):
        value = scheme.get("scheme")
        if scheme.get("type") == "http" and isinstance(value, str) and value in ("negotiate", "oauth"):
            yield _at(ctx, (*path, "scheme")), f"Authentication scheme is considered outdated or insecure: {value}."


def jwt_best_practices(ctx: LintContext) -> Hits:
    for path, scheme in _schemes(ctx):
        if scheme.get("type") != "oauth2" and scheme.get("bearerFormat") not in ("jwt", "JWT"):
            continue
        description = scheme.get("description")
        message = "Security schemes using JWTs must explicitly declare support for RFC8725 in the description."
        if not description:
            yield _closest(ctx, path, "description"), message
        if isinstance(description, str) and "RFC8725" not in description:
            yield _at(ctx, (*path, "description")), message


def short_lived_access_tokens(ctx: LintContext) -> Hits:
    for path, scheme in _schemes(ctx):
        flows = scheme.get("flows")
        if scheme.get("type") != "oauth2" or not isinstance(flows, dict):
            continue
        for name, flow in flows.items():
            if name != "clientCredentials" and isinstance(flow, dict) and not flow.get("refreshUrl"):
                yield (_closest(ctx, (*path, "flows", name), "refreshUrl"),
                       "Authentication scheme does not appear to support refresh tokens.")


def _operations(ctx: LintContext) -> Iterator[tuple[str, str, dict[str, Any]]]:
    paths = resolved_document(ctx).get("paths")
    if isinstance(paths, dict):
        for template, item in paths.items():
            if isinstance(item, dict):
                for method, operation in item.items():
                    if method in METHODS and isinstance(operation, dict):
                        yield template, method, operation


def _unsecured(ctx: LintContext, methods: tuple[str, ...], kind: str) -> Hits:
    root = resolved_document(ctx).get("security")
    for template, method, operation in _operations(ctx):
        if method not in methods:
            continue
        security = operation.get("security", root)
        if not security:
            yield (_closest(ctx, ("paths", template, method), "security"),
                   f"This {kind} operation is not protected by any security scheme.")


def write_restricted(ctx: LintContext) -> Hits:
    yield from _unsecured(ctx, ("post", "put", "patch", "delete"), "write")


def read_restricted(ctx: LintContext) -> Hits:
    yield from _unsecured(ctx, ("get", "head"), "read")


# -- API3: broken object property level authorization ----------------------------------------------
def _open_objects(ctx: LintContext, keyword: str, constrained: bool) -> Hits:
    for path, node in _walk(ctx):
        extra = node.get(keyword)
        if node.get("type") != "object" or not _js_truthy(extra):
            continue
        if not constrained:
            yield _at(ctx, (*path, keyword)), f"If the {keyword} keyword is used it must be set to false."
        elif extra is not True and "maxProperties" not in node:
            yield _closest(ctx, path, "maxProperties"), f"Objects should not allow unconstrained {keyword}."


def _js_truthy(value: Any) -> bool:
    return value not in (None, False, 0, "") or isinstance(value, (dict, list))


def no_additional_properties(ctx: LintContext) -> Hits:
    yield from _open_objects(ctx, "additionalProperties", constrained=False)


def constrained_additional_properties(ctx: LintContext) -> Hits:
    yield from _open_objects(ctx, "additionalProperties", constrained=True)


def no_unevaluated_properties(ctx: LintContext) -> Hits:
    yield from _open_objects(ctx, "unevaluatedProperties", constrained=False)


def constrained_unevaluated_properties(ctx: LintContext) -> Hits:
    yield from _open_objects(ctx, "unevaluatedProperties", constrained=True)


# -- API4: unrestricted resource consumption ---------------------------------------------------------
_RATE_LIMIT_SETS = (("RateLimit",), ("RateLimit-Limit", "RateLimit-Reset"), ("X-RateLimit-Limit",),
                    ("X-Rate-Limit-Limit",))


def rate_limit(ctx: LintContext) -> Hits:
    for path, responses in _responses(ctx):
        for status, response in responses.items():
            if not re.match(r"[24]", str(status)) or not isinstance(response, dict):
                continue
            headers = response.get("headers")
            message = "All 2XX and 4XX responses should define rate limiting headers."
            if headers is None:
                yield _closest(ctx, (*path, status), "headers"), message
            elif not isinstance(headers, dict) or sum(all(h in headers for h in names)
                                                     for names in _RATE_LIMIT_SETS) != 1:
                yield _at(ctx, (*path, status, "headers")), message


def rate_limit_retry_after(ctx: LintContext) -> Hits:
    for path, responses in _named(ctx, "responses"):
        response = responses.get("429") if isinstance(responses, dict) else None
        headers = response.get("headers") if isinstance(response, dict) else None
        if isinstance(headers, dict) and "Retry-After" not in headers:
            yield _closest(ctx, (*path, "429", "headers"), "Retry-After"), "A 429 response should define Retry-After."


def _missing_response(ctx: LintContext, status: str, message: str) -> Hits:
    for path, responses in _responses(ctx):
        response = responses.get(status)
        if not response:
            yield _closest(ctx, path, status), f"{message} {status}."
        if not (isinstance(response, dict) and response.get("content")):
            yield _closest(ctx, path, status, "content"), f"{message} {status}.content."


def rate_limit_responses_429(ctx: LintContext) -> Hits:
    yield from _missing_response(ctx, "429", "Operation is missing rate limiting response in")


def _schemas_of(ctx: LintContext, kind: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path, node in _walk(ctx):
        if _typed(node, kind, ctx.version):
            yield path, node


def array_limit(ctx: LintContext) -> Hits:
    for path, node in _schemas_of(ctx, "array"):
        if "maxItems" not in node:
            yield _closest(ctx, path, "maxItems"), "Schema of type array must specify maxItems."


def string_limit(ctx: LintContext) -> Hits:
    for path, node in _schemas_of(ctx, "string"):
        if not any(key in node for key in ("maxLength", "enum", "const")):
            yield _at(ctx, path), "Schema of type string must specify maxLength, enum, or const."


def string_restricted(ctx: LintContext) -> Hits:
    for path, node in _schemas_of(ctx, "string"):
        if not any(key in node for key in ("format", "pattern", "enum", "const")):
            yield _at(ctx, path), "Schema of type string should specify a format, pattern, enum, or const."


def integer_limit(ctx: LintContext) -> Hits:
    for path, node in _schemas_of(ctx, "integer"):
        if any((low in node) == (high in node)
               for low, high in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum"))):
            yield _at(ctx, path), "Schema of type integer must specify minimum and maximum."


def integer_limit_legacy(ctx: LintContext) -> Hits:
    for path, node in _schemas_of(ctx, "integer"):
        if "minimum" not in node or "maximum" not in node:
            yield _at(ctx, path), "Schema of type integer must specify minimum and maximum."


def integer_format(ctx: LintContext) -> Hits:
    for path, node in _schemas_of(ctx, "integer"):
        if "format" not in node:
            yield _at(ctx, path), "Schema of type integer must specify format (int32 or int64)."


# -- API5: broken function level authorization -------------------------------------------------------
def admin_security_unique(ctx: LintContext) -> Hits:
    admin: list[tuple[str, str, int, str]] = []
    others: set[str] = set()
    for template, method, operation in _operations(ctx):
        security = operation.get("security")
        if not isinstance(security, list):
            continue
        for index, entry in enumerate(security):
            if isinstance(entry, dict):
                digest = json.dumps(entry, separators=(",", ":"))
                if "/admin" in template:
                    admin.append((template, method, index, digest))
                else:
                    others.add(digest)
    for template, method, index, digest in admin:
        if digest in others:
            yield (_at(ctx, ("paths", template, method, "security", index)),
                   f"Admin endpoint {template} has the same security requirement as a non-admin endpoint.")


# -- API7: server side request forgery ---------------------------------------------------------------
def concerning_url_parameter(ctx: LintContext) -> Hits:
    paths = resolved_document(ctx).get("paths")
    if not isinstance(paths, dict):
        return
    for template, item in paths.items():
        if not isinstance(item, dict):
            continue
        owners: list[tuple[Path, Any]] = [(("paths", template), item)]
        owners += [(("paths", template, m), item[m]) for m in METHODS if m in item]
        for owner_path, owner in owners:
            params = owner.get("parameters") if isinstance(owner, dict) else None
            for index, param in enumerate(params if isinstance(params, list) else []):
                name = param.get("name") if isinstance(param, dict) else None
                if isinstance(name, str) and _SSRF_NAME.search(name):
                    yield (_at(ctx, (*owner_path, "parameters", index, "name")),
                           "Make sure to review the way this URL is handled to protect against SSRF.")


# -- API8: security misconfiguration -------------------------------------------------------------------
def define_cors_origin(ctx: LintContext) -> Hits:
    for path, responses in _named(ctx, "responses"):
        if not isinstance(responses, dict):
            continue
        for status, response in responses.items():
            headers = response.get("headers") if isinstance(response, dict) else None
            if isinstance(headers, dict) and not headers.get("Access-Control-Allow-Origin"):
                yield (_closest(ctx, (*path, status, "headers"), "Access-Control-Allow-Origin"),
                       "Header Access-Control-Allow-Origin should be defined on all responses.")


def no_scheme_http(ctx: LintContext) -> Hits:
    schemes = resolved_document(ctx).get("schemes")
    for index, scheme in enumerate(schemes if isinstance(schemes, list) else []):
        if scheme not in ("https", "wss"):
            yield _at(ctx, ("schemes", index)), "Server schemes must not use http. Use https or wss instead."


def no_server_http(ctx: LintContext) -> Hits:
    for path, url in _named(ctx, "url", ("servers",)):
        if isinstance(url, str) and url.startswith("http:"):
            yield _at(ctx, path), "Server URLs must not use http://. Use https:// or wss:// instead."


def define_error_validation(ctx: LintContext) -> Hits:
    for path, responses in _responses(ctx):
        if not any(status in responses for status in ("400", "422", "4XX")):
            yield _at(ctx, path), "Missing error response of either 400, 422 or 4XX."


def define_error_responses_401(ctx: LintContext) -> Hits:
    yield from _missing_response(ctx, "401", "Operation is missing")


def define_error_responses_500(ctx: LintContext) -> Hits:
    yield from _missing_response(ctx, "500", "Operation is missing")


# -- API9: improper inventory management -------------------------------------------------------------
def _servers(ctx: LintContext) -> Iterator[tuple[Path, dict[str, Any]]]:
    servers = resolved_document(ctx).get("servers")
    for index, server in enumerate(servers if isinstance(servers, list) else []):
        if isinstance(server, dict):
            yield ("servers", index), server


def inventory_access(ctx: LintContext) -> Hits:
    for path, server in _servers(ctx):
        if "x-internal" not in server:
            yield _closest(ctx, path, "x-internal"), "Declare the intended audience of every server with x-internal."


def inventory_environment(ctx: LintContext) -> Hits:
    for path, server in _servers(ctx):
        description = server.get("description")
        if isinstance(description, str) and not _ENVIRONMENT.search(description):
            yield (_at(ctx, (*path, "description")),
                   "Declare intended environment in server descriptions (local, staging, production...).")
