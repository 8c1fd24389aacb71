"""Consumer contracts: the interactions a client actually made, as a Pact V4 file.

A consumer contract is a JSON document close to Pact V4 (docs/consumer-contracts.md): one
`Synchronous/HTTP` interaction per distinct request the client made, with the response it got
and a `type` matching rule on the body and headers, so a verifier is lenient on values and on
extra fields (Pact's Postel rule). What Pact has no words for — the matched operation, values
carried from an earlier response into a later request, credentials that were redacted — sits
under `comments.accord` of each interaction and `metadata.accord` of the file.

This module holds the values and their (de)serialisation; `read_contract` raises a
`DocumentError` naming file, line and JSON pointer for a file it cannot use.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from accord import documents
from accord.errors import DocumentError, UsageError

PACT_SPECIFICATION = "4.0"
INTERACTION_TYPE = "Synchronous/HTTP"
#: Version of accord's own section (`metadata.accord`, `comments.accord`).
FORMAT_VERSION = 1
#: Written in place of a credential's value: a contract file is committed, a key is not.
REDACTED = "<redacted>"
TYPE_RULE = {"combine": "AND", "matchers": [{"match": "type"}]}
_NO_BODY = object()


@dataclass(slots=True, frozen=True)
class Body:
    """A message body: a JSON value (`json=True`), text, or base64 of bytes."""

    content: Any
    content_type: str
    json: bool = True
    encoded: bool = False  # base64

    def as_dict(self) -> dict[str, Any]:
        encoded = "base64" if self.encoded else False
        return {"content": self.content, "contentType": self.content_type, "encoded": encoded}

    def raw(self) -> bytes:
        if self.json:
            return orjson.dumps(self.content)
        if self.encoded:
            return base64.b64decode(self.content)
        return str(self.content).encode("utf-8")


@dataclass(slots=True, frozen=True)
class Carried:
    """A request value the client took from an earlier response (an OpenAPI link or a Location).

    `location` is path, query or header; `name` the parameter (path: its segment index as text,
    or "" for the whole path taken from a Location); `source` the key of the interaction whose
    response held it and `expression` an OpenAPI runtime expression into that response
    (`$response.body#/id`, `$response.header.Location`).
    """

    location: str
    name: str
    source: str
    expression: str

    def as_dict(self) -> dict[str, str]:
        return {"in": self.location, "name": self.name, "from": self.source, "expression": self.expression}


@dataclass(slots=True, frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)
    body: Body | None = None


@dataclass(slots=True, frozen=True)
class Response:
    status: int
    headers: dict[str, list[str]] = field(default_factory=dict)
    body: Body | None = None

    @property
    def content_type(self) -> str | None:
        for name, values in self.headers.items():
            if name.lower() == "content-type" and values:
                return values[0]
        return self.body.content_type if self.body else None


@dataclass(slots=True, frozen=True)
class Interaction:
    """One request the client made and what it got back."""

    key: str
    description: str
    request: Request
    response: Response
    operation: str | None = None  # operationId, else "METHOD /template"
    template: str | None = None
    carried: tuple[Carried, ...] = ()
    credentials: tuple[str, ...] = ()  # header names whose values were redacted

    def as_dict(self) -> dict[str, Any]:
        request: dict[str, Any] = {"method": self.request.method, "path": self.request.path}
        if self.request.query:
            request["query"] = self.request.query
        if self.request.headers:
            request["headers"] = self.request.headers
        if self.request.body is not None:
            request["body"] = self.request.body.as_dict()
        response: dict[str, Any] = {"status": self.response.status}
        if self.response.headers:
            response["headers"] = self.response.headers
        rules: dict[str, Any] = {}
        if self.response.body is not None:
            response["body"] = self.response.body.as_dict()
            rules["body"] = {"$": TYPE_RULE}
        header_rules = {name: TYPE_RULE for name in self.response.headers if name.lower() != "content-type"}
        if header_rules:
            rules["header"] = header_rules
        if rules:
            response["matchingRules"] = rules
        accord: dict[str, Any] = {"operation": self.operation, "template": self.template}
        if self.carried:
            accord["carried"] = [c.as_dict() for c in self.carried]
        if self.credentials:
            accord["credentials"] = list(self.credentials)
        return {
            "type": INTERACTION_TYPE,
            "key": self.key,
            "description": self.description,
            "pending": False,
            "providerStates": [],
            "request": request,
            "response": response,
            "comments": {"accord": accord},
        }


@dataclass(slots=True, frozen=True)
class ConsumerContract:
    consumer: str
    provider: str
    interactions: tuple[Interaction, ...]
    accord: dict[str, Any] = field(default_factory=dict)  # metadata.accord

    def as_dict(self) -> dict[str, Any]:
        return {
            "consumer": {"name": self.consumer},
            "provider": {"name": self.provider},
            "interactions": [i.as_dict() for i in self.interactions],
            "metadata": {
                "pactSpecification": {"version": PACT_SPECIFICATION},
                "accord": {"format": FORMAT_VERSION, **self.accord},
            },
        }

    def dumps(self) -> bytes:
        return orjson.dumps(self.as_dict(), option=orjson.OPT_INDENT_2) + b"\n"


def interaction_key(request: Request, status: int) -> str:
    """Identity of an interaction: the same request answered with the same status is one."""
    raw = orjson.dumps(
        [request.method, request.path, request.query, request.headers,
         request.body.as_dict() if request.body else None, status],
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(raw).hexdigest()[:16]


def body_from(raw: bytes, content_type: str | None) -> Body | None:
    """A Body for bytes as sent: JSON parsed when it parses, text kept, anything else base64."""
    if not raw:
        return None
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        try:
            return Body(orjson.loads(raw), content_type or "application/json")
        except orjson.JSONDecodeError:
            pass
    if media.startswith("text/") or not media:
        try:
            return Body(raw.decode("utf-8"), content_type or "text/plain", json=False)
        except UnicodeDecodeError:
            pass
    encoded = base64.b64encode(raw).decode("ascii")
    return Body(encoded, content_type or "application/octet-stream", json=False, encoded=True)


# -- reading ---------------------------------------------------------------------------------
class _Invalid(Exception):
    """Internal: a contract that is not well-formed, at `pointer`; read_contract raises it as DocumentError."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer


