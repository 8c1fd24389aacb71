"""Responses of an operation, rendered once: every body and header checked against its schema.

The mock never breaks the contract it serves (DESIGN.md decision 5): each example is validated
when the operation is prepared; an invalid one is reported once (file:line) and replaced by
generated data, which is validated too. Bodies are kept as bytes, ready to send.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random
from typing import TYPE_CHECKING, Any

import orjson

from accord import pointers
from accord.findings import Finding
from accord.mock.bodies import is_json, split_media_type
from accord.mock.generation.static import own_values
from accord.mock.negotiation import choose_media, served_status
from accord.mock.parameters import coerce, schema_types
from accord.mock.xml_bodies import to_xml
from accord.openapi import deref
from accord.schemas import SchemaCompileError

if TYPE_CHECKING:
    from accord.mock.compiler import CompiledApi, Operation

log = logging.getLogger("accord.mock")

#: Seeds tried before generation is declared impossible for a schema.
GENERATION_ATTEMPTS = 5
REQUEST_ID = "x-request-id"
#: Declared response headers the mock never copies: the server frames the message itself
#: (OpenAPI 3 §4.8.21 also says a declared Content-Type header is ignored), and it encodes no
#: body (a captured `Content-Encoding: gzip` in front of a plain body fails every client).
FRAMING_HEADERS = frozenset(
    {"content-type", "content-length", "transfer-encoding", "connection", "keep-alive", "trailer", "upgrade",
     "content-encoding"}
)

Serialiser = Callable[[Any], "bytes | None"]


def _json(value: Any) -> bytes | None:
    try:
        return orjson.dumps(value)
    except TypeError:  # integers beyond 64 bits, non-string keys…
        return None


def _json_sorted(value: Any) -> bytes | None:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None


def _text(value: Any) -> bytes | None:
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, (str, int, float)):
        return str(value).encode("utf-8")
    # An object or array schema under text/* (real documents have them): its JSON text, rather
    # than no body at all.
    return b"" if value is None else _json(value)


def _raw(value: Any) -> bytes | None:
    if isinstance(value, str):
        return value.encode("utf-8")
    return b"" if value is None else _json(value)


def is_xml(media: str) -> bool:
    return media.endswith(("/xml", "+xml"))


def serialiser_for(media: str, schema: Any = None, document: dict[str, Any] | None = None) -> Serialiser:
    """media type -> how a value becomes bytes (Prism: JSON, XML, text for primitives).

    XML follows the schema's XML Objects (`xml.name`, …: mock/xml_bodies.py)."""
    if is_json(media):
        return _json
    if is_xml(media):
        return lambda value: to_xml(value, schema, document or {})
    if media.startswith("text/"):
        return _text
    return _raw


def served_type(media: str) -> str:
    """The concrete Content-Type for a declared media type (wildcards get a concrete one)."""
    base = split_media_type(media)[0]
    if base == "*/*" or base == "application/*":
        return "application/json"
    if base.endswith("/*"):
        return base[:-1] + ("plain" if base.startswith("text/") else "octet-stream")
    return media.strip()


@dataclass(slots=True)
class Content:
    """One media type of one response, its default body and named examples as bytes."""

    media: str
    served: str
    content_type: bytes
    schema: Any
    pointer: str
    body: bytes
    examples: dict[str, bytes]
    serialise: Serialiser
    #: Static JSON bodies whose top-level `request_id` repeats the X-Request-ID header: the text
    #: before and after that member's value, so each answer carries the id its header carries.
    id_slots: dict[bytes, tuple[bytes, bytes]] = field(default_factory=dict)

    def with_request_id(self, body: bytes, request_id: bytes) -> bytes:
        """`body` with its `request_id` set to `request_id` (the response's X-Request-ID), when it has one."""
        slot = self.id_slots.get(body)
        if slot is None:
            return body
        return slot[0] + orjson.dumps(request_id.decode("latin-1")) + slot[1]


