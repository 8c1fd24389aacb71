"""Structural comparison of two schemas, direction-aware.

Schemas are compared by structure, never by component name: `$ref`s are followed on each side,
so renaming `Pet` to `Animal` is no change. `allOf` is flattened into one view (properties and
`required` merged, bounds tightest), `oneOf`/`anyOf` branches are paired (same component, then
structurally equal, then same title, then the last one left) before being compared.
Recursion stops at a pair of schemas already being compared, so circular schemas terminate.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from accord import pointers
from accord.diff.lifecycle import parse_sunset, stability_rank
from accord.diff.operations import Node
from accord.diff.rules import BOUNDS, BREAKING, RULES, bound_change
from accord.openapi import follow

#: emit(rule_id, old_pointer, new_pointer, what=..., old=..., new=...)
Emit = Callable[..., None]

_FIRST_WINS = ("type", "nullable", "x-nullable", "enum", "const", "pattern", "format", "default",
               "readOnly", "writeOnly", "title", "additionalProperties", "x-extensible-enum",
               # JSON Schema 2020-12 (OpenAPI 3.1)
               "contains", "if", "then", "else", "dependentRequired", "dependentSchemas", "prefixItems",
               "propertyNames", "patternProperties", "unevaluatedItems", "unevaluatedProperties",
               "contentSchema", "contentMediaType", "contentEncoding", "not",
               # lifecycle of a property
               "deprecated", "x-sunset", "x-stability-level")
#: allOf members carrying only these say something about the value, but constrain nothing.
_ANNOTATIONS = frozenset({"description", "title", "example", "examples", "deprecated", "$comment", "default",
                          "externalDocs", "readOnly", "writeOnly", "xml"})
_MAX_TRIALS = 400


@dataclass(slots=True, frozen=True)
class Where:
    """Where a schema sits: which side of the exchange, what to call it, how deep we are."""

    side: str  # request | response
    root: str  # rule prefix at the top: request-parameter, request-body, response-body, response-header
    label: str  # "query parameter `limit`", "request body", "response 200 body"
    path: tuple[str, ...] = ()
    base: tuple[str, ...] = ()  # what holds the schema, as a Change.subject prefix
    repeatable: bool = False  # a parameter where one value is also a one-element array (form, explode)
    in_text: bool = False  # a parameter serialised as text (any number is also a string)
    header: bool = False  # a header parameter

    def child(self, token: str) -> Where:
        return Where(self.side, self.root, self.label, (*self.path, token), self.base, self.repeatable, self.in_text,
                     self.header)

    @property
    def subject(self) -> tuple[str, ...]:
        """What a client uses that this change touches (see Change.subject)."""
        return (*self.base, *self.path)

    @property
    def prefix(self) -> str:
        if self.path and self.root in ("request-body", "response-body"):
            return f"{self.side}-property"
        if self.root == "request-parameter" and any(token != "[]" for token in self.path):
            return "request-header-property" if self.header else "request-parameter-property"
        return self.root

    @property
    def what(self) -> str:
        if not self.path:
            return self.label
        text = ""
        for token in self.path:
            text += "[]" if token == "[]" else (("." if text else "") + token)
        return f"{self.label} property `{text}`"


@dataclass(slots=True)
class View:
    """A schema with `$ref`s followed and `allOf` merged; each keyword keeps its holder's pointer."""

    pointer: str
    keywords: dict[str, tuple[Any, str]] = field(default_factory=dict)
    properties: dict[str, list[Node]] = field(default_factory=dict)  # allOf members may each add constraints
    required: dict[str, str] = field(default_factory=dict)
    items: Node | None = None
    additional: Node | None = None
    unions: dict[str, tuple[list[Node], str]] = field(default_factory=dict)
    refs: list[str] = field(default_factory=list)
    all_of: list[Node] = field(default_factory=list)  # the allOf members of the schema itself

    def value(self, keyword: str) -> Any:
        entry = self.keywords.get(keyword)
        return entry[0] if entry else None

    def at(self, keyword: str) -> str:
        entry = self.keywords.get(keyword)
        return entry[1] if entry else self.pointer

    @property
    def name(self) -> str | None:
        if self.refs:
            return self.refs[0].rsplit("/", 1)[-1]
        title = self.value("title")
        return str(title) if title is not None else None


