"""Object and array nodes built from the merged parts of a schema.

Objects: the properties of every part, required names united; a property declared by several
parts must satisfy all their schemas; a name that a part closed with `additionalProperties:
false` does not declare is dropped (and a required one makes the schema unsatisfiable).
`readOnly` properties are left out of requests and `writeOnly` ones out of responses, exactly
where `SchemaCompiler` relaxes `required` for them. No key is invented beyond `properties` unless
`minProperties` needs it or the object is a map (Prism invents random keys: #2046, #1776, #2244).

Arrays: `items` (or 3.1 `prefixItems`, draft-4 tuple `items`), `contains`, lengths, uniqueness.
"""

from __future__ import annotations

import re
from random import Random
from typing import TYPE_CHECKING, Any

from accord import pointers
from accord.mock.generation.containers import ArrayNode, ObjectNode
from accord.mock.generation.nodes import AnyNode, ImpossibleNode, Node
from accord.mock.generation.patterns import PatternError, compile_pattern
from accord.mock.generation.strings import WORDS

if TYPE_CHECKING:
    from accord.mock.generation.planner import Parts, Planner
    from accord.schemas import Direction

_HIDDEN = {"request": "readOnly", "response": "writeOnly"}


def object_node(planner: Planner, parts: Parts, direction: Direction, where: str, fixed: dict[str, Any] | None,
                hint: str | None) -> Node:
    declared: dict[str, None] = {}
    required: dict[str, None] = {}
    for part in parts:
        if isinstance(part.get("properties"), dict):
            declared.update(dict.fromkeys(part["properties"]))
        if isinstance(part.get("required"), list):
            required.update(dict.fromkeys(n for n in part["required"] if isinstance(n, str)))
    flag = _HIDDEN.get(direction)
    required_nodes: list[tuple[str, Node]] = []
    optional_nodes: list[tuple[str, Node]] = []
    for name in [*declared, *(n for n in required if n not in declared)]:
        schemas = _schemas_for(parts, name)
        is_required = name in required
        if schemas is None:
            if is_required:
                return ImpossibleNode(f"required property {name!r} is excluded by additionalProperties: false", where)
            continue
        hidden = flag is not None and any(planner.compiler.flagged(s, flag) for s in schemas)
        if hidden and not (is_required and _still_required(planner, parts, name, flag)):  # type: ignore[arg-type]
            continue
        path = f"{where}/properties/{pointers.escape(name)}"
        node = planner.compile(planner.synthetic(schemas), direction, path) if schemas else AnyNode()
        (required_nodes if is_required else optional_nodes).append((name, node))

    wanted_fixed = dict(fixed or {})
    if hint is not None:
        for part in parts:
            discriminator = part.get("discriminator")
            if isinstance(discriminator, dict) and isinstance(discriminator.get("propertyName"), str):
                wanted_fixed.setdefault(discriminator["propertyName"], discriminator_value(discriminator, hint))
    fixed_values: dict[str, Any] = {}
    for name, value in wanted_fixed.items():
        schemas = _schemas_for(parts, name)
        if schemas is not None and all(planner.accepts(s, direction, value) for s in schemas):
            fixed_values[name] = value

    extra, extra_key, is_map = _extra(planner, parts, direction, where, declared)
    min_props = max((p["minProperties"] for p in parts if isinstance(p.get("minProperties"), int)), default=0)
    max_props = min((p["maxProperties"] for p in parts if isinstance(p.get("maxProperties"), int)), default=None)
    if max_props is not None and len(required_nodes) > max_props:
        return ImpossibleNode(f"{len(required_nodes)} required properties exceed maxProperties {max_props}", where)
    options = planner.options
    if options.fill_properties and extra is not None:
        is_map = True  # json-schema-faker's fillProperties: a few invented keys where they are allowed
    return ObjectNode(required_nodes, optional_nodes, fixed_values, extra, extra_key, min_props, max_props,
                      is_map, where, list(declared))


