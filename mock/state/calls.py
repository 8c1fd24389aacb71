"""One stateful request (`Call`) and the answers outside the happy path: the documented 404
for an unknown id, 409 for a job in the wrong status, 400 for a page token the mock never issued.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.mock.behaviour.checks import documented_key
from accord.mock.behaviour.replies import documented, json_body
from accord.mock.exchange import Reply
from accord.mock.negotiation import forced_key
from accord.mock.problems import Violation
from accord.mock.state import FamilyInfo, State
from accord.mock.state.pages import BadToken
from accord.mock.state.resources import Role, properties
from accord.mock.state.store import Record

if TYPE_CHECKING:
    from accord.mock.app import MockApp
    from accord.mock.exchange import Exchange

log = logging.getLogger("accord.mock")


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
        """The response key the operation answers a request it accepts with, None when its default
        answer is an error (Swagger's Petstore's `PUT /user/{username}` documents only 400 and 404):
        a request answered with a rejection changes nothing, so the handlers leave the state as it is
        and the static answer is sent."""
        op = self.ex.op
        assert op is not None
        key = op.default_key
        return key if key is not None and is_success_key(key) else None

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


def is_success_key(key: str) -> bool:
    """A 2xx or 3xx response key (`201`, `2XX`) or `default` (the only response of some creates)."""
    return key == "default" or key[:1] in ("2", "3")


def problem_answer(call: Call, status: int, detail: str) -> Reply | None:
    """The documented `status` problem with an accurate detail; None when it is not documented
    (exactly, by range, or by a `default` response, which documents every other status)."""
    op = call.ex.op
    assert op is not None
    key = forced_key(op.responses, status)
    if key is None:
        return None
    return documented(call.app, call.ex, key, status=status, patch={"detail": detail, "instance": call.ex.path})


def not_found(call: Call, key: str | None = None) -> Reply:
    """The documented 404 for an unknown id (`key`, else the one in the path)."""
    call.note("not-found")
    detail = f"No resource with {call.info.family.param} {call.key if key is None else key!r}."
    reply = problem_answer(call, 404, detail)
    if reply is not None:
        return reply
    op = call.ex.op
    assert op is not None
    # No 404 (nor 4XX, nor default): the operation's own client error, as Petstore's
    # `400 Invalid ID supplied`, rather than a status the document does not describe.
    other = next((k for k in sorted(op.responses) if k.isdigit() and k.startswith("4")), None)
    if other is not None:
        return documented(call.app, call.ex, other, patch={"detail": detail, "instance": call.ex.path})
    log.warning("%s documents no 4xx: an unknown id gets an undocumented 404", op.label)
    return call.ex.generic(404, detail)


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
