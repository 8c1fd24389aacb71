"""Request and response validators plugged into Connexion through `validator_map`.

Connexion reports only the first violation, as a dotted path (and dumps the schema for
parameters). These report *all* of them, located: `{pointer, detail}` for the body (RFC 6901
pointers as URI fragments) and `{parameter, in, detail}` for parameters, capped at 50.
The body parser refuses NaN, Infinity, numbers that overflow to infinity and invalid UTF-8 —
all answered with 400 instead of reaching the model (Python's json accepts the first three).

Responses (development and tests) are checked by jsonschema-rs validators compiled once per
operation, status and media type (`accord.schemas.SchemaCompiler`, direction "response"), not by
Connexion's pure-Python jsonschema built per response (27 ms on 100 predictions).
"""

from __future__ import annotations

import codecs
import itertools
import json
import logging
import math
import threading
import typing as t

import jsonschema_rs
import orjson
from connexion.exceptions import NonConformingResponseBody
from connexion.validators import AbstractResponseBodyValidator, JSONRequestBodyValidator, ParameterValidator
from starlette.types import Scope

from accord import pointers
from accord.bounded import errors_of
from accord.patterns import prepare
from accord.schemas import SchemaCompiler, apply_format_bounds
from accord.service.binding import keep_parsed_body
from accord.service.problems import MAX_ERRORS, ProblemError
from accord.violations import describe

log = logging.getLogger("accord.service.validation")

_compiled: dict[int, tuple[object, t.Any]] = {}
_compiled_lock = threading.Lock()


def as_draft4(schema: t.Any) -> t.Any:
    """An OpenAPI 3.0 Schema Object as plain JSON Schema draft 4 (`nullable` → a "null" type).

    Connexion hands over schemas with every `$ref` replaced by a copy of its target's keys (the
    same value objects), a recursive one (a tree whose children are trees) included, so a recursive
    schema comes as a graph that contains itself; and it attaches the contract's `components` to
    body schemas, in place: a body schema that is itself a component
    (`components/requestBodies/UserArray`, as in Swagger's Petstore) then holds `components`, which
    holds it. No reference is left for `components` to resolve, so it is dropped; a schema met
    again inside itself becomes a `$ref` to one copy under `definitions`."""
    if isinstance(schema, dict) and "components" in schema:
        schema = {k: v for k, v in schema.items() if k != "components"}
    recurring = _recurring(schema)
    definitions: dict[str, t.Any] = {}
    root = _as_draft4(schema, recurring, definitions, top=True)
    if not definitions:
        return root
    return {"allOf": [root], "definitions": definitions}


def _identity(schema: dict[str, t.Any]) -> tuple[t.Any, ...]:
    """What makes two schema objects the same schema: the same values (a `$ref` replaced by a copy of
    its target's keys shares the target's value objects)."""
    return tuple((k, id(v)) if isinstance(v, dict | list) else (k, type(v).__name__, v)
                 for k, v in schema.items() if isinstance(v, dict | list) or isinstance(v, t.Hashable))


#: Where a draft-4 Schema Object holds schemas: maps of them (`dependencies` also holds arrays of
#: names), lists of them, or one (`items` also a list). Every other key holds a value, copied as
#: written: the name of a property is not a keyword, nor is the content of an `enum` or `default`.
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "dependencies")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_SINGLE = ("items", "additionalItems", "additionalProperties", "not")
#: OpenAPI-only keywords that validate nothing (`nullable` is read before it is left out).
_OPENAPI_ONLY = ("nullable", "discriminator", "example")


def _subschemas(schema: dict[str, t.Any]) -> t.Iterator[t.Any]:
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            yield from value.values()
        elif key in (*_SCHEMA_LISTS, *_SCHEMA_SINGLE) and isinstance(value, list):
            yield from value
        elif key in _SCHEMA_SINGLE:
            yield value


