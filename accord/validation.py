"""`accord validate`: structure (openapi-spec-validator), references, and every example.

All findings are collected and returned, each located by file, line and JSON pointer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from accord import openapi, pointers
from accord.errors import RefError
from accord.findings import Finding
from accord.loading import Spec, load_spec
from accord.patterns import iter_unreadable
from accord.schemas import Direction, SchemaCompileError, SchemaCompiler

#: At most this many findings per example (a wrong example can fail in many places).
MAX_VIOLATIONS_PER_EXAMPLE = 10

@dataclass(slots=True)
class ValidationReport:
    """What `validate_spec` found; `spec` is None when references could not be resolved."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    spec: Spec | None = None

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def exit_code(self) -> int:
        """1 when a finding is an error, else 0 (`accord validate`'s exit code)."""
        return 0 if self.ok else 1


def validate_spec(path: str | Path, *, allow_remote: bool = False, allow_outside: bool = False) -> ValidationReport:
    """Validate the document at `path`; raises only for unreadable input (exit 2)."""
    report = ValidationReport(Path(path))
    try:
        spec = load_spec(path, allow_remote=allow_remote, allow_outside=allow_outside)
    except RefError as exc:
        report.findings.extend(exc.findings)
        return report
    report.spec = spec
    raw = list(iter_structure_findings(spec))
    raw.extend(iter_example_findings(spec))
    raw.extend(iter_pattern_findings(spec))
    report.findings.extend(spec.locate_finding(f) for f in raw)
    return report


def _metaschema(version: str) -> dict[str, Any]:
    # The OpenAPI metaschemas openapi-spec-validator ships, compiled with jsonschema-rs: its
    # own validator spends ~20 s on GitHub's 13 MB description; this takes well under 1 s.
    from openapi_spec_validator import schemas

    loader = {"2.0": schemas.get_schema_content_v2, "3.0": schemas.get_schema_content_v30,
              "3.1": schemas.get_schema_content_v31}[version]
    return dict(loader())  # typed as a Mapping; jsonschema-rs takes a dict


@lru_cache(maxsize=3)
def _metaschema_validator(version: str) -> Any:
    meta = _metaschema(version)
    return jsonschema_rs.validator_cls_for(meta)(meta, retriever=_refuse)


def _refuse(uri: str) -> Any:
    raise ValueError(f"not fetching {uri}")


def _most_specific(error: Any) -> Any:
    """For oneOf/anyOf failures, the branch error that went deepest into the document."""
    for _ in range(32):
        context = getattr(error.kind, "context", None)
        if not context:
            return error
        candidates = [e for branch in context for e in branch]
        if not candidates:
            return error
        # A branch failing only because "$ref" is missing is the Reference-object branch: skip.
        useful = [e for e in candidates if "\"$ref\" is a required property" not in e.message] or candidates
        deepest = max(useful, key=lambda e: len(e.instance_path))
        if len(deepest.instance_path) < len(error.instance_path):
            return error
        error = deepest
    return error


def iter_structure_findings(spec: Spec) -> Iterator[Finding]:
    """The document against its OpenAPI metaschema, then the checks a schema cannot express."""
    seen: set[tuple[str, str]] = set()
    for error in _metaschema_validator(spec.version).iter_errors(spec.document):
        specific = _most_specific(error)
        pointer = pointers.from_path([str(p) for p in specific.instance_path])
        message = specific.message
        if len(message) > 300:
            message = message[:300] + "…"
        if (pointer, message) in seen:
            continue
        seen.add((pointer, message))
        yield Finding("oas-schema", message, pointer=pointer)
    yield from iter_semantic_findings(spec)


def iter_semantic_findings(spec: Spec) -> Iterator[Finding]:
    """Unique operationIds, declared path parameters, no duplicate parameters."""
    document = spec.document
    operation_ids: dict[str, str] = {}
    for entry in openapi.path_items(document):
        path, item = entry.path, entry.item
        if item is None:
            continue
        shared = _parameters(document, item.get("parameters"), entry.pointer + "/parameters")
        template = set(_TEMPLATE.findall(path))
        for method, operation in openapi.item_operations(item):
            op_ptr = pointers.join(entry.pointer, method)
            op_id = operation.get("operationId")
            if isinstance(op_id, str):
                if op_id in operation_ids:
                    yield Finding(
                        "operation-id-duplicate",
                        f"operationId {op_id!r} is also used at {operation_ids[op_id]}",
                        pointer=op_ptr + "/operationId",
                    )
                else:
                    operation_ids[op_id] = op_ptr
            own = _parameters(document, operation.get("parameters"), op_ptr + "/parameters")
            seen: dict[tuple[str, str], str] = {}
            for (name, where), ptr in own:
                if (name, where) in seen:
                    yield Finding("parameter-duplicate", f"{where} parameter {name!r} is declared twice", pointer=ptr)
                seen[(name, where)] = ptr
            merged = {key: ptr for key, ptr in shared}
            merged.update(seen)
            declared = {name for (name, where) in merged if where == "path"}
            for name in sorted(template - declared):
                yield Finding(
                    "path-parameter-undeclared",
                    f"path parameter {{{name}}} of {path} is not declared for {method.upper()}",
                    pointer=op_ptr,
                )
            for (name, where), ptr in merged.items():
                if where == "path" and name not in template:
                    yield Finding(
                        "path-parameter-unused",
                        f"path parameter {name!r} does not appear in the path {path}",
                        pointer=ptr,
                    )


_TEMPLATE = re.compile(r"{([^{}/]+)}")