def build_view(document: Any, node: Any, pointer: str, *more: Node) -> View:
    """The view of `node` (and of `more` nodes that constrain the same value, as allOf does)."""
    _, target_pointer = follow(document, node, pointer)
    view = View(pointer=target_pointer)
    seen: set[str] = set()

    def merge(raw: Any, at: str) -> None:
        if isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
            ref = raw["$ref"]
            view.refs.append(ref)
            merge_plain(*follow(document, {"$ref": ref}, at))
            siblings = {k: v for k, v in raw.items() if k != "$ref"}
            if siblings:  # 3.1 allows siblings; in 3.0 they are common in practice (nullable)
                merge_plain(siblings, at)
            return
        merge_plain(raw, at)

    def merge_plain(raw: Any, at: str) -> None:
        if not isinstance(raw, dict) or (at in seen and "$ref" not in raw):
            return
        seen.add(at)
        members = raw.get("allOf")
        if isinstance(members, list):
            if not view.all_of:
                view.all_of = [Node(member, f"{at}/allOf/{index}") for index, member in enumerate(members)]
            for index, member in enumerate(members):
                merge(member, f"{at}/allOf/{index}")
        properties = raw.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                view.properties.setdefault(name, []).append(Node(sub, pointers.join(at, "properties", name)))
        required = raw.get("required")
        if isinstance(required, list):
            for name in required:
                view.required.setdefault(str(name), f"{at}/required")
        if isinstance(raw.get("items"), dict) and view.items is None:
            view.items = Node(raw["items"], f"{at}/items")
        if isinstance(raw.get("additionalProperties"), dict) and view.additional is None:
            view.additional = Node(raw["additionalProperties"], f"{at}/additionalProperties")
        for union in ("oneOf", "anyOf"):
            branches = raw.get(union)
            if isinstance(branches, list) and union not in view.unions:
                view.unions[union] = ([Node(b, f"{at}/{union}/{i}") for i, b in enumerate(branches)], f"{at}/{union}")
        for keyword in _FIRST_WINS:
            if keyword in raw and keyword not in view.keywords:
                view.keywords[keyword] = (raw[keyword], at)
        for keyword, (_, kind) in BOUNDS.items():  # exclusiveMaximum as a 3.0 boolean flag is no bound
            _merge_bound(view, keyword, kind, raw.get(keyword), at)

    merge(node, pointer)
    for extra in more:
        merge(extra.value, extra.pointer)
    return view


def _merge_bound(view: View, keyword: str, kind: str, value: Any, at: str) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return
    current = view.keywords.get(keyword)
    if current is None or (value < current[0] if kind == "upper" else value > current[0]):
        view.keywords[keyword] = (value, at)


def _types(view: View) -> tuple[frozenset[str] | None, bool]:
    raw = view.value("type")
    nullable = view.value("nullable") is True or view.value("x-nullable") is True
    if isinstance(raw, str):
        types = {raw}
    elif isinstance(raw, list):
        types = {str(t) for t in raw}
    else:
        return None, nullable
    if "null" in types:
        nullable = True
        types.discard("null")
    return frozenset(types), nullable


def _widen(types: frozenset[str]) -> frozenset[str]:
    return types | {"integer"} if "number" in types else types


def _enum(view: View, keyword: str = "enum") -> dict[bytes, Any] | None:
    values = view.value(keyword)
    if not isinstance(values, list):
        return None
    result = {}
    for value in values:
        try:
            result[orjson.dumps(value, option=orjson.OPT_SORT_KEYS)] = value
        except TypeError:
            result[repr(value).encode()] = value
    return result


def _show(values: list[Any]) -> str:
    return ", ".join(f"`{orjson.dumps(v).decode()}`" for v in values)


