"""Recognise resources in any document: which operations create, read, list, change, delete
or act on the same kind of thing.

A *family* is an item path template (`/pets/{petId}`, `/v1/prediction-jobs/{job_id}`) plus
where the id lives in the representation. It is found from

1. the links of a create operation's success response (`GetJob: job_id: $response.body#/id`
   names the item operation and the id's pointer), else
2. a collection / item pair of templates (`POST /pets` and `/pets/{petId}`), else
3. a `PUT` on an item template (create-or-replace at a client-chosen id).

Every other operation on the item template, its collection template and the templates below
it then gets a role: `PUT`/`PATCH` on the collection update the item the body's id names
(Swagger's Petstore: `PUT /pet`), and a `GET` on a literal sibling of the item whose success
is an array of the item's schema and whose query parameters are named like the item's members
searches them (`GET /pet/findByStatus?status=sold`); a `POST` on the item without a body whose
query parameters are named like members sets them (`POST /pet/10?name=Rex&status=sold`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.openapi import deref

if TYPE_CHECKING:
    from accord.mock.compiler import CompiledApi, Operation

_LINK_PREFIX = "$response.body#"


@dataclass(frozen=True, slots=True)
class Family:
    item: str  # item path template
    param: str  # the template's last parameter: the id
    id_pointer: str  # where the id lives in a stored representation
    collection: str  # the item template without its last segment


@dataclass(frozen=True, slots=True)
class Role:
    kind: str  # create | upsert | read | update | delete | list | action | update-by-body | update-by-query
    family: Family
    action: str | None = None  # the literal segment below the item (`cancel`, `results`), or None


def properties(document: dict[str, Any], schema: Any, depth: int = 0) -> dict[str, Any]:
    """Top-level properties of a schema, through $ref and allOf."""
    schema = deref(document, schema)
    if not isinstance(schema, dict) or depth > 8:
        return {}
    found = dict(schema.get("properties") or {}) if isinstance(schema.get("properties"), dict) else {}
    for member in schema.get("allOf") or ():
        for name, value in properties(document, member, depth + 1).items():
            found.setdefault(name, value)
    return found


def success_schema(op: Operation) -> tuple[str, Any] | None:
    """(response key, schema) of the operation's default success response with JSON content."""
    key = op.default_key
    if key is None or not (key.startswith("2") or key == "default"):  # Petstore's createUser: `default` only
        return None
    response = op.responses.get(key)
    if response is None:
        return None
    content = next((c for c in response.contents if "json" in c.served), None)
    return (key, content.schema) if content is not None and content.schema is not None else None


def _bodiless_success(op: Operation) -> bool:
    """Whether the operation's default success response (2xx, else `default`) has no content."""
    key = op.default_key
    if key is None or not (key.startswith("2") or key == "default"):
        return False
    response = op.responses.get(key)
    return response is not None and not response.contents


def _last_param(template: str) -> str | None:
    last = template.rstrip("/").rsplit("/", 1)[-1]
    return last[1:-1] if last.startswith("{") and last.endswith("}") else None


def _collection(template: str) -> str:
    return template.rstrip("/").rsplit("/", 1)[0] or "/"


def _from_links(api: CompiledApi, op: Operation, by_id: dict[str, Operation]) -> Family | None:
    raw = deref(api.document, (op.raw.get("responses") or {}).get(op.default_key or ""))
    links = raw.get("links") if isinstance(raw, dict) else None
    for link in (links or {}).values():
        link = deref(api.document, link)
        if not isinstance(link, dict):
            continue
        target = by_id.get(str(link.get("operationId")))
        if target is None or target.method != "GET":
            continue
        param = _last_param(target.path)
        expression = (link.get("parameters") or {}).get(param) if param else None
        if isinstance(expression, str) and expression.startswith(_LINK_PREFIX) and param:
            return Family(target.path, param, expression[len(_LINK_PREFIX):], _collection(target.path))
    return None


