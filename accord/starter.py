"""`accord init [DIR]`: a new contract-first project, ready for `make run` and `make test`.

The project holds a small, valid, lint-clean starter contract (or the team's own document,
`spec=`), a handlers package (`service/`: written handlers for the starter, `accord scaffold`'s
stubs for a document of the team's), a contract suite against the mock and the service
(`tests/`), a Makefile, a CI workflow and a README for each role. Nothing that exists is
overwritten: a file in the way is a usage error listing every such file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from accord.bundling import dumps
from accord.errors import UsageError
from accord.loading import load_spec
from accord.scaffold import APP_INIT, scaffold_app

TEMPLATES = "templates/init"
#: Template files → where they go in the project (the rest keep their path, less `.tmpl`).
RENAMED = {"gitignore.tmpl": ".gitignore"}
#: Written only for the starter contract (its own handlers); a team's document gets stubs instead.
STARTER_ONLY = ("spec/", "service/")


@dataclass(slots=True, frozen=True)
class NewProject:
    """What `init_project` wrote: every file, and the stubs written for a team's document."""

    directory: Path
    files: tuple[Path, ...]
    stubs: tuple[str, ...]
    spec: str


def accord_requirement() -> str:
    """How the new project installs accord: from where this accord came (a wheel file or a
    source folder, PEP 610's direct_url.json), else by name and version from the package index."""
    try:
        dist = metadata.distribution("accord")
    except metadata.PackageNotFoundError:
        return "accord"
    direct = dist.read_text("direct_url.json")
    if direct:
        url = json.loads(direct).get("url", "")
        if url.startswith("file://"):
            return f"accord @ {url}"
    return f"accord=={dist.version}"


def _templates() -> list[tuple[str, str]]:
    """(relative path in the project, template text) for every template file."""
    root = resources.files("accord").joinpath(TEMPLATES)
    found: list[tuple[str, str]] = []

    def walk(node: resources.abc.Traversable, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith(".tmpl"):
                target = RENAMED.get(child.name, child.name[: -len(".tmpl")])
                found.append((prefix + target, child.read_text(encoding="utf-8")))

    walk(root, "")
    return found


def init_project(directory: str | Path, *, spec: str | Path | None = None, title: str | None = None) -> NewProject:
    """Write a new project into `directory` (created when missing); see the module docstring."""
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: exists and is not a folder")
    document: dict[str, Any] | None = None
    spec_name = "spec/openapi.yaml"
    own_text = ""
    if spec is not None:
        source = Path(spec)
        if not source.is_file():
            raise UsageError(f"{source}: no such file (--spec)")
        loaded = load_spec(source)  # a document that cannot be read is refused before anything is written
        document = loaded.document
        single = len(loaded.files) <= 1
        # One file is copied as written; a document split over files is bundled into one.
        own_text = source.read_text(encoding="utf-8") if single else dumps(document, "yaml").decode("utf-8")
        spec_name = "spec/openapi.json" if source.suffix == ".json" and single else spec_name
    info = (document or {}).get("info")
    name = title or (str(info.get("title") or "") if isinstance(info, dict) else "") \
        or folder.resolve().name.replace("-", " ").replace("_", " ").title()
    replacements = {"__TITLE__": name, "__REQUIREMENT__": accord_requirement(), "__SPEC__": spec_name}
    planned: dict[str, str] = {}
    for path, text in _templates():
        if document is not None and path.startswith(STARTER_ONLY):
            continue
        for token, value in replacements.items():
            text = text.replace(token, value)
        planned[path] = text
    if document is not None:
        planned[spec_name] = own_text
        planned["service/__init__.py"] = APP_INIT.format(app="service")
    in_the_way = sorted(p for p in planned if (folder / p).exists())
    if in_the_way or (document is not None and (folder / "service" / "handlers").exists()):
        listed = ", ".join(in_the_way) or "service/handlers/"
        raise UsageError(f"{folder}: would overwrite {listed}; choose an empty folder (nothing was written)")
    written: list[Path] = []
    for path, text in planned.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    stubs: list[str] = []
    if document is not None:
        for file, function in scaffold_app(folder / spec_name, str(folder / "service")):
            stubs.append(function)
            if Path(file) not in written:
                written.append(Path(file))
    return NewProject(folder, tuple(written), tuple(stubs), spec_name)
