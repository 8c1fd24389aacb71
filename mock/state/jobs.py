"""What a job can be asked below its item path: cancel it, page through its results.

Both answer the operation's documented 409 when the job is in the wrong status (cancel after it
ended, results before it succeeded), and the documented success otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from accord.mock.behaviour.replies import documented
from accord.mock.exchange import Reply
from accord.mock.state.calls import Call, bad_token, problem_answer
from accord.mock.state.pages import BadToken, array_member, next_member, page
from accord.mock.state.store import Record


def cancel(call: Call, record: Record) -> Reply | None:
    lifecycle = call.info.lifecycle
    if lifecycle is None or lifecycle.cancelled is None:
        return None
    key = call.success()
    status = str(call.current(record).get("status"))
    if lifecycle.is_final(status):
        call.note(f"cancel refused: {call.key} is {status}")
        refused = problem_answer(call, 409, f"The job {call.key!r} has already ended ({status}).")
        if refused is not None:
            return refused
    if key is None:  # answered with an error: the job is not cancelled
        return None
    if not lifecycle.is_final(status):  # an ended job without a documented 409: a success, unchanged
        if record.moving:
            record.cancelled_at = call.state.clock()
        else:
            record.value = {**record.value, "status": lifecycle.cancelled}
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
