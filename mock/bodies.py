"""Request bodies: find the declared media type, then parse the bytes by a table of parsers.

JSON is strict (orjson: no NaN, no Infinity, nesting bounded); form and multipart bodies are
turned into objects whose string values are coerced by the schema's property types, so the
same validator checks every media type. Undecodable input is a `BodyError`, never a crash.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

import orjson

from accord.mock.parameters import ParameterDecodeError, Shape, coerce, parse_query

#: Largest request body read (Prism's limit is 10 MB); larger gets 413.
MAX_BODY_BYTES = 10 * 1024 * 1024


class BodyError(ValueError):
    """A body that cannot be parsed as its media type (→ 400)."""


@dataclass(slots=True, frozen=True)
class BodyContext:
    """What parsing needs besides the bytes: the header and the schema's top-level shape."""

    content_type: str
    shape: Shape
    json_properties: frozenset[str] = frozenset()  # form/multipart parts declared JSON (encoding)


def split_media_type(header: str) -> tuple[str, dict[str, str]]:
    base, _, rest = header.partition(";")
    params: dict[str, str] = {}
    for part in rest.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep:
            params[key.strip().lower()] = value.strip().strip('"')
    return base.strip().lower(), params


def find_declared(media: str, declared: dict[str, str]) -> str | None:
    """The declared media type key that admits `media` (exact, then `type/*`, then `*/*`).

    `declared` maps each normalised base media type to its key in the document.
    """
    if media in declared:
        return declared[media]
    major = media.split("/", 1)[0]
    if major + "/*" in declared:
        return declared[major + "/*"]
    return declared.get("*/*")


def is_json(media: str) -> bool:
    return media == "application/json" or media.endswith(("+json", "/json"))


