"""Request validators plugged into Connexion through `validator_map`.

Connexion reports only the first violation, as a dotted path (and dumps the schema for
parameters). These report *all* of them, located: `{pointer, detail}` for the body (RFC 6901
pointers as URI fragments) and `{parameter, in, detail}` for parameters, capped at 50.
The body is parsed with orjson, which refuses NaN, Infinity and numbers that overflow to
infinity, and invalid UTF-8 — all answered with 400 instead of reaching the model.
"""

from __future__ import annotations

import codecs
import threading
import typing as t

import orjson
from connexion.json_schema import Draft4RequestValidator
from connexion.validators import JSONRequestBodyValidator, ParameterValidator
from jsonschema import Draft4Validator, ValidationError
from starlette.types import Scope

from accord import pointers
from impl.problems import MAX_ERRORS, ProblemError

_compiled: dict[int, tuple[object, Draft4Validator]] = {}
_compiled_lock = threading.Lock()


def compiled(schema: dict[str, t.Any]) -> Draft4Validator:
    """One validator per schema object, built on first use (Connexion builds one per request)."""
    entry = _compiled.get(id(schema))
    if entry is None or entry[0] is not schema:
        with _compiled_lock:
            validator = Draft4RequestValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
            _compiled[id(schema)] = entry = (schema, validator)
    return entry[1]  # type: ignore[return-value]


def _describe(error: ValidationError) -> tuple[list[t.Any], str]:
    """The path an error is *about* and a short message that does not echo the schema or input."""
    path = list(error.absolute_path)
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return [*path, missing], "is required"
    if kind == "additionalProperties":
        instance = error.instance if isinstance(error.instance, dict) else {}
        allowed = set(error.schema.get("properties", {}))
        extras = [k for k in instance if k not in allowed] or [""]
        return [*path, extras[0]], "is not allowed (additional property)"
    if kind == "type":
        return path, f"must be of type {expected}"
    if kind == "minimum":
        op = ">" if error.schema.get("exclusiveMinimum") else ">="
        return path, f"must be {op} {expected}"
    if kind == "maximum":
        op = "<" if error.schema.get("exclusiveMaximum") else "<="
        return path, f"must be {op} {expected}"
    if kind == "enum":
        return path, "must be one of " + ", ".join(map(str, expected))
    if kind == "minItems":
        return path, f"must have at least {expected} item(s)"
    if kind == "maxItems":
        return path, f"must have at most {expected} item(s)"
    if kind == "minLength":
        return path, f"must be at least {expected} character(s) long"
    if kind == "maxLength":
        return path, f"must be at most {expected} character(s) long"
    if kind == "pattern":
        return path, f"must match the pattern {expected}"
    if kind in {"oneOf", "anyOf"}:
        return path, "does not match any of the allowed shapes"
    if kind == "nullable" or "None is not" in error.message:
        return path, "must not be null"
    return path, error.message if len(error.message) < 200 else f"fails {kind}"


def body_errors(validator: Draft4Validator, body: t.Any) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    for error in validator.iter_errors(body):
        path, detail = _describe(error)
        errors.append({"pointer": "#" + pointers.from_path(path), "detail": detail})
    errors.sort(key=lambda e: e["pointer"])
    return errors[:MAX_ERRORS]


def _validation_problem(errors: list[dict[str, str]], where: str) -> ProblemError:
    count = len(errors)
    return ProblemError("validation-error", f"{count} error{'s' if count != 1 else ''} in {where}",
                        errors=errors)


class CollectingJSONBodyValidator(JSONRequestBodyValidator):
    """Parse with orjson (no NaN/Infinity), validate, and report every violation with a pointer."""

    async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: Scope) -> t.Any:
        raw = b"".join([chunk async for chunk in stream])
        if not raw:
            return None
        encoding = (self._encoding or "utf-8").lower()
        try:
            if codecs.lookup(encoding).name != "utf-8":
                raw = raw.decode(encoding).encode("utf-8")
        except LookupError as exc:
            raise ProblemError("unsupported-media-type", f"unknown charset {self._encoding!r}") from exc
        except UnicodeDecodeError as exc:
            raise ProblemError("validation-error", f"request body is not valid {self._encoding}",
                               title="Malformed request body") from exc
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            # orjson's message names the position; it never includes the input itself.
            raise ProblemError("validation-error", f"request body is not valid JSON: {exc}",
                               title="Malformed request body") from exc

    def _validate(self, body: t.Any) -> dict | None:
        if body is None and not self._nullable:
            raise ProblemError("validation-error", "request body is required",
                               errors=[{"pointer": "#", "detail": "is required"}])
        errors = body_errors(compiled(self._schema), body)
        if errors:
            raise _validation_problem(errors, "request body")
        return None


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
                schema = param.get("schema", param)
                for error in compiled(schema).iter_errors(value):
                    _, detail = _describe(error)
                    errors.append({"parameter": param["name"], "in": location, "detail": detail})
        if errors:
            raise _validation_problem(errors[:MAX_ERRORS], "request parameters")
