"""Schema rules of `spectral:oas`: enums that hold, arrays with items, no keywords beside `$ref`."""

from __future__ import annotations

from typing import Any

import orjson

from accord import pointers
from accord.lint.context import Hits, LintContext, schema_types


def no_ref_siblings(ctx: LintContext) -> Hits:
    """OAS 2.0 / 3.0 Reference Objects ignore every sibling of `$ref` (3.1 allows some)."""
    for node in ctx.nodes:
        if node.is_name_map or "$ref" not in node.value or len(node.value) == 1:
            continue
        for key in node.value:
            if key != "$ref":
                yield pointers.join(node.pointer, key), "$ref must not be placed next to any other properties."


def duplicated_entry_in_enum(ctx: LintContext) -> Hits:
    for node in ctx.nodes:
        enum = node.value.get("enum")
        if node.is_name_map or not isinstance(enum, list):
            continue
        seen: dict[bytes, int] = {}
        for index, value in enumerate(enum):
            key = _canonical(value)
            if key in seen:
                yield f"{node.pointer}/enum/{index}", f"Enum entry {index} duplicates entry {seen[key]}."
            else:
                seen[key] = index


def _canonical(value: Any) -> bytes:
    """JSON equality: 1 and 1.0 are equal, true and 1 are not, key order does not matter."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def typed_enum(ctx: LintContext) -> Hits:
    for node in ctx.nodes:
        enum, schema = node.value.get("enum"), node.value
        if node.is_name_map or not isinstance(enum, list) or not isinstance(schema.get("type"), (str, list)):
            continue
        types = schema_types(schema)
        nullable_flag = "nullable" if ctx.version == "3.0" else "x-nullable" if ctx.version == "2.0" else None
        if nullable_flag and schema.get(nullable_flag) is True:
            types.add("null")
        for index, value in enumerate(enum):
            kind = _json_type(value, integer="integer" in types)
            if kind not in types and not (kind == "integer" and "number" in types):
                shown = orjson.dumps(value).decode() if _dumpable(value) else repr(value)
                yield f"{node.pointer}/enum/{index}", f'Enum value {shown} must be "{"|".join(sorted(types))}".'


def _json_type(value: Any, *, integer: bool) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if integer else "number"
    if isinstance(value, float):
        return "integer" if integer and value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


def _dumpable(value: Any) -> bool:
    try:
        orjson.dumps(value)
    except TypeError:
        return False
    return True


def array_items(ctx: LintContext) -> Hits:
    for node in ctx.nodes:
        if node.is_name_map or "array" not in schema_types(node.value):
            continue
        if ctx.version == "3.0" and node.value.get("type") != "array":
            continue  # a type list is not a 3.0 schema; the structural validation reports it
        if "items" not in node.value and not (ctx.version == "3.1" and "prefixItems" in node.value):
            yield node.pointer, 'Schemas with "type: array", require a sibling "items" field.'
