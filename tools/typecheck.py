"""mypy over the four source trees under the module names they install as.

pyproject.toml maps mock/ to accord.mock and contract_tests/ to accord.contract_tests
([tool.setuptools.package-dir]). mypy cannot follow that mapping: the editable install resolves
it with an import hook (PEP 660), which static tools do not run, and mypy names a file after its
folder. So this passes every file of a mapped folder to mypy with its installed name, and leaves
the rest (the [tool.mypy] settings, `packages = accord, impl`) to mypy; errors name the real files.

Usage: python tools/typecheck.py [mypy options]
"""

from __future__ import annotations

import sys
import time
import tomllib
from pathlib import Path

from mypy import util
from mypy.fscache import FileSystemCache
from mypy.main import process_options, run_build
from mypy.modulefinder import BuildSource

ROOT = Path(__file__).resolve().parent.parent


def mapped_sources(root: Path) -> list[BuildSource]:
    """Every module of every package-dir mapping, named as it installs."""
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    mapping: dict[str, str] = pyproject["tool"]["setuptools"]["package-dir"]
    sources = []
    for package, folder in sorted(mapping.items()):
        for file in sorted((root / folder).rglob("*.py")):
            parts = list(file.relative_to(root / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            path = str(file.relative_to(root))
            sources.append(BuildSource(path, ".".join([package, *parts]), base_dir=str(root)))
    return sources


def main(argv: list[str]) -> int:
    t0 = time.time()
    fscache = FileSystemCache()
    sources, options = process_options(argv, fscache=fscache)
    sources += mapped_sources(ROOT)
    _, messages, blockers = run_build(sources, options, fscache, t0, sys.stdout, sys.stderr)
    n_errors, _notes, n_files = util.count_stats(messages)
    formatter = util.FancyFormatter(sys.stdout, sys.stderr, options.hide_error_codes)
    if n_errors:
        print(formatter.format_error(n_errors, n_files, len(sources), blockers=blockers))
        return 2 if blockers else 1
    print(formatter.format_success(len(sources)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
