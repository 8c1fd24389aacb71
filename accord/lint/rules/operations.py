"""Operation rules of `spectral:oas`: ids, parameters, responses, descriptions, tags, security."""

from __future__ import annotations

import re
from typing import Any

from accord import openapi, pointers
from accord.lint.context import Hits, LintContext

#: Spectral's operation-operationId-valid-in-url pattern (RFC 3986 unreserved + reserved).
_URL_SAFE = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*$")


def operation_id(ctx: LintContext) -> Hits:
    for op in ctx.operations:
        if not op.operation.get("operationId"):
            yield op.pointer, 'Operation must have "operationId".'


def operation_id_unique(ctx: LintContext) -> Hits:
    seen: set[Any] = set()
    for op in ctx.operations:
        if "operationId" not in op.operation:
            continue
        value = op.operation["operationId"]
        key = value if isinstance(value, (str, int, float, bool)) else repr(value)
        if key in seen:
            yield f"{op.pointer}/operationId", f"operationId {value!r} is not unique."
        seen.add(key)


def operation_id_valid_in_url(ctx: LintContext) -> Hits:
    for op in ctx.operations:
        value = op.operation.get("operationId")
        if isinstance(value, str) and not _URL_SAFE.match(value):
            yield (f"{op.pointer}/operationId",
                   "operationId must not contain characters that are invalid when used in URL.")


def operation_parameters(ctx: LintContext) -> Hits:
    """No two parameters of one operation share name and location; Swagger 2.0 body rules."""
    for op in ctx.operations:
        raw = op.operation.get("parameters")
        if not isinstance(raw, list):
            continue
        seen: set[tuple[str, str]] = set()
        bodies: list[int] = []
        form_data = False
        for index, entry in enumerate(raw):
            param = ctx.deref(entry)
            if not isinstance(param, dict):
                continue
            key = (str(param.get("in")), str(param.get("name")))
            if key in seen:
                yield (f"{op.pointer}/parameters/{index}",
                       'A parameter in this operation already exposes the same combination of "name" and "in" values.')
            seen.add(key)
            if param.get("in") == "body":
                bodies.append(index)
            form_data = form_data or param.get("in") == "formData"
        if bodies and form_data:
            yield f"{op.pointer}/parameters", 'Operation must not have both "in:body" and "in:formData" parameters.'
        for index in bodies[1:]:
            yield (f"{op.pointer}/parameters/{index}",
                   'Operation must not have more than a single instance of the "in:body" parameter.')


def operation_success_response(ctx: LintContext) -> Hits:
    wildcards = ("2XX", "3XX") if ctx.version != "2.0" else ()
    for op in ctx.operations:
        responses = op.operation.get("responses")
        if not isinstance(responses, dict):
            continue
        if not any(str(code) in wildcards or _numeric(code, 200, 400) for code in responses):
            yield f"{op.pointer}/responses", "Operation must define at least a single 2xx or 3xx response."


def _numeric(code: Any, low: int, high: int) -> bool:
    try:
        return low <= int(str(code)) < high
    except ValueError:
        return False


def operation_description(ctx: LintContext) -> Hits:
    for op in ctx.operations:
        if not op.operation.get("description"):
            yield op.pointer, 'Operation "description" must be present and non-empty string.'


def operation_tags(ctx: LintContext) -> Hits:
    for op in ctx.operations:
        tags = op.operation.get("tags")
        if not isinstance(tags, list) or not tags:
            where = op.pointer + ("/tags" if "tags" in op.operation else "")
            yield where, 'Operation must have non-empty "tags" array.'


def operation_tag_defined(ctx: LintContext) -> Hits:
    raw = ctx.document.get("tags")
    declared = {t.get("name") for t in raw if isinstance(t, dict)} if isinstance(raw, list) else set()
    for op in ctx.operations:
        tags = op.operation.get("tags")
        if isinstance(tags, list):
            for index, tag in enumerate(tags):
                if tag not in declared:
                    yield f"{op.pointer}/tags/{index}", f"Operation tag {tag!r} must be defined in global tags."