@dataclass(slots=True)
class Response:
    key: str
    pointer: str
    contents: list[Content]
    served: list[str]
    headers: list[tuple[bytes, bytes]]  # declared headers, rendered
    request_id: tuple[bytes, Any, bool] | None = None  # (static value, validator, uuid4 ok)
    problem: Content | None = None  # the JSON content error details are written into
    #: Where a declared content is that no body could be rendered for (None: every one renders).
    unrenderable: str | None = None
    accept_cache: dict[str | None, int | None] = field(default_factory=dict)
    status: int = 0  # the status served for `key` when no code is forced (`served_status`)

    def __post_init__(self) -> None:
        try:
            self.status = served_status(self.key)
        except ValueError:  # not a status key (an x- extension): never chosen as a default
            self.status = 0

    def negotiate(self, accept: str | None) -> int | None:
        cached = self.accept_cache.get(accept, -1)
        if cached != -1:
            return cached
        index = choose_media(accept, self.served)
        if len(self.accept_cache) < 256:
            self.accept_cache[accept] = index
        return index


class ResponseBuilder:
    """Builds every Response of one operation against the compiled document."""

    def __init__(self, api: CompiledApi, op: Operation) -> None:
        self.api = api
        self.op = op

    def build(self) -> dict[str, Response]:
        raw = self.op.raw.get("responses")
        if not isinstance(raw, dict):
            return {}
        built: dict[str, Response] = {}
        for key, response in raw.items():
            pointer = pointers.join(self.op.pointer, "responses", str(key))
            response = deref(self.api.document, response)
            if isinstance(response, dict):
                built[str(key)] = self._response(str(key), response, pointer)
        return built

    def _response(self, key: str, raw: dict[str, Any], pointer: str) -> Response:
        contents: list[Content] = []
        unrenderable: str | None = None
        for media, entry in (raw.get("content") or {}).items():
            where = pointers.join(pointer, "content", media)
            content = self._content(media, entry if isinstance(entry, dict) else {}, where)
            if content is not None:
                contents.append(content)
            elif unrenderable is None:
                unrenderable = where
        problem = next((c for c in contents if split_media_type(c.served)[0] == "application/problem+json"), None)
        problem = problem or next((c for c in contents if is_json(split_media_type(c.served)[0])), None)
        response = Response(
            key, pointer, contents, [split_media_type(c.served)[0] for c in contents], [], problem=problem,
            unrenderable=unrenderable,
        )
        for name, header in (raw.get("headers") or {}).items():
            self._header(response, str(name), deref(self.api.document, header), pointers.join(pointer, "headers", name))
        if response.request_id is not None:
            for content in contents:
                self._request_id_slots(content)
        return response

    def _request_id_slots(self, content: Content) -> None:
        """Where a static JSON body repeats the request id (a top-level string `request_id`, this
        contract's convention and the mock's problem bodies'), remember where, so the body says
        what the header says. Only when the schema accepts any id there (a UUID and a plain token)."""
        if content.serialise is not _json:
            return
        valid = self._validity(content.schema, content.pointer + "/schema")
        for body in {content.body, *content.examples.values()}:
            try:
                value = orjson.loads(body)
            except orjson.JSONDecodeError:
                continue
            if not (isinstance(value, dict) and isinstance(value.get("request_id"), str)):
                continue
            if not all(valid({**value, "request_id": probe}) for probe in (str(uuid.uuid4()), "r")):
                continue
            marker = orjson.dumps(_ID_MARKER)
            before, found, after = orjson.dumps({**value, "request_id": _ID_MARKER}).partition(marker)
            if found:
                content.id_slots[body] = (before, after)

    # -- bodies -----------------------------------------------------------------------------
    def _content(self, media: str, entry: dict[str, Any], pointer: str) -> Content | None:
        served = served_type(media)
        schema = entry.get("schema")
        base = split_media_type(served)[0]
        serialise = serialiser_for(base, schema, self.api.document)
        valid = self._validity(schema, pointer + "/schema")
        examples: dict[str, bytes] = {}
        default: bytes | None = None
        for label, value, where in self._examples(entry, schema, pointer):
            if isinstance(value, str) and is_xml(base):
                # OpenAPI 3.1 §4.8.19.1 / 3.0 §4.7.20: an example of a media type JSON cannot
                # represent is a string holding the serialised form: sent as written.
                rendered: bytes | None = value.encode("utf-8")
            else:
                rendered = self._accept(value, where, valid, serialise)
            if rendered is None and label is not None:
                rendered = self._generated(schema, f"{pointer}#{label}", valid, serialise)
            if rendered is None:
                continue
            if label is not None:
                examples[label] = rendered
            if default is None:
                default = rendered
        if default is None:
            if schema is None:
                default = b"{}" if serialise is _json else b""
            else:
                default = self._sampled(schema, valid, serialise)
                if default is None:
                    default = self._generated(schema, pointer, valid, serialise, report=True)
        if default is None:
            self.api.report(
                Finding("mock-unrenderable", f"no body can be rendered as {served}", pointer, severity="warning")
            )
            return None
        return Content(media, served, served.encode("latin-1"), schema, pointer, default, examples, serialise)

    def _examples(self, entry: dict[str, Any], schema: Any, pointer: str) -> list[tuple[str | None, Any, str]]:
        found: list[tuple[str | None, Any, str]] = []
        if "example" in entry:
            found.append((None, entry["example"], pointer + "/example"))
        for name, example in (entry.get("examples") or {}).items():
            example = deref(self.api.document, example)
            if isinstance(example, dict) and "value" in example:
                found.append((str(name), example["value"], pointers.join(pointer, "examples", name, "value")))
        resolved = deref(self.api.document, schema)
        if not found and isinstance(resolved, dict):
            if self.api.version != "3.1" and "example" in resolved:
                found.append((None, resolved["example"], pointer + "/schema/example"))
            elif isinstance(resolved.get("examples"), list) and resolved["examples"]:
                found.append((None, resolved["examples"][0], pointer + "/schema/examples/0"))
        return found

    def _validity(self, schema: Any, pointer: str) -> Callable[[Any], bool]:
        if schema is None:
            return lambda value: True
        try:
            validator = self.api.schemas.validator(schema, "response", where=pointer)
        except (SchemaCompileError, KeyError, ValueError, TypeError, RecursionError) as exc:
            self.api.report(
                Finding("mock-schema-invalid", f"schema cannot be compiled, responses not checked: {exc}", pointer)
            )
            return lambda value: True

        def valid(value: Any) -> bool:
            try:
                return bool(validator.is_valid(value))
            except (ValueError, TypeError, OverflowError):
                return False

        return valid

    def _accept(self, value: Any, pointer: str, valid: Callable[[Any], bool], serialise: Serialiser) -> bytes | None:
        if not valid(value):
            self.api.report(
                Finding(
                    "mock-example-invalid", "example does not match its schema: replaced by generated data", pointer
                )
            )
            return None
        rendered = serialise(value)
        if rendered is None:
            self.api.report(
                Finding(
                    "mock-example-unrenderable",
                    "example cannot be sent as this media type",
                    pointer,
                    severity="warning",
                )
            )
        return rendered

    def _sampled(self, schema: Any, valid: Callable[[Any], bool], serialise: Serialiser) -> bytes | None:
        """The static sample (the document's values, then Prism's placeholders), when it validates."""
        try:
            value = self.api.sampler.sample(schema, "response")
        except RecursionError:
            return None
        return serialise(value) if valid(value) else None

    def _generated(
        self, schema: Any, pointer: str, valid: Callable[[Any], bool], serialise: Serialiser, *, report: bool = True
    ) -> bytes | None:
        value = generate_valid(
            self.api, schema, f"{self.api.seed}:{pointer}" if self.api.seed is not None else pointer, valid
        )
        if value is _FAILED:
            if report:
                self.api.report(
                    Finding("mock-generation-failed", "cannot generate data that matches this schema", pointer)
                )
            return None
        return serialise(value)

    # -- headers ----------------------------------------------------------------------------
    def _header(self, response: Response, name: str, raw: Any, pointer: str) -> None:
        if not isinstance(raw, dict) or name.lower() in FRAMING_HEADERS:
            return
        schema = raw.get("schema")
        if schema is None and isinstance(raw.get("content"), dict) and raw["content"]:
            schema = next(iter(raw["content"].values())).get("schema")
        types = schema_types(self.api.document, schema)
        base_valid = self._validity(schema, pointer + "/schema")
        resolved = deref(self.api.document, schema)
        extra = _FORMATS.get(resolved.get("format")) if isinstance(resolved, dict) else None

        def valid(value: Any) -> bool:
            text = header_text(value)
            if text is None or (extra is not None and not extra.fullmatch(text)):
                return False
            return base_valid(coerce(text, types))

        candidates = [raw["example"]] if "example" in raw else []
        for example in (raw.get("examples") or {}).values():
            example = deref(self.api.document, example)
            if isinstance(example, dict) and "value" in example:
                candidates.append(example["value"])
        candidates.extend(own_values(resolved))  # the schema's own example, default, const
        if not candidates and not raw.get("required") and name.lower() != REQUEST_ID:
            # An optional header the document gives no value for is left out of static answers: it
            # is sent only in some cases (`Deprecation` on a deprecated version), and a made-up
            # value would tell the client that case holds.
            return
        value: Any = next((c for c in candidates if valid(c)), _FAILED)
        if value is _FAILED and schema is not None:
            value = generate_valid(self.api, schema, pointer, valid)
        if value is _FAILED:
            if raw.get("required") or schema is not None:
                self.api.report(
                    Finding(
                        "mock-header-unrenderable",
                        f"no valid value for response header {name}",
                        pointer,
                        severity="warning",
                    )
                )
            return
        text = header_text(value) or ""
        if name.lower() == REQUEST_ID:
            response.request_id = (text.encode("ascii"), valid, valid(str(uuid.uuid4())))
            return
        response.headers.append((name.lower().encode("ascii"), text.encode("ascii")))


