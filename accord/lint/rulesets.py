"""Rulesets: the built-in ones and files in Spectral's format, resolved to the rules that run.

    ruleset = build(extends=[("spectral:oas", "recommended")])          # built-in only
    ruleset = build(file=Path(".spectral.yaml"))                         # a Spectral ruleset file
    ruleset.active("3.1", Path("spec/openapi.yaml"))                     # [ActiveRule], overrides applied

Built-in rulesets (`BUILTIN`): `spectral:oas` (Spectral's names and defaults), `owasp:api`
(OWASP API Security Top 10 2023, Spectral's `owasp:api…` names; `@stoplight/spectral-owasp-ruleset`
in `extends` means it) and `accord:contract` (accord's contract-first house rules, opt-in).

A ruleset file is read as Spectral reads it: `extends` (built-in names or local files, each
optionally `[name, recommended|all|off]`), `formats`, `aliases`, `rules` (new `given`/`then`
rules, or a severity for an inherited one: error|warn|info|hint|off, 0-3, -1, true/false)
and `overrides` (severity changes by file pattern, optionally `file#/pointer`). A rule that
needs a JavaScript function, or a `given` this JSONPath dialect cannot evaluate, is kept as
`NotRun` and reported once by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord import documents
from accord.errors import DocumentError, UsageError
from accord.lint.declared import Definition, Then, declared_check
from accord.lint.functions import FUNCTIONS, BadOptions, check_options
from accord.lint.jsonpath import UnsupportedPath, compile_path
from accord.lint.registry import ALL, REGISTRY, SEVERITIES, Rule

BUILTIN = ("spectral:oas", "owasp:api", "accord:contract")
#: npm package names of rulesets accord ships natively.
PACKAGES = {"@stoplight/spectral-owasp-ruleset": "owasp:api"}
MODES = ("recommended", "all", "off")
DISCOVERED = (".spectral.yaml", ".spectral.yml", ".spectral.json")
_JS_RULESETS = (".spectral.js", ".spectral.mjs", ".spectral.cjs", ".spectral.ts")
#: Rules of Spectral's `spectral:oas` that accord does not implement, and why; naming one turns it
#: "on" only to be reported as not run.
SPECTRAL_OAS_ELSEWHERE = {
    "oas2-schema": "structure is checked by `accord validate` (the OpenAPI metaschemas), not lint",
    "oas3-schema": "structure is checked by `accord validate` (the OpenAPI metaschemas), not lint",
    **{name: "a Swagger 2.0 rule accord does not implement" for name in (
        "oas2-api-host", "oas2-api-schemes", "oas2-discriminator", "oas2-host-not-example",
        "oas2-host-trailing-slash", "oas2-operation-security-defined", "oas2-parameter-description",
        "oas2-unused-definition", "oas2-valid-media-example", "oas2-valid-schema-example")},
}
#: Spectral's `formats` names -> OpenAPI versions accord reads.
FORMATS = {
    "oas2": {"2.0"}, "oas3": {"3.0", "3.1"}, "oas3.0": {"3.0"}, "oas3_0": {"3.0"},
    "oas3.1": {"3.1"}, "oas3_1": {"3.1"},
}
#: Severity spelling (Spectral's and accord's) -> accord severity; None: off; "": the rule's default.
LEVELS: dict[Any, str | None] = {
    "off": None, "false": None, -1: None, "on": "", "true": "",
    "error": "error", 0: "error", "warn": "warning", "warning": "warning", 1: "warning",
    "info": "info", "information": "info", 2: "info", "hint": "hint", 3: "hint",
}


@dataclass(slots=True, frozen=True)
class ActiveRule:
    """A rule as configured for one run."""

    rule: Rule
    severity: str


@dataclass(slots=True, frozen=True)
class NotRun:
    """A rule of a ruleset file that cannot run here, and why (reported once, never dropped)."""

    rule: str
    ruleset: str
    reason: str


@dataclass(slots=True, frozen=True)
class Override:
    """Severity changes for documents (and, with a pointer, parts of them) matching `files`."""

    patterns: tuple[tuple[re.Pattern[str], str | None], ...]
    base: Path
    rules: Mapping[str, str | None]

    def pointers_for(self, document: Path) -> list[str | None]:
        """Pointers this override applies under in `document` (None: the whole document)."""
        try:
            relative = document.resolve().relative_to(self.base.resolve()).as_posix()
        except ValueError:
            relative = document.resolve().as_posix()
        return [pointer for regex, pointer in self.patterns
                if regex.fullmatch(relative) or regex.fullmatch(document.name)]


@dataclass(slots=True)
class Entry:
    rule: Rule
    severity: str | None


@dataclass(slots=True)
class Ruleset:
    """Every rule known to a run, its severity (None: off), and what cannot run."""

    entries: dict[str, Entry] = field(default_factory=dict)
    skipped: dict[str, NotRun] = field(default_factory=dict)
    skipped_on: dict[str, bool] = field(default_factory=dict)
    overrides: list[Override] = field(default_factory=list)
    source: Path | None = None

    def active(self, version: str, document: Path | None = None) -> list[ActiveRule]:
        """The rules that run on a document of `version` at `document`, overrides applied."""
        levels = {rule_id: entry.severity for rule_id, entry in self.entries.items()}
        for override in self.overrides:
            if document is not None and None in override.pointers_for(document):
                for rule_id, level in override.rules.items():
                    if rule_id in self.entries:
                        levels[rule_id] = self.entries[rule_id].rule.severity if level == "" else level
        return [ActiveRule(entry.rule, level) for rule_id, entry in self.entries.items()
                if (level := levels[rule_id]) is not None and version in entry.rule.versions]

    def pointer_overrides(self, document: Path) -> list[tuple[str, str, str | None]]:
        """(pointer, rule id, severity or None) changes that apply under a pointer of `document`."""
        found = []
        for override in self.overrides:
            for pointer in override.pointers_for(document):
                if pointer is not None:
                    for rule_id, level in override.rules.items():
                        if rule_id in self.entries:
                            found.append((pointer, rule_id, self.entries[rule_id].rule.severity if level == ""
                                          else level))
        return found

    @property
    def not_run(self) -> list[NotRun]:
        """Rules that would run but cannot (custom JavaScript functions, unsupported paths)."""
        return [entry for name, entry in self.skipped.items() if self.skipped_on.get(name, True)]

    def set_level(self, rule_id: str, level: str | None, origin: str) -> None:
        if rule_id in self.entries:
            entry = self.entries[rule_id]
            entry.severity = entry.rule.severity if level == "" else level
        elif rule_id in self.skipped:
            self.skipped_on[rule_id] = level is not None
        else:
            raise UsageError(f"{origin}: unknown rule {rule_id!r} (not in any ruleset extended here)")


def parse_level(value: Any, origin: str) -> str | None:
    if isinstance(value, bool):  # YAML's on/off are booleans (and True == 1 as a dict key)
        return "" if value else None
    key = value.lower() if isinstance(value, str) else value
    if isinstance(key, float) and key.is_integer():
        key = int(key)
    if not isinstance(key, (str, int)) or key not in LEVELS:
        accepted = ", ".join(("off", "on", "warn", *SEVERITIES, "0-3", "-1"))
        raise UsageError(f"{origin}: {value!r} is not a severity ({accepted})")
    return LEVELS[key]


def _mode_level(rule: Rule, mode: str) -> str | None:
    if mode == "off" or (mode == "recommended" and not rule.recommended):
        return None
    return rule.severity


def build(extends: Iterable[tuple[str, str]] = (("spectral:oas", "recommended"),), *,
          file: Path | None = None, base: Path | None = None) -> Ruleset:
    """The ruleset of `file` (a Spectral-format ruleset), else of the `extends` entries."""
    ruleset = Ruleset(source=file)
    if file is not None:
        _load_file(ruleset, file, "recommended", ())
    else:
        for name, mode in extends:
            _extend(ruleset, name, mode, base or Path.cwd(), "[tool.accord.lint] extends", ())
    return ruleset


def parse_extends(value: Any, origin: str, default_mode: str = "recommended") -> list[tuple[str, str]]:
    """Spectral's `extends`: a name, or a list of names and [name, mode] pairs."""
    items = value if isinstance(value, list) else [value]
    parsed = []
    for index, item in enumerate(items):
        if isinstance(item, str):
            parsed.append((item, default_mode))
        elif isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and item[1] is False:
            parsed.append((item[0], "off"))  # YAML 1.1 reads a bare `off` as false
        elif (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
              and isinstance(item[1], str) and item[1] in MODES):
            parsed.append((item[0], item[1]))
        else:
            raise UsageError(f"{origin}[{index}]: {item!r} is not a ruleset name or [name, "
                             f"{'|'.join(MODES)}]")
    return parsed