class SchemaDiff:
    """Compares schemas of two documents for one operation; `visited` bounds the recursion."""

    def __init__(self, old_doc: Any, new_doc: Any, emit: Emit, same: Callable[[Any, Any], bool]) -> None:
        self.old_doc = old_doc
        self.new_doc = new_doc
        self.emit = emit
        self.same = same
        self.visited: set[tuple[str, str, str]] = set()
        #: (minimum deprecation days, today) of the operation's policy; None: properties' deprecation
        #: and stability are not judged (callbacks, trials)
        self.lifecycle: tuple[int, datetime.date] | None = None

    def compare(self, old: Node | list[Node], new: Node | list[Node], where: Where) -> None:
        """Compare two schemas; a list is several schemas constraining one value (allOf parts)."""
        olds, news = (old if isinstance(old, list) else [old]), (new if isinstance(new, list) else [new])
        if any(n.value is None for n in (*olds, *news)):
            return
        if len(olds) == len(news) == 1:
            if self.same(olds[0].value, news[0].value):
                return
        elif self.same([n.value for n in olds], [n.value for n in news]):
            return
        ov = build_view(self.old_doc, olds[0].value, olds[0].pointer, *olds[1:])
        nv = build_view(self.new_doc, news[0].value, news[0].pointer, *news[1:])
        key = (ov.pointer, nv.pointer, where.root)
        if key in self.visited:
            return
        self.visited.add(key)
        if self._list_of_types(ov, nv, where):
            return  # oneOf [string, integer] became [string]: one change of the set of types
        if (_plain(ov) and _pure_union(nv)) or (_pure_union(ov) and _plain(nv)):
            new_one_of = nv.unions.get("oneOf")
            if _plain(ov) and new_one_of and len(new_one_of[0]) > 1:
                self.emit(f"{where.prefix}-wrapped-in-one-of", ov.pointer, new_one_of[1], what=where.what,
                          subject=where.subject, new=f"{len(new_one_of[0])} alternatives")
            self._unions(ov, nv, where, wrap=True)  # Pet became oneOf [Pet, Robot], or back
            return
        if self._types(ov, nv, where):
            if "enum" in nv.keywords and "enum" not in ov.keywords:
                self._enum(ov, nv, where)  # string became integer with an enum: say both
            return  # a different type: its sub-schemas are not comparable
        if self.lifecycle is not None and where.path and where.prefix in ("request-property", "response-property"):
            self._property_lifecycle(ov, nv, where, *self.lifecycle)
        for check in (self._enum, self._const, self._bounds, self._strings, self._properties, self._children,
                      self._unions, self._all_of, self._subschemas, self._keyed):
            check(ov, nv, where)

    # -- keyword checks -------------------------------------------------------------------
    def _types(self, ov: View, nv: View, where: Where) -> bool:
        old_types, old_null = _types(ov)
        new_types, new_null = _types(nv)
        if old_null != new_null:
            rule = "became-nullable" if new_null else "became-not-nullable"
            self.emit(f"{where.prefix}-{rule}", ov.at("type"), nv.at("type"), what=where.what, subject=where.subject)
        if old_types is None or new_types is None or old_types == new_types:
            return False
        old_text, new_text = "|".join(sorted(old_types)), "|".join(sorted(new_types))
        on_the_wire = self._parameter_types(old_types, new_types, ov, nv, where)
        if on_the_wire:
            rule = on_the_wire
        elif new_types <= _widen(old_types):
            rule = "type-specialized"
        elif old_types <= _widen(new_types):
            rule = "type-generalized"
        else:
            rule = "type-changed"
        self.emit(f"{where.prefix}-{rule}", ov.at("type"), nv.at("type"),
                  what=where.what, subject=where.subject, old=old_text, new=new_text)
        return rule == "type-changed"

    def _parameter_types(self, old_types: frozenset[str], new_types: frozenset[str], ov: View, nv: View,
                         where: Where) -> str | None:
        """Type changes a parameter sees differently: on the wire `?n=5` is text, so number -> string
        accepts all it did (and string -> number narrows); with form style and explode `?tag=a` is
        also a one-element array, so scalar -> array of it accepts all it did, unless the items are
        constrained more than the scalar was."""
        if where.root != "request-parameter":
            return None
        scalars = {"number", "integer", "boolean", "string"}
        if where.in_text and old_types <= scalars and new_types <= scalars:
            if "string" in new_types and "string" not in old_types:
                return "type-generalized"
            if "string" in old_types and "string" not in new_types:
                return "type-specialized"
        if where.repeatable and not where.path and new_types == {"array"} and nv.items is not None:
            item_types, _ = _types(build_view(self.new_doc, nv.items.value, nv.items.pointer))
            if item_types is not None and old_types <= _widen(item_types) and not self._narrows(
                    _itself(ov), nv.items, where):
                return "type-generalized"
        return None

    def _narrows(self, old: Node, new: Node, where: Where) -> bool:
        """Whether comparing the two schemas would report a breaking change."""
        found: list[str] = []
        trial = SchemaDiff(self.old_doc, self.new_doc, lambda rule_id, *a, **k: found.append(rule_id), self.same)
        trial.visited = set(self.visited)
        trial.compare(old, new, where)
        return any(RULES[rule_id].level == BREAKING for rule_id in found)

    def _enum(self, ov: View, nv: View, where: Where) -> None:
        old_open, new_open = _enum(ov, "x-extensible-enum"), _enum(nv, "x-extensible-enum")
        if old_open and new_open is not None:
            removed_open = [v for k, v in old_open.items() if k not in new_open]
            if removed_open:
                self.emit(f"{where.prefix}-x-extensible-enum-value-removed", ov.at("x-extensible-enum"),
                          nv.at("x-extensible-enum"), what=where.what, subject=where.subject,
                          old=_show(removed_open))
        old_enum, new_enum = _enum(ov), _enum(nv)
        old_at, new_at = ov.at("enum"), nv.at("enum")
        if old_enum is None:
            if new_enum is not None:
                self.emit(f"{where.prefix}-became-enum", old_at, new_at, what=where.what, subject=where.subject,
                          new=_show(list(new_enum.values())))
            return
        if new_enum is None:
            self.emit(f"{where.prefix}-enum-removed", old_at, new_at, what=where.what, subject=where.subject)
            return
        removed = [v for k, v in old_enum.items() if k not in new_enum]
        added = [v for k, v in new_enum.items() if k not in old_enum]
        if removed:
            self.emit(f"{where.prefix}-enum-value-removed", old_at, new_at,
                      what=where.what, subject=where.subject, old=_show(removed))
        if added and not (where.side == "response" and nv.value("x-extensible-enum")):
            self.emit(f"{where.prefix}-enum-value-added", old_at, new_at,
                      what=where.what, subject=where.subject, new=_show(added))

    def _property_lifecycle(self, ov: View, nv: View, where: Where, days: int, today: datetime.date) -> None:
        """A property deprecated (with a sunset held to the policy's minimum days) or reactivated;
        its x-stability-level lowered or raised."""
        prefix, at = where.prefix, (ov.at("deprecated"), nv.at("deprecated"))
        was, now = ov.value("deprecated") is True, nv.value("deprecated") is True
        raw_sunset = nv.value("x-sunset")
        if not was and now:
            if raw_sunset is None:
                rule = f"{prefix}-deprecated-sunset-missing" if days else f"{prefix}-deprecated"
                self.emit(rule, *at, what=where.what, subject=where.subject, new=days)
            else:
                sunset = parse_sunset(str(raw_sunset))
                if sunset is None:
                    rule = f"{prefix}-deprecated-sunset-invalid"
                elif sunset < today + datetime.timedelta(days=days):
                    rule = f"{prefix}-sunset-date-too-small"
                else:
                    rule = f"{prefix}-deprecated-with-sunset"
                self.emit(rule, *at, what=where.what, subject=where.subject, old=str(raw_sunset), new=days)
        elif was and not now:
            self.emit(f"{prefix}-reactivated", *at, what=where.what, subject=where.subject)
        old_level, new_level = ov.value("x-stability-level"), nv.value("x-stability-level")
        old_rank = stability_rank(str(old_level) if old_level is not None else None)
        new_rank = stability_rank(str(new_level) if new_level is not None else None)
        if old_rank is not None and new_rank is not None and old_rank != new_rank:
            change = "decreased" if new_rank < old_rank else "increased"
            self.emit(f"{prefix}-stability-{change}", ov.at("x-stability-level"), nv.at("x-stability-level"),
                      what=where.what, subject=where.subject, old=old_level or "stable", new=new_level or "stable")

    def _const(self, ov: View, nv: View, where: Where) -> None:
        has_old, has_new = "const" in ov.keywords, "const" in nv.keywords
        old_value, new_value = ov.value("const"), nv.value("const")
        if has_old and has_new:
            if old_value != new_value:
                rule = "const-changed"
            else:
                return
        elif has_new:
            rule = "const-added"
        elif has_old:
            rule = "const-removed"
        else:
            return
        self.emit(f"{where.prefix}-{rule}", ov.at("const"), nv.at("const"), what=where.what, subject=where.subject,
                  old=_show([old_value]), new=_show([new_value]))

    def _list_of_types(self, ov: View, nv: View, where: Where) -> bool:
        old_types, new_types = self._type_list(self.old_doc, ov), self._type_list(self.new_doc, nv)
        if old_types is None or new_types is None or not (old_types[1] or new_types[1]):
            return False  # neither side is a union of bare types
        widened, narrowed = sorted(new_types[0] - old_types[0]), sorted(old_types[0] - new_types[0])
        if widened:
            self.emit(f"{where.prefix}-list-of-types-widened", ov.pointer, nv.pointer, what=where.what,
                      subject=where.subject, new=", ".join(f"`{t}`" for t in widened))
        if narrowed:
            self.emit(f"{where.prefix}-list-of-types-narrowed", ov.pointer, nv.pointer, what=where.what,
                      subject=where.subject, old=", ".join(f"`{t}`" for t in narrowed))
        return True

    def _type_list(self, document: Any, view: View) -> tuple[frozenset[str], bool] | None:
        """The set of types a bare-typed schema allows, and whether it was written as a union."""
        bare = frozenset({"type", "format", "title", "description", "nullable"})
        if not view.unions:
            kind = view.value("type")
            if isinstance(kind, str) and not view.properties and view.items is None:
                return frozenset({kind}), False
            return None
        if len(view.unions) != 1 or view.properties or view.value("type") is not None:
            return None
        (branches, _), = view.unions.values()
        types: set[str] = set()
        for branch in branches:
            target, _ = follow(document, branch.value, branch.pointer)
            if not isinstance(target, dict) or not isinstance(target.get("type"), str) or set(target) - bare:
                return None
            types.add(target["type"])
        return frozenset(types), True

    def _all_of(self, ov: View, nv: View, where: Where) -> None:
        """allOf members added or removed (both sides written with allOf; pairs by content)."""
        if not ov.all_of or not nv.all_of:
            return
        old_left = [(self._content(self.old_doc, n), n) for n in ov.all_of]
        added: list[Node] = []
        for member in nv.all_of:
            key = self._content(self.new_doc, member)
            match = next((entry for entry in old_left if entry[0] == key), None)
            if match is not None:
                old_left.remove(match)
            else:
                added.append(member)
        edited = min(len(old_left), len(added))  # an edited member: compared through the merged view
        for node, rule, document in ([(n, "removed", self.old_doc) for _, n in old_left[edited:]]
                                     + [(n, "added", self.new_doc) for n in added[edited:]]):
            target, _ = follow(document, node.value, node.pointer)
            suffix = "-annotation-only" if isinstance(target, dict) and set(target) <= _ANNOTATIONS else ""
            name = self._branch_name(document, node, int(node.pointer.rsplit("/", 1)[-1]))
            old_at, new_at = (node.pointer, nv.pointer) if rule == "removed" else (ov.pointer, node.pointer)
            self.emit(f"{where.prefix}-all-of-{rule}{suffix}", old_at, new_at, what=where.what,
                      subject=where.subject, old=name, new=name)

    @staticmethod
    def _content(document: Any, node: Node) -> bytes:
        target, _ = follow(document, node.value, node.pointer)
        try:
            return orjson.dumps(target, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            return repr(target).encode()

    def _subschemas(self, ov: View, nv: View, where: Where) -> None:
        """2020-12 keywords holding one schema: added, removed, or compared."""
        for keyword, rule in (("contains", "contains"), ("if", "if"), ("then", "then"), ("else", "else"),
                              ("propertyNames", "property-names"), ("contentSchema", "content-schema"),
                              ("not", "not"), ("unevaluatedItems", "unevaluated-items"),
                              ("unevaluatedProperties", "unevaluated-properties")):
            has_old = keyword in ov.keywords and ov.value(keyword) is not True
            has_new = keyword in nv.keywords and nv.value(keyword) is not True
            old_at, new_at = ov.at(keyword), nv.at(keyword)
            if has_old and has_new:
                old_value, new_value = ov.value(keyword), nv.value(keyword)
                if self.same(old_value, new_value):
                    continue
                if keyword in ("if", "not"):  # a changed condition has no direction
                    if keyword == "not":
                        self.emit(f"{where.prefix}-not-changed", old_at, new_at, what=where.what,
                                  subject=where.subject)
                    continue
                if isinstance(old_value, dict) and isinstance(new_value, dict):
                    self.compare(Node(old_value, pointers.join(old_at, keyword)),
                                 Node(new_value, pointers.join(new_at, keyword)), where)
                elif new_value is False:
                    self.emit(f"{where.prefix}-{rule}-added", old_at, new_at, what=where.what, subject=where.subject)
                elif old_value is False:
                    self.emit(f"{where.prefix}-{rule}-removed", old_at, new_at, what=where.what,
                              subject=where.subject)
            elif has_new:
                self.emit(f"{where.prefix}-{rule}-added", old_at, pointers.join(new_at, keyword), what=where.what,
                          subject=where.subject)
            elif has_old:
                self.emit(f"{where.prefix}-{rule}-removed", pointers.join(old_at, keyword), new_at, what=where.what,
                          subject=where.subject)
        for keyword, rule in (("contentMediaType", "content-media-type-changed"),
                              ("contentEncoding", "content-encoding-changed")):
            old_value, new_value = ov.value(keyword), nv.value(keyword)
            if old_value != new_value:
                self.emit(f"{where.prefix}-{rule}", ov.at(keyword), nv.at(keyword), what=where.what,
                          subject=where.subject, old=old_value or "none", new=new_value or "none")

    def _keyed(self, ov: View, nv: View, where: Where) -> None:
        """2020-12 keywords holding a map or list: dependentRequired, dependentSchemas,
        patternProperties, prefixItems."""
        old_required, new_required = _mapping(ov.value("dependentRequired")), _mapping(nv.value("dependentRequired"))
        old_at, new_at = ov.at("dependentRequired"), nv.at("dependentRequired")
        for key in dict.fromkeys([*old_required, *new_required]):
            old_list, new_list = old_required.get(key), new_required.get(key)
            rule = ("added" if old_list is None else "removed" if new_list is None
                    else "changed" if set(map(str, old_list or [])) != set(map(str, new_list or [])) else None)
            if rule:
                self.emit(f"{where.prefix}-dependent-required-{rule}", old_at, new_at, what=where.what,
                          subject=where.subject, old=f"`{key}`", new=_show(list(new_list or [])))
        for keyword, rule, child in (("dependentSchemas", "dependent-schema", False),
                                     ("patternProperties", "pattern-property", True)):
            old_map, new_map = _mapping(ov.value(keyword)), _mapping(nv.value(keyword))
            old_at, new_at = ov.at(keyword), nv.at(keyword)
            for key in dict.fromkeys([*old_map, *new_map]):
                old_pointer = pointers.join(old_at, keyword, key)
                new_pointer = pointers.join(new_at, keyword, key)
                if key not in old_map:
                    self.emit(f"{where.prefix}-{rule}-added", old_at, new_pointer, what=where.what,
                              subject=where.subject, new=key)
                elif key not in new_map:
                    self.emit(f"{where.prefix}-{rule}-removed", old_pointer, new_at, what=where.what,
                              subject=where.subject, old=key)
                else:
                    self.compare(Node(old_map[key], old_pointer), Node(new_map[key], new_pointer),
                                 where.child(key) if child else where)
        old_items, new_items = ov.value("prefixItems"), nv.value("prefixItems")
        old_items = old_items if isinstance(old_items, list) else []
        new_items = new_items if isinstance(new_items, list) else []
        old_at, new_at = ov.at("prefixItems"), nv.at("prefixItems")
        for index in range(max(len(old_items), len(new_items))):
            old_pointer = pointers.join(old_at, "prefixItems", str(index))
            new_pointer = pointers.join(new_at, "prefixItems", str(index))
            if index >= len(old_items):
                self.emit(f"{where.prefix}-prefix-items-added", old_at, new_pointer, what=where.what,
                          subject=where.subject, new=f"#{index}")
            elif index >= len(new_items):
                self.emit(f"{where.prefix}-prefix-items-removed", old_pointer, new_at, what=where.what,
                          subject=where.subject, old=f"#{index}")
            else:
                self.compare(Node(old_items[index], old_pointer), Node(new_items[index], new_pointer),
                             where.child(f"[{index}]"))

    def _bounds(self, ov: View, nv: View, where: Where) -> None:
        for keyword, (name, kind) in BOUNDS.items():
            old_value, new_value = ov.value(keyword), nv.value(keyword)
            change = bound_change(old_value, new_value, kind)
            if change:
                self.emit(f"{where.prefix}-{name}-{change}", ov.at(keyword), nv.at(keyword),
                          what=where.what, subject=where.subject, keyword=keyword, old=old_value, new=new_value)

    def _strings(self, ov: View, nv: View, where: Where) -> None:
        old_pattern, new_pattern = ov.value("pattern") or None, nv.value("pattern") or None  # "" matches all
        if old_pattern != new_pattern:
            rule = (
                "pattern-added" if old_pattern is None
                else "pattern-removed" if new_pattern is None
                else "pattern-changed"
            )
            self.emit(f"{where.prefix}-{rule}", ov.at("pattern"), nv.at("pattern"),
                      what=where.what, subject=where.subject, old=old_pattern, new=new_pattern)
        old_format, new_format = ov.value("format"), nv.value("format")
        if old_format != new_format:
            self.emit(f"{where.prefix}-format-changed", ov.at("format"), nv.at("format"),
                      what=where.what, subject=where.subject,
                      old=old_format or "none", new=new_format or "none")
        has_old, has_new = "default" in ov.keywords, "default" in nv.keywords
        if (has_old, has_new) != (False, False) and (has_old != has_new or ov.value("default") != nv.value("default")):
            change = "changed" if has_old and has_new else "added" if has_new else "removed"
            self.emit(f"{where.prefix}-default-value-{change}", ov.at("default"), nv.at("default"),
                      what=where.what, subject=where.subject,
                      old=_show([ov.value("default")]), new=_show([nv.value("default")]))

    def _skipped(self, document: Any, nodes: list[Node], where: Where) -> bool:
        """readOnly properties are not sent in requests, writeOnly ones not returned (OAS 3 §4.8.24)."""
        flag = "readOnly" if where.side == "request" else "writeOnly"
        for node in nodes:
            if isinstance(node.value, dict) and node.value.get(flag) is True:
                return True
            target, _ = follow(document, node.value, node.pointer)
            if isinstance(target, dict) and target.get(flag) is True:
                return True
        return False

    def _properties(self, ov: View, nv: View, where: Where) -> None:
        names = list(dict.fromkeys([*ov.properties, *ov.required, *nv.properties, *nv.required]))
        request = where.side == "request"
        for name in names:
            old_prop, new_prop = ov.properties.get(name), nv.properties.get(name)
            old_req, new_req = name in ov.required, name in nv.required
            if (old_prop and self._skipped(self.old_doc, old_prop, where)) or (
                new_prop and self._skipped(self.new_doc, new_prop, where)
            ):
                continue
            old_exists = old_prop is not None or old_req
            new_exists = new_prop is not None or new_req
            old_at = old_prop[0].pointer if old_prop else ov.required.get(name, ov.pointer)
            new_at = new_prop[0].pointer if new_prop else nv.required.get(name, nv.pointer)
            child = where.child(name)
            if old_exists and not new_exists:
                rule = "request-property-removed" if request else (
                    "response-required-property-removed" if old_req else "response-optional-property-removed")
                self.emit(rule, old_at, nv.pointer, what=child.what, subject=child.subject)
            elif new_exists and not old_exists:
                if request and where.header:
                    rule = "new-required-request-header-property" if new_req else "new-optional-request-header-property"
                elif request:
                    rule = "new-required-request-property" if new_req else "new-optional-request-property"
                    if new_req and new_prop and any(self._has_default(n) for n in new_prop):
                        rule = "new-required-request-property-with-default"
                else:
                    rule = "response-required-property-added" if new_req else "response-optional-property-added"
                self.emit(rule, ov.pointer, new_at, what=child.what, subject=child.subject)
            else:
                if old_req != new_req:
                    state = "required" if new_req else "optional"
                    rule = f"{where.side}-property-became-{state}"
                    if request and where.header:
                        rule = f"request-header-property-became-{state}"
                    elif request and new_req and new_prop and any(self._has_default(n) for n in new_prop):
                        rule = "request-property-became-required-with-default"
                    self.emit(rule, old_at, new_at, what=child.what, subject=child.subject)
                if old_prop and new_prop:
                    self.compare(old_prop, new_prop, child)

    def _has_default(self, node: Node) -> bool:
        target, _ = follow(self.new_doc, node.value, node.pointer)
        return isinstance(target, dict) and "default" in target

    def _children(self, ov: View, nv: View, where: Where) -> None:
        if ov.items and nv.items:
            self.compare(ov.items, nv.items, where.child("[]"))
        if ov.additional and nv.additional:
            self.compare(ov.additional, nv.additional, where.child("*"))
        old_extra, new_extra = ov.value("additionalProperties"), nv.value("additionalProperties")
        if old_extra is not False and new_extra is False and (ov.properties or nv.properties):
            self.emit(f"{where.prefix}-additional-properties-restricted", ov.at("additionalProperties"),
                      nv.at("additionalProperties"), what=where.what, subject=where.subject)

    # -- unions ---------------------------------------------------------------------------
    def _unions(self, ov: View, nv: View, where: Where, wrap: bool = False) -> None:
        for union, rule in (("oneOf", "one-of"), ("anyOf", "any-of")):
            old_entry, new_entry = ov.unions.get(union), nv.unions.get(union)
            if old_entry is None and new_entry is None:
                continue
            # In `wrap` mode a plain schema is compared as a union of one branch: itself.
            old_branches, old_at = old_entry or ([_itself(ov)] if wrap else [], ov.pointer)
            new_branches, new_at = new_entry or ([_itself(nv)] if wrap else [], nv.pointer)
            if not old_branches or not new_branches:
                continue
            pairs, removed, added = self._pair(old_branches, new_branches, where)
            for i, j in pairs:
                self.compare(old_branches[i], new_branches[j], where)
            for i in removed:
                self.emit(f"{where.prefix}-{rule}-removed", old_branches[i].pointer, new_at,
                          what=where.what, subject=where.subject,
                          old=self._branch_name(self.old_doc, old_branches[i], i))
            for j in added:
                self.emit(f"{where.prefix}-{rule}-added", old_at, new_branches[j].pointer,
                          what=where.what, subject=where.subject,
                          new=self._branch_name(self.new_doc, new_branches[j], j))

    def _branch_name(self, document: Any, node: Node, index: int) -> str:
        name = build_view(document, node.value, node.pointer).name
        return f"`{name}`" if name else f"#{index}"

    def _pair(
        self, old: list[Node], new: list[Node], where: Where
    ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
        left, right = list(range(len(old))), list(range(len(new)))
        pairs: list[tuple[int, int]] = []

        def take(match: Callable[[int, int], bool]) -> None:
            for i in list(left):
                for j in right:
                    if match(i, j):
                        pairs.append((i, j))
                        left.remove(i)
                        right.remove(j)
                        break

        old_views = [build_view(self.old_doc, n.value, n.pointer) for n in old]
        new_views = [build_view(self.new_doc, n.value, n.pointer) for n in new]
        take(lambda i, j: bool(old_views[i].refs) and old_views[i].refs == new_views[j].refs)
        if len(left) * len(right) <= _MAX_TRIALS:
            take(lambda i, j: self._trial(old[i], new[j], where) == 0)
        take(lambda i, j: old_views[i].name is not None and old_views[i].name == new_views[j].name)
        # Last: branches of the same shape that both changed, fewest differences first.
        candidates = sorted(
            (self._trial(old[i], new[j], where), abs(i - j), i, j)
            for i in left for j in right
            if len(left) * len(right) <= _MAX_TRIALS and self._similar(old_views[i], new_views[j])
        )
        for _, _, i, j in candidates:
            if i in left and j in right:
                pairs.append((i, j))
                left.remove(i)
                right.remove(j)
        return pairs, left, right

    def _similar(self, ov: View, nv: View, depth: int = 0) -> bool:
        """Same type and mostly the same property names (array items alike): one branch, edited."""
        if ov.value("type") != nv.value("type") or depth > 3:
            return False
        old_names, new_names = set(ov.properties), set(nv.properties)
        if old_names or new_names:
            return len(old_names & new_names) * 2 >= len(old_names | new_names)
        if ov.items and nv.items:
            return self._similar(build_view(self.old_doc, ov.items.value, ov.items.pointer),
                                 build_view(self.new_doc, nv.items.value, nv.items.pointer), depth + 1)
        return True

    def _trial(self, old: Node, new: Node, where: Where) -> int:
        """How many changes comparing two branches would report (0: structurally equal)."""
        found: list[object] = []
        trial = SchemaDiff(self.old_doc, self.new_doc, lambda *a, **k: found.append(a), self.same)
        trial.visited = set(self.visited)
        trial.compare(old, new, where)
        return len(found)


def _mapping(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def _plain(view: View) -> bool:
    return not view.unions


def _pure_union(view: View) -> bool:
    """Only a oneOf/anyOf: no properties or type of its own to compare."""
    return bool(view.unions) and not view.properties and view.value("type") is None


def _itself(view: View) -> Node:
    return Node({"$ref": "#" + view.pointer}, view.pointer)
