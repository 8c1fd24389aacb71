"""`--record FILE`: the interactions a client made with the mock (or the proxy), as a consumer contract.

Each exchange that reached an operation becomes a Pact V4 interaction (accord/consumer): the
request as sent (query, the headers that matter, body), the status, content type, the
declared response headers and the body the client got. Credentials are redacted. A request
value that came from an earlier response — through one of the contract's OpenAPI links, or a
`Location` header followed — is noted as carried, so `accord verify` can substitute what the
real service returned for that earlier interaction.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from accord.consumer.contract import (
    REDACTED,
    Carried,
    Interaction,
    Request,
    Response,
    body_from,
    interaction_key,
)
from accord.consumer.matching import evaluate
from accord.consumer.writer import ContractWriter
from accord.mock.negotiation import forced_key
from accord.mock.parameters import parse_query
from accord.openapi import deref

if TYPE_CHECKING:
    from accord.mock.compiler import CompiledApi, Operation
    from accord.mock.exchange import Exchange, Reply

log = logging.getLogger("accord.mock")

#: Request headers kept besides declared header parameters: they change what the server does.
KEPT_HEADERS = ("content-type", "accept")
#: Never recorded: the mock's own controls (Prism), hop-by-hop and client noise.
_CONTROL_PREFIX = "__"
#: Link values remembered (the most recent win); a session rarely holds more ids than this.
MAX_REMEMBERED = 1024


@dataclass(slots=True, frozen=True)
class _Offer:
    """A value a response offered to a later request (a link parameter, or a Location)."""

    target: str | None  # operationId the link leads to; None for a Location
    name: str  # parameter name ("" for a Location: the whole path)
    value: str
    source: str  # interaction key
    expression: str


class Recorder:
    """Turns exchanges into interactions and hands the new ones to a ContractWriter."""

    def __init__(self, path: str | Path, document: dict[str, Any], *, consumer: str | None = None,
                 contract: str | None = None) -> None:
        """Opens (or continues) the contract file; one Recorder per server, kept across reloads."""
        info = found if isinstance(found := document.get("info"), dict) else {}
        provider = str(info.get("title") or "provider")
        name = consumer or Path(path).name.split(".", 1)[0] or "consumer"
        meta = {"recordedBy": "accord mock", "contract": contract, "contractVersion": info.get("version")}
        self.writer = ContractWriter(path, consumer=name, provider=provider,
                                     accord={k: v for k, v in meta.items() if v is not None})
        self.offers: deque[_Offer] = deque(maxlen=MAX_REMEMBERED)

    def record(self, api: CompiledApi, ex: Exchange, reply: Reply) -> None:
        """Add the exchange to the contract (written at once) unless it is already there."""
        op = ex.op
        if op is None:  # no operation: the client did not use the contract (404, 405, preflight)
            return
        try:
            request, credentials = self._request(ex, op)
            carried = tuple(self._carried(ex, op))
            key = interaction_key(request, reply.status)
            response_key = forced_key(op.responses, reply.status)
            response = self._response(api, reply, op, response_key)
            operation = op.raw.get("operationId") or op.label
            interaction = Interaction(
                key=key,
                description=f"{operation}: {reply.status} {key[:8]}",
                request=request,
                response=response,
                operation=operation,
                template=op.path,
                carried=carried,
                credentials=credentials,
            )
            if self.writer.add(interaction):
                log.info("recorded %s %s -> %d (%s)", request.method, request.path, reply.status, operation)
            self._remember(api, key, op, response_key, reply)
        except OSError as exc:
            log.error("cannot write the consumer contract %s: %s", self.writer.path, exc)
        except Exception:  # a bug in recording must not take the served answer down with it
            log.exception("could not record %s %s", ex.method, ex.path)

    # -- the parts ---------------------------------------------------------------------------
    def _request(self, ex: Exchange, op: Operation) -> tuple[Request, tuple[str, ...]]:
        query: dict[str, list[str]] = {}
        try:
            pairs = parse_query(ex.query)
        except ValueError:
            pairs = []
        for name, value in pairs:
            if not name.startswith(_CONTROL_PREFIX):
                query.setdefault(name, []).append(value)
        secret = _credential_headers(op)
        declared = {p.name.lower(): p.name for p in op.parameters if p.location == "header"}
        declared.update((lower, name) for lower, name in secret.items() if name)
        headers: dict[str, list[str]] = {}
        credentials: list[str] = []
        for name, value in ex.headers.items():
            if name in secret:
                headers[_display(name, declared)] = [REDACTED]
                credentials.append(_display(name, declared))
            elif name in declared or (name in KEPT_HEADERS and not (name == "content-type" and not ex.body)):
                headers[_display(name, declared)] = [value]
        body = body_from(ex.body, ex.headers.get("content-type"))
        return Request(ex.method, ex.path, query, headers, body), tuple(credentials)

    def _response(self, api: CompiledApi, reply: Reply, op: Operation, key: str | None) -> Response:
        got = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in reply.headers}
        declared = _declared_headers(api.document, op, key)
        headers: dict[str, list[str]] = {}
        if "content-type" in got and reply.body:
            headers["Content-Type"] = [got["content-type"]]
        for lower, name in declared.items():
            if lower in got and lower != "content-type":
                headers[name] = [got[lower]]
        return Response(reply.status, headers, body_from(reply.body, got.get("content-type")))

    def _carried(self, ex: Exchange, op: Operation) -> list[Carried]:
        operation = op.raw.get("operationId")
        found: list[Carried] = []
        params = dict(zip(op.names, ex.values, strict=False))
        segments = ex.path.split("/")
        for name, value in params.items():
            offer = self._find(operation, name, value, ("path",))
            if offer is not None:
                index = _segment_of(op.path, name)
                if index is not None and index < len(segments):
                    found.append(Carried("path", str(index), offer.source, offer.expression))
        if not any(c.location == "path" for c in found):
            for offer in reversed(self.offers):
                if offer.target is None and offer.value == ex.path:
                    found.append(Carried("path", "", offer.source, offer.expression))
                    break
        try:
            pairs = parse_query(ex.query)
        except ValueError:
            pairs = []
        for name, value in pairs:
            offer = self._find(operation, name, value, ("query",))
            if offer is not None:
                found.append(Carried("query", name, offer.source, offer.expression))
        for name, value in ex.headers.items():
            offer = self._find(operation, name, value, ("header",))
            if offer is not None:
                found.append(Carried("header", name, offer.source, offer.expression))
        return found

    def _find(self, operation: str | None, name: str, value: str, locations: tuple[str, ...]) -> _Offer | None:
        if operation is None:
            return None
        for offer in reversed(self.offers):
            if offer.target != operation or offer.value != value:
                continue
            where, _, bare = offer.name.rpartition(".")
            if bare.lower() == name.lower() and (not where or where in locations):
                return offer
        return None

    def _remember(self, api: CompiledApi, key: str, op: Operation, response_key: str | None, reply: Reply) -> None:
        """Values this response offers to later requests: its links' parameters and its Location."""
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in reply.headers}
        location = headers.get("location")
        if location:
            self.offers.append(_Offer(None, "", urlsplit(location).path, key, "$response.header.Location"))
        if response_key is None:
            return
        links = (deref(api.document, (op.raw.get("responses") or {}).get(response_key)) or {}).get("links")
        if not isinstance(links, dict) or not links:
            return
        body: Any = None
        if reply.body and "json" in headers.get("content-type", ""):
            import orjson

            try:
                body = orjson.loads(reply.body)
            except orjson.JSONDecodeError:
                body = None
        for link in links.values():
            link = deref(api.document, link)
            if not isinstance(link, dict) or not isinstance(link.get("operationId"), str):
                continue  # operationRef links are not followed
            for name, expression in (link.get("parameters") or {}).items():
                if not isinstance(expression, str):
                    continue
                value = evaluate(expression, reply.status, headers, body)
                if value is not None:
                    self.offers.append(_Offer(link["operationId"], name, value, key, expression))


def _display(lower: str, declared: dict[str, str]) -> str:
    """A header name as the contract spells it, else in Title-Case."""
    return declared.get(lower) or "-".join(part.capitalize() for part in lower.split("-"))


def _credential_headers(op: Operation) -> dict[str, str]:
    """Lower-cased header name -> its spelling in the document ("" when it has none)."""
    names: dict[str, str] = {"authorization": "", "cookie": ""}
    for requirement in op.security.alternatives:
        for check in requirement:
            if check.kind == "apiKey" and check.where == "header":
                names[check.param.lower()] = check.param
    return names


def _declared_headers(document: dict[str, Any], op: Operation, key: str | None) -> dict[str, str]:
    """The response's required headers (lower -> as declared): optional ones pin nothing."""
    if key is None:
        return {}
    response = deref(document, (op.raw.get("responses") or {}).get(key)) or {}
    headers = response.get("headers") if isinstance(response, dict) else None
    if not isinstance(headers, dict):
        return {}
    return {name.lower(): name for name, header in headers.items()
            if isinstance(deref(document, header), dict) and deref(document, header).get("required") is True}


def _segment_of(template: str, name: str) -> int | None:
    for index, segment in enumerate(template.split("/")):
        if segment == "{" + name + "}":
            return index
    return None