def _need(node: Any, kind: type | tuple[type, ...], pointer: str, what: str) -> Any:
    if not isinstance(node, kind) or (isinstance(node, bool) and kind is int):
        raise _Invalid(pointer, f"{what} must be {_kind_name(kind)}")
    return node


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {dict: "an object", list: "an array", str: "a string", int: "an integer"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _multi(node: Any, pointer: str, what: str) -> dict[str, list[str]]:
    """Pact V4 query/headers: name -> list of values (a single string is accepted, as Pact reads it)."""
    if node is None:
        return {}
    _need(node, dict, pointer, what)
    out: dict[str, list[str]] = {}
    for name, values in node.items():
        at = f"{pointer}/{name}"
        if isinstance(values, str):
            values = [values]
        _need(values, list, at, f"{what} `{name}`")
        for i, value in enumerate(values):
            _need(value, str, f"{at}/{i}", f"{what} `{name}` value")
        out[name] = list(values)
    return out


def _body(node: Any, pointer: str) -> Body | None:
    if node is None:
        return None
    _need(node, dict, pointer, "body")
    content_type = node.get("contentType", "application/json")
    _need(content_type, str, f"{pointer}/contentType", "contentType")
    encoded = node.get("encoded", False)
    media = content_type.split(";", 1)[0].strip().lower()
    is_json = not encoded and (media == "application/json" or media.endswith("+json"))
    content = node.get("content")
    if encoded:
        _need(content, str, f"{pointer}/content", "an encoded body's content")
    return Body(content, content_type, json=is_json, encoded=bool(encoded))


def _carried(node: Any, pointer: str) -> Carried:
    _need(node, dict, pointer, "a carried value")
    values = []
    for key in ("in", "name", "from", "expression"):
        values.append(_need(node.get(key), str, f"{pointer}/{key}", f"`{key}`"))
    if values[0] not in ("path", "query", "header"):
        raise _Invalid(f"{pointer}/in", "`in` must be path, query or header")
    return Carried(*values)


def _interaction(node: Any, pointer: str) -> Interaction:
    _need(node, dict, pointer, "an interaction")
    kind = node.get("type", INTERACTION_TYPE)
    if kind != INTERACTION_TYPE:
        raise _Invalid(f"{pointer}/type", f"only {INTERACTION_TYPE} interactions can be verified, not {kind!r}")
    request = _need(node.get("request"), dict, f"{pointer}/request", "`request`")
    response = _need(node.get("response"), dict, f"{pointer}/response", "`response`")
    method = _need(request.get("method"), str, f"{pointer}/request/method", "`method`").upper()
    path = _need(request.get("path"), str, f"{pointer}/request/path", "`path`")
    if not path.startswith("/"):
        raise _Invalid(f"{pointer}/request/path", "`path` must start with /")
    status = response.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise _Invalid(f"{pointer}/response/status", "`status` must be an HTTP status code (100-599)")
    comments = node.get("comments") or {}
    accord = comments.get("accord") or {} if isinstance(comments, dict) else {}
    _need(accord, dict, f"{pointer}/comments/accord", "`comments.accord`")
    carried = _need(accord.get("carried", []), list, f"{pointer}/comments/accord/carried", "`carried`")
    credentials = _need(accord.get("credentials", []), list, f"{pointer}/comments/accord/credentials", "`credentials`")
    req = Request(
        method,
        path,
        _multi(request.get("query"), f"{pointer}/request/query", "query"),
        _multi(request.get("headers"), f"{pointer}/request/headers", "headers"),
        _body(request.get("body"), f"{pointer}/request/body"),
    )
    description = node.get("description")
    key = node.get("key") or interaction_key(req, status)
    return Interaction(
        key=_need(key, str, f"{pointer}/key", "`key`"),
        description=description if isinstance(description, str) else f"{method} {path}",
        request=req,
        response=Response(
            status,
            _multi(response.get("headers"), f"{pointer}/response/headers", "headers"),
            _body(response.get("body"), f"{pointer}/response/body"),
        ),
        operation=accord.get("operation") if isinstance(accord.get("operation"), str) else None,
        template=accord.get("template") if isinstance(accord.get("template"), str) else None,
        carried=tuple(_carried(c, f"{pointer}/comments/accord/carried/{i}") for i, c in enumerate(carried)),
        credentials=tuple(str(c) for c in credentials),
    )


def parse_contract(document: Any) -> ConsumerContract:
    """The contract in a parsed document; raises _Invalid with a pointer."""
    _need(document, dict, "", "a consumer contract")
    interactions = _need(document.get("interactions"), list, "/interactions", "`interactions`")
    metadata = document.get("metadata") or {}
    _need(metadata, dict, "/metadata", "`metadata`")
    specification = metadata.get("pactSpecification")
    version = specification.get("version") if isinstance(specification, dict) else None
    if version is not None and not str(version).startswith("4"):
        raise _Invalid("/metadata/pactSpecification/version", f"pact specification {version} is not supported (4.x is)")
    parsed = tuple(_interaction(node, f"/interactions/{i}") for i, node in enumerate(interactions))
    keys = [i.key for i in parsed]
    for index, interaction in enumerate(parsed):
        for c_index, carried in enumerate(interaction.carried):
            if carried.source not in keys[:index]:
                raise _Invalid(f"/interactions/{index}/comments/accord/carried/{c_index}/from",
                               f"carried value comes from {carried.source!r}, which is not an earlier interaction")
    names = [(document.get(role) or {}).get("name") if isinstance(document.get(role), dict) else None
             for role in ("consumer", "provider")]
    accord = found if isinstance(found := metadata.get("accord"), dict) else {}
    accord = {k: v for k, v in accord.items() if k != "format"}
    return ConsumerContract(str(names[0] or "consumer"), str(names[1] or "provider"), parsed, accord)


def read_contract(path: str | Path) -> ConsumerContract:
    """Read a consumer contract file; DocumentError (exit 2) with file, line and pointer otherwise."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{file}: no such consumer contract") from None
    except OSError as exc:
        raise DocumentError(f"cannot read the consumer contract: {exc.strerror}", file=file) from None
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        line: int | None = raw[: exc.pos].count(b"\n") + 1 if exc.pos is not None else None
        raise DocumentError(f"not JSON: {exc.msg}", file=file, line=line) from None
    try:
        return parse_contract(document)
    except _Invalid as exc:
        line = documents.line_of(file, exc.pointer) if exc.pointer else None
        raise DocumentError(f"{exc} at #{exc.pointer}", file=file, line=line) from None
