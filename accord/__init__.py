"""accord: a contract-first API toolkit built around one OpenAPI document.

The library behind every `accord` command; each function returns a report or raises one of
the errors of `accord.errors` (every finding located by an `accord.Location`):

    import accord

    report = accord.validate_spec("spec/openapi.yaml")      # .findings, .ok, .exit_code
    document = accord.bundle("spec/openapi.yaml")           # one self-contained dict
    lint = accord.lint_spec("spec/openapi.yaml")

    from accord.diff import diff                            # (a function named like its package)
    changes = diff("main:spec/openapi.yaml", "spec/openapi.yaml")

`import accord` loads only the error tree and the location types; everything else is imported
on first use. The mock (`accord.mock.app.create_app`), the service kit (`accord.service`) and the
contract tests (`accord.contract_tests.run_contract_tests`) are packages of their own, with
heavier dependencies, and are not re-exported here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from accord.errors import AccordError, DocumentError, FindingsError, RefError, UsageError
from accord.findings import Finding
from accord.locations import Location

if TYPE_CHECKING:
    from accord.bundling import bundle, write_bundle
    from accord.consumer.contract import ConsumerContract, read_contract
    from accord.diff.report import Change, DiffReport
    from accord.lint import LintReport, lint_spec
    from accord.loading import Spec, load_spec
    from accord.scaffold import scaffold_app
    from accord.validation import ValidationReport, validate_spec

__version__ = "0.1.0"

#: Public name -> the module defining it, imported when the name is first used.
_LAZY = {
    "load_spec": "accord.loading",
    "Spec": "accord.loading",
    "validate_spec": "accord.validation",
    "ValidationReport": "accord.validation",
    "bundle": "accord.bundling",
    "write_bundle": "accord.bundling",
    "lint_spec": "accord.lint",
    "LintReport": "accord.lint",
    "DiffReport": "accord.diff.report",
    "Change": "accord.diff.report",
    "scaffold_app": "accord.scaffold",
    "read_contract": "accord.consumer.contract",
    "ConsumerContract": "accord.consumer.contract",
}

__all__ = [
    "AccordError",
    "Change",
    "ConsumerContract",
    "DiffReport",
    "DocumentError",
    "Finding",
    "FindingsError",
    "LintReport",
    "Location",
    "RefError",
    "Spec",
    "UsageError",
    "ValidationReport",
    "bundle",
    "lint_spec",
    "load_spec",
    "read_contract",
    "scaffold_app",
    "validate_spec",
    "write_bundle",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'accord' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