def _id_pointer(api: CompiledApi, schema: Any, param: str) -> str:
    names = properties(api.document, schema)
    return f"/{param}" if param in names else "/id"


def infer(api: CompiledApi) -> dict[str, Role]:
    """operation label -> its role, for every operation that belongs to a recognised family."""
    api.prepare_all()
    by_id = {op.label: op for op in api.operations}
    templates: dict[str, dict[str, Operation]] = {}
    for op in api.operations:
        templates.setdefault(op.path, {})[op.method] = op
    families: dict[str, Family] = {}
    roles: dict[str, Role] = {}
    for op in api.operations:
        if op.method != "POST":
            continue
        success = success_schema(op)
        if success is None and not _bodiless_success(op):
            continue
        family = _from_links(api, op, by_id) if success is not None else None
        if family is None:
            below = [t for t in templates if _collection(t) == op.path.rstrip("/") and _last_param(t)
                     and "GET" in templates[t]]
            # A create without a body (Swagger's Petstore: createUser's `default` has no schema)
            # stores what the client sent, shaped as the item's GET reads it.
            shape = success or (success_schema(templates[below[0]]["GET"]) if below else None)
            if below and shape is not None:
                name = _last_param(below[0]) or "id"
                family = Family(below[0], name, _id_pointer(api, shape[1], name), op.path)
        if family is not None:
            family = families.setdefault(family.item, family)
            roles[op.label] = Role("create", family)
    for template, methods in templates.items():
        param = _last_param(template)
        if param and "PUT" in methods and "GET" in methods and template not in families:
            found = success_schema(methods["GET"])
            if found is not None:
                families[template] = Family(template, param, _id_pointer(api, found[1], param), _collection(template))
    for family in families.values():
        read_op = templates.get(family.item, {}).get("GET")
        item_schema = success_schema(read_op) if read_op is not None else None
        members = properties(api.document, item_schema[1]) if item_schema is not None else {}
        for method, op in templates.get(family.item, {}).items():
            kind = {"GET": "read", "PUT": "upsert", "PATCH": "update", "DELETE": "delete"}.get(method)
            if kind is not None:
                roles[op.label] = Role(kind, family)
            elif method == "POST" and op.body is None and _named_like(op, members):
                roles[op.label] = Role("update-by-query", family)  # Petstore's updatePetWithForm
        collection = templates.get(family.collection, {})
        list_op = collection.get("GET")
        if list_op is not None and list_op.label not in roles:
            roles[list_op.label] = Role("list", family)
        for method in ("PUT", "PATCH"):
            if method in collection and collection[method].label not in roles:
                roles[collection[method].label] = Role("update-by-body", family)
        for template, methods in templates.items():
            search = methods.get("GET")
            if (search is None or search.label in roles or _collection(template) != family.collection
                    or template in (family.item, family.collection) or "{" in template[len(family.collection):]):
                continue
            found = success_schema(search)
            if item_schema is None or found is None or not _array_of(api, found[1], item_schema[1]):
                continue
            if _named_like(search, members):  # a search
                roles[search.label] = Role("list", family)
        for template, methods in templates.items():
            if template.startswith(family.item + "/"):
                rest = template[len(family.item) + 1:]
                action = rest if "/" not in rest and "{" not in rest else None
                for op in methods.values():
                    roles.setdefault(op.label, Role("action", family, action))
    return roles


def _array_of(api: CompiledApi, schema: Any, item: Any) -> bool:
    """Whether `schema` is an array whose items are the schema `item` (the same object, through $ref)."""
    resolved = deref(api.document, schema)
    if not isinstance(resolved, dict) or resolved.get("type") != "array":
        return False
    return deref(api.document, resolved.get("items")) is deref(api.document, item)


def _named_like(op: Operation, members: dict[str, Any]) -> bool:
    """Whether some query parameter of `op` is named like a member of the item."""
    return any(p.location == "query" and p.name in members for p in op.parameters)