def _extend(ruleset: Ruleset, name: str, mode: str, base: Path, origin: str, stack: Sequence[Path]) -> None:
    name = PACKAGES.get(name, name)
    if name in BUILTIN:
        for rule in REGISTRY.values():
            if rule.ruleset == name:
                ruleset.entries[rule.id] = Entry(rule, _mode_level(rule, mode))
        if name == "spectral:oas":
            for rule_id, reason in SPECTRAL_OAS_ELSEWHERE.items():
                ruleset.skipped[rule_id] = NotRun(rule_id, name, reason)
                ruleset.skipped_on.setdefault(rule_id, False)
        return
    if name.startswith("spectral:"):  # spectral:asyncapi, spectral:arazzo: nothing applies to OpenAPI
        return
    path = (base / name) if not Path(name).is_absolute() else Path(name)
    if not path.is_file():
        if not name.startswith((".", "/")) and not Path(name).suffix:
            raise UsageError(f"{origin}: {name!r} is neither a built-in ruleset ({', '.join(BUILTIN)}) "
                             "nor a local ruleset file (npm packages and URLs are not fetched)")
        raise UsageError(f"{origin}: ruleset file {path} not found")
    _load_file(ruleset, path, mode, stack)


def _load_file(ruleset: Ruleset, path: Path, mode: str, stack: Sequence[Path]) -> None:
    here = path.resolve()
    if here in stack:
        raise UsageError(f"{path}: extends itself (through {' -> '.join(str(p) for p in stack)})")
    label = documents.display(path)
    if path.suffix in (".js", ".mjs", ".cjs", ".ts"):
        raise UsageError(f"{label}: JavaScript rulesets cannot be read here; write the ruleset in YAML or JSON")
    try:
        data = documents.load(path)
    except DocumentError as exc:
        raise UsageError(str(exc)) from exc
    if not isinstance(data, dict):
        raise UsageError(f"{label}: a ruleset is a mapping (extends, rules, ...), not {type(data).__name__}")
    inner_stack = (*stack, here)
    if "extends" in data:
        for name, inner_mode in parse_extends(data["extends"], f"{label}: extends"):
            effective = inner_mode if inner_mode != "recommended" or mode == "recommended" else mode
            _extend(ruleset, name, effective, path.parent, f"{label}: extends", inner_stack)
    formats = _versions(data.get("formats"), f"{label}: formats") if "formats" in data else ALL
    aliases = data.get("aliases") or {}
    if not isinstance(aliases, dict):
        raise UsageError(f"{label}: aliases must be a mapping of name to JSONPath")
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise UsageError(f"{label}: rules must be a mapping of rule name to rule or severity")
    for name, value in rules.items():
        origin = f"{label}: rules.{name}"
        if isinstance(value, (str, bool, int, float)) and not isinstance(value, dict):
            ruleset.set_level(str(name), parse_level(value, origin), origin)
        elif isinstance(value, dict) and ("then" in value or "given" in value):
            _define(ruleset, str(name), value, label, mode, formats, aliases, origin)
        elif isinstance(value, dict):
            if "severity" in value:
                ruleset.set_level(str(name), parse_level(value["severity"], f"{origin}.severity"), origin)
            elif str(name) not in ruleset.entries and str(name) not in ruleset.skipped:
                raise UsageError(f"{origin}: a new rule needs given and then")
        else:
            raise UsageError(f"{origin}: expected a rule (given, then) or a severity, not {value!r}")
    for index, override in enumerate(data.get("overrides") or []):
        ruleset.overrides.append(_override(ruleset, override, path, f"{label}: overrides[{index}]"))


