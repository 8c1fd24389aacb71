"""Where the two documents of a diff come from: a file, or `REF:path` read from git.

A document at a git ref is materialised into a temporary folder that mirrors the repository
layout, together with every file it references (followed `$ref` by `$ref`, all at that ref),
so relative references resolve exactly as they did in the commit. It is then loaded with
`accord.loading.load_spec` like any file, and locations are shown as `REF:path`.
"""

from __future__ import annotations

import posixpath
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from accord import documents
from accord.errors import DocumentError, RefError, UsageError
from accord.findings import Finding
from accord.loading import Spec, load_spec

#: git may be slow on a cold cache; a hung git is a usage problem, not a hang.
_GIT_TIMEOUT = 60


@dataclass(slots=True, frozen=True)
class Source:
    """A loaded document and how to name its files for a reader."""

    label: str  # what the user typed
    spec: Spec
    root: Path | None = None  # temporary folder standing for the repository at `ref`
    ref: str | None = None

    def display(self, file: str) -> str:
        if self.root is not None and self.ref is not None:
            try:
                return f"{self.ref}:{Path(file).resolve().relative_to(self.root.resolve()).as_posix()}"
            except ValueError:
                return file
        return file


def split_git_source(argument: str) -> tuple[str, str] | None:
    """("REF", "path") when `argument` names a document in git rather than a file."""
    if Path(argument).exists() or ":" not in argument:
        return None
    ref, _, path = argument.partition(":")
    if not ref or not path or (len(ref) == 1 and ref.isalpha()):  # C:\\... is a Windows path
        return None
    return ref, path


@contextmanager
def open_source(argument: str, *, cwd: Path | None = None, allow_remote: bool = False,
                allow_outside: bool = False) -> Iterator[Source]:
    """Load the document named by `argument` (a file or `REF:path`) for the time of the block."""
    git = split_git_source(argument)
    if git is None:
        spec = load_spec(Path(cwd or ".") / argument, allow_remote=allow_remote, allow_outside=allow_outside)
        yield Source(argument, spec)
        return
    ref, path = git
    work = Path(cwd or ".").resolve()
    with tempfile.TemporaryDirectory(prefix="accord-diff-") as tmp:
        root = Path(tmp)
        document = _materialise(work, ref, path, root)
        source = Source(argument, _load(root / document, ref, root, allow_remote, allow_outside), root, ref)
        yield source


def _git(work: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=work, capture_output=True, timeout=_GIT_TIMEOUT, check=False)
    except FileNotFoundError as exc:
        raise UsageError("git is not installed: cannot read REF:path documents") from exc
    except subprocess.TimeoutExpired as exc:
        raise UsageError(f"git {' '.join(args)} did not answer in {_GIT_TIMEOUT} s") from exc


def _materialise(work: Path, ref: str, path: str, root: Path) -> str:
    """Write `REF:path` and the files it references under `root`; returns its repo path."""
    top = _git(work, "rev-parse", "--show-prefix")
    if top.returncode != 0:
        raise UsageError(f"{ref}:{path}: {work} is not inside a git repository")
    if _git(work, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise UsageError(f"{ref}:{path}: {ref!r} is not a commit, branch or tag of this repository")
    prefix = top.stdout.decode().strip()
    # git's own rule: REF:./x is relative to the current folder, REF:x to the repository root.
    relative = path.startswith(("./", "../"))
    start = posixpath.normpath(posixpath.join(prefix, path) if relative else path)
    pending, done = [start], set()
    while pending:
        repo_path = pending.pop()
        if repo_path in done:
            continue
        done.add(repo_path)
        shown = _git(work, "show", f"{ref}:{repo_path}")
        if shown.returncode != 0:
            if repo_path == start:
                raise UsageError(f"{ref}:{path}: no such file at {ref}")
            continue  # a dangling reference: the loader reports it, located
        target = root / repo_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shown.stdout)
        try:
            content = documents.parse(shown.stdout, f"{ref}:{repo_path}")
        except DocumentError:
            if repo_path == start:
                raise
            continue
        for file_ref in _file_refs(content):
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(repo_path), file_ref))
            if not joined.startswith("../") and joined != "..":
                pending.append(joined)
    return start


def _file_refs(node: object) -> set[str]:
    """Relative file parts of the `$ref`s in a parsed document (URLs are not files)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                parts = urlsplit(ref)
                if parts.path and not (parts.scheme and len(parts.scheme) > 1):
                    found.add(unquote(parts.path))
            stack.extend(v for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, (dict, list)))
    return found


def _load(file: Path, ref: str, root: Path, allow_remote: bool, allow_outside: bool) -> Spec:
    """load_spec, with temporary paths in errors rewritten as `REF:path`."""

    def name(path: str | None) -> str | None:
        if path is None:
            return None
        try:
            return f"{ref}:{Path(path).resolve().relative_to(root.resolve()).as_posix()}"
        except ValueError:
            return path

    try:
        return load_spec(file, allow_remote=allow_remote, allow_outside=allow_outside)
    except DocumentError as exc:
        raise DocumentError(exc.detail, file=name(exc.file), line=exc.line) from exc
    except RefError as exc:
        raise RefError([_renamed(f, name(f.file)) for f in exc.findings]) from exc


def _renamed(finding: Finding, file: str | None) -> Finding:
    return finding.located(file, finding.line, finding.source_pointer)
