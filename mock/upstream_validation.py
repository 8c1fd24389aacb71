"""Does an upstream response keep the contract? Status, content type, required headers, body.

Used by the validating proxy (mock/proxy.py). Each violation carries where it is — status,
content type, a header by name, or a JSON pointer into the body — and renders as a Prism
`sl-violations` entry (`location: ["response", ...]`; a body's schema errors worded as ajv words
them, mock/prism.py, as the request's are), as an entry of the `validation` member of Prism's 500
(`--errors`) and as an `errors` entry of accord's problem.

Severity follows Prism (its `validateOutput`): a status the operation does not document is an
error for a 2xx and a warning otherwise (an upstream 404 or 503 is reported, not replaced); a
body where the response declares no content is a warning (Prism does not look at it: Swagger 2.0
documents often describe a response without its schema); everything else is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from accord import pointers
from accord.locations import Location
from accord.mock import prism
from accord.mock.bodies import find_declared, is_json, split_media_type
from accord.mock.negotiation import forced_key
from accord.mock.problems import MAX_MESSAGE_CHARS
from accord.openapi import deref

if TYPE_CHECKING:
    from accord.mock.compiler import CompiledApi, Operation


@dataclass(slots=True, frozen=True)
class ResponseViolation:
    """One way an upstream response breaks the contract.

    `where` is status, content-type, header or body; `name` the header; `pointer` an RFC 6901
    pointer into the body ("" = all of it); `prism` the message as ajv words it (a body's schema
    errors), when it differs.
    """

    where: str
    code: str
    message: str
    name: str = ""
    pointer: str = ""
    severity: str = "Error"
    prism: str = ""

    @property
    def location(self) -> Location:
        """Where in the response, as a pointer into it (`/body/items/0`, `/header/ETag`, `/status`)."""
        head = pointers.join("/" + self.where, self.name) if self.name else "/" + self.where
        return Location(pointer=head + self.pointer)

    def sl_entry(self) -> dict[str, Any]:
        location: list[Any] = ["response", self.where]
        if self.name:
            location.append(self.name)
        location.extend(pointers.split(self.pointer))
        return {"location": location, "severity": self.severity, "code": self.code,
                "message": _clip(self.prism or self.message)}

    def validation_entry(self) -> dict[str, Any]:
        """An entry of the `validation` member of Prism's 500 (`--errors`): prefixed as Prism
        prefixes it ("Response body property data must be array")."""
        entry = self.sl_entry()
        if self.prism:
            entry["message"] = prism.sourced("Response", "body", entry["location"][2:], entry["message"])
        return entry

    def error_entry(self) -> dict[str, str]:
        entry = {"in": f"response {self.where}", "detail": _clip(self.message)}
        if self.where == "body":
            entry["pointer"] = "#" + self.pointer
        if self.name:
            entry["name"] = self.name
        return entry

    def render(self) -> str:
        where = {"body": f"body #{self.pointer}", "header": f"header {self.name}"}.get(self.where, self.where)
        return f"{where}: {self.message}"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


def check_upstream(api: CompiledApi, op: Operation, status: int, headers: dict[str, str], body: bytes,
                   *, head: bool = False) -> list[ResponseViolation]:
    """Every violation of the contract in a response (`headers` with lower-cased names)."""
    key = forced_key(op.responses, status)
    if key is None:
        documented = ", ".join(op.responses) or "none"
        message = f"status {status} is not documented for {op.label} (documented: {documented})"
        return [ResponseViolation("status", "status", message, severity="Error" if 200 <= status < 300 else "Warning")]
    found = _headers(api.document, op, key, headers)
    response = op.responses[key]
    if head or status in (204, 304):
        return found
    content_type = headers.get("content-type", "")
    if not response.contents:
        if body:
            message = f"response {key} declares no content, but a body was sent"
            found.append(ResponseViolation("body", "content", message, severity="Warning"))
        return found
    if not body and not content_type:
        message = f"response {key} declares content, but none was sent"
        found.append(ResponseViolation("content-type", "content-type", message))
        return found
    media = split_media_type(content_type)[0]
    declared = {split_media_type(c.media)[0]: str(i) for i, c in enumerate(response.contents)}
    index = find_declared(media, declared)
    if index is None:
        offered = ", ".join(c.media for c in response.contents)
        message = f"content type {content_type or '(none)'!r} is not declared for response {key} (declared: {offered})"
        found.append(ResponseViolation("content-type", "content-type", message))
        return found
    content = response.contents[int(index)]
    if content.schema is None or not is_json(media):
        return found
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        found.append(ResponseViolation("body", "parse", f"the body is not valid JSON: {exc.msg}"))
        return found
    try:
        validator = api.schemas.validator(content.schema, "response")
        found.extend(
            ResponseViolation("body", str(e.schema_path[-1]) if e.schema_path else "schema", e.message,
                              pointer=pointers.from_path(tuple(e.instance_path)), prism=prism.words(e))
            for e in validator.iter_errors(value)
        )
    except (ValueError, OverflowError) as exc:
        found.append(ResponseViolation("body", "value", f"the body cannot be validated: {exc}"))
    return found


def _headers(document: dict[str, Any], op: Operation, key: str, headers: dict[str, str]) -> list[ResponseViolation]:
    """Declared headers marked `required` that are missing (OpenAPI 3 §4.8.21: Content-Type is ignored)."""
    raw = deref(document, (op.raw.get("responses") or {}).get(key)) or {}
    declared = raw.get("headers") if isinstance(raw, dict) else None
    found: list[ResponseViolation] = []
    for name, header in (declared or {}).items():
        header = deref(document, header)
        if name.lower() == "content-type" or not isinstance(header, dict) or header.get("required") is not True:
            continue
        if name.lower() not in headers:
            found.append(ResponseViolation("header", "required", f"required header {name} is missing", name=name))
    return found