def _versions(value: Any, origin: str) -> frozenset[str]:
    if not isinstance(value, list):
        raise UsageError(f"{origin}: expected a list of formats (oas2, oas3, oas3_0, oas3_1, ...)")
    versions: set[str] = set()
    for name in value:
        versions |= FORMATS.get(str(name), set())  # json-schema, asyncapi2...: not OpenAPI documents
    return frozenset(versions)


def _define(ruleset: Ruleset, name: str, value: dict[str, Any], label: str, mode: str,
            formats: frozenset[str], aliases: Mapping[str, Any], origin: str) -> None:
    raw_given = value.get("given")
    given_list: list[Any] = raw_given if isinstance(raw_given, list) else [raw_given]
    givens = [g for g in given_list if isinstance(g, str)]
    if not givens or len(givens) != len(given_list):
        raise UsageError(f"{origin}.given: expected a JSONPath string or a list of them")
    raw_then = value.get("then")
    thens_raw: list[dict[str, Any]] = [t for t in (raw_then if isinstance(raw_then, list) else [raw_then])
                                       if isinstance(t, dict)]
    if not thens_raw or len(thens_raw) != (len(raw_then) if isinstance(raw_then, list) else 1) \
            or not all(isinstance(t.get("function"), str) for t in thens_raw):
        raise UsageError(f"{origin}.then: each then needs a function name")
    versions = _versions(value["formats"], f"{origin}.formats") if "formats" in value else formats
    level = parse_level(value.get("severity", "warn"), f"{origin}.severity")
    recommended = value.get("recommended", True) is not False
    ruleset.entries.pop(name, None)
    ruleset.skipped.pop(name, None)
    custom = [t["function"] for t in thens_raw if t["function"] not in FUNCTIONS]
    if custom:
        ruleset.skipped[name] = NotRun(name, label, f"uses the custom JavaScript function {custom[0]!r}")
        ruleset.skipped_on[name] = mode != "off" and level is not None and (recommended or mode == "all")
        return
    try:
        per_version = {version: tuple(_expand(g, aliases, version, origin) for g in givens) for version in ALL}
        expanded = {version: tuple(p for paths in groups for p in paths) for version, groups in per_version.items()}
        for paths in expanded.values():
            for given in paths:
                compile_path(given)
        for then in thens_raw:
            if isinstance(then.get("field"), str) and then["field"].startswith("$"):
                compile_path(then["field"])
    except UnsupportedPath as exc:
        ruleset.skipped[name] = NotRun(name, label, str(exc))
        ruleset.skipped_on[name] = mode != "off" and level is not None and (recommended or mode == "all")
        return
    for index, then in enumerate(thens_raw):
        try:
            check_options(then["function"], then.get("functionOptions"))
        except BadOptions as exc:
            where = f"{origin}.then[{index}]" if isinstance(raw_then, list) else f"{origin}.then"
            raise UsageError(f"{where}.functionOptions: {exc}") from exc
        except UnsupportedPath as exc:
            ruleset.skipped[name] = NotRun(name, label, str(exc))
            ruleset.skipped_on[name] = mode != "off" and level is not None and (recommended or mode == "all")
            return
    thens = tuple(Then(t["function"], t.get("field") if isinstance(t.get("field"), str) else None,
                       t.get("functionOptions")) for t in thens_raw)
    description = value.get("description") if isinstance(value.get("description"), str) else None
    message = value.get("message") if isinstance(value.get("message"), str) else None
    definition = Definition(name, expanded, thens, message, description, value.get("resolved", True) is not False)
    rule = Rule(name, declared_check(definition), level or "warning", description or message or name,
                recommended=recommended, versions=versions, ruleset=label)
    ruleset.entries[name] = Entry(rule, None if level is None else _mode_level(rule, mode) and level)