def _schemas_for(parts: Parts, name: str) -> list[Any] | None:
    """The schemas a property `name` must satisfy, or None when some part forbids it."""
    out: list[Any] = []
    for part in parts:
        properties = part.get("properties")
        if isinstance(properties, dict) and name in properties:
            out.append(properties[name])
            continue
        matched = [s for pattern, s in (part.get("patternProperties") or {}).items() if _matches(pattern, name)]
        if matched:
            out.extend(matched)
            continue
        extra = part.get("additionalProperties")
        if extra is False:
            return None
        if isinstance(extra, dict):
            out.append(extra)
    return out


def _matches(pattern: str, name: str) -> bool:
    try:
        return compile_pattern(pattern).matches(name)
    except PatternError:
        return re.search(re.escape(pattern), name) is not None


def _still_required(planner: Planner, parts: Parts, name: str, flag: str) -> bool:
    """Whether a hidden property stays required: SchemaCompiler relaxes `required` only when the
    same schema's `properties` entry carries the flag."""
    for part in parts:
        if name in (part.get("required") or ()):
            properties = part.get("properties")
            if not (isinstance(properties, dict) and name in properties
                    and planner.compiler.flagged(properties[name], flag)):
                return True
    return False


def _extra(planner: Planner, parts: Parts, direction: Direction, where: str,
           declared: dict[str, None]) -> tuple[Node | None, Any, bool]:
    """The node for values of undeclared keys, how to name them, and whether the object is a map."""
    closed = any(part.get("additionalProperties") is False for part in parts)
    schemas = [p["additionalProperties"] for p in parts if isinstance(p.get("additionalProperties"), dict)]
    patterned = [(pattern, s) for p in parts for pattern, s in (p.get("patternProperties") or {}).items()
                 if isinstance(s, (dict, bool))]
    names_schema = next((p["propertyNames"] for p in parts if isinstance(p.get("propertyNames"), dict)), None)
    path = f"{where}/additionalProperties"
    if patterned:  # undeclared keys are named by the first pattern (a map when nothing is declared)
        pattern, schema = patterned[0]
        try:
            generator = compile_pattern(pattern)
        except PatternError:
            return None, _word_key(declared), False

        def pattern_key(rng: Random, attempt: int) -> str:
            key = generator.generate(rng)
            if attempt > 1:  # an open-ended pattern (`^x-`) may keep giving the same name: lengthen it
                longer = f"{key}{WORDS[int(rng.random() * len(WORDS))]}{attempt}"
                if generator.matches(longer):
                    return longer
            return key

        return planner.compile(schema, direction, f"{where}/patternProperties"), pattern_key, not declared
    if closed:
        return None, _word_key(declared), False
    node = planner.compile(planner.synthetic(schemas), direction, path) if schemas else AnyNode()
    is_map = not declared and any(bool(s) for s in schemas)
    if names_schema is not None:
        names = planner.compile(names_schema, direction, f"{where}/propertyNames")

        def named_key(rng: Random, attempt: int) -> str:
            return str(names.gen(rng, 0))

        return node, named_key, is_map
    return node, _word_key(declared), is_map


def _word_key(declared: dict[str, None]) -> Any:
    def key(rng: Random, attempt: int) -> str:
        word = WORDS[int(rng.random() * len(WORDS))]
        name = word if attempt < 4 else f"{word}_{attempt}"
        return name if name not in declared else f"{name}_{attempt}_x"

    return key


