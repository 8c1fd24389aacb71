"""RFC 9457 problem details and Prism's `sl-violations` header.

A request violation is one value (`Violation`) that renders three ways: an entry of the
problem's `errors` list (`{pointer, detail}` for a body, `{parameter, in, detail}` for a
parameter), an entry of Prism's `sl-violations` header, and a line of the request journal.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any, NamedTuple

import orjson

from accord import pointers
from accord.locations import Location
from accord.mock import prism

PROBLEM_JSON = "application/problem+json"
#: Every member a problem built by `problem` (with an identity's `type` and `title`) can have.
PROBLEM_MEMBERS = frozenset({"type", "title", "status", "detail", "instance", "request_id", "errors"})
#: Prism truncates the header to its first 8 KiB minus 100 characters, behind this prefix.
SL_VIOLATIONS_LIMIT = 8 * 1024 - 100
SL_VIOLATIONS_PREFIX = "Too many violations! "
#: Longest message kept per violation: messages quote the offending value, which can be huge.
MAX_MESSAGE_CHARS = 300
#: At most this many violations are listed (a 10 MB array can fail in a million places).
MAX_VIOLATIONS = 200

#: Violation kind -> the statuses tried, in order, for an invalid request. Prism (§2.8) tries
#: 422 before 400; accord tries 400 first, as Connexion and most Python services answer a schema
#: violation, so the mock and the service a web team later switches to agree whenever an
#: operation documents both (422 then usually means "valid but cannot be honoured").
CANDIDATE_STATUSES: dict[str, tuple[int, ...]] = {
    "security": (401,),
    "content-type": (415, 400, 422),
    "malformed": (400, 422),
    "schema": (400, 422),
}
#: Violation kind -> the status of the generic answer when the operation documents none of the
#: candidates: Prism's (its `getExpectedCodesForViolations` and `createResponseForViolations`).
GENERIC_STATUS: dict[str, int] = {"security": 401, "content-type": 415, "malformed": 422, "schema": 422}
#: The order in which kinds decide the candidates when a request has several.
KIND_PRECEDENCE = ("security", "content-type", "malformed", "schema")


class Violation(NamedTuple):
    """One thing wrong with a request.

    `part` is "body", "path", "query", "header" or "cookie" (OpenAPI's `in`); `name` is the
    parameter name (empty for the body), `path` the keys and indexes into the body or parameter
    value. `location` puts them together as accord's one `Location`.

    An immutable value, as a NamedTuple rather than a frozen dataclass: an invalid request
    builds one per violation, and a frozen dataclass costs three times as much to construct
    (an `object.__setattr__` call per field).
    """

    part: str
    name: str
    path: tuple[str | int, ...]
    code: str
    message: str
    kind: str = "schema"  # a key of CANDIDATE_STATUSES
    severity: str = "Error"
    prism: str = ""  # the message as Prism (ajv) words it, when it differs (mock/prism.py)
    #: For a failed anyOf/oneOf: the `validation` entries of its branches' errors, which ajv
    #: (Prism's validator) lists before the anyOf/oneOf entry itself (mock/prism.py).
    branches: tuple[dict[str, Any], ...] = ()

    @property
    def pointer(self) -> str:
        """RFC 6901 pointer into the body or parameter value ("" = all of it)."""
        return _pointer(self.path)

    @property
    def location(self) -> Location:
        """Where in the request, as a pointer into it (`/body/items/0`, `/query/limit`)."""
        head = "/body" if self.part == "body" else pointers.join("/" + self.part, self.name)
        return Location(pointer=head + self.pointer)

    def error_entry(self) -> dict[str, str]:
        message = self.message
        detail = message if len(message) <= MAX_MESSAGE_CHARS else _clip(message)
        # Pointers in URI fragment form (RFC 6901 §6), as the problem's readers click them.
        if self.part == "body":
            return {"pointer": "#" + self.pointer, "in": "body", "detail": detail}
        entry = {"parameter": self.name, "in": self.part, "detail": detail}
        if self.path:
            entry["pointer"] = "#" + self.pointer
        return entry

    def sl_entry(self) -> dict[str, Any]:
        """An entry of Prism's `sl-violations` header: located and worded as Prism does."""
        if self.kind == "security":
            return {"location": ["request"], "severity": self.severity, "code": 401,
                    "message": "Invalid security scheme used"}
        where: list[Any] = [self.name, *self.path] if self.name else list(self.path)
        if self.code == "required" and self.prism and where:
            where = where[:-1]  # ajv reports a missing property at its parent
        message = self.prism or self.message
        return {
            "location": ["request", self.part, *where],
            "severity": self.severity,
            "code": self.code,
            "message": message if len(message) <= MAX_MESSAGE_CHARS else _clip(message),
        }

    def validation_entry(self) -> dict[str, Any]:
        """An entry of the `validation` member of Prism's generic 422."""
        return prism.validation_entry(self.part, self.name, self.path, self.code,
                                      _clip(self.prism or self.message), self.severity)

    def validation_entries(self) -> list[dict[str, Any]]:
        """This violation's entries in Prism's `validation`: its branches' errors, then itself."""
        return [*self.branches, self.validation_entry()] if self.branches else [self.validation_entry()]


def _clip(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE_CHARS else message[: MAX_MESSAGE_CHARS - 1] + "…"


#: "/%s/%s…" by number of tokens: a path's pointer in one formatting call (`str.join` over `map(str)` costs more).
_SLASHES = tuple("/%s" * n for n in range(16))


#: "#/%s/%s…" by number of tokens: `"#" + _pointer(path)` in one formatting when nothing needs escaping.
_FRAGMENTS = tuple("#" + "/%s" * n for n in range(16))


def _fragment(path: tuple[str | int, ...]) -> str:
    """`"#" + _pointer(path)`: the pointer in URI fragment form (RFC 6901 §6)."""
    count = len(path)
    if count < 16 and path.__class__ is tuple:
        joined = _FRAGMENTS[count] % path
        if "~" not in joined and joined.count("/") == count:
            return joined
    return "#" + _pointer(path)


def _pointer(path: tuple[str | int, ...]) -> str:
    if not path:
        return ""
    joined = (_SLASHES[len(path)] % path if len(path) < len(_SLASHES) and path.__class__ is tuple
              else "/" + "/".join(map(str, path)))
    # One slash per token and no tilde: no token needed escaping (the common case, C calls only).
    if "~" not in joined and joined.count("/") == len(path):
        return joined
    return "/" + "/".join(pointers.escape(t) if t.__class__ is str else str(t) for t in path)


class Rendered:
    """A rejection's violations and what they render to, each rendering made when first asked for.

    `kind` (the kind that decides the status, `deciding_kind`) is always needed; the rest depends
    on the answer: a documented problem body takes `detail` and `entries` (the problem's `errors`),
    a documented body that is not a problem (Petstore's `Error`) only the `sl-violations` header
    (`sl`), Prism's generic 422 neither. An invalid request is rendered afresh each time, so
    nothing is rendered that the answer does not send.
    """

    __slots__ = ("_body", "_detail", "_entries", "_sl", "_sl_entries", "kind", "violations")

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        # The common rejection, every violation a body's schema error and all listed: `_render_body`.
        for violation in violations:
            if violation[0] != "body" or violation[5] != "schema" or violation[6] != "Error":
                self.kind = deciding_kind(violations)
                self._body = False
                break
        else:
            self.kind = "schema"
            self._body = len(violations) <= MAX_VIOLATIONS
        self._detail: str | None = None
        self._entries: list[dict[str, str]] | None = None
        self._sl: bytes | None = None
        self._sl_entries: list[dict[str, Any]] | None = None

    @property
    def detail(self) -> str:
        """The problem's `detail` (`summary`, `listed_detail`)."""
        if self._detail is None:
            self._render(listed=True)
        assert self._detail is not None
        return self._detail

    @property
    def entries(self) -> list[dict[str, str]]:
        """The problem's `errors` (`error_entries`)."""
        if self._entries is None:
            self._render(listed=True)
        assert self._entries is not None
        return self._entries

    @property
    def sl(self) -> bytes:
        """The `sl-violations` header (`sl_violations`, warnings included)."""
        if self._sl is None:
            if self._sl_entries is None:
                self._render(listed=False)
            assert self._sl_entries is not None
            self._sl = _sl_header(self._sl_entries)
        return self._sl

    def _render(self, *, listed: bool) -> None:
        """The header's entries (`_sl_entries`) and, when `listed`, the problem's `detail` and
        `entries`, in one pass over the violations."""
        if self._body:
            self._render_body(listed)
            return
        sl: list[dict[str, Any]] = []
        entries: list[dict[str, str]] = []
        parts: set[str] = set()  # where the errors are, besides the body
        body = False
        errors = 0
        count = 0
        for part, name, path, code, raw, kind, severity, words, _branches in self.violations:
            count += 1
            if count <= MAX_VIOLATIONS:  # `Violation.sl_entry`
                if kind == "security":
                    sl.append({"location": ["request"], "severity": severity, "code": 401,
                               "message": "Invalid security scheme used"})
                else:
                    where = (name, *path) if name else path
                    if code == "required" and words and where:
                        where = where[:-1]  # ajv reports a missing property at its parent
                    message = words or raw
                    sl.append({"location": ["request", part, *where], "severity": severity, "code": code,
                               "message": message if len(message) <= MAX_MESSAGE_CHARS else _clip(message)})
            if not listed or severity != "Error":
                continue
            errors += 1
            if errors > MAX_VIOLATIONS:
                continue
            # `Violation.error_entry`; pointers in URI fragment form (RFC 6901 §6)
            message = raw if len(raw) <= MAX_MESSAGE_CHARS else _clip(raw)
            if part == "body":
                body = True
                entries.append({"pointer": _fragment(path), "in": "body", "detail": message})
            else:
                parts.add(part + " parameters")
                entries.append({"parameter": name, "in": part, "detail": message, "pointer": _fragment(path)}
                               if path else {"parameter": name, "in": part, "detail": message})
        self._sl_entries = sl
        if not listed:
            return
        kind = self.kind
        if kind == "security":
            detail = "The request does not meet the operation's security requirements."
        elif kind == "content-type" or kind == "malformed":
            first = next(v.message for v in self.violations if v.kind == kind and v.severity == "Error")
            detail = first if kind == "content-type" else "The request is malformed: " + _clip(first)
        else:
            if body:
                parts.add("request body")
            detail = f"{errors} error{'s' if errors != 1 else ''} in the {' and '.join(sorted(parts))}"
        self._detail = detail if errors <= MAX_VIOLATIONS else listed_detail(detail, errors)
        self._entries = entries


    def _render_body(self, listed: bool) -> None:
        """`_render` where every violation is a body's schema error and all are listed: the same
        entries, without the checks only other violations need (`_fragment` inline)."""
        sl: list[dict[str, Any]] = []
        add = sl.append
        if not listed:
            for _part, _name, path, code, raw, _kind, _severity, words, _branches in self.violations:
                if code == "required" and words and path:
                    path = path[:-1]  # ajv reports a missing property at its parent
                message = words or raw
                add({"location": ["request", "body", *path], "severity": "Error", "code": code,
                     "message": message if len(message) <= MAX_MESSAGE_CHARS else _clip(message)})
            self._sl_entries = sl
            return
        entries: list[dict[str, str]] = []
        entry = entries.append
        fragments = _FRAGMENTS
        for _part, _name, path, code, raw, _kind, _severity, words, _branches in self.violations:
            count = len(path)
            if count < 16 and path.__class__ is tuple:
                pointer = fragments[count] % path
                if "~" in pointer or pointer.count("/") != count:
                    pointer = "#" + _pointer(path)
            else:
                pointer = "#" + _pointer(path)
            entry({"pointer": pointer, "in": "body", "detail": raw if len(raw) <= MAX_MESSAGE_CHARS else _clip(raw)})
            if code == "required" and words and count:
                path = path[:-1]
            message = words or raw
            add({"location": ["request", "body", *path], "severity": "Error", "code": code,
                 "message": message if len(message) <= MAX_MESSAGE_CHARS else _clip(message)})
        self._sl_entries = sl
        count = len(entries)
        self._detail = f"{count} error{'s' if count != 1 else ''} in the request body"
        self._entries = entries

def render_violations(violations: list[Violation]) -> Rendered:
    """What `deciding_kind`, `summary`, `listed_detail`, `error_entries` and `sl_violations` make
    of these violations, each made when the answer asks for it (`Rendered`)."""
    return Rendered(violations)


def deciding_kind(violations: list[Violation]) -> str:
    """The kind that decides the status: security first, then content type, malformed, schema."""
    for violation in violations:
        if violation[5] != "schema":  # its kind
            break
    else:  # the common case, every violation a schema's: no set, no generator
        return "schema"
    kinds = {v.kind for v in violations if v.severity == "Error"}
    return next((kind for kind in KIND_PRECEDENCE if kind in kinds), "schema")



def candidate_statuses(violations: list[Violation]) -> tuple[int, ...]:
    return CANDIDATE_STATUSES[deciding_kind(violations)]


def summary(violations: list[Violation], kind: str | None = None) -> str:
    """The problem's `detail`: what kind of failure, and how many violations (`kind`: the
    deciding kind when the caller already knows it)."""
    errors = [v for v in violations if v.severity == "Error"]
    if kind is None:
        kind = deciding_kind(errors)
    if kind == "security":
        return "The request does not meet the operation's security requirements."
    if kind == "content-type":
        return next(v.message for v in errors if v.kind == "content-type")
    if kind == "malformed":
        return "The request is malformed: " + _clip(next(v.message for v in errors if v.kind == "malformed"))
    where = sorted({"request body" if v.part == "body" else v.part + " parameters" for v in errors})
    count = len(errors)
    return f"{count} error{'s' if count != 1 else ''} in the {' and '.join(where)}"


_TITLES = {status.value: status.phrase for status in HTTPStatus}


def title_for(status: int) -> str:
    return _TITLES.get(status, "Error")


def problem(
    status: int,
    detail: str,
    *,
    instance: str = "",
    request_id: str | None = None,
    violations: list[Violation] | None = None,
    title: str | None = None,
    entries: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A problem details object (RFC 9457 §3) with accord's extension members.

    `entries`: the `errors` list already rendered by `error_entries` (instead of `violations`).
    """
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or title_for(status),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if request_id:
        body["request_id"] = request_id
    if violations is not None:
        body["errors"] = error_entries(violations)
        body["detail"] = listed_detail(detail, len(violations))
    elif entries is not None:
        body["errors"] = entries
    return body


def error_entries(violations: list[Violation]) -> list[dict[str, str]]:
    """The problem's `errors` list: the first MAX_VIOLATIONS violations."""
    listed = violations if len(violations) <= MAX_VIOLATIONS else violations[:MAX_VIOLATIONS]
    return [v.error_entry() for v in listed]


def listed_detail(detail: str, count: int) -> str:
    """`detail`, saying so when the `errors` list does not hold all `count` violations."""
    if count > MAX_VIOLATIONS:
        return f"{detail} (first {MAX_VIOLATIONS} of {count} violations listed)"
    return detail


def render(body: dict[str, Any]) -> bytes:
    return orjson.dumps(body)


def sl_violations(violations: list[Violation]) -> bytes:
    """The `sl-violations` header value, ASCII-only JSON, truncated as Prism does."""
    return _sl_header([v.sl_entry() for v in violations[:MAX_VIOLATIONS]])  # any value with `sl_entry` (the proxy's)


def _sl_header(entries: list[dict[str, Any]]) -> bytes:
    raw = orjson.dumps(entries)
    if len(raw) <= SL_VIOLATIONS_LIMIT and raw.isascii():
        return raw
    text = raw.decode() if raw.isascii() else json.dumps(entries, ensure_ascii=True, separators=(",", ":"))
    if len(text) > SL_VIOLATIONS_LIMIT:  # Prism's rule: the prefix, then the first LIMIT characters
        text = SL_VIOLATIONS_PREFIX + text[:SL_VIOLATIONS_LIMIT]
    return text.encode("ascii")
