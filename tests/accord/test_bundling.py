from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from accord import pointers
from accord.bundling import write_bundle
from accord.errors import UsageError
from accord.validation import validate_spec

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def _operations(document: dict) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in item if method in HTTP_METHODS}


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def _source_operations(root: Path) -> set[tuple[str, str]]:
    """Operations read straight from the split source files, following path-item $refs."""
    original = yaml.safe_load(root.read_text())
    found = set()
    for path, item in original["paths"].items():
        if "$ref" in item:
            file, _, pointer = item["$ref"].partition("#")
            item = pointers.resolve(yaml.safe_load((root.parent / file).read_text()), pointer)
        found |= {(path, method) for method in item if method in HTTP_METHODS}
    return found


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_bundle_of_the_contract_validates_and_keeps_operations(spec_path: Path, tmp_path: Path, suffix: str) -> None:
    out = write_bundle(spec_path, tmp_path / f"bundle{suffix}")
    text = out.read_text()
    bundled = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    assert _operations(bundled) == _source_operations(spec_path)
    # Self-contained: every reference points inside the bundle.
    refs = _refs(bundled)
    assert refs and all(ref.startswith("#/") for ref in refs)
    report = validate_spec(out)
    assert report.ok, [f.render() for f in report.findings]


def test_bundle_extension_decides_format(fixtures: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        write_bundle(fixtures / "valid-multifile" / "openapi.yaml", tmp_path / "bundle.txt")