def _recurring(schema: t.Any) -> dict[tuple[t.Any, ...], str]:
    """The schemas found inside themselves, each with the name of its copy under `definitions`."""
    found: dict[tuple[t.Any, ...], str] = {}

    def walk(node: t.Any, inside: frozenset[t.Any]) -> None:
        if not isinstance(node, dict):
            return
        key = _identity(node)
        if key in inside or id(node) in inside:
            found.setdefault(key, f"recurring{len(found)}")
            return
        for sub in _subschemas(node):
            walk(sub, inside | {key, id(node)})

    walk(schema, frozenset())
    return found


def _as_draft4(schema: t.Any, recurring: dict[tuple[t.Any, ...], str], definitions: dict[str, t.Any], *,
               top: bool = False) -> t.Any:
    if not isinstance(schema, dict):
        return schema
    name = recurring.get(_identity(schema)) if recurring else None
    if name is not None and not top:
        if name not in definitions:
            definitions[name] = {}  # placeholder: the schema's own inner occurrences stop here
            definitions[name] = _as_draft4(schema, recurring, definitions, top=True)
        return {"$ref": f"#/definitions/{name}"}
    out: dict[str, t.Any] = {}
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: _as_draft4(v, recurring, definitions) for k, v in value.items()}
        elif key in (*_SCHEMA_LISTS, *_SCHEMA_SINGLE) and isinstance(value, list):
            out[key] = [_as_draft4(v, recurring, definitions) for v in value]
        elif key in _SCHEMA_SINGLE:
            out[key] = _as_draft4(value, recurring, definitions)
        elif key not in _OPENAPI_ONLY:
            out[key] = value
    if isinstance(out.get("pattern"), str):  # as accord.schemas reads it; start-up named the unreadable ones
        ecma = prepare(out["pattern"]).ecma
        if ecma is None:
            del out["pattern"]
        else:
            out["pattern"] = ecma
    apply_format_bounds(out)
    if schema.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if "allOf" in out or "oneOf" in out or "anyOf" in out:
            out = {"anyOf": [{"type": "null"}, out]}
    return out


def compiled(schema: dict[str, t.Any]) -> t.Any:
    """One compiled (jsonschema-rs) validator per schema object, built on first use.

    Connexion builds a pure-Python validator per request; this one checks 10 000 job rows in
    milliseconds, which keeps the event loop free while a large job is validated.
    """
    entry = _compiled.get(id(schema))
    if entry is None or entry[0] is not schema:
        with _compiled_lock:
            validator = jsonschema_rs.Draft4Validator(as_draft4(schema), validate_formats=True)
            _compiled[id(schema)] = entry = (schema, validator)
    return entry[1]


def body_errors(schema: dict[str, t.Any], body: t.Any) -> list[dict[str, str]]:
    """Every violation (up to 50), each with an RFC 6901 pointer as a URI fragment."""
    validator = compiled(schema)
    if validator.is_valid(body):
        return []
    errors: list[dict[str, str]] = []
    for error in itertools.islice(errors_of(validator, body), MAX_ERRORS):
        for path, detail in describe(error):
            errors.append({"pointer": "#" + pointers.from_path(path), "in": "body", "detail": detail})
    errors.sort(key=lambda e: e["pointer"])
    return errors[:MAX_ERRORS]


def _validation_problem(errors: list[dict[str, str]], where: str) -> ProblemError:
    count = len(errors)
    return ProblemError("validation-error", f"{count} error{'s' if count != 1 else ''} in {where}",
                        errors=errors)