def _parse_json(raw: bytes, context: BodyContext) -> Any:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "UTF-8" in exc.msg:
            raise BodyError("the body is not valid UTF-8") from exc
        raise BodyError(f"the body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc
    if len(raw) >= _LONG_RUN and _LONG_DIGITS in raw.translate(_DIGITS_AS_ZERO):
        # orjson turns integers beyond 64 bits into floats, and 3e30 is no draft-4 "integer":
        # parse again keeping them exact (JSON numbers have no size limit, RFC 8259 §6).
        try:
            value = json.loads(raw, parse_constant=_no_constant)
        except RecursionError as exc:
            raise BodyError("the body is nested too deeply") from exc
    return value


#: A run of this many digits may be an integer beyond 64 bits. The run is found by mapping every
#: digit to 0 and searching for zeros: two C-level passes, where the regular expression \d{19}
#: cost more than parsing the body.
_LONG_RUN = 19
_LONG_DIGITS = b"0" * _LONG_RUN
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")


def _no_constant(name: str) -> Any:
    raise BodyError(f"the body is not valid JSON: {name} is not a JSON number")


def _object_from_pairs(pairs: list[tuple[str, Any]], context: BodyContext) -> dict[str, Any]:
    props = context.shape.properties
    result: dict[str, Any] = {}
    for name, value in pairs:
        types = props.get(name, frozenset())
        if isinstance(value, str):
            if name in context.json_properties:
                try:
                    value = orjson.loads(value)
                except orjson.JSONDecodeError as exc:
                    raise BodyError(f"part '{name}' is not valid JSON: {exc.msg}") from exc
            elif "array" in types:
                value = [coerce(value, context.shape.property_items.get(name, frozenset()))]
            else:
                value = coerce(value, types)
        if name in result:
            previous = result[name]
            result[name] = (
                [*previous, *value]
                if isinstance(previous, list) and isinstance(value, list)
                else ([*previous, value] if isinstance(previous, list) else [previous, value])
            )
        else:
            result[name] = value
    return result


def _parse_form(raw: bytes, context: BodyContext) -> Any:
    try:
        pairs = parse_query(raw)
    except ParameterDecodeError as exc:
        raise BodyError("the form body is not valid UTF-8 once percent-decoded") from exc
    return _object_from_pairs(list(pairs), context)


#: Reserved characters (RFC 3986 section 2.2) a url-encoded form value must percent-encode when its
#: Encoding Object does not allow them raw; as Prism checks them. `+` is left out: in a form body
#: it is how a space is written (WHATWG URL, application/x-www-form-urlencoded), and `:` too, as
#: Prism leaves it out.
_RESERVED = re.compile(rb"[/?#\[\]@!$&'()*,;=]")


def reserved_in_form(raw: bytes, fields: Mapping[str, bytes]) -> list[str]:
    """The fields among `fields` whose value, as sent (before percent-decoding), holds a reserved
    character other than the delimiter its style writes raw (`fields[name]`, e.g. `,` between the
    items of a non-exploded array); in the order they come, each once."""
    found: list[str] = []
    for pair in raw.split(b"&"):
        key, sep, value = pair.partition(b"=")
        if not sep or not _RESERVED.search(value):
            continue
        name = unquote_plus(key.decode("utf-8", errors="replace"))
        delimiter = fields.get(name)
        if delimiter is None or name in found:
            continue
        if delimiter and not _RESERVED.search(value.replace(delimiter, b"")):
            continue
        found.append(name)
    return found


def _parse_multipart(raw: bytes, context: BodyContext) -> Any:
    _, params = split_media_type(context.content_type)
    boundary = params.get("boundary")
    if not boundary:
        raise BodyError("multipart body without a boundary parameter in Content-Type")
    parts: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    header_field: list[bytes] = []
    header_value: list[bytes] = []

    def on_part_begin() -> None:
        current.clear()
        current.update(headers={}, data=[])

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.append(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.append(data[start:end])

    def on_header_end() -> None:
        current["headers"][b"".join(header_field).decode("latin-1").lower()] = b"".join(header_value).decode("latin-1")
        header_field.clear()
        header_value.clear()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        current["data"].append(data[start:end])

    def on_part_end() -> None:
        parts.append({"headers": dict(current["headers"]), "data": b"".join(current["data"])})

    callbacks = {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    }
    from python_multipart.multipart import MultipartParser, parse_options_header  # only for multipart bodies

    try:
        parser = MultipartParser(boundary.encode("latin-1"), callbacks)  # type: ignore[arg-type]
        parser.write(raw)
        parser.finalize()
    except Exception as exc:  # python-multipart raises several error types on bad framing
        raise BodyError(f"the multipart body cannot be parsed: {exc}") from exc
    pairs: list[tuple[str, Any]] = []
    for part in parts:
        disposition, options = parse_options_header(part["headers"].get("content-disposition", ""))
        name = options.get(b"name")
        if disposition != b"form-data" or name is None:
            raise BodyError("a multipart part has no 'Content-Disposition: form-data; name=…' header")
        key = name.decode("utf-8", errors="replace")
        data: bytes = part["data"]
        if b"filename" in options or not _is_textual(part["headers"].get("content-type", "text/plain")):
            pairs.append((key, data.decode("latin-1")))  # binary: only its presence and length matter
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyError(f"part '{key}' is not valid UTF-8") from exc
        if is_json(split_media_type(part["headers"].get("content-type", ""))[0]):
            try:
                pairs.append((key, orjson.loads(text)))
            except orjson.JSONDecodeError as exc:
                raise BodyError(f"part '{key}' is not valid JSON: {exc.msg}") from exc
            continue
        pairs.append((key, text))
    return _object_from_pairs(pairs, context)


def _is_textual(media: str) -> bool:
    base = split_media_type(media)[0]
    return base.startswith("text/") or is_json(base) or base == "application/x-www-form-urlencoded"


def _parse_text(raw: bytes, context: BodyContext) -> Any:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError("the body is not valid UTF-8") from exc


Parser = Callable[[bytes, BodyContext], Any]

#: media type (normalised base) -> parser; `parser_for` adds the +json and text/* families.
PARSERS: dict[str, Parser] = {
    "application/json": _parse_json,
    "application/x-www-form-urlencoded": _parse_form,
    "multipart/form-data": _parse_multipart,
    "text/plain": _parse_text,
}


def parser_for(media: str) -> Parser | None:
    """The parser for a request media type; None means "opaque bytes, not validated"."""
    parser = PARSERS.get(media)
    if parser is not None:
        return parser
    if is_json(media):
        return _parse_json
    if media.endswith(("/xml", "+xml")):
        return None  # XML text is not the JSON-shaped value its schema describes: opaque, as in Prism
    if media.startswith("text/"):
        return _parse_text
    return None
