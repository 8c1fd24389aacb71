from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from accord import documents
from accord.errors import DocumentError, UsageError


def test_yaml_keeps_dates_and_status_keys_as_strings(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("responses:\n  200: {description: ok}\nwhen: 2024-01-01\n")
    data = documents.load(path)
    assert data == {"responses": {"200": {"description": "ok"}}, "when": "2024-01-01"}


def test_json_is_parsed_as_json(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b'{"a": [1, 2.5, null]}')
    assert documents.load(path) == {"a": [1, 2.5, None]}


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{\n  "a": 1,\n  "b": ]\n}')
    with pytest.raises(DocumentError) as info:
        documents.load(path)
    assert info.value.line == 3
    assert info.value.file == str(path)


def test_invalid_yaml_names_the_line(fixtures: Path) -> None:
    with pytest.raises(DocumentError) as info:
        documents.load(fixtures / "bad-yaml" / "openapi.yaml")
    assert info.value.line == 8


def test_invalid_utf8_is_a_document_error(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"a: 1\nb: \xff\xfe\n")
    with pytest.raises(DocumentError) as info:
        documents.load(path)
    assert info.value.line == 2


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        documents.load(tmp_path / "nope.yaml")


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 9):
        prev = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("z: [" + ",".join(["*i"] * 2000) + "]")
    path = tmp_path / "laughs.yaml"
    # Repeat aliases until over the limit.
    body = "\n".join(lines) + "\n" + "\n".join(f"k{n}: [" + ",".join(["*i"] * 10) + "]" for n in range(1000))
    path.write_text(body)
    with pytest.raises(DocumentError, match="aliases"):
        documents.load(path)


def test_line_of_follows_pointer(fixtures: Path) -> None:
    file = str(fixtures / "valid-multifile" / "schemas" / "pets.yaml")
    assert documents.line_of(file, "/Pet/properties/name") == 6
    assert documents.line_of(file, "/PetList/properties/data/items") == 17
    # Past the end of what exists: the deepest ancestor's line.
    assert documents.line_of(file, "/Kind/nothing/here") == 8


def test_a_document_on_one_line_is_located_without_a_parse_tree(tmp_path: Path, monkeypatch) -> None:
    # Minified JSON (APIs.guru's Stripe description is 2.5 MB on one line): every node is on that
    # line, and libyaml's node tree for it (63 MB, 6 s) would say nothing more.
    file = tmp_path / "minified.json"
    file.write_text('\n\n{"openapi": "3.0.3", "paths": {"/a": {}}}\n')

    def refuse(*args, **kwargs):
        raise AssertionError("composed a node tree")

    monkeypatch.setattr(yaml, "compose", refuse)
    assert documents.line_of(str(file), "/paths/~1a") == 3
    assert documents.line_of(str(file), "/nothing/here") == 3


def test_line_lookup_keeps_one_tree_per_file_and_few_files(tmp_path: Path) -> None:
    files = [tmp_path / f"doc{n}.yaml" for n in range(documents.MAX_LINE_TREES + 2)]
    for file in files:
        file.write_text("a:\n  b: 1\n")
        assert documents.line_of(str(file), "/a/b") == 2
    assert len(documents._trees) <= documents.MAX_LINE_TREES
    edited = files[-1]
    for extra in range(1, 8):  # a file edited while a mock reloads it: each version replaces the last
        edited.write_text("x: 0\n" * extra + "a:\n  b: 1\n")
        assert documents.line_of(str(edited), "/a/b") == extra + 2
    assert len(documents._trees) <= documents.MAX_LINE_TREES


def test_a_json_document_is_read_without_pyyaml(tmp_path: Path) -> None:
    """PyYAML is imported when a YAML file is read or a line looked up, not to read JSON (start-up)."""
    path = tmp_path / "a.json"
    path.write_text('{"openapi": "3.0.3"}')
    code = f"import sys, pathlib; from accord import documents; documents.load(pathlib.Path({str(path)!r})); " \
           "print('yaml' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
