"""A converted schema with its local `$ref`s replaced by their targets, where that changes nothing
a validator reports but its cost.

jsonschema-rs builds an error met under a `$ref` at a higher cost than the same error met in place
(about 6k instructions more, 0.60.3: the reference's locations are carried into the error), and
the mock builds every error of every invalid request body (docs/performance.md, run 16). A
reference is replaced by a copy of its target when the result validates exactly as the reference
does:

- draft 4 (OpenAPI 3.0, Swagger 2.0) ignores the siblings of `$ref`, so the node becomes the
  target; 2020-12 (OpenAPI 3.1) applies them, so only a node that is `$ref` alone is replaced;
- the target is an object schema (a boolean target's error is located at the target itself);
- a reference met again inside its own expansion stays a reference (recursive schemas), and the
  referenced definitions stay where they were (`components` at the root), so every reference
  left resolves as before;
- nothing changes the base URI or names a location (`$id`, draft 4's `id`, anchors, dynamic
  and recursive references): such a schema is left as it is, as is one whose expansion would pass
  `MAX_NODES` schema objects (a document whose definitions reference each other many times).

Each schema object keeps its keywords, and jsonschema-rs orders a node's keywords by their kind,
not by where they come from, so the errors come in the same order with the same kinds, paths and
last schema-path keyword (tests/accord/test_inlining.py).
"""

from __future__ import annotations

from typing import Any

from accord import pointers

#: Keywords whose value is a map of schemas, a list of schemas, or one schema (or a list, draft 4 `items`).
SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_SINGLE = ("items", "not", "additionalProperties", "contains", "if", "then", "else", "propertyNames",
                 "unevaluatedItems", "unevaluatedProperties", "additionalItems")
#: Keywords that change the base URI or name a location: a schema holding one is not inlined.
_SCOPED = frozenset({"$id", "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveAnchor", "$recursiveRef"})
#: Most schema objects an inlined schema may have (the one it replaces had fewer).
MAX_NODES = 5_000


class _NotInlined(Exception):
    """The schema is left as it is (see the module docstring)."""


def inlined(root: dict[str, Any], kept: frozenset[str], *, draft4: bool, max_nodes: int = MAX_NODES) -> dict[str, Any]:
    """`root` (a converted schema, with the definitions it references under `kept`, its top-level
    members named like the document's: `components`…) with its local references replaced by their
    targets where nothing but the cost changes; `root` itself when the schema is not inlined."""
    budget = [max_nodes]

    def walk(node: Any, active: frozenset[str]) -> Any:
        if not isinstance(node, dict):
            return node
        budget[0] -= 1
        if budget[0] < 0 or node.keys() & _SCOPED or (draft4 and isinstance(node.get("id"), str)):
            raise _NotInlined
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = _target(root, ref, active)
            if target is not None and (draft4 or len(node) == 1):
                return walk(target, active | {ref})
            if draft4:
                return node  # its siblings are ignored: nothing else to walk
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {name: walk(sub, active) for name, sub in value.items()}
            elif key in SCHEMA_LISTS and isinstance(value, list):
                out[key] = [walk(sub, active) for sub in value]
            elif key in SCHEMA_SINGLE and isinstance(value, list):  # draft 4 tuple `items`
                out[key] = [walk(sub, active) for sub in value]
            elif key in SCHEMA_SINGLE:
                out[key] = walk(value, active)
            else:
                out[key] = value
        return out

    try:
        ref = root.get("$ref")
        target = _target(root, ref, frozenset()) if isinstance(ref, str) else None
        if target is None:  # the schema's own keywords, the definitions beside them (unknown keywords)
            walked: dict[str, Any] = walk(root, frozenset())
            return walked
        # A reference at the root has the definitions as siblings (and 2020-12's `$schema`): the
        # target's keywords take its place beside them, unless a name is taken twice.
        beside = root.keys() - {"$ref"}
        if not beside <= kept | {"$schema"}:
            return root
        expanded: dict[str, Any] = walk(target, frozenset({str(ref)}))
        if expanded.keys() & beside:
            return root
        return {**expanded, **{key: root[key] for key in beside}}
    except _NotInlined:
        return root


def _target(root: dict[str, Any], ref: Any, active: frozenset[str]) -> dict[str, Any] | None:
    """The object schema a local reference points to, unless it is being expanded already."""
    if not isinstance(ref, str) or not ref.startswith("#/") or ref in active:
        return None
    try:
        target = pointers.resolve(root, ref)
    except KeyError:
        return None  # left for the validator to report, as before
    return target if isinstance(target, dict) else None
