"""Answers to invalid requests: a status the operation documents, its body filled with the
real violations when that still matches the documented schema.

Order: security → [401]; content type → [415, 400, 422]; otherwise [400, 422]; then `default`
(Prism, anchors §2.8, tries 422 before 400; see `mock.problems.CANDIDATE_STATUSES` for why
accord does not when both are documented; when neither is, the answer is Prism's 422).
Prism sends the documented example and hides the violations in `sl-violations`; accord fills
the documented problem schema when the violations fit it, and keeps Prism's header either way.
A schema that requires a member no problem has, or declares members none of which is a
problem's (`{name}`, Petstore's `{code, message}`), is the document's own error shape: its
example is sent, as Prism sends it.
When the operation documents no such response, the answer is Prism's own generic problem,
worded as Prism words it (mock/prism.py), and the log says, once per operation and status,
that the contract is incomplete.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import orjson

from accord.mock import prism
from accord.mock.bodies import split_media_type
from accord.mock.exchange import Headers, Reply, next_request_id, problem_reply
from accord.mock.negotiation import error_key
from accord.mock.problems import (
    CANDIDATE_STATUSES,
    GENERIC_STATUS,
    MAX_VIOLATIONS,
    PROBLEM_MEMBERS,
    Rendered,
    Violation,
    problem,
    render,
    render_violations,
)
from accord.openapi import deref

if TYPE_CHECKING:
    from accord.mock.compiler import CompiledApi, Operation
    from accord.mock.exchange import Exchange
    from accord.mock.responses import Response

log = logging.getLogger("accord.mock")

class Rejector:
    """Builds error replies for one compiled document; remembers what it already logged."""

    def __init__(self, api: CompiledApi) -> None:
        self.api = api
        self._logged: set[tuple[str, int]] = set()
        self._members: dict[int, set[str]] = {}  # by id of a schema of the compiled document
        self._unfit: dict[int, bool] = {}  # by id of a schema: requires a member no problem has
        self._identities: dict[int, dict[str, str]] = {}  # by id of a Content of the compiled document
        # The documented response for each operation and deciding kind: a property of the document.
        self._keys: dict[tuple[int, str], tuple[str, int] | None] = {}  # by (id of an Operation, kind)

    def reply(self, ex: Exchange, op: Operation, violations: list[Violation], request_id: str | None) -> Reply:
        # Rendered afresh for every request: clients do not repeat their mistakes, so a cache of
        # renderings would only flatter a benchmark that repeats one body (issue 20).
        rendered = render_violations(violations)
        kind = rendered.kind
        memo = (id(op), kind)
        try:
            found = self._keys[memo]
        except KeyError:
            found = self._keys[memo] = error_key(op.responses, CANDIDATE_STATUSES[kind])
        if found is None:
            return self._generic(ex, op, violations, rendered)
        key, status = found
        response = op.responses[key]
        reply = self._documented(ex, response, status, rendered, request_id)
        if kind == "security":  # 401 is the only candidate
            reply.headers.extend((b"www-authenticate", c.encode("latin-1")) for c in self._challenges(ex, op))
        reply.headers.append((b"sl-violations", rendered.sl))
        return reply

    def _generic(self, ex: Exchange, op: Operation, violations: list[Violation], rendered: Rendered) -> Reply:
        """Prism's answer where the operation documents none (mock/prism.py): 401 with its
        challenges, 415, else 422 (Prism's choice when neither 422 nor 400 is documented)."""
        kind = rendered.kind
        status = GENERIC_STATUS[kind]
        self._incomplete(op, status)
        rid = ex.trace_id()
        extra: Headers = [(b"x-request-id", rid.encode("ascii"))]
        if not self.api.prism_errors:  # the document's problem convention: accord's members
            if kind == "security":
                extra.extend((b"www-authenticate", c.encode("latin-1")) for c in self._challenges(ex, op))
            body = problem(status, rendered.detail, instance=ex.path, request_id=rid, entries=rendered.entries)
            return problem_reply(status, body, extra)
        if kind == "security":
            members: dict[str, Any] = {}
            challenges = self._challenges(ex, op)
            if challenges:
                challenge = challenges[0]
                extra.append((b"www-authenticate", challenge.encode("latin-1")))
                members["headers"] = {"WWW-Authenticate": challenge}
            body = prism.problem("UNAUTHORIZED", status, prism.UNAUTHORIZED, **members)
        elif kind == "content-type":
            message = next(v.message for v in violations if v.kind == "content-type")
            body = prism.problem("INVALID_CONTENT_TYPE", status, message)
        else:
            listed = violations[:MAX_VIOLATIONS]
            body = prism.problem("UNPROCESSABLE_ENTITY", status, prism.INVALID_REQUEST,
                                 validation=[e for v in listed for e in v.validation_entries()])
        return problem_reply(status, body, extra)

    def _challenges(self, ex: Exchange, op: Operation) -> list[str]:
        """The `WWW-Authenticate` values of a 401, documented or not. A document with accord's
        problem convention gets one per scheme, API keys included (`ApiKey in=…`, as the service
        kit sends); any other gets Prism's one header naming the schemes the request fails,
        API keys never challenged (docs/mock-behaviour.md, "Security challenges")."""
        if not self.api.prism_errors:
            return op.security.challenges
        tags = op.security.tags(ex.parts) if ex.parts is not None else []
        return [",".join(tags)] if tags else []

    def _documented(
        self,
        ex: Exchange,
        response: Response,
        status: int,
        rendered: Rendered,
        request_id: str | None,
    ) -> Reply:
        headers: Headers = list(response.headers)
        rid = request_id_value(response, request_id)
        if rid is not None:
            headers.append((b"x-request-id", rid))
            request_id = rid.decode("latin-1")
        content = response.problem or (response.contents[0] if response.contents else None)
        if content is None:
            return Reply(status, headers)
        headers.append((b"content-type", content.content_type))
        body = content.body
        prefs = ex.prefs
        if prefs is not None and prefs.code == status and prefs.example is not None:
            # Prism: a named example is honoured for an invalid request only when `code` names
            # the status chosen for it; one the response does not have is the 404 a valid
            # request gets for it. Without `code`, or with another, the example is ignored.
            chosen = content.examples.get(prefs.example)
            if chosen is None:
                detail = prism.no_example(split_media_type(content.served)[0], prefs.example)
                return ex.generic(404, detail, prism_code="NOT_FOUND")
            return Reply(status, headers, chosen)
        if content is response.problem and content.schema is not None:
            identity = self._identity(content, status)
            filled = self._fill(content.schema, status, ex.path, request_id, rendered, identity)
            if filled is not None:
                body = filled
        return Reply(status, headers, body)

    def _identity(self, content: Any, status: int) -> dict[str, str]:
        """`type` and `title` of the documented example, so the mock names the problem as the
        contract does (e.g. .../validation-error) rather than `about:blank`."""
        key = id(content)
        found = self._identities.get(key)
        if found is None:
            found = {}
            try:
                example = orjson.loads(content.body) if content.body else None
            except orjson.JSONDecodeError:
                example = None
            if isinstance(example, dict) and example.get("status") == status:
                found = {k: example[k] for k in ("type", "title") if isinstance(example.get(k), str)}
            self._identities[key] = found
        return found

    def _fill(
        self, schema: Any, status: int, instance: str, request_id: str | None, rendered: Rendered,
        identity: dict[str, str],
    ) -> bytes | None:
        """The problem with the violations, if it validates; else shrunk until it does: fewer
        listed errors (schemas cap the list), only the declared members, no list at all.

        Every filled problem is validated before it is sent: it carries the request's own
        pointers and messages, and a schema may constrain those (lengths, patterns, formats).
        A schema that requires a member outside PROBLEM_MEMBERS (Petstore's `Error`: `code`,
        `message`) is matched by none of these candidates, whose members are all problem
        members, and one that declares only other members is not a problem's shape: either is
        known unfit once, and not tried on every request.
        """
        try:
            validator = self.api.schemas.validator(schema, "response")
        except Exception:  # reported when the operation was prepared
            return None
        key = id(schema)
        unfit = self._unfit.get(key)
        if unfit is None:
            converted = self.api.schemas.convert(schema, "response")  # what the validator holds
            own = _declared_members(converted, converted)
            # Unfit too: a shape of its own that names no problem member (`{name}`, `{reason}`):
            # a problem would validate against it only by being open, and would not be the
            # error the document describes; its example is sent, as Prism sends it.
            unfit = self._unfit[key] = bool(required_members(converted, converted) - PROBLEM_MEMBERS) or bool(
                own and not own & PROBLEM_MEMBERS)
        if unfit:  # no problem can match (below): the documented body, without rendering one
            return None
        full = problem(status, rendered.detail, instance=instance, request_id=request_id, entries=rendered.entries)
        if identity:
            full.update(identity)
        if validator.is_valid(full):  # the common case: the contract's problem schema admits it
            return render(full)
        declared = self._members.get(id(schema))
        if declared is None:
            declared = self._members[id(schema)] = _declared_members(self.api.document, schema)
        trimmed = {k: v for k, v in full.items() if k in declared} if declared else full
        for candidate in (full, trimmed):
            if candidate is not full and validator.is_valid(candidate):
                return render(candidate)
            listed = candidate.get("errors")
            if isinstance(listed, list):
                for cap in (50, 10, 1):
                    if len(listed) > cap:
                        shorter = {**candidate, "errors": listed[:cap]}
                        if validator.is_valid(shorter):
                            return render(shorter)
        return None

    def _incomplete(self, op: Operation, status: int) -> None:
        if (op.label, status) in self._logged:
            return
        self._logged.add((op.label, status))
        log.warning(
            "contract incomplete: %s documents no %d (nor a matching range or default) response; "
            "answering a generic application/problem+json",
            op.label,
            status,
        )


def required_members(document: dict[str, Any], schema: Any) -> set[str]:
    """The member names an object must have to match `schema`: its `required` and those of its
    `allOf` members (through `$ref`s). Alternatives (`anyOf`, `oneOf`) require nothing for sure."""
    names: set[str] = set()
    stack, seen = [schema], 0
    while stack and seen < 64:  # a cyclic allOf requires what its first passes found
        seen += 1
        resolved = deref(document, stack.pop())
        if isinstance(resolved, dict):
            required = resolved.get("required")
            if isinstance(required, list):
                names.update(n for n in required if isinstance(n, str))
            members = resolved.get("allOf")
            if isinstance(members, list):
                stack.extend(members)
    return names


def _declared_members(document: dict[str, Any], schema: Any) -> set[str]:
    names: set[str] = set()
    resolved = deref(document, schema)
    if not isinstance(resolved, dict):
        return names
    for member in [resolved, *[deref(document, m) for m in resolved.get("allOf") or ()]]:
        if isinstance(member, dict):
            names.update((member.get("properties") or {}).keys())
    return names


def request_id_value(response: Response, sent: str | None) -> bytes | None:
    """X-Request-ID for a response that declares it: the request's when it fits, else a new one."""
    if response.request_id is None:
        return None
    static, valid, uuid_ok = response.request_id
    if sent is not None and valid(sent):
        return sent.encode("latin-1")
    if uuid_ok:
        return next_request_id()
    return static


