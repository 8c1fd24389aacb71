"""accord/diff/sources.py: files and `REF:path` documents read from git (single and multi-file)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from accord.diff import diff
from accord.diff.sources import open_source, split_git_source
from accord.errors import DocumentError, UsageError
from tests.conftest import FIXTURES

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
                   cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose HEAD holds the `new-required-request-property` old document."""
    _git(tmp_path, "init", "-q")
    shutil.copy(FIXTURES / "diff-new-required-request-property" / "old.yaml", tmp_path / "openapi.yaml")
    _git(tmp_path, "add", "openapi.yaml")
    _git(tmp_path, "commit", "-q", "-m", "contract v1")
    return tmp_path


def test_split_git_source_tells_files_from_refs(tmp_path: Path) -> None:
    assert split_git_source("main:spec/openapi.yaml") == ("main", "spec/openapi.yaml")
    assert split_git_source("HEAD~1:./openapi.yaml") == ("HEAD~1", "./openapi.yaml")
    assert split_git_source("spec/openapi.yaml") is None
    assert split_git_source("C:\\spec\\openapi.yaml") is None
    odd = tmp_path / "a:b.yaml"  # an existing file wins over the REF:path reading
    odd.write_text("x")
    assert split_git_source(str(odd)) is None


def test_head_against_the_modified_working_file(repo: Path) -> None:
    shutil.copy(FIXTURES / "diff-new-required-request-property" / "new.yaml", repo / "openapi.yaml")
    report = diff("HEAD:openapi.yaml", "openapi.yaml", cwd=repo)
    assert [(c.rule, c.level, c.old_pointer, c.new_pointer) for c in report.changes] == [(
        "new-required-request-property", "breaking",
        "/components/schemas/NewPet", "/components/schemas/NewPet/properties/owner",
    )]
    change = report.changes[0]
    assert change.old_location is not None and change.old_location.file_line.startswith("HEAD:openapi.yaml:")
    assert change.new_location is not None and change.new_location.file_line.startswith(str(repo / "openapi.yaml"))


def test_unchanged_working_file_has_no_changes(repo: Path) -> None:
    assert diff("HEAD:openapi.yaml", "openapi.yaml", cwd=repo).changes == ()


def test_multi_file_document_at_a_ref_brings_its_referenced_files(tmp_path: Path) -> None:
    source = FIXTURES / "diff-multifile"
    shutil.copytree(source / "old", tmp_path / "api")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "api")
    _git(tmp_path, "commit", "-q", "-m", "v1")
    shutil.copy(source / "new" / "schemas" / "pet.yaml", tmp_path / "api" / "schemas" / "pet.yaml")
    (tmp_path / "api" / "unrelated.txt").write_text("not part of the document")
    report = diff("HEAD:api/openapi.yaml", "api/openapi.yaml", cwd=tmp_path)
    breaking = [c for c in report.changes if c.level == "breaking"]
    assert [c.rule for c in breaking] == ["new-required-request-property"]
    old_location = breaking[0].old_location
    assert old_location is not None and old_location.file_line.startswith("HEAD:api/schemas/pet.yaml:")


def test_ref_path_relative_to_the_current_folder(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "diff-multifile" / "old", tmp_path / "api")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "api")
    _git(tmp_path, "commit", "-q", "-m", "v1")
    with open_source("HEAD:./openapi.yaml", cwd=tmp_path / "api") as source:
        assert source.spec.version == "3.0"
        assert "/pets" in source.spec.document["paths"]


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("nope:openapi.yaml", "'nope' is not a commit, branch or tag"),
        ("HEAD:missing.yaml", "HEAD:missing.yaml: no such file at HEAD"),
        ("missing.yaml", "missing.yaml: no such file"),
    ],
)
def test_unreadable_sources_are_usage_errors(repo: Path, argument: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        diff(argument, "openapi.yaml", cwd=repo)


def test_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not inside a git repository"), open_source("HEAD:openapi.yaml", cwd=tmp_path):
        pass


def test_unparseable_document_at_a_ref_names_ref_and_line(repo: Path) -> None:
    (repo / "openapi.yaml").write_text("openapi: 3.0.3\npaths: [unclosed\n")
    _git(repo, "commit", "-q", "-am", "broken")
    with pytest.raises(DocumentError) as caught:
        diff("HEAD:openapi.yaml", "HEAD~1:openapi.yaml", cwd=repo)
    assert caught.value.file == "HEAD:openapi.yaml"
    assert caught.value.line is not None