def operation_singular_tag(ctx: LintContext) -> Hits:
    for op in ctx.operations:
        tags = op.operation.get("tags")
        if isinstance(tags, list) and len(tags) > 1:
            yield f"{op.pointer}/tags", "Operation must not have more than a single tag."


def operation_security_defined(ctx: LintContext) -> Hits:
    """Security requirement names exist in components.securitySchemes; OAuth2 scopes in its flows."""
    components = ctx.document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    schemes = schemes if isinstance(schemes, dict) else {}
    requirements = [("/security", ctx.document.get("security"), "API")]
    requirements += [(f"{op.pointer}/security", op.operation.get("security"), "Operation") for op in ctx.operations]
    for pointer, listed, owner in requirements:
        if not isinstance(listed, list):
            continue
        for index, requirement in enumerate(listed):
            if not isinstance(requirement, dict):
                continue
            for name, scopes in requirement.items():
                at = pointers.join(pointer, index, name)
                scheme = ctx.deref(schemes.get(name))
                if not isinstance(scheme, dict):
                    yield at, (f'{owner} "security" value {name!r} must match a scheme defined in '
                               '"components.securitySchemes".')
                    continue
                if scheme.get("type") != "oauth2" or not isinstance(scopes, list):
                    continue
                flows = found if isinstance(found := scheme.get("flows"), dict) else {}
                defined = {s for f in flows.values() if isinstance(f, dict) and isinstance(f.get("scopes"), dict)
                           for s in f["scopes"]}
                for position, scope in enumerate(scopes):
                    if scope not in defined:
                        yield f"{at}/{position}", f"{scope!r} must be listed among the scopes of {name!r}."


def parameter_description(ctx: LintContext) -> Hits:
    """Path-item, operation and component Parameter Objects have a description."""
    owners: list[tuple[str, Any]] = []
    seen_items: set[str] = set()
    for op in ctx.operations:
        if op.path_item_pointer not in seen_items:
            seen_items.add(op.path_item_pointer)
            owners.append((f"{op.path_item_pointer}/parameters", op.path_item.get("parameters")))
        owners.append((f"{op.pointer}/parameters", op.operation.get("parameters")))
    components = ctx.document.get("components")
    named = components.get("parameters") if isinstance(components, dict) else None
    if isinstance(named, dict):
        owners.append(("/components/parameters", named))
    for pointer, listed in owners:
        entries = listed.items() if isinstance(listed, dict) else enumerate(listed) if isinstance(listed, list) else ()
        for key, param in entries:
            if isinstance(param, dict) and "in" in param and not param.get("description"):
                yield pointers.join(pointer, key), 'Parameter objects must have "description".'


def callbacks_in_callbacks(ctx: LintContext) -> Hits:
    for op in ctx.operations:
        callbacks = op.operation.get("callbacks")
        if not isinstance(callbacks, dict):
            continue
        for name, callback in callbacks.items():
            callback = ctx.deref(callback)
            for expression, item in (callback.items() if isinstance(callback, dict) else ()):
                item = ctx.deref(item)
                for method, inner in openapi.item_operations(item) if isinstance(item, dict) else ():
                    if "callbacks" in inner:
                        yield (pointers.join(op.pointer, "callbacks", name, expression, method, "callbacks"),
                               "Callbacks should not be defined within a callback.")


def webhook_callbacks(ctx: LintContext) -> Hits:
    yield from _webhook_key(ctx, "callbacks", "Callbacks should not be defined in a webhook.")


def webhook_servers(ctx: LintContext) -> Hits:
    yield from _webhook_key(ctx, "servers", "Servers should not be defined in a webhook.")


def _webhook_key(ctx: LintContext, key: str, message: str) -> Hits:
    webhooks = ctx.document.get("webhooks")
    if not isinstance(webhooks, dict):
        return
    for name, item in webhooks.items():
        item = ctx.deref(item)
        for method, operation in openapi.item_operations(item) if isinstance(item, dict) else ():
            if key in operation:
                yield pointers.join("", "webhooks", name, method, key), message