_FAILED: Any = object()
#: Stands in for the request id while a body is split around it (cannot occur in a document's example).
_ID_MARKER = "\x00accord-request-id\x00"
#: Formats draft-4 validators ignore but a header value (echoed from a client) must still meet.
_FORMATS: dict[object, re.Pattern[str]] = {
    "uuid": re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
}


def generate_valid(api: CompiledApi, schema: Any, seed: int | str | Random, valid: Callable[[Any], bool]) -> Any:
    """Generated data that `valid` accepts, trying a few seeds; _FAILED when none is.

    A `random.Random` as `seed` is drawn from for every attempt (only generators that say
    they accept one, see `generated_body`)."""
    for attempt in range(GENERATION_ATTEMPTS):
        try:
            value = api.generator.generate(
                schema,
                seed=seed if attempt == 0 or isinstance(seed, Random) else f"{seed}~{attempt}",
                direction="response",
            )
        except Exception as exc:  # another module must never take a request down
            log.debug("generation failed for %s: %s", seed, exc)
            return _FAILED
        if valid(value):
            return value
    return _FAILED


def _schema_checked(value: Any) -> bool:
    return True


def generated_body(api: CompiledApi, content: Content, seed: str | Random) -> bytes:
    """A freshly generated body for `content` (dynamic mode), valid against its schema; the
    static body when none can be generated.

    `seed` is the request's `Prefer: seed=` (the same body every time) or the server's
    `random.Random` (a sequence, reproducible from start-up with `--seed`). A generator that
    `validates` (mock.generation's: every value it returns was checked, or comes from a plan
    trusted after many checked values, against the same compiled schema) is not checked a
    second time; any other generator's values are.
    """
    generator = api.generator
    if getattr(generator, "validates", False):
        valid: Callable[[Any], bool] = _schema_checked
    else:
        valid = api.schemas.validator(content.schema, "response").is_valid
        if isinstance(seed, Random):
            seed = seed.getrandbits(48)  # type: ignore[assignment]
    value = generate_valid(api, content.schema, seed, valid)
    if value is _FAILED:
        return content.body
    if content.serialise is _json and getattr(getattr(generator, "options", None), "sort_properties", False):
        # Prism's dynamic JSON bodies have their keys in alphabetical order (its
        # sortSchemaAlphabetically; XML keeps the schema's order): mock/generation/options.py.
        rendered = _json_sorted(value)
    else:
        rendered = content.serialise(value)
    return content.body if rendered is None else rendered


def header_text(value: Any) -> str | None:
    """A header value in `simple` style; None when it cannot travel in an HTTP header."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float, str)):
        text = str(value)
    elif isinstance(value, list):
        parts = [header_text(v) for v in value]
        if any(p is None for p in parts):
            return None
        text = ",".join(p for p in parts if p is not None)
    elif isinstance(value, dict):
        pairs: list[str] = []
        for k, v in value.items():
            part = header_text(v)
            if part is None:
                return None
            pairs.extend((str(k), part))
        text = ",".join(pairs)
    else:
        return None
    if not text.isascii() or any(ord(c) < 32 or ord(c) == 127 for c in text) or text != text.strip():
        return None
    return text