def _expand(given: str, aliases: Mapping[str, Any], version: str, origin: str, depth: int = 0) -> list[str]:
    """`#Alias.rest` -> the alias's paths (for `version`, when the alias has format targets) + rest."""
    if not given.startswith("#"):
        return [given]
    if depth > 10:
        raise UsageError(f"{origin}: aliases refer to each other in a loop")
    match = re.match(r"#([A-Za-z0-9_-]+)(.*)", given, re.S)
    if match is None or match.group(1) not in aliases:
        raise UsageError(f"{origin}.given: alias {given.split('.')[0]!r} is not defined in aliases")
    alias = aliases[match.group(1)]
    if isinstance(alias, dict) and isinstance(alias.get("targets"), list):
        paths: list[str] = []
        for target in alias["targets"]:
            if isinstance(target, dict) and version in _versions(target.get("formats", []), origin):
                found: Any = target.get("given")
                paths.extend(found if isinstance(found, list) else [found])
    else:
        paths = alias if isinstance(alias, list) else [alias]
    if not all(isinstance(p, str) for p in paths):
        raise UsageError(f"{origin}: alias {match.group(1)!r} must be a JSONPath or a list of them")
    return [full for p in paths for full in _expand(p + match.group(2), aliases, version, origin, depth + 1)]


