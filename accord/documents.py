"""Reading one document file: JSON through orjson, YAML through libyaml, lines on demand.

Large documents are the common case for real APIs (GitHub's is 13 MB of JSON), so JSON is
parsed as JSON and YAML with the C loader; line numbers are only computed when a finding
needs one.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from accord.errors import DocumentError, UsageError
from accord.pointers import split

if TYPE_CHECKING:
    import yaml

#: Largest document accord reads (bytes): bounded memory on hostile input.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
#: Most YAML aliases accepted in one file (a "billion laughs" document has many).
MAX_YAML_ALIASES = 10_000
#: Most values a YAML document may expand to through its aliases: a "billion laughs" needs only
#: 90 aliases to expand to 10^9 values, which no alias count catches and no walk ever finishes.
MAX_YAML_EXPANDED_VALUES = 5_000_000
#: Files larger than this get no line numbers (the JSON pointer still locates a finding):
#: building libyaml's node tree for GitHub's 13 MB description takes ~12 s.
MAX_LINE_LOOKUP_BYTES = 4 * 1024 * 1024


@cache
def _loader() -> type[yaml.CSafeLoader]:
    """Safe libyaml loader that keeps dates as strings and mapping keys as strings.

    OpenAPI is JSON-compatible: `200:` is the response key "200" and `2024-01-01` is a string.
    Built on first use: PyYAML is imported only when a YAML file is read or a line is looked up
    (a JSON document starts without it).
    """
    import yaml

    class Loader(yaml.CSafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(loader: yaml.CSafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
        loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, bool):
                key = "true" if key else "false"
            elif key is None:
                key = "null"
            elif not isinstance(key, str):
                key = str(key)
            result[key] = loader.construct_object(value_node, deep=True)
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


def display(path: str | Path) -> str:
    """A path as a person would type it: relative to the working directory when inside it."""
    text = str(path)
    try:
        relative = os.path.relpath(text)
    except ValueError:
        return text
    return text if relative.startswith("..") else relative


def read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if path.is_dir():
        raise UsageError(f"{path}: is a directory, not a document")
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"document is {size} bytes, over the {MAX_DOCUMENT_BYTES}-byte limit", file=str(path)
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror}", file=str(path)) from exc


def parse(data: bytes, file: str) -> Any:
    """Parse JSON or YAML bytes; a syntax error names the file and line."""
    stripped = data.lstrip()
    if file.endswith(".json") or stripped[:1] in (b"{", b"["):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            if file.endswith(".json"):
                raise DocumentError(f"invalid JSON: {exc.msg}", file=file, line=exc.lineno) from exc
            # Flow-style YAML can start with "{": fall through to the YAML loader.
    import yaml

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line: int | None = data[: exc.start].count(b"\n") + 1
        raise DocumentError("not valid UTF-8", file=file, line=line) from exc
    if text.count("*") > MAX_YAML_ALIASES and _alias_count(text) > MAX_YAML_ALIASES:
        raise DocumentError(f"more than {MAX_YAML_ALIASES} YAML aliases (refused)", file=file)
    try:
        value = yaml.load(text, Loader=_loader())  # a safe loader (no arbitrary objects)
        if "&" in text and "*" in text:
            _check_expansion(value, file)
        return value
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise DocumentError(f"invalid YAML: {problem}", file=file, line=line) from exc
    except yaml.YAMLError as exc:
        raise DocumentError(f"invalid YAML: {exc}", file=file) from exc
    except RecursionError as exc:
        raise DocumentError("document nested too deeply", file=file) from exc


def _check_expansion(value: Any, file: str) -> None:
    """Refuse aliases that expand past MAX_YAML_EXPANDED_VALUES (recursive nodes the loader refuses).

    Aliased nodes are shared objects after loading, so each is sized once (by identity) and
    the work is proportional to the text, not to what it expands to.
    """
    sizes: dict[int, int] = {}

    def size(node: Any) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        key = id(node)
        known = sizes.get(key)
        if known is not None:
            return known
        children = node.values() if isinstance(node, dict) else node
        total = 1 + sum(size(child) for child in children)
        if total > MAX_YAML_EXPANDED_VALUES:
            raise DocumentError(f"YAML aliases expand to more than {MAX_YAML_EXPANDED_VALUES} values (refused)",
                                file=file)
        sizes[key] = total
        return total

    size(value)


def _alias_count(text: str) -> int:
    import yaml

    count = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent):
            count += 1
    return count


def load(path: Path) -> Any:
    return parse(read_bytes(path), str(path))


#: Parse trees kept for line lookup: one per file (a changed file replaces its own), for this many
#: files at most. A libyaml node tree is ~25 times its file (63 MB for Stripe's 2.5 MB description),
#: and a mock that reloads on every edit would otherwise keep one per version.
MAX_LINE_TREES = 4
_trees: dict[str, tuple[tuple[float, int], yaml.Node | int | None]] = {}


def _composed(file: str, stat: os.stat_result) -> yaml.Node | int | None:
    """The file's node tree; for a file written on one line (minified JSON: APIs.guru's Stripe)
    that line's number, without building a tree; None when unreadable."""
    import yaml

    version = (stat.st_mtime, stat.st_size)
    found = _trees.pop(file, None)
    if found is not None and found[0] == version:
        _trees[file] = found  # the most recently used last
        return found[1]
    tree: yaml.Node | int | None = None
    try:
        text = Path(file).read_text(encoding="utf-8")
        content = text.strip()
        if content and "\n" not in content and "\r" not in content:
            tree = text[: text.index(content[0])].count("\n") + 1
        else:
            tree = yaml.compose(text, Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        tree = None
    _trees[file] = (version, tree)
    while len(_trees) > MAX_LINE_TREES:
        del _trees[next(iter(_trees))]
    return tree


def line_of(file: str, pointer: str) -> int | None:
    """1-based line where the node at `pointer` is written in `file` (None if unknown).

    Walks the libyaml node tree (JSON is YAML for this purpose); the deepest existing
    ancestor's line is returned when the pointer goes past what the file holds.
    """
    try:
        stat = Path(file).stat()
    except OSError:
        return None
    if stat.st_size > MAX_LINE_LOOKUP_BYTES:
        return None
    node = _composed(file, stat)
    if node is None or isinstance(node, int):
        return node
    import yaml

    line = node.start_mark.line + 1
    try:
        tokens = split(pointer)
    except ValueError:
        return line
    for token in tokens:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if getattr(key_node, "value", None) == token:
                    child = value_node
                    line = key_node.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and token.isdigit():
            index = int(token)
            if index < len(node.value):
                child = node.value[index]
                line = child.start_mark.line + 1
        if child is None:
            return line
        node = child
    return line
