"""Example rules: examples agree with their schemas (through accord.validation's walk and the
shared SchemaCompiler, so `lint` and `validate` judge an example alike), and Example Objects
carry exactly one of `value` / `externalValue`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from accord import pointers
from accord.lint.context import Hits, LintContext
from accord.schemas import Direction, SchemaCompileError
from accord.validation import MAX_VIOLATIONS_PER_EXAMPLE, iter_examples

#: A schema with one of these is typed enough that its `default` can be checked (Spectral's filter).
_TYPED = ("enum", "type", "format", "$ref", "properties", "items")


def valid_media_example(ctx: LintContext) -> Hits:
    """Media Type, Parameter and Header `example` / `examples` validate against their `schema`."""
    for pointer, value, schema, direction, is_schema in _examples(ctx):
        if not is_schema:
            yield from _check(ctx, pointer, value, schema, direction)


def valid_schema_example(ctx: LintContext) -> Hits:
    """Schema `example` (3.1: `examples`) and `default` validate against the schema holding them."""
    for pointer, value, schema, direction, is_schema in _examples(ctx):
        if is_schema:
            yield from _check(ctx, pointer, value, schema, direction)
    for node in ctx.nodes:
        if node.is_name_map or "default" not in node.value or not any(k in node.value for k in _TYPED):
            continue
        if _in_schema(node.pointer):
            yield from _check(ctx, f"{node.pointer}/default", node.value["default"], node.value, "any")


def _in_schema(pointer: str) -> bool:
    tokens = pointers.split(pointer)
    return "schema" in tokens or tokens[:2] == ["components", "schemas"] or tokens[:1] == ["definitions"]


def _examples(ctx: LintContext) -> Iterator[tuple[str, Any, Any, Direction, bool]]:
    """iter_examples, each at its definition site and marked with whether the example sits
    in the schema it illustrates."""
    for pointer, value, schema, direction in iter_examples(ctx.document, ctx.version):
        yield _definition_site(ctx, pointer), value, schema, direction, _holder(ctx, pointer) is schema


def _definition_site(ctx: LintContext, pointer: str) -> str:
    """`.../examples/<name>/value` of a `$ref`'d Example Object -> `/components/examples/<X>/value`.

    A shared example is then reported once, where it is written (as Spectral does).
    """
    tokens = pointers.split(pointer)
    if len(tokens) < 3 or tokens[-1] != "value" or tokens[-3] != "examples":
        return pointer
    holder = pointers.from_path(tokens[:-1])
    try:
        entry = pointers.resolve(ctx.document, holder)
    except KeyError:
        return pointer
    target, resolved = ctx.resolve(holder, entry)
    return f"{target}/value" if resolved is not None else pointer


def _holder(ctx: LintContext, pointer: str) -> Any:
    tokens = pointers.split(pointer)
    if tokens[-1] == "example":
        depth = 1
    elif len(tokens) > 1 and tokens[-2] == "examples" and tokens[-1].isdigit():
        depth = 2
    else:
        depth = 3
    try:
        return pointers.resolve(ctx.document, pointers.from_path(tokens[:-depth]))
    except KeyError:
        return None


def _check(ctx: LintContext, pointer: str, value: Any, schema: Any, direction: Direction) -> Hits:
    try:
        violations = list(ctx.compiler.iter_violations(schema, value, direction))
    except SchemaCompileError as exc:
        yield pointer, f"the schema of this example cannot be compiled: {exc}"
        return
    except (KeyError, ValueError, TypeError) as exc:
        yield pointer, f"the schema of this example cannot be used: {exc}"
        return
    for violation in violations[:MAX_VIOLATIONS_PER_EXAMPLE]:
        yield pointer + violation.pointer, f"Example does not match its schema: {violation.message}"


def examples_value_or_external_value(ctx: LintContext) -> Hits:
    for pointer, entry in _example_objects(ctx):
        entry = ctx.deref(entry)
        if isinstance(entry, dict) and ("value" in entry) == ("externalValue" in entry):
            yield pointer, 'Examples must have either "value" or "externalValue" field.'


def _example_objects(ctx: LintContext) -> Iterator[tuple[str, Any]]:
    components = ctx.document.get("components")
    named = components.get("examples") if isinstance(components, dict) else None
    for name, entry in (named.items() if isinstance(named, dict) else ()):
        yield pointers.join("", "components", "examples", name), entry
    for node in ctx.nodes:
        examples = node.value.get("examples")
        has_schema = "schema" in node.value or "content" in node.value
        if node.is_name_map or not isinstance(examples, dict) or not has_schema:
            continue
        for name, entry in examples.items():
            if not (isinstance(entry, dict) and "$ref" in entry):
                yield pointers.join(node.pointer, "examples", name), entry
