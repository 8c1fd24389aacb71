"""Spectral's core rule functions, for rules written in Spectral's ruleset format.

    truthy falsy defined undefined pattern casing enumeration length alphabetical
    schema xor or typedEnum unreferencedReusableObject

Each takes the target value (MISSING when the `then.field` is absent), the rule's
`functionOptions` and a `Call` (the target's path, the document), and returns results:
(path or None for the target's own, message). As in Spectral, a function whose input is
not of the type it checks returns nothing (pattern on a number, casing on an object).
Messages are Spectral's, `{{property}}`/`{{value}}` filled in by the runner.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from accord.lint.jsonpath import js_regex

#: The value of a `then.field` that the target does not have (JavaScript's undefined).
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "undefined", "__bool__": lambda self: False})()

Path = tuple[str | int, ...]
Result = tuple[Path | None, str]


@dataclass(slots=True)
class Call:
    """Where a function is applied: the target's path and the whole (resolved) document."""

    path: Path
    document: Any
    references: Callable[[], set[str]]


class BadOptions(ValueError):
    """functionOptions that do not fit the function (a usage error in the ruleset file)."""


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness: [] and {} are true; "", 0, NaN, null, false, undefined are not."""
    if value is MISSING or value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def print_value(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is MISSING:
        return "undefined"
    if isinstance(value, (dict, list)):
        return "Object{}" if isinstance(value, dict) else "Array[]"
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def truthy(value: Any, options: Any, call: Call) -> list[Result]:
    return [] if js_truthy(value) else [(None, "{{property}} must be truthy")]


def falsy(value: Any, options: Any, call: Call) -> list[Result]:
    return [(None, "{{property}} must be falsy")] if js_truthy(value) else []


def defined(value: Any, options: Any, call: Call) -> list[Result]:
    return [(None, "{{property}} must be defined")] if value is MISSING else []


def undefined(value: Any, options: Any, call: Call) -> list[Result]:
    return [] if value is MISSING else [(None, "{{property}} must be undefined")]


def pattern(value: Any, options: Any, call: Call) -> list[Result]:
    if not isinstance(value, str):
        return []
    opts = _options(options, "pattern", required=(), one_of=("match", "notMatch"))
    results: list[Result] = []
    if "match" in opts and js_regex(str(opts["match"])).search(value) is None:
        results.append((None, f"{print_value(value)} must match the pattern {print_value(opts['match'])}"))
    if "notMatch" in opts and js_regex(str(opts["notMatch"])).search(value) is not None:
        results.append((None, f"{print_value(value)} must not match the pattern {print_value(opts['notMatch'])}"))
    return results


_CASES = {
    "flat": "[a-z][a-z{D}]*",
    "camel": "[a-z][a-z{D}]*(?:[A-Z{D}](?:[a-z{D}]+|$))*",
    "pascal": "[A-Z][a-z{D}]*(?:[A-Z{D}](?:[a-z{D}]+|$))*",
    "kebab": "[a-z][a-z{D}]*(?:-[a-z{D}]+)*",
    "cobol": "[A-Z][A-Z{D}]*(?:-[A-Z{D}]+)*",
    "snake": "[a-z][a-z{D}]*(?:_[a-z{D}]+)*",
    "macro": "[A-Z][A-Z{D}]*(?:_[A-Z{D}]+)*",
}


def casing(value: Any, options: Any, call: Call) -> list[Result]:
    if not isinstance(value, str) or not value:
        return []
    opts = _options(options, "casing", required=("type",))
    kind = opts["type"]
    if kind not in _CASES:
        raise BadOptions(f"casing type {kind!r} is not one of {', '.join(_CASES)}")
    separator = opts.get("separator")
    if isinstance(separator, Mapping) and len(value) == 1 and separator.get("allowLeading") is True \
            and value == separator.get("char"):
        return []
    base = _CASES[kind].replace("{D}", "" if opts.get("disallowDigits") is True else "0-9")
    if isinstance(separator, Mapping) and isinstance(separator.get("char"), str):
        sep = f"[{re.escape(separator['char'])}]"
        lead = f"{sep}?" if separator.get("allowLeading") is True else ""
        regex = f"^{lead}{base}(?:{sep}{base})*$"
    else:
        regex = f"^{base}$"
    return [] if re.search(regex, value) else [(None, f"must be {kind} case")]


def enumeration(value: Any, options: Any, call: Call) -> list[Result]:
    if not (value is None or isinstance(value, (str, int, float, bool))):
        return []
    values = _options(options, "enumeration", required=("values",))["values"]
    if not isinstance(values, list):
        raise BadOptions("enumeration values must be a list")
    if any(_js_equal(value, allowed) for allowed in values):
        return []
    allowed_text = ", ".join(print_value(v) for v in values)
    return [(None, f"{print_value(value)} must be equal to one of the allowed values: {allowed_text}")]


def _js_equal(a: Any, b: Any) -> bool:
    return (type(a) is type(b) and a == b) or (_is_number(a) and _is_number(b) and a == b)


def length(value: Any, options: Any, call: Call) -> list[Result]:
    if isinstance(value, dict):
        size: float = len(value)
    elif isinstance(value, (list, str)):
        size = len(value)
    elif _is_number(value):
        size = value
    else:
        return []
    opts = _options(options, "length", required=(), one_of=("min", "max"))
    results: list[Result] = []
    if "min" in opts and size < opts["min"]:
        results.append((None, f"{{{{property}}}} must be longer than {print_value(opts['min'])}"))
    if "max" in opts and size > opts["max"]:
        results.append((None, f"{{{{property}}}} must be shorter than {print_value(opts['max'])}"))
    return results


def _compare(a: Any, b: Any) -> int:
    if (_is_number(a) or _is_nan(a)) and (_is_number(b) or not _is_nan(b)):
        try:
            diff = float(a) - float(b)
        except (TypeError, ValueError):
            return 0
        return 0 if math.isnan(diff) else max(-1, min(1, int(math.copysign(1, diff)) if diff else 0))
    if not isinstance(a, str) or not isinstance(b, str):
        return 0
    ka, kb = a.casefold(), b.casefold()  # localeCompare: case-insensitive first, then lower before upper
    return (ka > kb) - (ka < kb) or ((a.swapcase() > b.swapcase()) - (a.swapcase() < b.swapcase()))


def _is_nan(value: Any) -> bool:
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def alphabetical(value: Any, options: Any, call: Call) -> list[Result]:
    if isinstance(value, list):
        items: list[Any] = value
    elif isinstance(value, dict):
        items = list(value)
    else:
        return []
    if len(items) < 2:
        return []
    keyed_by = options.get("keyedBy") if isinstance(options, Mapping) else None
    keys = items
    if keyed_by is not None:
        if not all(isinstance(item, dict) for item in items):
            return [(None, "{{property}} must be an object")]
        keys = [item.get(keyed_by) for item in items]
    if not all(isinstance(k, (str, int, float)) and not isinstance(k, bool) for k in keys):
        return [(None, "{{property}} must be one of the allowed types: number, string")]
    for index in range(len(keys) - 1):
        if _compare(keys[index], keys[index + 1]) >= 1:
            if keyed_by is not None:
                return [(None, "properties must follow the alphabetical order")]
            where = index if isinstance(value, list) else keys[index]
            return [((*call.path, where),
                     f"{print_value(keys[index])} must be placed after {print_value(keys[index + 1])}")]
    return []


def xor(value: Any, options: Any, call: Call) -> list[Result]:
    if not isinstance(value, dict):
        return []
    properties = _options(options, "xor", required=("properties",))["properties"]
    present = [key for key in value if key in properties]
    if len(present) == 1:
        return []
    names = [print_value(p) for p in properties]
    text = ", ".join(names[:-1]) + (f" and {names[-1]}" if names else "")
    return [(None, f"{text} must not be both defined or both undefined")]


def or_(value: Any, options: Any, call: Call) -> list[Result]:
    if not isinstance(value, dict):
        return []
    properties = _options(options, "or", required=("properties",))["properties"]
    if any(key in properties for key in value):
        return []
    names = [print_value(p) for p in properties]
    text = ", ".join(names[:-1]) + (f" or {names[-1]}" if names else "")
    return [(None, f"at least one of {text} must be defined")]


_DIALECTS = {
    "draft4": jsonschema_rs.Draft4Validator, "draft6": jsonschema_rs.Draft6Validator,
    "draft7": jsonschema_rs.Draft7Validator, "draft2019-09": jsonschema_rs.Draft201909Validator,
    "draft2020-12": jsonschema_rs.Draft202012Validator,
}
_validators: dict[tuple[int, str], Any] = {}


def schema(value: Any, options: Any, call: Call) -> list[Result]:
    if value is MISSING:
        return [(call.path, "{{property}} must exist")]
    opts = _options(options, "schema", required=("schema",))
    spec = opts["schema"]
    dialect = opts.get("dialect", "auto")
    if dialect in (None, "auto"):
        declared = str(spec.get("$schema", "")) if isinstance(spec, dict) else ""
        dialect = next((name for name, marker in (("draft4", "draft-04"), ("draft6", "draft-06"),
                                                  ("draft2019-09", "2019-09"), ("draft2020-12", "2020-12"))
                        if marker in declared), "draft7")
    key = (id(spec), str(dialect))
    if key not in _validators:
        cls = _DIALECTS.get(str(dialect))
        if cls is None:
            raise BadOptions(f"schema dialect {dialect!r} is not one of auto, {', '.join(_DIALECTS)}")
        try:
            _validators[key] = (spec, cls(spec, validate_formats=True))
        except (ValueError, jsonschema_rs.ValidationError) as exc:
            raise BadOptions(f"schema function: the schema is invalid: {exc}") from exc
    validator = _validators[key][1]
    try:
        errors = list(validator.iter_errors(_plain(value)))
    except (ValueError, OverflowError) as exc:
        return [(call.path, str(exc))]
    if not opts.get("allErrors"):
        errors = errors[:1]
    return [((*call.path, *error.instance_path), error.message) for error in errors]


def _plain(value: Any) -> Any:
    return value


def typed_enum(value: Any, options: Any, call: Call) -> list[Result]:
    """Enum members whose type is not among the schema's declared types (Spectral's typedEnum)."""
    if not isinstance(value, dict) or not isinstance(value.get("enum"), list):
        return []
    kinds = value.get("type")
    declared = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else None
    if not declared:
        return []
    if value.get("nullable") is True and "null" not in declared:
        declared = [*declared, "null"]
    results: list[Result] = []
    for index, member in enumerate(value["enum"]):
        if not any(_of_type(member, kind) for kind in declared):
            results.append(((*call.path, "enum", index),
                            f"Enum value {print_value(member)} must be {'/'.join(map(str, declared))}."))
    return results


def _of_type(value: Any, kind: Any) -> bool:
    return {
        "string": isinstance(value, str), "boolean": isinstance(value, bool), "null": value is None,
        "object": isinstance(value, dict), "array": isinstance(value, list),
        "number": _is_number(value), "integer": _is_number(value) and float(value).is_integer(),
    }.get(str(kind), True)


def unreferenced_reusable_object(value: Any, options: Any, call: Call) -> list[Result]:
    if not isinstance(value, dict):
        return []
    location = _options(options, "unreferencedReusableObject", required=("reusableObjectsLocation",))[
        "reusableObjectsLocation"]
    if not isinstance(location, str) or not location.startswith("#"):
        raise BadOptions("unreferencedReusableObject reusableObjectsLocation must be a local pointer (#/...)")
    referenced = call.references()
    base = [token for token in location[1:].split("/") if token]
    results: list[Result] = []
    for name in value:
        pointer = location[1:] + "/" + str(name).replace("~", "~0").replace("/", "~1")
        if pointer not in referenced:
            results.append(((*base, name), "Potential orphaned reusable object has been detected"))
    return results


def _options(options: Any, name: str, *, required: Sequence[str], one_of: Sequence[str] = ()) -> Mapping[str, Any]:
    if not isinstance(options, Mapping):
        raise BadOptions(f"{name} needs functionOptions ({', '.join(required or one_of)})")
    missing = [key for key in required if key not in options]
    if missing or (one_of and not any(key in options for key in one_of)):
        wanted = ", ".join(missing) if missing else " or ".join(one_of)
        raise BadOptions(f"{name} functionOptions need {wanted}")
    return options


#: functionOptions each function needs: (all of these, at least one of these).
REQUIRED_OPTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "pattern": ((), ("match", "notMatch")), "casing": (("type",), ()), "enumeration": (("values",), ()),
    "length": ((), ("min", "max")), "xor": (("properties",), ()), "or": (("properties",), ()),
    "schema": (("schema",), ()), "unreferencedReusableObject": (("reusableObjectsLocation",), ()),
}


def check_options(name: str, options: Any) -> None:
    """Raise BadOptions when `options` cannot serve function `name` (checked when a ruleset loads),
    UnsupportedPath when a pattern is JavaScript Python's `re` cannot read."""
    if name not in REQUIRED_OPTIONS:
        return
    required, one_of = REQUIRED_OPTIONS[name]
    opts = _options(options, name, required=required, one_of=one_of)
    if name == "casing" and opts["type"] not in _CASES:
        raise BadOptions(f"casing type {opts['type']!r} is not one of {', '.join(_CASES)}")
    if name == "pattern":  # a JavaScript regex Python cannot compile raises UnsupportedPath: not run
        for key in ("match", "notMatch"):
            if key in opts:
                js_regex(str(opts[key]))


#: Spectral's core function name -> implementation.
FUNCTIONS: dict[str, Callable[[Any, Any, Call], list[Result]]] = {
    "truthy": truthy, "falsy": falsy, "defined": defined, "undefined": undefined,
    "pattern": pattern, "casing": casing, "enumeration": enumeration, "length": length,
    "alphabetical": alphabetical, "schema": schema, "xor": xor, "or": or_,
    "typedEnum": typed_enum, "unreferencedReusableObject": unreferenced_reusable_object,
}
