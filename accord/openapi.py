"""The OpenAPI document model every package reads a document through.

- `METHODS`: the HTTP methods a Path Item Object may hold (OpenAPI 3.0 §4.7.9, 3.1 §4.8.9;
  Swagger 2.0 has all but `trace`).
- `path_items` and `operations`: every path item and every operation, in document order. A path
  item written as a local `$ref` is followed; pointers name where an object is *written* (its
  definition site), so a finding on it can be located in the source file.
- `deref` and `follow`: local `$ref`s (`#/...`, RFC 6901 pointers in a URI fragment). A reference
  that cannot be followed in this document — dangling, to another file or URL, or a chain longer
  than `MAX_REF_HOPS` (a cycle) — has one answer everywhere: `None`.
- `response_header_names`: every response header the document declares, by name (what a
  browser page may need to read: CORS exposes them).
- `security_schemes` and `credential_kind`: the declared security schemes (3.x or 2.0), and what
  kind of credential each one takes.

Pointers are built and parsed only by `accord.pointers`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from accord import pointers

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: The longest `$ref` chain followed; a longer one is a cycle (or as good as one) and reads as None.
MAX_REF_HOPS = 32


def _ref(node: Any) -> str | None:
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref if isinstance(ref, str) else None


def target(document: Any, ref: str) -> Any:
    """The node a local reference names, or None when it names nothing here (dangling or not local)."""
    if not ref.startswith("#"):
        return None
    try:
        return pointers.resolve(document, ref)
    except (KeyError, ValueError):
        return None


def follow(document: Any, node: Any, pointer: str = "") -> tuple[Any, str]:
    """Follow `node`'s `$ref` chain: (what it leads to, the pointer where that is written).

    A node without `$ref` is its own answer, at `pointer`. A chain that cannot be followed gives
    (None, pointer of the last `$ref` reached)."""
    for _ in range(MAX_REF_HOPS):
        ref = _ref(node)
        if ref is None:
            return node, pointer
        node = target(document, ref)
        if node is None:
            return None, pointer
        pointer = pointers.join("", *pointers.split(ref))
    return (None, pointer) if _ref(node) is not None else (node, pointer)  # still a `$ref`: a cycle


def deref(document: Any, node: Any) -> Any:
    """What `node` stands for once its local `$ref`s are followed; None when they lead nowhere."""
    if not (isinstance(node, dict) and "$ref" in node):
        return node  # the common case, kept cheap: the mock derefs while answering
    return follow(document, node)[0]


def chain(document: Any, node: Any) -> Iterator[Any]:
    """`node` and every node its `$ref` chain passes through, up to the end or the hop limit.

    For properties that hold when set anywhere along a chain (`readOnly` beside a `$ref`)."""
    yield node
    for _ in range(MAX_REF_HOPS):
        ref = _ref(node)
        if ref is None:
            return
        node = target(document, ref)
        if node is None:
            return
        yield node


@dataclass(slots=True, frozen=True)
class PathItem:
    """One entry of `paths`: its template, where its Path Item Object is written, and that object
    (None when its `$ref` leads nowhere or it is not a mapping)."""

    path: str
    pointer: str
    item: dict[str, Any] | None


@dataclass(slots=True, frozen=True)
class Operation:
    """One operation: `pointer` is where its Operation Object is written."""

    path: str
    method: str
    pointer: str
    operation: dict[str, Any]
    path_item: dict[str, Any]
    path_item_pointer: str

    @property
    def label(self) -> str:
        """`GET /pets/{id}`, as the CLI and Schemathesis name an operation."""
        return f"{self.method.upper()} {self.path}"


def path_items(document: Any) -> Iterator[PathItem]:
    """Every entry of the document's `paths`, in document order (none when `paths` is not a mapping)."""
    paths = document.get("paths") if isinstance(document, dict) else None
    if not isinstance(paths, dict):
        return
    for path, raw in paths.items():
        item, pointer = follow(document, raw, pointers.join("", "paths", path))
        yield PathItem(path, pointer, item if isinstance(item, dict) else None)


def item_operations(item: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(method, Operation Object) of one Path Item Object, in `METHODS` order."""
    for method in METHODS:
        operation = item.get(method)
        if isinstance(operation, dict):
            yield method, operation


def operations(document: Any) -> Iterator[Operation]:
    """Every operation of the document: paths in document order, methods in `METHODS` order."""
    for entry in path_items(document):
        if entry.item is None:
            continue
        for method, operation in item_operations(entry.item):
            yield Operation(entry.path, method, pointers.join(entry.pointer, method), operation, entry.item,
                            entry.pointer)


def response_header_names(document: Any) -> tuple[str, ...]:
    """The names of every header a response of the document declares (`headers` of a 3.x
    Response Object, also 2.0's), spelt as first written, each once (names compare without case),
    in document order."""
    seen: dict[str, str] = {}
    for operation in operations(document):
        responses = deref(document, operation.operation.get("responses"))
        if not isinstance(responses, dict):
            continue
        for response in responses.values():
            response = deref(document, response)
            headers = response.get("headers") if isinstance(response, dict) else None
            if isinstance(headers, dict):
                for name in headers:
                    seen.setdefault(str(name).lower(), str(name))
    return tuple(seen.values())


def security_schemes(document: Any) -> dict[str, dict[str, Any]]:
    """The document's security schemes by name: `components.securitySchemes` (OpenAPI 3) or
    `securityDefinitions` (Swagger 2.0); entries that are not objects are left out."""
    components = document.get("components") if isinstance(document, dict) else None
    schemes = (components.get("securitySchemes") if isinstance(components, dict) else None) \
        or (document.get("securityDefinitions") if isinstance(document, dict) else None) or {}
    return {str(name): scheme for name, scheme in schemes.items() if isinstance(scheme, dict)}


def credential_kind(scheme: dict[str, Any]) -> str | None:
    """What a scheme takes: "api_key"; "bearer" (HTTP bearer, OAuth2, OpenID Connect: a token
    in `Authorization`); "basic" (HTTP basic, Swagger 2.0 `basic`); None for anything else."""
    kind, http = scheme.get("type"), str(scheme.get("scheme", "")).lower()
    if kind == "apiKey":
        return "api_key"
    if (kind == "http" and http == "bearer") or kind in ("oauth2", "openIdConnect"):
        return "bearer"
    if (kind == "http" and http == "basic") or kind == "basic":
        return "basic"
    return None


def base_path(document: dict[str, Any]) -> str:
    """Where a service mounts the operations: the path of the first server URL (OpenAPI 3), its
    variables at their defaults, or `basePath` (2.0), without a trailing slash; "" at the root.
    (Connexion mounts them there; the mock, as Prism, also serves them without it.)"""
    if "swagger" in document:
        return str(document.get("basePath") or "").rstrip("/")
    servers = document.get("servers") or [{}]
    server = servers[0] if isinstance(servers, list) and servers and isinstance(servers[0], dict) else {}
    url = str(server.get("url", ""))
    variables = server.get("variables")
    for name, variable in (variables.items() if isinstance(variables, dict) else ()):
        if isinstance(variable, dict) and variable.get("default") is not None:
            url = url.replace("{" + str(name) + "}", str(variable["default"]))
    return urlsplit(url).path.rstrip("/")
