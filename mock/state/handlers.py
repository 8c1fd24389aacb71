"""One handler per role of a stateful operation; each answers a response the operation documents.

Bodies are built from the documented body (example or generated) with the stored values put
in, and validated before they are sent (mock/behaviour/replies.py): when a built body would
not match the contract, the documented one is sent instead. An unknown id answers the
operation's documented 404, a cancel of an ended job or the results of an unfinished one its
documented 409.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from accord import pointers
from mock.behaviour.checks import documented_key
from mock.behaviour.replies import documented, json_body, valid
from mock.exchange import Reply
from mock.negotiation import forced_key
from mock.parameters import deref
from mock.problems import Violation
from mock.state import FamilyInfo, State
from mock.state.lifecycle import iso
from mock.state.pages import BadToken, array_member, next_member, page
from mock.state.resources import Role, properties
from mock.state.store import Record

if TYPE_CHECKING:
    from mock.app import MockApp
    from mock.exchange import Exchange

log = logging.getLogger("accord.mock")
#: Attempts at generating a fresh id before falling back to a counter.
ID_ATTEMPTS = 8


@dataclass(slots=True)
class Call:
    """One stateful request: the app, the exchange, the family and the role."""

    app: MockApp
    ex: Exchange
    state: State
    info: FamilyInfo
    role: Role

    @property
    def item(self) -> str:
        return self.info.family.item

    @property
    def key(self) -> str:
        return (self.ex.parts.path if self.ex.parts else {}).get(self.info.family.param, "")

    def note(self, what: str) -> None:
        if self.ex.note is not None:
            self.ex.note.state = what

    def current(self, record: Record) -> dict[str, Any]:
        lifecycle = self.info.lifecycle
        if lifecycle is None or not record.moving:
            return record.value
        return lifecycle.apply(record.value, record.created, record.cancelled_at, self.state.clock())

    def body(self) -> Any:
        return json_body(self.ex.body) if self.ex.body else None

    def success(self) -> str | None:
        op = self.ex.op
        assert op is not None
        return op.default_key

    def base(self, key: str) -> Any:
        """The documented body of response `key` as a value (the first JSON content's)."""
        op = self.ex.op
        assert op is not None
        content = next((c for c in op.responses[key].contents if "json" in c.served), None)
        return json_body(content.body) if content is not None else None

    def members(self, key: str) -> dict[str, Any]:
        op = self.ex.op
        assert op is not None
        content = next((c for c in op.responses[key].contents if "json" in c.served), None)
        return properties(self.app.api.document, content.schema) if content is not None else {}


# -- answers outside the happy path ----------------------------------------------------------
def problem_answer(call: Call, status: int, detail: str) -> Reply | None:
    """The documented `status` problem with an accurate detail; None when it is not documented
    (exactly, by range, or by a `default` response, which documents every other status)."""
    op = call.ex.op
    assert op is not None
    key = forced_key(op.responses, status)
    if key is None:
        return None
    return documented(call.app, call.ex, key, status=status, patch={"detail": detail, "instance": call.ex.path})


def not_found(call: Call) -> Reply:
    call.note("not-found")
    detail = f"No resource with {call.info.family.param} {call.key!r}."
    reply = problem_answer(call, 404, detail)
    if reply is None:
        label = call.ex.op.label if call.ex.op else ""
        log.warning("%s documents no 404: an unknown id gets an undocumented 404", label)
        return call.ex.generic(404, detail)
    return reply


def bad_token(call: Call, exc: BadToken) -> Reply | None:
    """A page token this mock never issued: the documented 400, by the example that names page
    tokens when the contract has one (e.g. `invalid-page-token`), else a validation problem."""
    op = call.ex.op
    assert op is not None
    call.note(f"rejected {exc.parameter}")
    key = documented_key(op, 400)
    if key is not None:
        for content in op.responses[key].contents:
            named = next((n for n in content.examples if "token" in n or "cursor" in n), None)
            if named is not None:
                return documented(call.app, call.ex, key, example=named,
                                  patch={"detail": str(exc), "instance": call.ex.path})
    return call.app.reject(call.ex, [Violation("query", exc.parameter, (), "format", str(exc))])


# -- roles -----------------------------------------------------------------------------------
def create(call: Call) -> Reply | None:
    key = call.success()
    if key is None:
        return None
    base = call.base(key)
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
    for name, wanted in call.ex.parts.query:
        if name in members and name != "limit":
            records = [r for r in records if _text(r.get(name)) == wanted]
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
    if not call.state.store.delete(call.item, call.key):
        return not_found(call)
    key = call.success()
    call.note(f"deleted {call.key}")
    return None if key is None else documented(call.app, call.ex, key)


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


def cancel(call: Call, record: Record) -> Reply | None:
    lifecycle = call.info.lifecycle
    if lifecycle is None or lifecycle.cancelled is None:
        return None
    status = str(call.current(record).get("status"))
    if lifecycle.is_final(status):
        call.note(f"cancel refused: {call.key} is {status}")
        refused = problem_answer(call, 409, f"The job {call.key!r} has already ended ({status}).")
        if refused is not None:
            return refused
    elif record.moving:
        record.cancelled_at = call.state.clock()
    else:
        record.value = {**record.value, "status": lifecycle.cancelled}
    key = call.success()
    if key is None:
        return None
    call.note(f"cancelled {call.key}")
    return documented(call.app, call.ex, key, value=call.current(record))


def results(call: Call, record: Record) -> Reply | None:
    lifecycle = call.info.lifecycle
    current = call.current(record)
    if lifecycle is not None and current.get("status") != lifecycle.done:
        call.note(f"results refused: {call.key} is {current.get('status')}")
        refused = problem_answer(call, 409, f"The job {call.key!r} has not succeeded (it is {current.get('status')}).")
        if refused is not None:
            return refused
    key = call.success()
    if key is None or call.ex.parts is None:
        return None
    body = call.base(key)
    members = call.members(key)
    holder = array_member(members, call.app.api.document)
    if not isinstance(body, dict) or holder is None or not isinstance(body.get(holder), list) or not body[holder]:
        return None
    template = body[holder]
    total = record.count if record.count is not None else len(template)
    op = call.ex.op
    try:
        window = page(call.app.api.document, op, call.ex.parts.query, total)
    except BadToken as exc:
        return bad_token(call, exc)
    rows = []
    for index in range(window.offset, min(total, window.offset + window.limit)):
        row = template[index % len(template)]
        rows.append({**row, "index": index} if isinstance(row, dict) and "index" in row else row)
    value = dict(body)
    for name in members:
        if name == call.info.family.param:
            value[name] = call.key
        elif name in current and name not in (holder,):
            value[name] = current[name]
    value[holder] = rows
    following = next_member(members)
    if following is not None:
        value[following] = window.next_token
    call.note(f"results of {call.key}: {len(rows)} of {total}")
    return documented(call.app, call.ex, key, value=value)


#: (method, literal segment below the item) -> action handler
ACTIONS: dict[tuple[str, str], Callable[[Call, Record], Reply | None]] = {
    ("POST", "cancel"): cancel,
    ("GET", "results"): results,
}
#: role kind -> handler
HANDLERS: dict[str, Callable[[Call], Reply | None]] = {
    "create": create, "read": read, "list": listing, "update": update, "upsert": upsert,
    "delete": delete, "action": action,
}


def answer(app: MockApp, ex: Exchange, state: State) -> Reply | None:
    """The stateful answer for the exchange, or None to let the static response answer."""
    op = ex.op
    assert op is not None
    role = state.roles.get(op.label)
    info = state.families.get(role.family.item) if role is not None else None
    if role is None or info is None:
        return None
    return HANDLERS[role.kind](Call(app, ex, state, info, role))


# -- helpers ---------------------------------------------------------------------------------
def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


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
    number = call.state.store.next_number()
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
