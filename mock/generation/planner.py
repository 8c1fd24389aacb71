"""Compiles a schema (3.0, 3.1 or Swagger 2.0 dialect) into a tree of generation nodes, once.

A schema is first *flattened*: `$ref`s followed and `allOf` members gathered into a list of
parts, all of which the value must satisfy. `oneOf`/`anyOf` in any part split the list into one
list per branch. The parts' keywords are then intersected (types, bounds, lengths, required,
properties, enum) into one node per type. Whatever the keywords cannot express exactly — `not`,
`oneOf` exclusivity, enum values and examples — is checked with the document's own
`SchemaCompiler` validators, at compile time where possible.

Compiled nodes are cached per (schema id, direction); a `$ref` that is still being compiled
gets a `Slot` that is filled in afterwards, which is how recursive schemas are represented.
"""

from __future__ import annotations

from typing import Any

from accord import openapi
from accord.mock.generation import shapes
from accord.mock.generation.nodes import (
    AnyNode,
    BoolNode,
    BranchesNode,
    CandidatesNode,
    Check,
    ChoiceNode,
    ConstNode,
    ImpossibleNode,
    JsonPathNode,
    Node,
    NotNode,
    NullableNode,
    Slot,
    TypeChoiceNode,
)
from accord.mock.generation.numbers import Bounds, NumberNode
from accord.mock.generation.options import Options
from accord.mock.generation.patterns import PatternError, compile_pattern
from accord.mock.generation.shapes import discriminator_value
from accord.mock.generation.strings import FORMATS, StringNode
from accord.patterns import prepare
from accord.schemas import Direction, SchemaCompiler

Parts = list[Any]  # dicts, or None for "nothing matches"

_OBJECT_KEYS = ("properties", "required", "additionalProperties", "patternProperties", "minProperties",
                "maxProperties", "propertyNames", "dependentRequired", "dependentSchemas")
_ARRAY_KEYS = ("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains")
_STRING_KEYS = ("minLength", "maxLength", "pattern")
_NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_INTEGER_FORMATS = frozenset(("int32", "int64", "int8", "int16", "uint8", "uint32", "uint64"))
_NUMBER_FORMATS = frozenset(("float", "double", "decimal"))
# Keywords the nodes do not model: a plan that meets one is validated on every generation.
_UNMODELLED = ("if", "then", "else", "dependentSchemas", "dependentRequired", "dependencies",
               "unevaluatedProperties", "unevaluatedItems", "propertyNames", "patternProperties",
               "minContains", "maxContains", "additionalItems", "$dynamicRef", "$recursiveRef")
#: Keywords `_rewrite` turns into ones the nodes model.
_REWRITTEN = ("if", "then", "else", "dependentRequired", "dependentSchemas", "dependencies")
_TYPE_ALIASES = {"file": "string"}  # Swagger 2.0
_ANY_TYPES = ("string", "integer", "number", "boolean", "object", "array")