def array_node(planner: Planner, parts: Parts, direction: Direction, where: str) -> Node:
    items: list[Any] = []
    prefix: list[Any] | None = None
    contains: list[Any] = []
    closed = False
    for part in parts:
        value = part.get("items")
        tuple_form = part.get("prefixItems") if isinstance(part.get("prefixItems"), list) else None
        if isinstance(value, list):  # draft-4 tuple `items`
            tuple_form = value
            extra = part.get("additionalItems")
            if extra is False:
                closed = True
            elif isinstance(extra, dict):
                items.append(extra)
        elif value is False:
            closed = True
        elif isinstance(value, dict):
            items.append(value)
        if tuple_form is not None:
            if prefix is not None:
                planner.mark_risky()
            prefix = prefix or tuple_form
        if isinstance(part.get("contains"), (dict, bool)):
            contains.append(part["contains"])
    prefix = prefix or []
    low = max((p["minItems"] for p in parts if isinstance(p.get("minItems"), int)), default=0)
    high = min((p["maxItems"] for p in parts if isinstance(p.get("maxItems"), int)), default=None)
    if closed:
        high = len(prefix) if high is None else min(high, len(prefix))
    if high is not None and high < low:
        return ImpossibleNode(f"minItems {low} exceeds the items allowed ({high})", where)
    if prefix and items:
        planner.mark_risky()  # each prefix item is generated from its own schema only
    prefix_nodes = [planner.compile(s, direction, f"{where}/prefixItems/{i}") for i, s in enumerate(prefix)]
    items_node: Node | None = None
    if not closed:
        items_node = planner.compile(planner.synthetic(items), direction, f"{where}/items") if items else AnyNode()
    contains_node = None
    # 2019-09 `minContains`: how many items must match `contains` (1 by default, 0 turns it off).
    min_contains = max((p["minContains"] for p in parts if isinstance(p.get("minContains"), int)), default=1)
    if contains and min_contains > 0:
        contains_node = planner.compile(planner.synthetic([*contains, *items]), direction, f"{where}/contains")
    unique = any(part.get("uniqueItems") is True for part in parts)
    options = planner.options
    prefer = None
    if options.min_items is not None or options.max_items is not None:
        prefer = options.items_between(low, high)
    return ArrayNode(prefix_nodes, items_node, contains_node, low, high, unique, where, min_contains, prefer)


_COUNTER_VALUES: tuple[object, ...] = (0, "x", True, None, [], {})


def one_of_rescue(planner: Planner, base: Parts, branches: list[Any], checks: list[Any],
                  direction: Direction) -> Any:
    """For `oneOf` branches that overlap: add to a value of branch i a property that another
    accepting branch declares, with a value that branch rejects (checked against everything)."""
    declared: list[dict[str, list[Any]]] = []
    for branch in branches:
        parts, _inlined = planner.flatten(branch, frozenset())
        names: dict[str, list[Any]] = {}
        for part in parts:
            if isinstance(part, dict) and isinstance(part.get("properties"), dict):
                for name, schema in part["properties"].items():
                    names.setdefault(name, []).append(schema)
        declared.append(names)
    base_checks = [planner.check(part, direction) for part in base if isinstance(part, dict) and part]

    def distinguish(chosen: int, value: dict[str, Any], other: int) -> dict[str, Any] | None:
        """`value` plus one property branch `other` declares, with a value `other` rejects."""
        for name, schemas in declared[other].items():
            if name in value or name in declared[chosen]:
                continue
            for counter in _COUNTER_VALUES:
                if all(planner.check(s, direction)(counter) for s in schemas):
                    continue  # the other branch accepts this value too
                candidate = {**value, name: counter}
                accepted = checks[chosen](candidate) and all(c(candidate) for c in base_checks)
                if accepted and not checks[other](candidate):
                    return candidate
        return None

    def rescue(chosen: int, value: Any) -> Any:
        if not isinstance(value, dict):
            return None
        for _ in range(len(checks)):
            accepting = [n for n, check in enumerate(checks) if n != chosen and check(value)]
            if not accepting:
                return value
            value = distinguish(chosen, value, accepting[0])
            if value is None:
                return None
        return None

    return rescue


def discriminator_value(discriminator: dict[str, Any], ref: str) -> str:
    """The discriminator value naming the schema `ref` (OpenAPI 3: mapping, else the schema name)."""
    name = pointers.unescape(ref.rsplit("/", 1)[-1])
    mapping = discriminator.get("mapping")
    if isinstance(mapping, dict):
        for key, target in mapping.items():
            if target == ref or target == name:
                return str(key)
    return name
