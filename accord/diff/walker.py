"""Pairs the operations of two bundled documents and reports what changed for their clients.

Operations pair by (path template with variable names erased, method); then, per operation:
deprecation and operationId, security, parameters (by location and name, path parameters by
position), request body (by media type), responses (by status), response headers and every
schema under them (`schemadiff`). A shared component is reported under each operation that
uses it, as oasdiff does, with pointers into the component.

Unchanged parts are skipped cheaply: two subtrees are "the same" when they are equal as data
and none of the `$ref`s inside them leads (transitively) to a component that differs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from accord import openapi, pointers
from accord.diff.lifecycle import LifecyclePolicy, parse_sunset, stability_rank
from accord.diff.operations import Body, Node, Operation, Param, Response, operations, path_key, reversed_operations
from accord.diff.report import Change
from accord.diff.rules import rule, swap_roles
from accord.diff.schemadiff import SchemaDiff, Where


def diff_documents(old: dict[str, Any], old_version: str, new: dict[str, Any], new_version: str,
                   lifecycle: LifecyclePolicy | None = None) -> list[Change]:
    """Every client-visible change from `old` to `new` (bundled documents), unsorted."""
    return _Walker(old, old_version, new, new_version, lifecycle or LifecyclePolicy()).run()


def _iter_refs(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                yield ref
            stack.extend(v for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, (dict, list)))


def tainted_refs(old: Any, new: Any) -> set[str]:
    """`$ref`s whose target differs between the documents, directly or through other refs."""
    edges: dict[str, set[str]] = {}
    pending = list(set(_iter_refs(old)))
    while pending:
        ref = pending.pop()
        if ref in edges:
            continue
        edges[ref] = set(_iter_refs(openapi.target(old, ref)))
        pending.extend(edges[ref] - edges.keys())
    tainted = {ref for ref in edges if openapi.target(old, ref) != openapi.target(new, ref)}
    reverse: dict[str, set[str]] = {}
    for ref, children in edges.items():
        for child in children:
            reverse.setdefault(child, set()).add(ref)
    frontier = list(tainted)
    while frontier:
        for parent in reverse.get(frontier.pop(), ()):
            if parent not in tainted:
                tainted.add(parent)
                frontier.append(parent)
    return tainted


class _Walker:
    def __init__(self, old: dict[str, Any], old_version: str, new: dict[str, Any], new_version: str,
                 lifecycle: LifecyclePolicy) -> None:
        self.old, self.new = old, new
        self.lifecycle = lifecycle
        self.old_version, self.new_version = old_version, new_version
        self.old_ops = operations(old, old_version)
        self.new_ops = operations(new, new_version)
        self.tainted = tainted_refs(old, new)
        # id -> (object, its refs): holding the object keeps its id from being reused
        self._refs_cache: dict[int, tuple[Any, frozenset[str]]] = {}
        self.changes: dict[tuple[object, ...], Change] = {}
        self.operation = ""
        self.operation_id: str | None = None

    # -- plumbing -------------------------------------------------------------------------
    def same(self, old: Any, new: Any) -> bool:
        """Equal data whose references all lead to unchanged components."""
        if old is not new and old != new:
            return False
        if not isinstance(old, (dict, list)):
            return True
        cached = self._refs_cache.get(id(old))
        if cached is None:
            cached = self._refs_cache[id(old)] = (old, frozenset(_iter_refs(old)))
        return not (cached[1] & self.tainted)

    def emit(self, rule_id: str, old_pointer: str | None, new_pointer: str | None, *,
             subject: tuple[str, ...] = (), **values: Any) -> None:
        spec = rule(rule_id)
        message = spec.template.format_map(_Defaults(values))
        change = Change(rule_id, spec.level, self.operation, self.operation_id, old_pointer, new_pointer, message,
                        subject=subject)
        self.changes.setdefault((rule_id, self.operation, old_pointer, new_pointer, message), change)

    def _enter(self, op: Operation, other: Operation | None = None) -> SchemaDiff:
        self.operation = op.label
        self.operation_id = op.operation_id or (other.operation_id if other else None)
        return SchemaDiff(self.old, self.new, self.emit, self.same)

    # -- operations -----------------------------------------------------------------------
    def run(self) -> list[Change]:
        new_paths = {key for key, _ in self.new_ops}
        for key, old_op in self.old_ops.items():
            new_op = self.new_ops.get(key)
            self._enter(new_op or old_op, old_op)
            if new_op is None:
                self._removed(old_op, path_gone=key[0] not in new_paths)
            else:
                self._operation(old_op, new_op)
        for key, new_op in self.new_ops.items():
            if key not in self.old_ops:
                self._enter(new_op)
                self.emit("endpoint-added", _parent(new_op.pointer), new_op.pointer, what=new_op.label)
        self._reversed()
        return list(self.changes.values())

    # -- callbacks and webhooks: our service sends the request, the consumer answers ------
    def _reversed(self) -> None:
        old_calls = reversed_operations(self.old, self.old_version)
        new_calls = reversed_operations(self.new, self.new_version)
        if not old_calls and not new_calls:
            return
        for key in dict.fromkeys([*old_calls, *new_calls]):
            old_op, new_op = old_calls.get(key), new_calls.get(key)
            kind, name = key[0], key[1] if key[0] == "webhook" else key[3]
            owner = f"{key[2].upper()} {key[1]}" if kind == "callback" else None
            label = f"`{name}` ({(new_op or old_op).label})"  # type: ignore[union-attr]
            self.operation = owner or f"webhook {name}"
            self.operation_id = None
            if old_op is None and new_op is not None:
                self.emit(f"{kind}-added", _parent(new_op.pointer), new_op.pointer, what=label)
            elif new_op is None and old_op is not None:
                self.emit(f"{kind}-removed", old_op.pointer, _parent(old_op.pointer), what=label)
            elif old_op is not None and new_op is not None and not (
                old_op == new_op and not (set(_iter_refs(_schemas_of(old_op))) & self.tainted)
            ):
                self._reversed_operation(old_op, new_op, f"{kind} `{name}`")

    def _reversed_operation(self, old: Operation, new: Operation, label: str) -> None:
        """Compare with the roles swapped: the request body as a response, responses as requests;
        the ids are the callback twins (rules.swap_roles)."""
        emit = self.emit

        def swapped(rule_id: str, *args: Any, **kwargs: Any) -> None:
            emit(swap_roles(rule_id), *args, **kwargs)

        schemas = SchemaDiff(self.old, self.new, swapped, self.same)
        for key, param in old.params.items():
            if key not in new.params:
                self.emit("callback-request-parameter-removed", param.pointer, new.pointer,
                          what=f"{label} {param.describe()}", subject=("parameter", param.location, param.name))
        for key, param in new.params.items():
            if key not in old.params:
                self.emit("callback-request-parameter-added", old.pointer, param.pointer,
                          what=f"{label} {param.describe()}")
        for status, response in old.responses.items():
            if status not in new.responses:
                self.emit("callback-response-status-removed", response.pointer, pointers.join(new.pointer, "responses"),
                          what=f"`{status}` of {label}", subject=("response", status))
        for status, response in new.responses.items():
            if status not in old.responses:
                self.emit("callback-response-status-added", pointers.join(old.pointer, "responses"), response.pointer,
                          what=f"`{status}` of {label}")
        if old.body and new.body:
            for media, schema in old.body.media.items():
                other = new.body.media.get(media)
                if other is not None and schema.value is not None and other.value is not None:
                    schemas.compare(schema, other, Where("response", "response-body", f"{label} request body",
                                                         base=("request-body",)))
        for status, response in old.responses.items():
            other_response = new.responses.get(status)
            if other_response is None:
                continue
            for media, schema in response.media.items():
                other = other_response.media.get(media)
                if other is not None and schema.value is not None and other.value is not None:
                    schemas.compare(schema, other, Where("request", "request-body",
                                                         f"{label} response {status} body",
                                                         base=("response", status, "body")))

    def _removed(self, op: Operation, path_gone: bool) -> None:
        new_pointer = None if path_gone else self._new_item_pointer(op)
        sunset = parse_sunset(op.sunset) if op.sunset else None
        what = f"`{op.path}`" if path_gone else op.label
        path = "path-" if path_gone else ""
        if not self.lifecycle.checked(op.stability):
            self.emit("api-removed-unstable", op.pointer, new_pointer, what=op.label, old=op.stability)
        elif op.deprecated and op.sunset and sunset is None:
            self.emit(f"api-{path}sunset-parse", op.pointer, new_pointer or "/paths", what=what, old=op.sunset)
        elif op.deprecated and sunset is not None and sunset > self.lifecycle.day:
            self.emit(f"api-{path}removed-before-sunset", op.pointer, new_pointer or "/paths", what=what,
                      old=op.sunset)
        elif path_gone:
            rule_id = "api-path-removed-with-deprecation" if op.deprecated else "api-path-removed-without-deprecation"
            self.emit(rule_id, op.pointer, "/paths", what=f"`{op.path}`")
        else:
            rule_id = "api-removed-with-deprecation" if op.deprecated else "api-removed-without-deprecation"
            self.emit(rule_id, op.pointer, new_pointer, what=op.label)

    def _new_item_pointer(self, op: Operation) -> str | None:
        for (key, _), new_op in self.new_ops.items():
            if key == path_key(op.path):
                return _parent(new_op.pointer)
        return None

    def _operation(self, old: Operation, new: Operation) -> None:
        if old == new and not (set(_iter_refs(_schemas_of(old))) & self.tainted):
            return  # same operation, and every component it uses is unchanged
        schemas = SchemaDiff(self.old, self.new, self.emit, self.same)
        schemas.lifecycle = (self.lifecycle.minimum_days(new.stability), self.lifecycle.day)
        self._stability(old, new)
        if not self.lifecycle.checked(old.stability):
            return  # draft and alpha operations may change freely
        self._deprecation(old, new)
        if old.operation_id and old.operation_id != new.operation_id:
            self.emit("api-operation-id-removed", old.pointer, new.pointer,
                      old=old.operation_id, new=new.operation_id or "none")
        elif not old.operation_id and new.operation_id:
            self.emit("api-operation-id-added", old.pointer, new.pointer, new=new.operation_id)
        self._security(old, new)
        self._parameters(old, new, schemas)
        self._body(old.body, new.body, old, new, schemas)
        self._responses(old, new, schemas)

    def _stability(self, old: Operation, new: Operation) -> None:
        if old.stability == new.stability:
            return
        old_rank, new_rank = stability_rank(old.stability), stability_rank(new.stability)
        before, after = old.stability or "stable", new.stability or "stable"
        rule_id = None
        if new_rank is None:
            rule_id = "api-invalid-stability-level"
        elif old_rank is not None and new_rank < old_rank and self.lifecycle.checked(old.stability):
            rule_id = "api-stability-decreased"
        elif old_rank is not None and new_rank > old_rank:
            rule_id = "api-stability-increased"
        if rule_id:
            self.emit(rule_id, old.pointer, new.pointer, what=new.label, old=before, new=after)

    def _deprecation(self, old: Operation, new: Operation) -> None:
        """Deprecation and its sunset date, held to the policy's minimum days."""
        days = self.lifecycle.minimum_days(new.stability)
        earliest = self.lifecycle.day + datetime.timedelta(days=days)
        sunset = parse_sunset(new.sunset) if new.sunset else None
        at = (old.pointer, new.pointer)
        if new.deprecated and new.sunset and sunset is None and new.sunset != old.sunset:
            self.emit("api-deprecated-sunset-parse", *at, what=new.label, new=new.sunset)
        if not old.deprecated and new.deprecated:
            if sunset is not None:
                self.emit("endpoint-deprecated-with-sunset", *at, what=new.label, new=new.sunset)
                if days and sunset < earliest:
                    self.emit("api-sunset-date-too-small", *at, what=new.label, old=new.sunset, new=days)
            else:
                self.emit("endpoint-deprecated", *at, what=new.label)
                if days and not new.sunset:
                    self.emit("api-deprecated-sunset-missing", *at, what=new.label, new=days)
        elif old.deprecated and not new.deprecated:
            self.emit("endpoint-reactivated", *at, what=new.label)
        elif old.deprecated and new.deprecated and old.sunset:
            old_sunset = parse_sunset(old.sunset)
            if not new.sunset:
                self.emit("sunset-deleted", *at, what=new.label, old=old.sunset)
            elif old_sunset and sunset and sunset < old_sunset and not (days and sunset >= earliest):
                self.emit("api-sunset-date-changed-too-small", *at, what=new.label, old=old.sunset, new=new.sunset)

    def _security(self, old: Operation, new: Operation) -> None:
        old_alts, new_alts = old.security, new.security
        old_open = not old_alts or any(not alt for alt in old_alts)
        new_open = not new_alts or any(not alt for alt in new_alts)
        if old_open and not new_open:
            self.emit("api-security-added", old.security_pointer, new.security_pointer,
                      old="none", new=" or ".join(_scheme_names(new_alts)))
        elif not new_open:
            for alt in old_alts:
                if any(_covers(candidate, alt) for candidate in new_alts):
                    continue
                same_schemes = [c for c in new_alts if c.keys() <= alt.keys()]
                if same_schemes:
                    extra = sorted({s for c in same_schemes for k in c for s in c[k] - alt.get(k, frozenset())})
                    scheme = next(iter(same_schemes[0]), "")
                    self.emit("api-security-scope-added", old.security_pointer, new.security_pointer,
                              what=scheme, new=", ".join(extra))
                else:
                    self.emit("api-security-added", old.security_pointer, new.security_pointer,
                              old=" and ".join(sorted(alt)), new=" or ".join(_scheme_names(new_alts)))
                break  # one uncovered alternative is enough to break its clients
        for name in sorted(set(_scheme_names(old_alts)) - set(_scheme_names(new_alts))):
            self.emit("api-security-removed", old.security_pointer, new.security_pointer, old=name)

    def _parameters(self, old: Operation, new: Operation, schemas: SchemaDiff) -> None:
        for key, param in old.params.items():
            other = new.params.get(key)
            subject: tuple[str, ...] = ("parameter", param.location, param.name)
            if other is None:
                self._parameter_removed(param, new, subject)
                continue
            self._parameter_deprecation(param, other, new, subject)
            if param.required != other.required:
                state = "required" if other.required else "optional"
                self.emit(f"request-parameter-became-{state}", param.pointer, other.pointer, what=other.describe(),
                          subject=subject)
            if param.schema and other.schema:
                where = Where("request", "request-parameter", other.describe(), base=subject,
                              repeatable=param.repeatable and other.repeatable,
                              in_text="content" not in other.schema.pointer.split("/"),
                              header=other.location == "header")
                schemas.compare(param.schema, other.schema, where)
        for key, param in new.params.items():
            if key in old.params:
                continue
            state = "required" if param.required else "optional"
            if param.location == "path":
                rule_id = "new-request-path-parameter"
            elif "/parameters/" in param.pointer and not param.pointer.startswith(new.pointer + "/"):
                rule_id = f"new-{state}-request-default-parameter-to-existing-path"  # a path-level parameter
            else:
                rule_id = f"new-{state}-request-parameter"
            subject = () if param.location == "path" else ("parameter", param.location, param.name)
            self.emit(rule_id, old.pointer, param.pointer, what=param.describe(), subject=subject)

    def _parameter_removed(self, param: Param, new: Operation, subject: tuple[str, ...]) -> None:
        sunset = parse_sunset(param.sunset) if param.sunset else None
        if not param.deprecated:
            rule_id = "request-parameter-removed"
        elif param.sunset and sunset is None:
            rule_id = "request-parameter-sunset-parse"
        elif sunset is not None and sunset > self.lifecycle.day:
            rule_id = "request-parameter-removed-before-sunset"
        else:
            rule_id = "request-parameter-removed-with-deprecation"
        self.emit(rule_id, param.pointer, new.pointer, what=param.describe(), subject=subject, old=param.sunset)

    def _parameter_deprecation(self, old: Param, new: Param, op: Operation, subject: tuple[str, ...]) -> None:
        """A parameter's deprecation and sunset, held to the policy of its operation's stability."""
        days = self.lifecycle.minimum_days(op.stability)
        earliest = self.lifecycle.day + datetime.timedelta(days=days)
        sunset = parse_sunset(new.sunset) if new.sunset else None
        at = (old.pointer, new.pointer)
        what = new.describe()
        if new.deprecated and new.sunset and sunset is None and new.sunset != old.sunset:
            self.emit("request-parameter-sunset-parse", *at, what=what, subject=subject, old=new.sunset)
        if not old.deprecated and new.deprecated:
            self.emit("request-parameter-deprecated", *at, what=what, subject=subject)
            if days and not new.sunset:
                self.emit("request-parameter-deprecated-sunset-missing", *at, what=what, subject=subject, new=days)
            elif days and sunset is not None and sunset < earliest:
                self.emit("request-parameter-sunset-date-too-small", *at, what=what, subject=subject,
                          old=new.sunset, new=days)
        elif old.deprecated and not new.deprecated:
            self.emit("request-parameter-reactivated", *at, what=what, subject=subject)
        elif old.deprecated and new.deprecated and old.sunset:
            old_sunset = parse_sunset(old.sunset)
            if not new.sunset:
                self.emit("request-parameter-sunset-deleted", *at, what=what, subject=subject, old=old.sunset)
            elif old_sunset and sunset and sunset < old_sunset and not (days and sunset >= earliest):
                self.emit("request-parameter-sunset-date-changed-too-small", *at, what=what, subject=subject,
                          old=old.sunset, new=new.sunset)

    def _body(
        self, old: Body | None, new: Body | None, old_op: Operation, new_op: Operation, schemas: SchemaDiff
    ) -> None:
        if old is None:
            if new is not None:
                rule_id = "request-body-added-required" if new.required else "request-body-added-optional"
                self.emit(rule_id, old_op.pointer, new.pointer)
            return
        body = ("request-body",)
        if new is None:
            self.emit("request-body-removed", old.pointer, new_op.pointer, subject=body)
            return
        if old.required != new.required:
            self.emit(f"request-body-became-{'required' if new.required else 'optional'}", old.pointer, new.pointer,
                      subject=body)
        for media, schema in old.media.items():
            if media not in new.media:
                self.emit("request-body-media-type-removed", _media_pointer(schema), new.pointer, old=media,
                          subject=body)
            elif self._schema_presence("request", media, schema, new.media[media], "request body"):
                schemas.compare(schema, new.media[media], Where("request", "request-body", "request body", base=body))
        for media, schema in new.media.items():
            if media not in old.media:
                self.emit("request-body-media-type-added", old.pointer, _media_pointer(schema), new=media)

    def _schema_presence(self, side: str, media: str, old: Node, new: Node, what: str) -> bool:
        """Report a media type that gained or lost its schema; True when both have one to compare."""
        if (old.value is None) == (new.value is None):
            return old.value is not None
        change = "added" if old.value is None else "removed"
        self.emit(f"{side}-body-media-type-schema-{change}", old.pointer, new.pointer, what=what, old=media, new=media,
                  subject=("request-body",) if side == "request" else ())
        return False

    def _responses(self, old: Operation, new: Operation, schemas: SchemaDiff) -> None:
        for status, response in old.responses.items():
            other = new.responses.get(status)
            if other is None:
                success = status.startswith("2")
                rule_id = "response-success-status-removed" if success else "response-non-success-status-removed"
                self.emit(rule_id, response.pointer, pointers.join(new.pointer, "responses"), what=f"`{status}`",
                          subject=("response", status))
            else:
                self._response(status, response, other, schemas)
        for status, response in new.responses.items():
            if status in old.responses:
                continue
            range_key = f"{status[0]}XX"
            cover = "default" if "default" in old.responses else range_key if range_key in old.responses else None
            old_at = pointers.join(old.pointer, "responses")
            if cover:
                rule_id = (
                    "response-success-status-added" if status.startswith("2") else "response-non-success-status-added"
                )
                self.emit(rule_id, old_at, response.pointer, what=f"`{status}`", old=cover)
            elif status[0] in "123":
                self.emit("response-status-added-without-default", old_at, response.pointer, what=f"`{status}`")
            else:
                self.emit("response-error-status-added-without-default", old_at, response.pointer, what=f"`{status}`")

    def _response(self, status: str, old: Response, new: Response, schemas: SchemaDiff) -> None:
        what = f"response `{status}`"
        renamed = _renamed_media(old.media, new.media)  # application/json -> application/*, or back
        for media, schema in old.media.items():
            other_media = media if media in new.media else renamed.get(media)
            if other_media is None:
                self.emit("response-media-type-removed", _media_pointer(schema), new.pointer, what=what, old=media,
                          subject=("response", status))
                continue
            if other_media != media:
                kind = "generalized" if _media_covers(other_media, media) else "specialized"
                self.emit(f"response-media-type-name-{kind}", _media_pointer(schema),
                          _media_pointer(new.media[other_media]), what=what, old=media, new=other_media,
                          subject=("response", status))
            if self._schema_presence("response", media, schema, new.media[other_media], what):
                schemas.compare(schema, new.media[other_media], Where("response", "response-body",
                                                                      f"response {status} body",
                                                                      base=("response", status, "body")))
        for media, schema in new.media.items():
            if media not in old.media and media not in renamed.values():
                self.emit("response-media-type-added", old.pointer, _media_pointer(schema), what=what, new=media)
        for name, header in old.headers.items():
            other = new.headers.get(name)
            label = f"`{header.name}` of response `{status}`"
            subject = ("response", status, "header", header.name)
            if other is None:
                rule_id = "required-response-header-removed" if header.required else "optional-response-header-removed"
                self.emit(rule_id, header.pointer, new.pointer, what=label, subject=subject)
                continue
            if header.required != other.required:
                state = "required" if other.required else "optional"
                self.emit(f"response-header-became-{state}", header.pointer, other.pointer, what=label, subject=subject)
            if header.schema and other.schema:
                where = Where("response", "response-header", f"response `{status}` header `{other.name}`", base=subject)
                schemas.compare(header.schema, other.schema, where)
        for name, header in new.headers.items():
            if name not in old.headers:
                what = f"`{header.name}` of response `{status}`"
                self.emit("new-response-header", old.pointer, header.pointer, what=what)


