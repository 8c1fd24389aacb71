"""`accord validate`: structure (openapi-spec-validator), references, and every example.

All findings are collected and returned, each located by file, line and JSON pointer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord import pointers
from accord.errors import RefError
from accord.findings import Finding
from accord.loading import Spec, load_spec
from accord.schemas import Direction, SchemaCompileError, SchemaCompiler

#: At most this many findings per example (a wrong example can fail in many places).
MAX_VIOLATIONS_PER_EXAMPLE = 10

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_OPERATION_IN_MESSAGE = re.compile(r"for '(\w+)'(?: operation)? in '([^']+)'")


@dataclass(slots=True)
class ValidationReport:
    """What `validate_spec` found; `spec` is None when references could not be resolved."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    spec: Spec | None = None

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


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
    report.findings.extend(spec.locate_finding(f) for f in raw)
    return report


def _validator_class(version: str) -> Any:
    from openapi_spec_validator import (
        OpenAPIV2SpecValidator,
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
    )

    return {"2.0": OpenAPIV2SpecValidator, "3.0": OpenAPIV30SpecValidator, "3.1": OpenAPIV31SpecValidator}[version]


def iter_structure_findings(spec: Spec) -> Iterator[Finding]:
    """Structural findings from openapi-spec-validator, with the most specific cause."""
    from jsonschema.exceptions import best_match

    validator = _validator_class(spec.version)(spec.document)
    seen: set[tuple[str, str]] = set()
    for error in validator.iter_errors():
        path = [str(p) for p in getattr(error, "absolute_path", [])]
        message = getattr(error, "message", str(error))
        context = getattr(error, "context", None)
        if context:
            specific = best_match(context)
            if specific is not None:
                path += [str(p) for p in specific.absolute_path]
                message = specific.message
        if path and path[0] not in spec.document:
            # Some openapi-spec-validator checks report a path relative to a nested schema:
            # rather than a wrong pointer, report the document root and say so.
            message = f"in a schema object: {message}"
            path = []
        pointer = pointers.from_path(path)
        if not path:
            match = _OPERATION_IN_MESSAGE.search(message)
            if match and match.group(1).lower() in _HTTP_METHODS:
                pointer = pointers.join("", "paths", match.group(2), match.group(1).lower())
        rule = _rule_for(type(error).__name__)
        key = (pointer, message)
        if key in seen:
            continue
        seen.add(key)
        yield Finding(rule, message.split("\n", 1)[0], pointer=pointer)


def _rule_for(error_type: str) -> str:
    return {
        "DuplicateOperationIDError": "operation-id-duplicate",
        "UnresolvableParameterError": "path-parameter-undeclared",
        "ExtraParametersError": "parameter-invalid",
        "ParameterDuplicateError": "parameter-duplicate",
    }.get(error_type, "oas-schema")


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


def _deref(document: dict[str, Any], node: Any) -> Any:
    for _ in range(32):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#")):
            return node
        try:
            node = pointers.resolve(document, node["$ref"])
        except (KeyError, ValueError):
            return None
    return None


def iter_examples(document: dict[str, Any], version: str) -> Iterator[tuple[str, Any, Any, Direction]]:
    """(pointer of the example, example value, schema, direction) for every example."""
    yield from _walk_examples(document, document, "", "any", in_schema=False, version=version)


def _walk_examples(
    document: dict[str, Any], node: Any, pointer: str, direction: Direction, *, in_schema: bool, version: str
) -> Iterator[tuple[str, Any, Any, Direction]]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, (dict, list)):
                yield from _walk_examples(document, item, f"{pointer}/{index}", direction, in_schema=in_schema, version=version)
        return
    if not isinstance(node, dict) or "$ref" in node:
        return
    schema = node.get("schema") if not in_schema else None
    if isinstance(schema, dict) and version != "2.0":
        if "example" in node:
            yield f"{pointer}/example", node["example"], schema, direction
        examples = node.get("examples")
        if isinstance(examples, dict):
            for name, entry in examples.items():
                entry = _deref(document, entry)
                if isinstance(entry, dict) and "value" in entry:
                    yield pointers.join(pointer, "examples", name, "value"), entry["value"], schema, direction
    if in_schema and "example" in node and version != "3.1":
        yield f"{pointer}/example", node["example"], node, direction
    if in_schema and version == "3.1" and isinstance(node.get("examples"), list):
        for index, value in enumerate(node["examples"]):
            yield f"{pointer}/examples/{index}", value, node, direction
    if version == "2.0" and not in_schema and isinstance(node.get("examples"), dict) and isinstance(schema, dict):
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
        child_in_schema = in_schema or key in ("schema", "schemas", "definitions")
        # Inside a schema, only schema-valued keywords lead to schemas; `properties` holds names.
        if in_schema and key in ("enum", "default", "const", "required"):
            continue
        yield from _walk_examples(
            document, value, pointers.join(pointer, key), child_direction, in_schema=child_in_schema, version=version
        )
