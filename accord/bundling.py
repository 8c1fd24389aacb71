"""`accord bundle`: one self-contained document, JSON or YAML chosen by the file extension."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import yaml

from accord.errors import UsageError
from accord.loading import load_spec


def bundle(path: str | Path, *, allow_remote: bool = False, allow_outside: bool = False) -> dict[str, Any]:
    """The document at `path` with every external file reference inlined."""
    return load_spec(path, allow_remote=allow_remote, allow_outside=allow_outside).document


def dumps(document: dict[str, Any], fmt: str) -> bytes:
    """Serialise as "json" or "yaml"."""
    if fmt == "json":
        return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
    if fmt == "yaml":
        text = yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)
        return text.encode("utf-8")
    raise UsageError(f"unknown output format {fmt!r} (json or yaml)")


def format_for(output: Path) -> str:
    suffix = output.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    raise UsageError(f"{output}: cannot tell the format from the extension (use .json, .yaml or .yml)")


def write_bundle(path: str | Path, output: str | Path, **policy: bool) -> Path:
    """Bundle `path` into `output`; returns the output path."""
    out = Path(output)
    data = dumps(bundle(path, **policy), format_for(out))
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write: {exc.strerror}") from exc
    return out
