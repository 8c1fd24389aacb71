"""Load an OpenAPI document: parse every file it references, apply the `$ref` policy, bundle.

`load_spec(path)` returns a `Spec`: the bundled document (external file references resolved
by prance, internal `#/...` references kept), its OpenAPI version, the files it was read from,
and a source map so that any pointer in the bundle can be traced back to file and line.

Policy (refused unless explicitly allowed): a `$ref` to a URL, or to a file outside the root
document's folder. Refused references are reported before any of them is read or fetched.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import orjson

from accord import documents, pointers
from accord.errors import DocumentError, FindingsError, RefError, UsageError
from accord.findings import Finding

#: The (file, pointer) references being followed, outermost first: a repeat is a cycle.
_Stack = tuple[tuple[Path, str], ...]


@dataclass(slots=True)
class Spec:
    """A loaded document and where each part of it came from."""

    path: Path
    document: dict[str, Any]
    version: str  # "2.0", "3.0" or "3.1"
    files: list[Path]
    # bundled pointer -> (file, pointer in file), for each inlined external reference
    source_map: dict[str, tuple[Path, str]] = field(default_factory=dict)
    # converted pointer prefix -> pointer in the document as written (Swagger 2.0, Postman)
    origins: dict[str, str] = field(default_factory=dict)
    source_format: str | None = None  # "2.0" or "postman" when `document` was converted to 3.0
    _prefixes: list[str] = field(default_factory=list)
    _origin_prefixes: list[str] = field(default_factory=list)

    def origin(self, pointer: str) -> str:
        """Where a pointer of the converted document points in the document as written."""
        if not self.origins:
            return pointer
        if not self._origin_prefixes:
            self._origin_prefixes = sorted(self.origins)
        best = _longest_prefix(self._origin_prefixes, pointer)
        return pointer if best is None else self.origins[best] + pointer[len(best):]

    def locate(self, pointer: str) -> tuple[str, str]:
        """The file and in-file pointer where the bundled node at `pointer` is written."""
        pointer = self.origin(pointer)
        if not self._prefixes and self.source_map:
            self._prefixes = sorted(self.source_map)
        best = ""
        index = bisect.bisect_right(self._prefixes, pointer)
        # Walk back to the longest prefix that is an ancestor of pointer.
        while index > 0:
            candidate = self._prefixes[index - 1]
            if pointer == candidate or pointer.startswith(candidate + "/"):
                best = candidate
                break
            index -= 1
        if best:
            file, inner = self.source_map[best]
            return documents.display(file), inner + pointer[len(best):]
        return documents.display(self.path), pointer

    def locate_finding(self, finding: Finding) -> Finding:
        file, inner = self.locate(finding.pointer)
        return finding.located(file, documents.line_of(file, inner), inner)


def _longest_prefix(prefixes: list[str], pointer: str) -> str | None:
    """The longest of the sorted `prefixes` that is `pointer` or one of its ancestors."""
    index = bisect.bisect_right(prefixes, pointer)
    while index > 0:
        candidate = prefixes[index - 1]
        if pointer == candidate or pointer.startswith(candidate + "/") or candidate == "":
            return candidate
        index -= 1
    return None


def detect_version(document: Any, file: str) -> str:
    if not isinstance(document, dict):
        raise DocumentError("not an OpenAPI document: the top level is not a mapping", file=file, line=1)
    if "openapi" in document:
        raw = str(document["openapi"])
        if raw.startswith("3.0"):
            return "3.0"
        if raw.startswith("3.1"):
            return "3.1"
        raise DocumentError(f"unsupported OpenAPI version {raw!r} (2.0, 3.0 and 3.1 are)", file=file)
    if str(document.get("swagger", "")).startswith("2."):
        return "2.0"
    from accord import postman

    if postman.is_collection(document):
        raise DocumentError("a Postman collection, not an OpenAPI document: `accord mock` serves it; "
                            "validate, lint and diff read OpenAPI 2.0, 3.0 and 3.1", file=file, line=1)
    raise DocumentError(
        "not an OpenAPI document: no 'openapi' (3.x) or 'swagger' (2.0) field", file=file, line=1
    )


#: A `$ref` member with a string value, as JSON text writes it (the value's escapes still in place).
_JSON_REF = re.compile(rb'"\$ref"[ \t\r\n]*:[ \t\r\n]*"([^"\\]*(?:\\.[^"\\]*)*)"')
#: What _JSON_REF could misread: a \u escape of one of the letters of `$ref` (a name written so is not
#: seen), or an escaped quote before `"$ref"` (the end of a longer name). JSON's `\u` is lower case.
_MISREAD = re.compile(rb'\\(?:u00(?:24|72|65|66)|"\$ref")')


def json_refs(text: bytes) -> set[str] | None:
    r"""Every `$ref` string value of a JSON text (one that parsed), read from its bytes; None when the
    text could write one that this reading would miss or invent.

    In valid JSON a `"` inside a string is escaped, so `"$ref"` followed by `:` is a member name,
    unless its opening quote is itself escaped (`\"$ref"` ends a name such as `a\"$ref`) or the
    name is spelled with \u escapes: in both cases None, and the caller walks the parsed document.
    Duplicate names may add a value the parsed document dropped: more to check, never less.
    GitHub's 13 MB description: ~11 ms, against ~30 ms for walking its 90,000 containers.
    """
    if _MISREAD.search(text):
        return None
    refs: set[str] = set()
    for value in set(_JSON_REF.findall(text)):
        refs.add(orjson.loads(b'"' + value + b'"') if b"\\" in value else value.decode("utf-8"))
    return refs


def _internal_refs_resolve(document: Any, json_text: bytes | None = None) -> bool:
    """Whether every `$ref` of the document is a fragment (`#...`) that resolves in it. The common
    case, checked without building a pointer per node (GitHub's 13 MB description: ~25 ms instead of
    ~65 ms), and from the JSON text when the document was read from one (`json_refs`); anything else
    goes through `_RefScanner._walk`, which locates what it finds."""
    found = json_refs(json_text) if json_text is not None else None
    if found is not None:
        return (all(ref.startswith("#") for ref in found) and _fragments_resolve(document, found)
                and _shallow(document))
    refs: set[str] = set()
    other = False

    def collect(node: Any) -> None:
        nonlocal other
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                if ref.startswith("#"):
                    refs.add(ref)
                else:
                    other = True
            for value in node.values():
                if isinstance(value, (dict, list)):
                    collect(value)
        else:
            for value in node:
                if isinstance(value, (dict, list)):
                    collect(value)

    if isinstance(document, (dict, list)):
        collect(document)
    return not other and _fragments_resolve(document, refs)


def _shallow(document: Any) -> bool:
    """Whether the document nests under orjson's serialisation limit (254 levels), shown by
    serialising it (~8 ms for GitHub's 13 MB). Reading the references from the text does not walk
    the document, and the walk is what refuses a document nested past Python's recursion limit
    (`load_spec`); a document that is not shown shallow is walked."""
    try:
        orjson.dumps(document)
    except orjson.JSONEncodeError:
        return False
    return True


def _fragments_resolve(document: Any, refs: set[str]) -> bool:
    for ref in refs:
        if ref.startswith("#") and not any(c in ref for c in "%\t\r\n"):
            fragment = ref[1:]  # what urlsplit and unquote would make of it, in a tenth of the time
        else:
            fragment = unquote(urlsplit(ref).fragment)
        if not (fragment == "" or fragment.startswith("/")):
            return False
        try:
            pointers.resolve(document, fragment)
        except (KeyError, ValueError):
            return False
    return True


class _RefScanner:
    """Walks a document and every file it references, checking each `$ref` against the policy."""

    def __init__(self, root: Path, *, allow_remote: bool, allow_outside: bool) -> None:
        self.root = root
        self.resolved_root = root.resolve()
        self.base = self.resolved_root.parent
        self.allow_remote = allow_remote
        self.allow_outside = allow_outside
        self.files: dict[Path, Any] = {}
        self.findings: list[Finding] = []
        self.source_map: dict[str, tuple[Path, str]] = {}
        self.external = False

    def _finding(self, rule: str, message: str, file: Path, pointer: str) -> None:
        line = documents.line_of(str(file), pointer)
        self.findings.append(
            Finding(rule, message, pointer=pointer, file=documents.display(file), line=line, source_pointer=pointer)
        )

    def _load(self, file: Path) -> Any:
        if file not in self.files:
            self.files[file] = documents.load(file)
        return self.files[file]

    def scan(self, document: Any, json_text: bytes | None = None) -> None:
        """Check every `$ref` reachable from `document`; `json_text`, the JSON it was parsed from
        when it was, lets the common case be checked from the text (`json_refs`)."""
        self.files[self.resolved_root] = document
        if _internal_refs_resolve(document, json_text):
            return  # nothing to report and nothing to bundle: what the walk below would find
        self._walk(document, self.resolved_root, "", "", ())

    def _walk(self, node: Any, file: Path, file_ptr: str, bundle_ptr: str, stack: _Stack) -> None:
        # Iterative over siblings, recursive over depth: documents are wide, not deep.
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                self._follow(ref, file, file_ptr, bundle_ptr, stack)
            for key, value in node.items():
                if isinstance(value, (dict, list)):
                    token = pointers.escape(key)
                    self._walk(value, file, f"{file_ptr}/{token}", f"{bundle_ptr}/{token}", stack)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, (dict, list)):
                    self._walk(value, file, f"{file_ptr}/{index}", f"{bundle_ptr}/{index}", stack)

    def _follow(self, ref: str, file: Path, file_ptr: str, bundle_ptr: str, stack: _Stack) -> None:
        at = file_ptr + "/$ref"
        parts = urlsplit(ref)
        if parts.scheme and parts.scheme != "file" and len(parts.scheme) > 1:
            if not self.allow_remote:
                message = f"$ref to a URL is refused: {ref!r} (allow with --allow-remote-refs)"
                self._finding("ref-remote", message, file, at)
            else:
                self.external = True
            return
        target_path = unquote(parts.path)
        fragment = unquote(parts.fragment)
        if target_path:
            target = (file.parent / target_path).resolve()
            if not self.allow_outside and not target.is_relative_to(self.base):
                self._finding(
                    "ref-outside",
                    f"$ref to a file outside the document's folder is refused: {ref!r}",
                    file,
                    at,
                )
                return
            if not target.exists():
                self._finding("ref-unresolved", f"$ref points to a missing file: {ref!r}", file, at)
                return
        else:
            target = file
        pointer = fragment if fragment.startswith("/") or fragment == "" else None
        if pointer is None:
            self._finding("ref-unresolved", f"$ref fragment is not a JSON pointer: {ref!r}", file, at)
            return
        try:
            content = self._load(target)
        except DocumentError as exc:
            self.findings.append(Finding("document-invalid", str(exc), pointer=at, file=exc.file, line=exc.line))
            return
        try:
            resolved = pointers.resolve(content, pointer)
        except KeyError:
            self._finding("ref-unresolved", f"$ref points to nothing: {ref!r}", file, at)
            return
        except ValueError:
            self._finding("ref-unresolved", f"$ref fragment is not a JSON pointer: {ref!r}", file, at)
            return
        if target == self.resolved_root:
            return  # internal reference: kept as it is in the bundle
        self.external = True
        key = (target, pointer)
        if key in stack:
            return  # circular across files: the bundler hoists the cycle into components
        self._walk(resolved, target, pointer, bundle_ptr, (*stack, key))


def load_spec(
    path: str | Path,
    *,
    allow_remote: bool = False,
    allow_outside: bool = False,
    convert: bool = False,
) -> Spec:
    """Load, check references and bundle the document at `path`.

    With `convert`, a Swagger 2.0 document or a Postman collection comes back as OpenAPI 3.0
    (`converted`, accord/postman.py), still located against what was written. Raises
    `UsageError` (missing file), `DocumentError` (unparseable, with line) or `RefError`
    (refused or dangling references, all of them, each located).
    """
    root = Path(path)
    if not root.exists():
        raise UsageError(f"{root}: no such file")
    text = documents.read_bytes(root)
    document = documents.parse(text, str(root))
    if convert and isinstance(document, dict) and "openapi" not in document and "swagger" not in document:
        from accord import postman  # imported only for what cannot be OpenAPI

        if postman.is_collection(document):
            conversion = postman.convert(document)
            return Spec(path=root, document=conversion.document, version="3.0", files=[root],
                        origins=conversion.origins, source_format="postman")
    version = detect_version(document, str(root))
    scanner = _RefScanner(root, allow_remote=allow_remote, allow_outside=allow_outside)
    try:
        scanner.scan(document, text if root.suffix == ".json" else None)  # a .json file parsed as JSON
        if scanner.findings:
            raise RefError(scanner.findings)
        if scanner.external:
            document = _bundle_external(root, document, scanner)
    except RecursionError as exc:  # JSON may nest 1,024 deep (orjson's limit); walking it recurses
        raise DocumentError("document nested too deeply", file=str(root)) from exc
    spec = Spec(
        path=root,
        document=document,
        version=version,
        files=sorted(scanner.files),
        source_map=scanner.source_map,
    )
    return converted(spec) if convert else spec


def converted(spec: Spec) -> Spec:
    """The spec in OpenAPI 3 form: a Swagger 2.0 document converted once (swagger2.py), located
    against the 2.0 source; a 3.x spec as it is."""
    if spec.version != "2.0":
        return spec
    from accord import swagger2

    conversion = swagger2.convert(spec.document)
    return Spec(path=spec.path, document=conversion.document, version="3.0", files=spec.files,
                source_map=spec.source_map, origins=conversion.origins, source_format="2.0")


def _bundle_external(root: Path, document: dict[str, Any], scanner: _RefScanner) -> dict[str, Any]:
    """Resolve every external file reference; internal `#/...` references of the root stay.

    A referenced schema, parameter, response, header, request body, example or link is
    hoisted once into the root's `components` (Swagger 2.0: schemas into `definitions`) and
    referenced from there, as a team's bundler would, so shared parts stay shared and cycles
    need nothing special; anything else (a path item) is inlined. prance was tried first and
    leaves a file-local `#/X` inside a referenced file pointing at the root document, which
    silently changes its meaning; here each reference is resolved against its own file.
    """
    return _Bundler(root.resolve(), scanner, document).build()


#: What a node is, from its parent's kind and its key: drives where a $ref is hoisted.
_SCHEMA_CHILD = {
    **dict.fromkeys(("properties", "patternProperties", "definitions", "$defs", "dependentSchemas"), "schema-map"),
    **dict.fromkeys(("allOf", "anyOf", "oneOf", "prefixItems"), "schema-list"),
    **dict.fromkeys(("items", "additionalProperties", "not", "contains", "if", "then", "else",
                     "propertyNames", "additionalItems", "unevaluatedItems", "unevaluatedProperties"), "schema"),
}
_OBJECT_CHILD = {
    "schema": "schema",
    "parameters": "parameter-list",
    "responses": "response-map",
    "headers": "header-map",
    "requestBody": "requestBody",
    "examples": "example-map",
    "links": "link-map",
    "content": "content-map",
    "paths": "path-map",
    "callbacks": "callback-map",
}
_COMPONENT_SECTIONS = {
    "schemas": "schema-map", "parameters": "parameter-map", "responses": "response-map",
    "headers": "header-map", "requestBodies": "requestBody-map", "examples": "example-map",
    "links": "link-map", "callbacks": "callback-map", "pathItems": "path-map",
}
_HOISTED = {  # kind -> components section
    "schema": "schemas", "parameter": "parameters", "response": "responses", "header": "headers",
    "requestBody": "requestBodies", "example": "examples", "link": "links",
}
_DATA_KEYS = frozenset(("example", "examples", "default", "enum", "const", "value", "x-examples"))


def _child_kind(kind: str | None, key: str, is_root: bool) -> str | None:
    if kind == "data":
        return "data"
    if kind and kind.endswith("-map"):
        return kind[:-4]
    if kind and kind.endswith("-list"):
        return kind[:-5]
    if kind == "schema":
        if key in ("example", "default", "enum", "const", "examples"):
            return "data"
        return _SCHEMA_CHILD.get(key)
    if kind == "components":
        return _COMPONENT_SECTIONS.get(key)
    if is_root and key == "components":
        return "components"
    if is_root and key == "definitions":
        return "schema-map"
    if key in ("example", "default", "value", "x-examples") or (key == "examples" and kind in ("schema",)):
        return "data"
    if key == "examples" and kind == "response":  # Swagger 2.0: mime type -> example data
        return "data"
    return _OBJECT_CHILD.get(key)


class _Bundler:
    def __init__(self, root: Path, scanner: _RefScanner, document: dict[str, Any]) -> None:
        self.root = root
        self.scanner = scanner
        self.document = document
        self.swagger = "swagger" in document
        self.hoisted: dict[tuple[Path, str, str], str] = {}
        self.pending: list[tuple[str, str, tuple[Path, str]]] = []

    def build(self) -> dict[str, Any]:
        result = self._copy(self.document, self.root, "", (), None, is_root=True)
        while self.pending:
            section, name, key = self.pending.pop()
            target, pointer = key
            node = pointers.resolve(self.scanner.files[target], pointer)
            path = self._section_path(section)
            bundle_ptr = pointers.join("", *path, name)
            self.scanner.source_map.setdefault(bundle_ptr, key)
            holder = result
            for part in path:
                holder = holder.setdefault(part, {})
            kind = next(k for k, v in _HOISTED.items() if v == section)
            holder[name] = self._copy(node, target, bundle_ptr, (), kind)
        return result

    def _section_path(self, section: str) -> tuple[str, ...]:
        return ("definitions",) if self.swagger else ("components", section)

    def _copy(
        self, node: Any, file: Path, bundle_ptr: str, stack: _Stack, kind: str | None, *, is_root: bool = False
    ) -> Any:
        if kind == "data":
            return node
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                replaced = self._reference(node, ref, file, bundle_ptr, stack, kind)
                if replaced is not None:
                    return replaced
            discriminator = node.get("discriminator") if kind == "schema" else None
            if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
                node = {**node, "discriminator": self._mapping(discriminator, file)}
            return {
                key: self._copy(value, file, f"{bundle_ptr}/{pointers.escape(key)}", stack,
                                _child_kind(kind, key, is_root))
                if isinstance(value, (dict, list))
                else value
                for key, value in node.items()
            }
        if isinstance(node, list):
            child = kind[:-5] if kind and kind.endswith("-list") else kind if kind == "data" else None
            return [
                self._copy(value, file, f"{bundle_ptr}/{index}", stack, child)
                if isinstance(value, (dict, list))
                else value
                for index, value in enumerate(node)
            ]
        return node

    def _mapping(self, discriminator: dict[str, Any], file: Path) -> dict[str, Any]:
        """Discriminator mapping values are references too: point them at hoisted schemas."""
        mapping = {}
        for value, ref in discriminator["mapping"].items():
            target = self._target(ref, file) if isinstance(ref, str) and ("#" in ref or "/" in ref) else None
            mapping[value] = self._hoist("schemas", target) if target is not None else ref
        return {**discriminator, "mapping": mapping}

    def _target(self, ref: str, file: Path) -> tuple[Path, str] | None:
        """(file, pointer) of an external reference; None for internal or remote ones."""
        parts = urlsplit(ref)
        if parts.scheme and parts.scheme != "file" and len(parts.scheme) > 1:
            return None
        target = (file.parent / unquote(parts.path)).resolve() if parts.path else file
        if target == self.root or target not in self.scanner.files:
            return None
        return target, unquote(parts.fragment)

    def _hoist(self, section: str, key: tuple[Path, str]) -> str:
        target, pointer = key
        name = self.hoisted.get((*key, section))
        if name is None:
            base = pointers.split(pointer)[-1] if pointer.strip("/") else target.stem
            base = re.sub(r"[^A-Za-z0-9._-]", "_", base) or "Component"
            existing = self.document
            for part in self._section_path(section):
                existing = existing.get(part, {}) if isinstance(existing, dict) else {}
            taken = {n for (_, _, s), n in self.hoisted.items() if s == section} | set(existing or {})
            name, counter = base, 2
            while name in taken:
                name, counter = f"{base}{counter}", counter + 1
            self.hoisted[(*key, section)] = name
            self.pending.append((section, name, key))
        return "#" + pointers.join("", *self._section_path(section), name)

    def _reference(self, node: dict[str, Any], ref: str, file: Path, bundle_ptr: str, stack: _Stack,
                   kind: str | None) -> Any:
        key = self._target(ref, file)
        if key is None:
            return None  # internal to the root, or an allowed remote reference: kept
        section = _HOISTED.get(kind or "")
        if section is not None and not (self.swagger and section != "schemas"):
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            return {"$ref": self._hoist(section, key), **siblings}
        if key in stack:
            raise FindingsError([Finding("ref-circular", f"circular reference cannot be inlined: {ref!r}",
                                         pointer=bundle_ptr, file=documents.display(file))])
        self.scanner.source_map.setdefault(bundle_ptr, key)
        resolved = pointers.resolve(self.scanner.files[key[0]], key[1])
        copied = self._copy(resolved, key[0], bundle_ptr, (*stack, key), kind)
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if siblings and isinstance(copied, dict):
            copied = {**copied, **siblings}
        return copied