def _parameters(document: dict[str, Any], raw: Any, pointer: str) -> list[tuple[tuple[str, str], str]]:
    found: list[tuple[tuple[str, str], str]] = []
    if not isinstance(raw, list):
        return found
    for index, entry in enumerate(raw):
        param = openapi.deref(document, entry)
        if isinstance(param, dict) and isinstance(param.get("name"), str) and isinstance(param.get("in"), str):
            found.append(((param["name"], param["in"]), f"{pointer}/{index}"))
    return found


def iter_pattern_findings(spec: Spec) -> Iterator[Finding]:
    """A warning for every `pattern` no validator can check as written (accord/patterns.py): it is
    left out, and the rest of its schema still checks."""
    for pointer, prepared in iter_unreadable(spec.document):
        yield Finding("pattern-unread", f"pattern {prepared.source!r} is not checked: {prepared.problem}",
                      pointer=pointer, severity="warning")


def iter_example_findings(spec: Spec) -> Iterator[Finding]:
    """Every example checked against the schema it illustrates."""
    compiler = SchemaCompiler(spec.document, spec.version)
    for pointer, example, schema, direction in iter_examples(spec.document, spec.version):
        try:
            violations = list(compiler.iter_violations(schema, example, direction))
        except SchemaCompileError as exc:
            yield Finding("schema-invalid", f"schema cannot be compiled: {exc}", pointer=pointer)
            continue
        except (KeyError, ValueError, TypeError) as exc:
            yield Finding("schema-invalid", f"schema cannot be used: {exc}", pointer=pointer)
            continue
        for violation in violations[:MAX_VIOLATIONS_PER_EXAMPLE]:
            yield Finding(
                "example-invalid",
                f"example does not match its schema: {violation.message}"
                + (f" (at {violation.pointer} in the example)" if violation.pointer else ""),
                pointer=pointer + violation.pointer,
            )


def iter_examples(document: dict[str, Any], version: str) -> Iterator[tuple[str, Any, Any, Direction]]:
    """(pointer of the example, example value, schema, direction) for every example."""
    yield from _walk_examples(document, document, "", "any", in_schema=False, version=version)


_SCHEMA_MAP_KEYS = ("properties", "patternProperties", "definitions", "$defs", "dependentSchemas")
_SCHEMA_VALUE_KEYS = ("items", "additionalProperties", "not", "contains", "if", "then", "else",
                      "propertyNames", "additionalItems", "unevaluatedItems", "unevaluatedProperties")
_SCHEMA_LIST_KEYS = ("allOf", "anyOf", "oneOf", "prefixItems")


def _walk_examples(
    document: dict[str, Any], node: Any, pointer: str, direction: Direction, *, in_schema: bool, version: str
) -> Iterator[tuple[str, Any, Any, Direction]]:
    if in_schema:
        yield from _walk_schema(document, node, pointer, direction, version)
        return
    if isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, (dict, list)):
                yield from _walk_examples(
                    document, item, f"{pointer}/{index}", direction, in_schema=False, version=version
                )
        return
    if not isinstance(node, dict) or "$ref" in node:
        return
    schema = node.get("schema")
    if isinstance(schema, dict) and version != "2.0":
        if "example" in node:
            yield f"{pointer}/example", node["example"], schema, direction
        examples = node.get("examples")
        if isinstance(examples, dict):
            for name, entry in examples.items():
                entry = openapi.deref(document, entry)
                if isinstance(entry, dict) and "value" in entry:
                    yield pointers.join(pointer, "examples", name, "value"), entry["value"], schema, direction
    if version == "2.0" and isinstance(node.get("examples"), dict) and isinstance(schema, dict):
        for mime, value in node["examples"].items():
            if "json" in mime:
                yield pointers.join(pointer, "examples", mime), value, schema, "response"
    for key, value in node.items():
        if not isinstance(value, (dict, list)) or key in ("example", "examples", "x-examples"):
            continue
        child_direction = direction
        if key in ("requestBody", "parameters", "requestBodies"):
            child_direction = "request"
        elif key in ("responses", "headers"):
            child_direction = "response"
        child_ptr = pointers.join(pointer, key)
        if key == "schema":
            yield from _walk_schema(document, value, child_ptr, child_direction, version)
        elif key in ("schemas", "definitions") and isinstance(value, dict):
            for name, sub in value.items():
                yield from _walk_schema(document, sub, pointers.join(child_ptr, name), child_direction, version)
        else:
            yield from _walk_examples(document, value, child_ptr, child_direction, in_schema=False, version=version)


def _walk_schema(
    document: dict[str, Any], schema: Any, pointer: str, direction: Direction, version: str
) -> Iterator[tuple[str, Any, Any, Direction]]:
    if not isinstance(schema, dict) or ("$ref" in schema and version != "3.1"):
        return
    if "example" in schema and version != "3.1":
        yield f"{pointer}/example", schema["example"], schema, direction
    if version == "3.1" and isinstance(schema.get("examples"), list):
        for index, value in enumerate(schema["examples"]):
            yield f"{pointer}/examples/{index}", value, schema, direction
    for key in _SCHEMA_MAP_KEYS:
        children = schema.get(key)
        if isinstance(children, dict):
            for name, sub in children.items():
                yield from _walk_schema(document, sub, pointers.join(pointer, key, name), direction, version)
    for key in _SCHEMA_VALUE_KEYS:
        sub = schema.get(key)
        if isinstance(sub, dict):
            yield from _walk_schema(document, sub, pointers.join(pointer, key), direction, version)
        elif isinstance(sub, list):
            for index, item in enumerate(sub):
                yield from _walk_schema(document, item, pointers.join(pointer, key, index), direction, version)
    for key in _SCHEMA_LIST_KEYS:
        subs = schema.get(key)
        if isinstance(subs, list):
            for index, item in enumerate(subs):
                yield from _walk_schema(document, item, pointers.join(pointer, key, index), direction, version)
