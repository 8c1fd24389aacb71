"""One handler per role of a stateful operation; each answers a response the operation documents.

Bodies are built from the documented body (example or generated) with the stored values put
in, and validated before they are sent (mock/behaviour/replies.py): when a built body would
not match the contract, the documented one is sent instead. An unknown id answers the
operation's documented 404 (mock/state/calls.py); job actions are in mock/state/jobs.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from accord import pointers
from accord.mock.behaviour.replies import documented, valid
from accord.mock.exchange import Reply
from accord.mock.parameters import coerce, schema_types
from accord.mock.state import State
from accord.mock.state.calls import Call, bad_token, not_found, problem_answer
from accord.mock.state.jobs import ACTIONS
from accord.mock.state.lifecycle import iso
from accord.mock.state.pages import BadToken, array_member, next_member, page
from accord.mock.state.resources import properties
from accord.mock.state.store import Record
from accord.openapi import deref

if TYPE_CHECKING:
    from accord.mock.app import MockApp
    from accord.mock.exchange import Exchange

log = logging.getLogger("accord.mock")
#: Attempts at generating a fresh id before falling back to a counter.
ID_ATTEMPTS = 8


# -- roles -----------------------------------------------------------------------------------
def create(call: Call) -> Reply | None:
    key = call.success()
    if key is None:
        return None
    op = call.ex.op
    assert op is not None
    # A success without a body (Swagger's Petstore's createUser): the item is what the client sent.
    base = call.base(key) if op.responses[key].contents else {}
    if not isinstance(base, dict):
        return None
    now = call.state.clock()
    body = call.body()
    value = dict(base)
    members = properties(call.app.api.document, call.info.schema)
    if isinstance(body, dict):  # what the client sent is what it reads back
        value.update({name: v for name, v in body.items() if name in members})
    for name, text in (call.ex.parts.path if call.ex.parts else {}).items():
        if name in members:
            value[name] = text
    if "request_id" in members and call.ex.request_id:
        value["request_id"] = call.ex.request_id
    if "created_at" in members:
        value["created_at"] = iso(now)
    count = _submitted_count(body)
    if count is not None and isinstance(value.get("progress"), dict):
        value["progress"] = {**value["progress"], "total": count, "completed": 0}
    ident = _chosen_id(call, members, body)
    if ident is not None and call.state.store.get(call.item, str(ident)) is not None:
        conflict = problem_answer(call, 409, f"A resource with {call.info.family.param} {ident!r} exists.")
        if conflict is not None:
            call.note(f"conflict {ident}")
            return conflict  # else the client's resource replaces the one it names
    if ident is None:
        ident = _new_id(call, members, value)
    if ident is None:
        return None
    value = _with_id(value, call.info.family.id_pointer, ident)
    if not valid(call.app, call.info.schema, value):
        value = _with_id(dict(base), call.info.family.id_pointer, ident)
        if not valid(call.app, call.info.schema, value):
            log.info("a created %s does not match its schema: answered statelessly", call.item)
            return None
    record = Record(value, now, count=count)
    call.state.store.put(call.item, str(ident), record)
    call.note(f"created {ident}")
    location = call.item.replace("{" + call.info.family.param + "}", quote(str(ident), safe=""))
    return documented(call.app, call.ex, key, value=call.current(record), headers=[(b"location", location.encode())])


def read(call: Call) -> Reply | None:
    record = call.state.store.get(call.item, call.key)
    if record is None:
        return not_found(call)
    key = call.success()
    if key is None:
        return None
    value = call.current(record)
    call.note(f"read {call.key}")
    lifecycle = call.info.lifecycle
    ended = lifecycle is not None and lifecycle.is_final(str(value.get("status")))
    # Retry-After on a job is a polling hint: absent once the job has ended.
    dropped = frozenset({b"retry-after"}) if ended else frozenset()
    return documented(call.app, call.ex, key, value=value, drop_headers=dropped)


def listing(call: Call) -> Reply | None:
    key = call.success()
    if key is None or call.ex.parts is None:
        return None
    op = call.ex.op
    assert op is not None
    records = [call.current(r) for r in reversed(list(call.state.store.family(call.item).values()))]
    members = properties(call.app.api.document, call.info.schema)
    wanted: dict[str, set[str]] = {}
    for name, text in call.ex.parts.query:
        if name in members and name != "limit":
            wanted.setdefault(name, set()).update(text.split(","))  # ?tags=a&tags=b or ?tags=a,b: either
    for name, values in wanted.items():
        records = [r for r in records if _holds(r.get(name), values)]
    try:
        window = page(call.app.api.document, op, call.ex.parts.query, len(records))
    except BadToken as exc:
        return bad_token(call, exc)
    chosen = records[window.offset: window.offset + window.limit]
    call.note(f"listed {len(chosen)} of {len(records)}")
    body = call.base(key)
    list_members = call.members(key)
    if not list_members:  # a bare array
        return documented(call.app, call.ex, key, value=chosen)
    if not isinstance(body, dict):
        return None
    holder = array_member(list_members, call.app.api.document)
    if holder is None:
        return None
    value = {**body, holder: chosen}
    following = next_member(list_members)
    if following is not None:
        value[following] = window.next_token
    return documented(call.app, call.ex, key, value=value)


def update(call: Call) -> Reply | None:
    record = call.state.store.get(call.item, call.key)
    if record is None:
        return not_found(call)
    body = call.body()
    key = call.success()
    if key is None or not isinstance(body, dict):
        return None
    merged = _merge_patch(record.value, body)
    if valid(call.app, call.info.schema, merged):
        record.value = merged
        call.note(f"updated {call.key}")
    return documented(call.app, call.ex, key, value=call.current(record))


def update_by_body(call: Call) -> Reply | None:
    """`PUT`/`PATCH` on the collection (Petstore's `PUT /pet`): the item the body's id names is
    replaced member by member (`PUT`) or merge-patched (`PATCH`); an unknown id is the documented
    404, a body without an id the documented 400."""
    body = call.body()
    key = call.success()
    if key is None or not isinstance(body, dict):
        return None
    tokens = pointers.split(call.info.family.id_pointer)
    ident = body.get(tokens[0]) if len(tokens) == 1 else None
    if ident is None or isinstance(ident, (dict, list, bool)):
        return problem_answer(call, 400, f"The body names no {tokens[-1] if tokens else 'id'} to update.")
    record = call.state.store.get(call.item, str(ident))
    if record is None:
        return not_found(call, str(ident))
    changed = {**record.value, **body} if call.ex.method == "PUT" else _merge_patch(record.value, body)
    changed = _with_id(changed, call.info.family.id_pointer, record.value.get(tokens[0], ident))
    if valid(call.app, call.info.schema, changed):
        record.value = changed
        call.note(f"updated {ident}")
    return documented(call.app, call.ex, key, value=call.current(record))


def update_by_query(call: Call) -> Reply | None:
    """`POST /pet/{petId}?name=…&status=…` (Petstore's updatePetWithForm): the query parameters
    named like members set them, read as the member's schema types; kept if still valid."""
    record = call.state.store.get(call.item, call.key)
    if record is None:
        return not_found(call)
    key = call.success()
    if key is None or call.ex.parts is None:
        return None
    document = call.app.api.document
    members = properties(document, call.info.schema)
    changes = {name: coerce(text, schema_types(document, members[name]))
               for name, text in call.ex.parts.query if name in members}
    changed = {**record.value, **changes}
    if changes and valid(call.app, call.info.schema, changed):
        record.value = changed
        call.note(f"updated {call.key}")
    return documented(call.app, call.ex, key, value=call.current(record))


def upsert(call: Call) -> Reply | None:
    key = call.success()
    body = call.body()
    if key is None or not isinstance(body, dict):
        return None
    record = call.state.store.get(call.item, call.key)
    start = dict(record.value) if record is not None else (call.base(key) or {})
    value = _with_id({**start, **body}, call.info.family.id_pointer, call.key)
    if not valid(call.app, call.info.schema, value):
        return None
    call.state.store.put(call.item, call.key, Record(value, call.state.clock(), moving=False))
    call.note(f"{'replaced' if record is not None else 'created'} {call.key}")
    return documented(call.app, call.ex, key, value=value)


def delete(call: Call) -> Reply | None:
    if call.state.store.get(call.item, call.key) is None:
        return not_found(call)
    key = call.success()
    if key is None:  # answered with an error: nothing is deleted
        return None
    call.state.store.delete(call.item, call.key)
    call.note(f"deleted {call.key}")
    return documented(call.app, call.ex, key)


def action(call: Call) -> Reply | None:
    record = call.state.store.get(call.item, call.key)
    if record is None:
        return not_found(call)
    handler = ACTIONS.get((call.ex.method, call.role.action or ""))
    if handler is not None:
        return handler(call, record)
    key = call.success()
    call.note(f"{call.role.action or 'sub-resource'} of {call.key}")
    if key is None:
        return None
    members = call.members(key)
    patch = {call.info.family.param: call.key} if call.info.family.param in members else None
    return documented(call.app, call.ex, key, patch=patch)


#: role kind -> handler
HANDLERS: dict[str, Callable[[Call], Reply | None]] = {
    "create": create, "read": read, "list": listing, "update": update, "upsert": upsert,
    "delete": delete, "action": action, "update-by-body": update_by_body, "update-by-query": update_by_query,
}


def answer(app: MockApp, ex: Exchange, state: State) -> Reply | None:
    """The stateful answer for the exchange, or None to let the static response answer."""
    op = ex.op
    assert op is not None
    role = state.roles.get(op.label)
    info = state.families.get(role.family.item) if role is not None else None
    if role is None or info is None:
        return None
    prefs = ex.prefs
    if prefs is not None and prefs.code is not None and not 200 <= prefs.code < 400:
        return None  # a rejection the client asked for (`Prefer: code=400`): the static answer, state unchanged
    return HANDLERS[role.kind](Call(app, ex, state, info, role))


# -- helpers ---------------------------------------------------------------------------------
def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _holds(value: Any, wanted: set[str]) -> bool:
    """A list filter: the member's value is one of `wanted`; for an array, one of its items is;
    for an object (a Petstore tag), one of its scalar members is."""
    if isinstance(value, list):
        return any(_holds(v, wanted) for v in value)
    if isinstance(value, dict):
        return any(_text(v) in wanted for v in value.values() if not isinstance(v, (dict, list)))
    return _text(value) in wanted


def _chosen_id(call: Call, members: dict[str, Any], body: Any) -> Any:
    """The id the client put in the body, when the id member is not `readOnly` (the server's
    to assign) and the value is valid for it; None otherwise."""
    tokens = pointers.split(call.info.family.id_pointer)
    if len(tokens) != 1 or not isinstance(body, dict) or tokens[0] not in body:
        return None
    chosen = body[tokens[0]]
    schema = members.get(tokens[0])
    if chosen is None or isinstance(chosen, (dict, list, bool)) or schema is None:
        return None
    compiler = call.app.api.schemas
    if compiler.flagged(schema, "readOnly") or not compiler.validator(schema, "response").is_valid(chosen):
        return None
    return chosen


def _submitted_count(body: Any) -> int | None:
    """How many items a request submits: the length of its first top-level array."""
    if isinstance(body, dict):
        return next((len(v) for v in body.values() if isinstance(v, list)), None)
    return len(body) if isinstance(body, list) else None


def _with_id(value: dict[str, Any], pointer: str, ident: Any) -> dict[str, Any]:
    tokens = pointers.split(pointer)
    if len(tokens) != 1:
        return value
    return {**value, tokens[0]: ident}


def _new_id(call: Call, members: dict[str, Any], value: dict[str, Any]) -> Any:
    """A fresh id valid against the id member's schema: generated (without the schema's
    example, which every resource would share), else a counter."""
    tokens = pointers.split(call.info.family.id_pointer)
    schema = members.get(tokens[0]) if len(tokens) == 1 else None
    number = call.state.store.next_number(call.item)
    taken = call.state.store.family(call.item)
    if schema is None:
        return str(number)
    check = call.app.api.schemas.validator(schema, "response")
    if check.is_valid(number) and str(number) not in taken:  # integer ids count up: 1, 2, 3…
        return number
    fresh = call.state.id_schemas.get(call.item)
    if fresh is None:
        resolved = deref(call.app.api.document, schema)
        fresh = {k: v for k, v in resolved.items() if k not in _EXAMPLE_KEYS} if isinstance(resolved, dict) else schema
        call.state.id_schemas[call.item] = fresh
    for attempt in range(ID_ATTEMPTS):
        try:
            candidate = call.app.api.generator.generate(
                fresh, seed=f"{call.item}#{number}~{attempt}:{call.app.api.seed}", direction="response")
        except Exception:  # a generator failure falls back to the counter
            break
        if candidate is not None and str(candidate) not in taken and check.is_valid(candidate):
            return candidate
    return str(number) if check.is_valid(str(number)) and str(number) not in taken else None


_EXAMPLE_KEYS = frozenset({"example", "examples", "default", "enum", "const"})


def _merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = _merge_patch(out.get(name), value)
    return out
