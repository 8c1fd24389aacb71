"""OpenAPI Schema Objects as compiled JSON Schema validators (jsonschema-rs).

OpenAPI 3.0 and Swagger 2.0 schemas are a dialect of JSON Schema draft 4 (`nullable`,
`x-nullable`, `readOnly`/`writeOnly` relaxing `required`); 3.1 schemas are draft 2020-12.
`SchemaCompiler` converts a schema once, carries along only the components it references
(by their original JSON pointers, so `$ref`s keep working), and caches the compiled validator.

A compiled validator holds its own copy of every component it reaches: on a densely linked
document (Stripe's: nearly every schema reaches nearly all 775 components) that is megabytes
each. So validators are shared by what they hold, not by which dict asked for them: the same
schema written in many operations (`$ref: '#/components/schemas/error'` under every `default`
response), or asked for by the mock and by its generator, is compiled once (`SharedValidators`).
A value that is no object or array is checked against a scalar validator (`scalar_validator`),
which leaves out what only objects and arrays meet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import jsonschema_rs
import orjson

from accord import openapi, pointers
from accord.errors import AccordError
from accord.inlining import inlined
from accord.patterns import compiles, prepare

Direction = Literal["request", "response", "any"]

_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_SINGLE = ("items", "not", "additionalProperties", "contains", "if", "then", "else",
                  "propertyNames", "unevaluatedItems", "unevaluatedProperties", "additionalItems")
_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
#: Annotations a 2.0/3.0 Schema Object may carry that validate nothing: left out of the compiled schema.
_OPENAPI_ONLY = ("example", "examples", "discriminator", "xml", "externalDocs", "deprecated")
#: Keywords that apply to objects and arrays only: a value of another type passes them whatever
#: they hold, so a validator for such values leaves them out, and the components only they reach.
_CONTAINER_ONLY = frozenset((
    "properties", "patternProperties", "additionalProperties", "required", "minProperties", "maxProperties",
    "dependencies", "dependentRequired", "dependentSchemas", "propertyNames", "unevaluatedProperties",
    "items", "additionalItems", "prefixItems", "contains", "minContains", "maxContains", "minItems", "maxItems",
    "uniqueItems", "unevaluatedItems",
))
#: What a draft-4 schema object with a `$ref` keeps: its other keywords are ignored by the validator.
_REF_SIBLINGS_READ = frozenset(("$ref", "nullable", "x-nullable"))
#: What in a schema or a component it reaches makes its validator differ by compiler (`format:
#: byte`, checked by the mock's).
_BYTE = "byte"


@dataclass(slots=True, frozen=True)
class SchemaViolation:
    """One way an instance fails a schema: where in the instance, and why."""

    pointer: str  # RFC 6901 pointer into the instance ("" = the whole instance)
    message: str
    keyword: str


@dataclass(slots=True, frozen=True)
class PatternNote:
    """A `pattern` left out of a compiled schema (the rest of the schema still checks): where it
    is written (an RFC 6901 pointer into the document; None when the caller did not say where
    the schema is), the pattern, and why it cannot be read."""

    pointer: str | None
    pattern: str
    problem: str

    def message(self) -> str:
        return f"pattern {self.pattern!r} is not checked: {self.problem}"


class SchemaCompileError(AccordError, ValueError):
    """The schema itself cannot be compiled (for example an invalid `pattern`); a ValueError too,
    for the callers that catch it with other bad-value errors."""

    exit_code = 2


class SharedValidators:
    """Compiled validators of one document by what they hold, for every compiler that shares it.

    The key is the schema as converted for a direction, its `$ref`s not followed (the components
    they reach are a function of the references and the document), shared by every compiler
    unless something it reaches has `format: byte` (which only the mock's compiler checks). Each
    entry keeps the notes about unreadable patterns in the components it reached, told again to a
    compiler that finds it (`SchemaCompiler.on_pattern`). Entries live as long as the compilers: a
    validator asked for once is asked for again on every request it checks.
    """

    __slots__ = ("compiled",)

    def __init__(self) -> None:
        self.compiled: dict[tuple[Any, ...], tuple[jsonschema_rs.Validator, tuple[PatternNote, ...]]] = {}

    def __len__(self) -> int:
        return len(self.compiled)


@dataclass(slots=True)
class _Run:
    """One conversion: its direction, whether only what a scalar meets is kept (`_CONTAINER_ONLY`
    left out), the components converted so far, what the result depends on (`_BYTE`), the root's
    own `$ref`s (listed to follow once the root is converted) and the notes about unreadable
    patterns, in order."""

    direction: Direction
    scalar: bool = False
    inline: bool = False  # references replaced by their targets where errors stay the same (accord.inlining)
    masked: bool = False  # errors whose messages do not write the instance out (`masked_validator`)
    refs: dict[str, Any] = field(default_factory=dict)
    marks: set[str] = field(default_factory=set)
    found: list[str] = field(default_factory=list)
    notes: list[PatternNote] = field(default_factory=list)
    #: The schema objects being converted (by id), each with its pointer once met inside itself.
    active: dict[int, str | None] = field(default_factory=dict)
    recurring: int = 0


def _options(run: _Run) -> dict[str, bool]:
    """`_build`'s options for what `run` converted: masked or not, and without OPENAPI_FORMATS where
    no schema object it converted has `format: byte` (the only format they add). A validator given
    a format checker of Python's pays for it on every error it builds (~800 instructions with
    jsonschema-rs 0.60), whether or not a value has that format."""
    options = {}
    if run.masked:
        options["masked"] = True
    if _BYTE not in run.marks:
        options["byte"] = False
    return options


class SchemaCompiler:
    """Compiles schemas of one document; validators are cached per schema and direction, and
    shared by content (`SharedValidators`) with the compilers given the same `shared`."""

    def __init__(self, document: dict[str, Any], version: str, *, openapi_formats: bool = False,
                 on_pattern: Callable[[PatternNote], None] | None = None,
                 shared: SharedValidators | None = None) -> None:
        self.document = document
        self.version = version
        self.shared = shared if shared is not None else SharedValidators()
        #: Told once per unreadable pattern, where it is written (`PatternNote`).
        self.on_pattern = on_pattern
        self._noted: set[tuple[str | None, str]] = set()
        self._probe = False  # check each pattern with jsonschema-rs (after a schema failed to compile)
        # OpenAPI's own `format: byte` (base64) checked, as Prism checks it (the mock's requests
        # and answers); other users keep JSON Schema's formats only.
        self.openapi_formats = openapi_formats
        self._cache: dict[tuple[int, str], jsonschema_rs.Validator] = {}
        self._keep: list[Any] = []  # keeps cached schema objects alive so their ids stay valid

    def sibling(self, *, openapi_formats: bool) -> SchemaCompiler:
        """A compiler of the same document that shares this one's validators where they are the
        same (its own `on_pattern`: none)."""
        return SchemaCompiler(self.document, self.version, openapi_formats=openapi_formats, shared=self.shared)

    # -- public -------------------------------------------------------------------------
    def validator(self, schema: Any, direction: Direction = "any", where: str | None = None) -> jsonschema_rs.Validator:
        """The compiled validator; `where` (the schema's pointer in the document) locates the
        notes about its unreadable patterns."""
        key = (id(schema), direction)
        cached = self._cache.get(key)
        if cached is None:
            # Request validators report every error of every invalid request: their references inlined.
            cached = self._shared_validator(schema, _Run(direction, inline=direction == "request"), where)
            self._cache[key] = cached
            self._keep.append(schema)
        return cached

    def masked_validator(self, schema: Any, direction: Direction = "any") -> jsonschema_rs.Validator:
        """`validator`'s twin whose errors do not write the instance into `message` and
        `verbose_message` (jsonschema-rs's `mask`): the same errors, kinds, paths and order, for a
        caller that reads nothing else. Writing out the instance is a good part of what an error
        costs on an object (a missing or unexpected property: the whole object is serialised)."""
        key = (id(schema), direction + "/masked")
        cached = self._cache.get(key)
        if cached is None:
            cached = self._shared_validator(schema, _Run(direction, inline=direction == "request", masked=True), None)
            self._cache[key] = cached
            self._keep.append(schema)
        return cached

    def scalar_validator(self, schema: Any, where: str | None = None) -> jsonschema_rs.Validator:
        """A validator for `schema` that answers for values other than objects and arrays only
        (null, booleans, numbers, strings), in every direction: what applies to objects and arrays
        is left out, and with it the components only they reach, a small fraction of what the
        full validator holds on a densely linked document."""
        key = (id(schema), "scalar")
        cached = self._cache.get(key)
        if cached is None:
            cached = self._shared_validator(schema, _Run("any", scalar=True), where)
            self._cache[key] = cached
            self._keep.append(schema)
        return cached

    def accepts(self, schema: Any, value: Any, direction: Direction = "any") -> bool:
        """Whether `value` is valid against `schema`: `scalar_validator`'s answer for a value
        other than an object or an array, `validator`'s for those."""
        if isinstance(value, (dict, list)):
            return bool(self.validator(schema, direction).is_valid(value))
        return bool(self.scalar_validator(schema).is_valid(value))

    def iter_violations(self, schema: Any, instance: Any, direction: Direction = "any") -> Iterator[SchemaViolation]:
        validator = self.validator(schema, direction)
        for error in validator.iter_errors(instance):
            yield SchemaViolation(
                pointer=pointers.from_path(list(error.instance_path)),
                message=error.message,
                keyword=str(error.schema_path[-1]) if error.schema_path else "",
            )

    def is_valid(self, schema: Any, instance: Any, direction: Direction = "any") -> bool:
        return self.validator(schema, direction).is_valid(instance)

    def convert(self, schema: Any, direction: Direction = "any", where: str | None = None, *,
                inline: bool = False, scalar: bool = False) -> dict[str, Any]:
        """A self-contained JSON Schema for `schema`, its references carried along; with `inline`,
        the references replaced by their targets where a validator reports the same
        (accord.inlining); `scalar`: what `scalar_validator` holds."""
        run = _Run("any", scalar=True) if scalar else _Run(direction, inline=inline)
        try:
            return self._complete(self._convert(schema, run, where, root=True), run)
        finally:
            self._tell(run.notes)

    def _complete(self, root: Any, run: _Run) -> dict[str, Any]:
        """`root` (converted, its references `run.found` not followed) with what they reach carried along."""
        for ref in run.found:
            self._follow(ref, run)
        if not isinstance(root, dict):
            root = {} if root is True else {"not": {}}
        skeleton: dict[str, Any] = {}
        # A component before the references into its parts (`#/components/schemas/A/properties/b`,
        # `…/allOf/0`): its conversion holds theirs where they point, and placing a part first
        # would leave no room for the whole. A fragment is percent-decoded (`~1%7Bid%7D`), as the
        # validator reads the references.
        placed = sorted(((p, pointers.split("#" + p)) for p in run.refs), key=lambda item: len(item[1]))
        made = {id(skeleton)}
        for pointer, tokens in placed:
            _place(skeleton, tokens, run.refs[pointer], made)
        if skeleton:
            root = {**skeleton, "allOf": [root]} if _clashes(root, skeleton) else {**root, **skeleton}
            if run.inline:
                root = inlined(root, frozenset(skeleton), draft4=self.version != "3.1")
        if self.version == "3.1":
            root.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
        return root

    # -- sharing ------------------------------------------------------------------------
    def _shared_validator(self, schema: Any, run: _Run, where: str | None) -> jsonschema_rs.Validator:
        """The validator for `schema`, compiled unless one holding the same is shared already."""
        root = self._convert(schema, run, where, root=True)
        self._tell(run.notes)  # the root's own: where this schema is written
        try:
            text: bytes | None = orjson.dumps(root, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # not JSON as orjson writes it (integers beyond 64 bits): compiled for itself
            text = None
        compiled = self.shared.compiled
        # What every compiler shares, and what holds for this compiler only. The direction is part
        # of both: it relaxes `required` (readOnly/writeOnly), and request validators are inlined.
        common = ("scalar" if run.scalar else run.direction, text, run.masked)
        own = (*common, self.openapi_formats)
        entry = None if text is None else compiled.get(common) or compiled.get(own)
        if entry is not None:
            self._tell(entry[1])
            return entry[0]
        told = len(run.notes)
        try:
            converted = self._complete(root, run)
            validator = self._build(converted, **_options(run))
        except SchemaCompileError:
            # A pattern jsonschema-rs refuses fails the whole schema: find it, leave it out, say
            # where. Compiled for this schema alone, so each place it is written is told.
            return self._probed(schema, run, where)
        finally:
            self._tell(run.notes[told:])
        if text is not None:
            compiled[own if run.marks else common] = (validator, tuple(run.notes[told:]))
        return validator

    def _probed(self, schema: Any, first: _Run, where: str | None) -> jsonschema_rs.Validator:
        run = _Run(first.direction, first.scalar, first.inline, first.masked)
        self._probe = True
        try:
            converted = self._complete(self._convert(schema, run, where, root=True), run)
            return self._build(converted, **_options(run))
        finally:
            self._probe = False
            self._tell(run.notes)

    def _tell(self, notes: list[PatternNote] | tuple[PatternNote, ...]) -> None:
        """`on_pattern`, once per unreadable pattern and place."""
        for note in notes:
            if (note.pointer, note.pattern) not in self._noted:
                self._noted.add((note.pointer, note.pattern))
                if self.on_pattern is not None:
                    self.on_pattern(note)

    # -- conversion ---------------------------------------------------------------------

    def _build(self, converted: dict[str, Any], *, masked: bool = False, byte: bool = True) -> jsonschema_rs.Validator:
        """`converted`'s validator; `byte`: whether it may meet `format: byte` (checked by
        OPENAPI_FORMATS when the compiler checks OpenAPI's formats), `masked`: its errors' messages
        do not write the instance out (`masked_validator`)."""
        cls = jsonschema_rs.Draft202012Validator if self.version == "3.1" else jsonschema_rs.Draft4Validator
        try:
            formats = OPENAPI_FORMATS if self.openapi_formats and byte else None
            return cls(converted, validate_formats=True, ignore_unknown_formats=True, retriever=_no_retrieval,
                       formats=formats, mask="*" if masked else None)
        except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError) as exc:
            raise SchemaCompileError(str(exc)) from exc

    def _pattern(self, source: str, at: _Where, run: _Run) -> str | None:
        """The pattern jsonschema-rs compiles for `source` (accord.patterns), or None, noted in `run`."""
        prepared = prepare(source)
        ecma, problem = prepared.ecma, prepared.problem
        if ecma is not None and self._probe and not compiles(ecma):
            ecma, problem = None, "jsonschema-rs cannot compile it (an unsupported construct, or too large)"
        if ecma is None:
            run.notes.append(PatternNote(_pointer(at), source, problem or "it cannot be read"))
        return ecma

    def _convert(self, schema: Any, run: _Run, where: _Where = None, root: bool = False) -> Any:
        """`schema` as JSON Schema; each `$ref` followed into `run.refs`, or, in the `root`
        schema, listed in `run.found` to follow later.

        A schema object met again inside itself (a recursive schema whose references were
        replaced by their targets, as Connexion hands its response schemas over) is converted
        once, under `_RECURRING` in `run.refs`, and referenced from where it recurs."""
        if not isinstance(schema, dict):
            return schema
        active = run.active
        ident = id(schema)
        if ident in active:
            pointer = active[ident]
            if pointer is None:
                pointer = active[ident] = f"{_RECURRING}/{run.recurring}"
                run.recurring += 1
            return {"$ref": "#" + pointer}
        active[ident] = None  # a conversion that raises is not used: its run is left behind
        if schema.get("format") == "byte":
            run.marks.add(_BYTE)
        direction = run.direction
        out: dict[str, Any] = {}
        pairs: Iterable[tuple[str, Any]] = schema.items()
        if self.version != "3.1" and isinstance(schema.get("$ref"), str):
            # Draft 4 (2.0, 3.0): a reference's siblings validate nothing, but a malformed one
            # (`allOf` written as an object) fails the compilation; `nullable` is read here.
            pairs = [(key, value) for key, value in pairs if key in _REF_SIBLINGS_READ]
        for key, value in pairs:
            if run.scalar and key in _CONTAINER_ONLY:
                continue
            if key == "patternProperties" and isinstance(value, dict):
                at = _child(where, key)
                out[key] = {ecma: self._convert(sub, run, _child(at, name), root) for name, sub in value.items()
                            if (ecma := self._pattern(name, _child(at, name), run)) is not None}
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                at = _child(where, key)
                out[key] = {name: self._convert(sub, run, _child(at, name), root) for name, sub in value.items()}
            elif key == "dependencies" and isinstance(value, dict):  # draft 4: a schema or a list of names each
                at = _child(where, key)
                out[key] = {name: self._convert(sub, run, _child(at, name), root) if isinstance(sub, dict) else sub
                            for name, sub in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                at = _child(where, key)
                out[key] = [self._convert(sub, run, _child(at, i), root) for i, sub in enumerate(value)]
            elif key in _SCHEMA_SINGLE and isinstance(value, (dict, list)):
                at = _child(where, key)
                if isinstance(value, list):  # draft-4 tuple items
                    out[key] = [self._convert(sub, run, _child(at, i), root) for i, sub in enumerate(value)]
                else:
                    out[key] = self._convert(value, run, at, root)
            elif key == "$ref" and isinstance(value, str):
                out[key] = value
                if root:
                    run.found.append(value)
                else:
                    self._follow(value, run)
            elif key in _OPENAPI_ONLY and self.version != "3.1":
                continue
            elif key == "pattern" and isinstance(value, str):
                ecma = self._pattern(value, _child(where, key), run)
                if ecma is not None:
                    out[key] = ecma
            else:
                out[key] = value
        if direction != "any" and isinstance(out.get("required"), list) and isinstance(out.get("properties"), dict):
            hidden = "readOnly" if direction == "request" else "writeOnly"
            props = schema["properties"]
            out["required"] = [n for n in out["required"] if not self.flagged(props.get(n), hidden)]
            if not out["required"]:
                del out["required"]
        apply_format_bounds(out)
        if self.openapi_formats and out.get("format") == "byte" and "pattern" not in out:
            # Prism's schema translation (http-spec) adds the base64 alphabet as a pattern, so a
            # value outside it is reported twice: the pattern, then the format.
            out["pattern"] = BASE64_ALPHABET
        if self.version != "3.1":
            nullable = out.pop("nullable", None)
            if out.pop("x-nullable", None) is True:
                nullable = True
            if nullable is True:
                out = _nullable(out)
        pointer = active.pop(ident)
        if pointer is None:
            return out
        run.refs[pointer] = out
        return {"$ref": "#" + pointer}

    def flagged(self, schema: Any, flag: str) -> bool:
        """Whether `flag` is true on the schema or on any schema its `$ref` chain passes through."""
        return any(isinstance(node, dict) and node.get(flag) is True for node in openapi.chain(self.document, schema))

    def _follow(self, ref: str, run: _Run) -> None:
        if not ref.startswith("#"):
            return
        pointer = ref[1:]
        refs = run.refs
        if pointer in refs:
            return
        refs[pointer] = {}  # placeholder: breaks cycles
        target = openapi.target(self.document, ref)
        if target is None:
            del refs[pointer]
            return
        refs[pointer] = self._convert(target, run, pointer)


#: Where the converted schemas met inside themselves are carried along (a name no document uses).
_RECURRING = "/x-accord-recurring"

#: Where a schema is written, built only when a note needs it: the document pointer of the root
#: (a str), or (where the parent is, the token under it).
_Where = str | tuple[Any, str | int] | None


def _child(at: _Where, name: str | int) -> _Where:
    return None if at is None else (at, name)


def _pointer(at: _Where) -> str | None:
    tokens: list[str] = []
    while isinstance(at, tuple):
        at, name = at
        tokens.append(pointers.escape(str(name)))
    if at is None:
        return None
    return at + "".join(f"/{token}" for token in reversed(tokens))


#: The pattern Prism's schema translation gives `format: byte`; the format check is the strict one.
BASE64_ALPHABET = r"^[\w\d+\/=]*$"
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _is_base64(value: str) -> bool:
    """OpenAPI's `byte`: base64 (RFC 4648 section 4, the standard alphabet, padded)."""
    return _BASE64.fullmatch(value) is not None


OPENAPI_FORMATS = {"byte": _is_base64}


#: `format` ranges of OpenAPI's integer formats (OAS 3.0 §4.4 "Data Types").
_FORMAT_BOUNDS: dict[object, tuple[int, int]] = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def apply_format_bounds(out: dict[str, Any]) -> None:
    """Narrow an integer schema's minimum/maximum to its `format`'s range (int32, int64), in place:
    a JSON Schema validator knows no such formats, and a 65-bit id is not a valid int64."""
    bounds = _FORMAT_BOUNDS.get(out.get("format")) if out.get("type") == "integer" else None
    if bounds is None:
        return
    low, high = bounds
    if not isinstance(out.get("minimum"), (int, float)) or out["minimum"] < low:
        out["minimum"] = low
        if isinstance(out.get("exclusiveMinimum"), bool):
            del out["exclusiveMinimum"]
    if not isinstance(out.get("maximum"), (int, float)) or out["maximum"] > high:
        out["maximum"] = high
        if isinstance(out.get("exclusiveMaximum"), bool):
            del out["exclusiveMaximum"]


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if kind is not None and not any(k in schema for k in ("$ref", "allOf", "anyOf", "oneOf", "not")):
        if isinstance(kind, list):
            if "null" not in kind:
                schema["type"] = [*kind, "null"]
        elif kind != "null":
            schema["type"] = [kind, "null"]
        # An `enum` is not widened: OpenAPI 3.0.3 clarifies that a nullable enum allows null only
        # when null is listed (Schemathesis reads it so too).
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def _place(skeleton: dict[str, Any], tokens: list[str], value: Any, made: set[int]) -> None:
    """`value` at `tokens` in `skeleton`, unless something is there already (the conversion of
    a component that holds it). The path runs through objects made for it (`made`: their ids;
    the skeleton's too), which hold nothing else, so a list's index is a key there like any
    other; and into a conversion placed before, lists included, where a list of schemas is not
    made up from its parts."""
    if not tokens:
        return
    node: Any = skeleton
    for token in tokens[:-1]:
        if isinstance(node, list):
            if not (token.isdigit() and int(token) < len(node)):
                return  # a part that a converted list does not hold: nowhere to put it
            node = node[int(token)]
            continue
        if not isinstance(node, dict):
            return
        child = node.get(token)
        if child is None:
            if token in _SCHEMA_LISTS and id(node) not in made:
                return  # inside a converted schema, `allOf` made up as an object would break it
            child = node[token] = {}
            made.add(id(child))
        node = child
    last = tokens[-1]
    if isinstance(node, dict) and last not in node:
        node[last] = value


def _clashes(root: dict[str, Any], skeleton: dict[str, Any]) -> bool:
    return any(key in root for key in skeleton)


def _no_retrieval(uri: str) -> Any:
    raise ValueError(f"remote schema retrieval is disabled: {uri}")