class Planner:
    """Builds and caches generation nodes for the schemas of one document."""

    def __init__(self, document: dict[str, Any], version: str, compiler: SchemaCompiler,
                 options: Options | None = None) -> None:
        self.document = document
        self.version = version
        self.compiler = compiler
        self.options = options or Options()
        #: Whether some compiled schema has a `jsonPath` to resolve (Generator resolves values then).
        self.json_paths = False
        self._cache: dict[tuple[int, str], Node] = {}
        self._risky: dict[tuple[int, str], bool] = {}
        self._risk: list[bool] = []
        self._keep: list[Any] = []  # synthetic schemas, kept alive so their ids stay unique

    # -- entry points ---------------------------------------------------------------------------
    def compile(self, schema: Any, direction: Direction, where: str, hint: str | None = None) -> Node:
        """The node for a schema of the document (cached; `where` names it in errors)."""
        target, ref = self._pure_ref_target(schema)
        if target is not schema:
            return self.compile(target, direction, ref or where, hint=ref)
        key = (id(schema), direction)
        cached = self._cache.get(key)
        if cached is not None:
            if self._risk and self._risky.get(key):
                self._risk[-1] = True
            return cached
        slot = Slot()
        self._cache[key] = slot
        self._risk.append(False)
        try:
            node = self._build_original(schema, direction, where, hint)
        finally:
            risky = self._risk.pop()
        slot.node = node
        self._cache[key] = node
        self._risky[key] = risky
        if risky and self._risk:
            self._risk[-1] = True
        return node

    def is_risky(self, schema: Any, direction: Direction) -> bool:
        target, _ref = self._pure_ref_target(schema)
        return self._risky.get((id(target), direction), True)

    def synthetic(self, schemas: list[Any]) -> Any:
        """A schema meaning "all of these" (kept alive: its id is a cache key)."""
        if len(schemas) == 1:
            return schemas[0]
        merged = {"allOf": list(schemas)}
        self._keep.append(merged)
        return merged

    def check(self, schema: Any, direction: Direction) -> Check:
        return self.compiler.validator(schema, direction).is_valid

    def accepts(self, schema: Any, direction: Direction, value: Any) -> bool:
        """Whether `value` is valid against `schema`, checked once while planning: a null, a
        string, a number or a boolean (`null` itself, most `enum` values, examples and defaults)
        against the schema's scalar validator, which leaves out what it never meets and so the
        components reached only through properties and items (accord/schemas.py)."""
        return self.compiler.accepts(schema, value, direction)

    def mark_risky(self) -> None:
        if self._risk:
            self._risk[-1] = True

    # -- one schema of the document ---------------------------------------------------------------
    def _pure_ref_target(self, schema: Any) -> tuple[Any, str | None]:
        """Follow `$ref`s that carry nothing else that matters (3.0 ignores `$ref` siblings)."""
        seen = 0
        ref = None
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and seen < openapi.MAX_REF_HOPS:
            if self.version == "3.1" and any(k not in _ANNOTATIONS for k in schema if k != "$ref"):
                break
            if self.version != "3.1" and any(schema.get(k) is True for k in _REF_SIBLINGS_3_0):
                break
            target = openapi.target(self.document, schema["$ref"])
            if target is None:
                break
            ref = schema["$ref"]
            schema = target
            seen += 1
        return schema, ref

    def _build_original(self, schema: Any, direction: Direction, where: str, hint: str | None) -> Node:
        if schema is True or schema is None:
            return AnyNode()
        if schema is False:
            return ImpossibleNode("the schema is `false`", where)
        if not isinstance(schema, dict):
            return ImpossibleNode(f"not a schema: {type(schema).__name__}", where)
        parts, inlined = self.flatten(schema, frozenset())
        node = self.build(parts, direction, where, None, hint, inlined)
        if self._may_be_null([schema, *parts]) and self.accepts(schema, direction, None):
            node = ConstNode(None) if isinstance(node, ImpossibleNode) else NullableNode(node)
        candidates = [v for v in self._candidates(schema) if self.accepts(schema, direction, v)]
        if candidates:
            node = CandidatesNode(candidates, node)
        options = self.options
        if options.use_examples or options.use_default:
            # json-schema-faker's useExamplesValue / useDefaultValue: the document's value every
            # time (examples first, as json-schema-faker looks), when it is valid here.
            preferred = [v for v in self._candidates(schema, default=False) if self.accepts(schema, direction, v)] \
                if options.use_examples else []
            if not preferred and options.use_default and "default" in schema \
                    and self.accepts(schema, direction, schema["default"]):
                preferred = [schema["default"]]
            if preferred:
                node = ChoiceNode(preferred)
        if options.resolve_json_path and isinstance(schema.get("jsonPath"), str):
            self.json_paths = True
            self.mark_risky()  # the value found elsewhere may upset a keyword above this one: checked
            node = JsonPathNode(schema["jsonPath"], node, self.check(schema, direction))
        return node

    def _candidates(self, schema: dict[str, Any], default: bool = True) -> list[Any]:
        out: list[Any] = []
        if "example" in schema:
            out.append(schema["example"])
        if self.version == "3.1" and isinstance(schema.get("examples"), list):
            out.extend(schema["examples"])
        if default and "default" in schema:
            out.append(schema["default"])
        return out

    def _may_be_null(self, parts: Parts) -> bool:
        for part in parts:
            if not isinstance(part, dict):
                continue
            if part.get("nullable") is True or part.get("x-nullable") is True:
                return True
            kind = part.get("type")
            if kind == "null" or (isinstance(kind, list) and "null" in kind):
                return True
            if isinstance(part.get("enum"), list) and None in part["enum"]:
                return True
        return False

    # -- flattening -------------------------------------------------------------------------------
    def flatten(self, schema: Any, inlined: frozenset[str]) -> tuple[Parts, frozenset[str]]:
        out: Parts = []
        inlined = self._flatten(schema, out, inlined)
        return out, inlined

    def _flatten(self, schema: Any, out: Parts, inlined: frozenset[str]) -> frozenset[str]:
        if schema is True:
            return inlined
        if not isinstance(schema, dict):
            out.append(None)
            return inlined
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if ref in inlined:  # a schema that contains itself through allOf/oneOf: no way out here
                out.append(None)
                return inlined
            target = openapi.target(self.document, ref)
            if target is None:
                out.append(None)
                return inlined
            if self.version == "3.1":
                rest = {k: v for k, v in schema.items() if k != "$ref"}
                if rest:
                    inlined = self._flatten(rest, out, inlined)
            return self._flatten(target, out, inlined | {ref})
        all_of = schema.get("allOf")
        if isinstance(all_of, list) and all_of:
            out.append({k: v for k, v in schema.items() if k != "allOf"})
            for sub in all_of:
                inlined = self._flatten(sub, out, inlined)
            return inlined
        out.append(schema)
        return inlined

    # -- building ---------------------------------------------------------------------------------
    def build(self, parts: Parts, direction: Direction, where: str, fixed: dict[str, Any] | None,
              hint: str | None, inlined: frozenset[str]) -> Node:
        if any(part is None or part is False for part in parts):
            return ImpossibleNode("the schema cannot be satisfied (false, dangling or self-containing $ref)", where)
        if any(keyword in part for part in parts for keyword in _REWRITTEN):
            self.mark_risky()  # the rewrite is stricter, not equal: its values stay checked
            parts = self._rewrite(parts)
        for index, part in enumerate(parts):
            for keyword in ("oneOf", "anyOf"):
                branches = part.get(keyword)
                if isinstance(branches, list) and branches:
                    return self._branches(parts, index, keyword, direction, where, fixed, hint, inlined)
        if any(keyword in part for part in parts for keyword in _UNMODELLED):
            self.mark_risky()
        node = self._plain(parts, direction, where, fixed, hint)
        rejects = [self.check(part["not"], direction) for part in parts if "not" in part]
        if not rejects:
            return node
        if isinstance(node, AnyNode):  # "anything but X": offer every type, not only words
            node = TypeChoiceNode([self._typed(kind, parts, direction, where, fixed, hint) for kind in _ANY_TYPES])
        return NotNode(node, rejects, where)

    def _rewrite(self, parts: Parts) -> Parts:
        """Conditional keywords as the ones the nodes model, each at least as strict (so what
        meets the rewrite meets the original):

        - `if`/`then`/`else` → `anyOf: [{allOf: [if, then]}, {allOf: [{not: if}, else]}]`;
        - `dependentRequired` (and draft-4 `dependencies` lists) → `required`, and
          `dependentSchemas` (and `dependencies` schemas) → one more part, for every trigger
          the object declares or requires (objects are generated with their declared
          properties, so the trigger is usually there); a trigger nothing declares is left out.
        """
        declared = {name for part in parts for name in (part.get("properties") or ())}
        declared.update(n for part in parts for n in (part.get("required") or ()) if isinstance(n, str))
        out: Parts = []
        extra: Parts = []
        for part in parts:
            if not any(keyword in part for keyword in _REWRITTEN):
                out.append(part)
                continue
            out.append({k: v for k, v in part.items() if k not in _REWRITTEN})
            if "if" in part:
                condition = part["if"]
                extra.append({"anyOf": [{"allOf": [condition, part.get("then", True)]},
                                        {"allOf": [{"not": condition}, part.get("else", True)]}]})
            dependencies: dict[str, Any] = {}
            for keyword in ("dependencies", "dependentRequired", "dependentSchemas"):
                if isinstance(part.get(keyword), dict):
                    dependencies.update(part[keyword])
            for trigger, needed in dependencies.items():
                if trigger not in declared:
                    continue
                if isinstance(needed, list):
                    extra.append({"required": [n for n in needed if isinstance(n, str)]})
                elif isinstance(needed, (dict, bool)):
                    extra.append(needed)
        self._keep.append(extra)
        for part in extra:
            if part is True:
                continue
            if part is False:
                out.append(None)
            else:
                flat, _inlined = self.flatten(part, frozenset())
                out.extend(flat)
        return out

    def _branches(self, parts: Parts, index: int, keyword: str, direction: Direction, where: str,
                  fixed: dict[str, Any] | None, hint: str | None, inlined: frozenset[str]) -> Node:
        part = parts[index]
        branches = part[keyword]
        base = [*parts[:index], {k: v for k, v in part.items() if k != keyword}, *parts[index + 1:]]
        discriminator = next((p["discriminator"] for p in parts if _discriminator_name(p)), None)
        nodes: list[Node] = []
        for number, branch in enumerate(branches):
            branch_parts, branch_inlined = self.flatten(branch, inlined)
            branch_fixed = fixed
            branch_ref = branch.get("$ref") if isinstance(branch, dict) else None
            if discriminator is not None and isinstance(branch_ref, str):
                value = discriminator_value(discriminator, branch_ref)
                branch_fixed = {**(fixed or {}), discriminator["propertyName"]: value}
            nodes.append(self.build([*base, *branch_parts], direction, f"{where}/{keyword}/{number}",
                                    branch_fixed, branch_ref or hint, branch_inlined))
        if keyword != "oneOf" or len(branches) < 2:
            return BranchesNode(keyword, nodes, [[] for _ in nodes], None, where)
        checks = [self.check(branch, direction) for branch in branches]
        others = [[c for number, c in enumerate(checks) if number != chosen] for chosen in range(len(checks))]
        rescue = shapes.one_of_rescue(self, base, branches, checks, direction)
        return BranchesNode(keyword, nodes, others, rescue, where)

    def _plain(self, parts: Parts, direction: Direction, where: str, fixed: dict[str, Any] | None,
               hint: str | None) -> Node:
        values = self._enumerated(parts)
        if values is not None:
            valid = [v for v in values if all(self.accepts(part, direction, v) for part in parts)]
            if not valid:
                return ImpossibleNode("no `enum`/`const` value satisfies the rest of the schema", where)
            return ConstNode(valid[0]) if len(valid) == 1 else ChoiceNode(valid)
        types = self._types(parts)
        if types is None:
            types = self._inferred_types(parts)
        if not types:
            return ImpossibleNode("the parts of the schema allow no common type", where)
        concrete = sorted(t for t in types if t != "null") or ["null"]
        options = [self._typed(kind, parts, direction, where, fixed, hint) for kind in concrete]
        return options[0] if len(options) == 1 else TypeChoiceNode(options)

    def _enumerated(self, parts: Parts) -> list[Any] | None:
        for part in parts:
            if "const" in part:
                return [part["const"]]
        for part in parts:
            if isinstance(part.get("enum"), list):
                return list(part["enum"])
        return None

    def _types(self, parts: Parts) -> set[str] | None:
        allowed: set[str] | None = None
        for part in parts:
            kind = part.get("type")
            if kind is None:
                continue
            listed = kind if isinstance(kind, list) else [kind]
            kinds = {_TYPE_ALIASES.get(k, k) for k in listed if isinstance(k, str)}
            if self.version != "3.1" and (part.get("nullable") is True or part.get("x-nullable") is True):
                kinds.add("null")
            if allowed is None:
                allowed = kinds
            else:
                narrowed = {k for k in allowed if k in kinds}
                if ("integer" in allowed and "number" in kinds) or ("number" in allowed and "integer" in kinds):
                    narrowed.add("integer")
                allowed = narrowed
        return allowed

    def _inferred_types(self, parts: Parts) -> set[str]:
        present = {key for part in parts for key in part}
        formats = {part.get("format") for part in parts}
        if present.intersection(_OBJECT_KEYS):
            return {"object"}
        if present.intersection(_ARRAY_KEYS):
            return {"array"}
        if present.intersection(_STRING_KEYS) or formats.intersection(FORMATS):
            return {"string"}
        if formats.intersection(_INTEGER_FORMATS):
            return {"integer"}
        if present.intersection(_NUMBER_KEYS) or formats.intersection(_NUMBER_FORMATS):
            return {"number"}
        return {"any"}

    def _typed(self, kind: str, parts: Parts, direction: Direction, where: str, fixed: dict[str, Any] | None,
               hint: str | None) -> Node:
        if kind == "object":
            return shapes.object_node(self, parts, direction, where, fixed, hint)
        if kind == "array":
            return shapes.array_node(self, parts, direction, where)
        if kind == "string":
            return self._string(parts, where)
        if kind in ("integer", "number"):
            bounds = Bounds(integer=kind == "integer")
            for part in parts:
                bounds.add(part, self.version)
            return NumberNode(bounds, where)
        if kind == "boolean":
            return BoolNode()
        if kind == "null":
            return ConstNode(None)
        return AnyNode()

    def _string(self, parts: Parts, where: str) -> Node:
        low = max((p["minLength"] for p in parts if isinstance(p.get("minLength"), int)), default=0)
        high = min((p["maxLength"] for p in parts if isinstance(p.get("maxLength"), int)), default=None)
        if high is not None and high < low:
            return ImpossibleNode(f"minLength {low} exceeds maxLength {high}", where)
        # A pattern that cannot be read is left out of the validators (accord.schemas), so here too.
        sources = list(dict.fromkeys(p["pattern"] for p in parts
                                     if isinstance(p.get("pattern"), str) and prepare(p["pattern"]).ecma is not None))
        try:
            patterns = [compile_pattern(source) for source in sources]
        except PatternError as exc:
            return ImpossibleNode(str(exc), where)
        format_name = next((p["format"] for p in parts if p.get("format") in FORMATS), None)
        if format_name is not None and (low > 0 or high is not None):
            self.mark_risky()  # fixed-shape formats ignore length bounds
        if patterns and any(p.source != _plain_source(p.source) for p in patterns):
            self.mark_risky()
        if patterns and format_name is not None:
            self.mark_risky()  # a value drawn from the pattern is not made to the format's grammar
        return StringNode(low, high, patterns, format_name, where)


_ANNOTATIONS = frozenset(("description", "summary", "title", "$comment", "deprecated", "example",
                          "examples", "externalDocs", "xml"))
_REF_SIBLINGS_3_0 = ("nullable", "x-nullable", "readOnly", "writeOnly")


def _plain_source(source: str) -> str:
    """`source` itself unless it uses constructs whose meaning differs between ECMA and Python."""
    return "" if any(token in source for token in ("(?=", "(?!", "(?<", "\\p{", "\\b", "\\B")) else source


def _discriminator_name(part: Any) -> bool:
    discriminator = part.get("discriminator") if isinstance(part, dict) else None
    return isinstance(discriminator, dict) and isinstance(discriminator.get("propertyName"), str)
