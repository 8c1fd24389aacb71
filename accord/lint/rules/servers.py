"""Server rules (OpenAPI 3.x): servers declared, URLs well formed, variables defined and used."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from itertools import islice, product
from typing import Any
from urllib.parse import urlsplit

from accord import openapi, pointers
from accord.lint.context import Hits, LintContext

_VARIABLE = re.compile(r"\{([^{}]+)\}")
#: At most this many substitutions are tried when checking that variables give valid URLs.
MAX_SUBSTITUTIONS = 64


def _servers(ctx: LintContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, Server Object) for top-level, path-item, operation and link servers."""
    owners: list[tuple[str, Any]] = [("", ctx.document)]
    owners += [(entry.pointer, entry.item) for entry in openapi.path_items(ctx.document)]
    owners += [(op.pointer, op.operation) for op in ctx.operations]
    for pointer, owner in owners:
        listed = owner.get("servers") if isinstance(owner, dict) else None
        for index, server in enumerate(listed if isinstance(listed, list) else ()):
            if isinstance(server, dict):
                yield f"{pointer}/servers/{index}", server
    for pointer, link in _links(ctx):
        if isinstance(link.get("server"), dict):
            yield f"{pointer}/server", link["server"]


def _links(ctx: LintContext) -> Iterator[tuple[str, dict[str, Any]]]:
    components = ctx.document.get("components")
    owners: list[tuple[str, Any]] = []
    if isinstance(components, dict):
        owners.append(("/components", components))
        responses = components.get("responses")
        for name, response in (responses.items() if isinstance(responses, dict) else ()):
            owners.append((pointers.join("", "components", "responses", name), response))
    for op in ctx.operations:
        responses = op.operation.get("responses")
        for status, response in (responses.items() if isinstance(responses, dict) else ()):
            owners.append((pointers.join(op.pointer, "responses", status), response))
    for pointer, owner in owners:
        links = owner.get("links") if isinstance(owner, dict) else None
        for name, link in (links.items() if isinstance(links, dict) else ()):
            if isinstance(link, dict):
                yield pointers.join(pointer, "links", name), link

def api_servers(ctx: LintContext) -> Hits:
    servers = ctx.document.get("servers")
    if not isinstance(servers, list) or not servers or not all(isinstance(s, dict) for s in servers):
        yield "/servers" if "servers" in ctx.document else "", 'OpenAPI "servers" must be present and non-empty array.'


def server_trailing_slash(ctx: LintContext) -> Hits:
    for pointer, server in _top_servers(ctx):
        url = server.get("url")
        if isinstance(url, str) and len(url) > 1 and url.endswith("/"):
            yield f"{pointer}/url", "Server URL must not have trailing slash."


def server_not_example_com(ctx: LintContext) -> Hits:
    for pointer, server in _top_servers(ctx):
        url = server.get("url")
        if isinstance(url, str) and "example.com" in url:
            yield f"{pointer}/url", "Server URL must not point at example.com."


def _top_servers(ctx: LintContext) -> Iterator[tuple[str, dict[str, Any]]]:
    servers = ctx.document.get("servers")
    for index, server in enumerate(servers if isinstance(servers, list) else ()):
        if isinstance(server, dict):
            yield f"/servers/{index}", server


def server_variables(ctx: LintContext) -> Hits:
    """Each `{variable}` of a server URL is defined with a default (in its enum), and each defined one is used."""
    for pointer, server in _servers(ctx):
        url = server.get("url")
        if not isinstance(url, str):
            continue
        used = list(dict.fromkeys(_VARIABLE.findall(url)))
        variables = found if isinstance(found := server.get("variables"), dict) else {}
        for name in variables:
            if name not in used:
                yield (pointers.join(pointer, "variables", name),
                       f'Server\'s "variables" object has unused defined "{name}" url variable.')
        missing = [name for name in used if name not in variables]
        if missing:
            yield (f"{pointer}/variables", "Not all server's variables are described with \"variables\" object. "
                   f"Missed: {', '.join(missing)}.")
        choices: list[list[str]] = []
        for name in used:
            variable = variables.get(name)
            if not isinstance(variable, dict):
                continue
            at = pointers.join(pointer, "variables", name)
            default, enum = variable.get("default"), variable.get("enum")
            if default is None:
                yield at, f'Server Variable "{name}" has a missing default.'
            if isinstance(enum, list):
                if default is not None and default not in enum:
                    yield f"{at}/default", f'Server Variable "{name}" has a default not listed in the enum.'
                choices.append([str(v) for v in enum])
            elif default is not None:
                choices.append([str(default)])
        if choices and len(choices) == len(used):
            invalid = [u for u in islice(_substitutions(url, used, choices), MAX_SUBSTITUTIONS) if not _valid_url(u)]
            if invalid:
                yield (f"{pointer}/variables",
                       f"Substitutions of server variables give invalid URLs: {', '.join(invalid[:5])}")


def _substitutions(url: str, names: list[str], choices: list[list[str]]) -> Iterator[str]:
    for values in product(*choices):
        mapping = dict(zip(names, values, strict=True))
        yield _VARIABLE.sub(partial(_substitute, mapping), url)


def _substitute(mapping: dict[str, str], match: re.Match[str]) -> str:
    return mapping.get(match.group(1), match.group(0))


def _valid_url(url: str) -> bool:
    """A relative URL is valid (OAS 3: relative to the document); an absolute one needs a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if not parts.scheme:
        return not url.startswith("//") and " " not in url
    return bool(parts.netloc) and " " not in url