def _schemas_of(op: Operation) -> list[Any]:
    """The raw schemas an operation compares (what its `$ref`s can reach)."""
    nodes: list[Node | None] = [p.schema for p in op.params.values()]
    if op.body:
        nodes.extend(op.body.media.values())
    for response in op.responses.values():
        nodes.extend(response.media.values())
        nodes.extend(h.schema for h in response.headers.values())
    return [n.value for n in nodes if n is not None]


def _scheme_names(alternatives: Iterable[dict[str, frozenset[str]]]) -> list[str]:
    """The security schemes named by any of the alternatives, sorted."""
    return sorted({name for alt in alternatives for name in alt})


def _covers(new_alt: dict[str, frozenset[str]], old_alt: dict[str, frozenset[str]]) -> bool:
    """A client able to satisfy `old_alt` also satisfies `new_alt`."""
    return new_alt.keys() <= old_alt.keys() and all(new_alt[k] <= old_alt[k] for k in new_alt)


def _media_covers(general: str, specific: str) -> bool:
    """`application/*` or `*/*` covers `application/json` (parameters after `;` aside)."""
    general, specific = general.split(";")[0].strip(), specific.split(";")[0].strip()
    if general == specific:
        return False
    kind, _, sub = general.partition("/")
    return general == "*/*" or (sub == "*" and specific.partition("/")[0] == kind)


def _renamed_media(old: dict[str, Node], new: dict[str, Node]) -> dict[str, str]:
    """Old media type -> the new one that replaced it with a wider or narrower name."""
    gone = [m for m in old if m not in new]
    came = [m for m in new if m not in old]
    renamed: dict[str, str] = {}
    for media in gone:
        match = next((m for m in came if m not in renamed.values()
                      and (_media_covers(m, media) or _media_covers(media, m))), None)
        if match is not None:
            renamed[media] = match
    return renamed


def _media_pointer(schema: Node) -> str:
    """The media type object holding `schema` (2.0: the body parameter or response)."""
    return schema.pointer.removesuffix("/schema")


def _parent(pointer: str) -> str:
    return pointer.rsplit("/", 1)[0]


class _Defaults(dict[str, Any]):
    """Template values; a placeholder a rule does not fill renders as "?" rather than failing."""

    def __missing__(self, key: str) -> str:
        return "?"