def _override(ruleset: Ruleset, value: Any, path: Path, origin: str) -> Override:
    if not isinstance(value, dict) or not isinstance(value.get("files"), list):
        raise UsageError(f"{origin}: expected files (a list of patterns) and rules")
    if "extends" in value or any(isinstance(v, dict) for v in (value.get("rules") or {}).values()):
        raise UsageError(f"{origin}: only severity changes are supported in overrides")
    patterns = []
    for pattern in value["files"]:
        glob, _, pointer = str(pattern).partition("#")
        patterns.append((_glob(glob), pointer or None))
    rules = value.get("rules") or {}
    if not isinstance(rules, dict):
        raise UsageError(f"{origin}.rules: expected a mapping of rule name to severity")
    levels = {}
    for name, level in rules.items():
        if str(name) not in ruleset.entries and str(name) not in ruleset.skipped:
            raise UsageError(f"{origin}.rules: unknown rule {name!r}")
        levels[str(name)] = parse_level(level, f"{origin}.rules.{name}")
    return Override(tuple(patterns), path.parent, levels)


def _glob(pattern: str) -> re.Pattern[str]:
    """A minimatch-style glob (`**`, `*`, `?`) as a regex on '/'-separated relative paths."""
    out, i = [], 0
    pattern = pattern.removeprefix("./")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def discover(folder: Path | None = None) -> Path | None:
    """The ruleset Spectral would pick up in `folder` (the working directory): .spectral.yaml/.yml/.json."""
    here = folder or Path.cwd()
    for name in DISCOVERED:
        if (here / name).is_file():
            return here / name
    for name in _JS_RULESETS:
        if (here / name).is_file():
            raise UsageError(f"{here / name}: JavaScript rulesets cannot be read here; "
                             "write it as .spectral.yaml (or pass --ruleset FILE)")
    return None