def _refuse_constant(name: str) -> t.NoReturn:
    raise ValueError(f"{name} is not a JSON number (RFC 8259 section 6)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


_DIGITS = bytes.maketrans(b"123456789", b"000000000")
#: 19 digits in a row may be an integer beyond 64 bits, which orjson turns into a float.
_LONG_DIGIT_RUN = b"0" * 19


def parse_json_body(raw: bytes) -> t.Any:
    """Parse a UTF-8 JSON request body strictly: NaN, Infinity and numbers overflowing to
    infinity are refused (ValueError), big integers stay exact.

    orjson parses (it refuses the non-finite forms itself); the stdlib parser, with hooks that
    refuse them too, takes over when the body has a run of 19+ digits (a possible >64-bit
    integer) and when orjson refuses a body, so what is accepted, and the error messages, are
    the stdlib's as before.
    """
    if _LONG_DIGIT_RUN not in raw.translate(_DIGITS):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    # Strict UTF-8 first: `json.loads(bytes)` decodes with "surrogatepass", which lets encoded
    # surrogates (b"\xed\xa0\x80") through as text no validator or encoder can handle.
    value = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant, parse_float=_finite_float)
    _refuse_lone_surrogates(value)
    return value


def _refuse_lone_surrogates(value: t.Any) -> None:
    """A `\\ud800` escape with no partner parses to a string that is not Unicode text (RFC 8259
    section 8.2 leaves it undefined); refuse it here rather than fail later while validating."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise UnicodeDecodeError("utf-8", b"", 0, 1, "lone surrogate escape") from exc
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class CollectingJSONBodyValidator(JSONRequestBodyValidator):
    """Parse strictly (no NaN/Infinity), validate, report every violation with a pointer, and
    keep the parsed body for the handler (accord.service.binding), so it is parsed once."""

    async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: Scope) -> t.Any:
        raw = b"".join([chunk async for chunk in stream])
        if not raw:
            return None
        encoding = (self._encoding or "utf-8").lower()
        try:
            if encoding not in ("utf-8", "utf8") and codecs.lookup(encoding).name != "utf-8":
                raw = raw.decode(encoding).encode("utf-8")
        except LookupError as exc:
            raise ProblemError("unsupported-media-type", f"unknown charset {self._encoding!r}") from exc
        except UnicodeDecodeError as exc:
            raise ProblemError("validation-error", f"request body is not valid {self._encoding}",
                               title="Malformed request body") from exc
        try:
            body = parse_json_body(raw)
        except UnicodeDecodeError as exc:
            raise ProblemError("validation-error", "request body is not valid UTF-8",
                               title="Malformed request body") from exc
        except ValueError as exc:  # JSONDecodeError, and our non-finite refusals
            raise ProblemError("validation-error", f"request body is not valid JSON: {exc}",
                               title="Malformed request body") from exc
        except RecursionError as exc:  # the stdlib parser on arrays/objects nested ~1,000 deep
            raise ProblemError("validation-error", "request body is nested too deeply",
                               title="Malformed request body") from exc
        keep_parsed_body(scope, body)
        return body

    def _validate(self, body: t.Any) -> dict[str, t.Any] | None:
        if body is None and not self._nullable:
            raise ProblemError("validation-error", "request body is required",
                               errors=[{"pointer": "#", "in": "body", "detail": "is required"}])
        try:
            errors = body_errors(self._schema, body)
        except ValueError as exc:  # jsonschema-rs: "Recursion limit reached" on deep nesting
            raise ProblemError("validation-error", "request body is nested too deeply to validate",
                               title="Malformed request body") from exc
        if errors:
            raise _validation_problem(errors, "request body")
        return None


#: Members of a Swagger 2.0 Parameter Object that are not JSON Schema (`required: true` is not
#: draft 4's list); the rest of the parameter is its schema.
_PARAMETER_ONLY = frozenset({"name", "in", "required", "description", "allowEmptyValue", "collectionFormat"})
_parameter_schemas: dict[int, tuple[object, dict[str, t.Any]]] = {}


def parameter_schema(param: dict[str, t.Any]) -> t.Any:
    """The schema a parameter's value is checked against: its `schema` (OpenAPI 3), else, for a
    Swagger 2.0 parameter, the parameter without its non-schema members (kept per parameter, so
    the compiled validator is reused)."""
    if "schema" in param:
        return param["schema"]
    entry = _parameter_schemas.get(id(param))
    if entry is None or entry[0] is not param:
        schema = {k: v for k, v in param.items() if k not in _PARAMETER_ONLY}
        _parameter_schemas[id(param)] = entry = (param, schema)
    return entry[1]


class CollectingParameterValidator(ParameterValidator):
    """All parameter violations at once, as `{parameter, in, detail}`, without schema dumps."""

    def validate_request(self, request: t.Any) -> None:
        errors: list[dict[str, str]] = []
        if self.strict_validation:
            for name in sorted(self.validate_query_parameter_list(request, self.security_query_params)):
                errors.append({"parameter": name, "in": "query", "detail": "is not a parameter of this operation"})
        sources = {
            "query": lambda p: request.query_params.get(p["name"]),
            "path": lambda p: request.path_params.get(p["name"].replace("-", "_")),
            "header": lambda p: request.headers.get(p["name"]),
            "cookie": lambda p: request.cookies.get(p["name"]),
        }
        for location, read in sources.items():
            for param in self.parameters.get(location, []):
                value = read(param)
                if value is None:
                    if param.get("required"):
                        errors.append({"parameter": param["name"], "in": location, "detail": "is required"})
                    continue
                for error in compiled(parameter_schema(param)).iter_errors(value):
                    for _, detail in describe(error):
                        errors.append({"parameter": param["name"], "in": location, "detail": detail})
        if errors:
            raise _validation_problem(errors[:MAX_ERRORS], "request parameters")


#: Response violations written to the log per failing response (the client only sees a 500).
MAX_LOGGED_RESPONSE_ERRORS = 5


def response_validator_class(document: dict[str, t.Any], version: str) -> type[AbstractResponseBodyValidator]:
    """A JSON response validator for `validator_map={"response": ...}`, bound to this contract.

    Connexion builds one validator object per response with the operation's response schema
    (refs already inlined, the contract's `components` attached under the key `components`);
    that schema object is the same for every response of one operation, status and media type,
    so the compiled validator is cached on its identity. On failure it behaves like Connexion's
    own: a warning naming the pointer, and `NonConformingResponseBody` (a 500, which the outer
    middleware renders as our internal-error problem without details or stack trace).
    """
    compiler = SchemaCompiler(document, version)  # its unreadable patterns were named at start-up (app.py)
    cache: dict[int, tuple[object, t.Any]] = {}

    def validator_for(schema: dict[str, t.Any]) -> t.Any:
        entry = cache.get(id(schema))
        if entry is None or entry[0] is not schema:
            # `components` is Connexion's attachment, not part of the schema; leftover internal
            # refs resolve against the contract the compiler holds.
            own = {k: v for k, v in schema.items() if k != "components"} if isinstance(schema, dict) else schema
            with _compiled_lock:
                entry = cache[id(schema)] = (schema, compiler.validator(own, "response"))
        return entry[1]

    class CompiledJSONResponseValidator(AbstractResponseBodyValidator):
        def _parse(self, stream: t.Generator[bytes, None, None]) -> t.Any:
            raw = b"".join(stream)
            if not raw:
                return None
            try:
                return orjson.loads(raw)
            except orjson.JSONDecodeError:
                try:  # integers beyond 64 bits, which orjson refuses
                    return json.loads(raw.decode(self._encoding))
                except ValueError as exc:
                    raise NonConformingResponseBody(f"response body is not valid JSON: {exc}") from exc

        def _validate(self, body: t.Any) -> None:
            validator = validator_for(self._schema)
            if validator.is_valid(body):
                return
            found = [f"{pointers.from_path(list(e.instance_path)) or '/'}: {e.message}"
                     for e in itertools.islice(validator.iter_errors(body), MAX_LOGGED_RESPONSE_ERRORS)]
            log.warning("response to %s %s does not conform to the contract: %s", self._scope.get("method"),
                        self._scope.get("path"), "; ".join(found))
            raise NonConformingResponseBody(f"Response body does not conform to specification. {found[0]}")

    return CompiledJSONResponseValidator
