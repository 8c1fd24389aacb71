"""The Schemathesis configuration of a run: accord's defaults, the project's schemathesis.toml, then flags.

A team's `schemathesis.toml` (Schemathesis 4's format: per-operation expected statuses, excluded
operations, hooks, auth) applies to `accord test` as it does to the raw `st` CLI. It is found the
way Schemathesis finds it (the working directory, then each parent up to the repository root), or
named with `--schemathesis-config` / ACCORD_SCHEMATHESIS_CONFIG. Precedence: accord's defaults <
the file < what the command line (or an ACCORD_* setting) says.

Checks are chosen by name: Schemathesis's own (`st run --checks` names) and accord's
(`problem_json_errors`). accord's are conventions a contract may or may not promise, so they run
only when named or configured (`[tool.accord] checks`, ACCORD_CHECKS); `all` means every
Schemathesis check.

Credentials are given per security scheme the document declares (`--auth-scheme NAME=VALUE`,
ACCORD_TEST_AUTH) and sent where the scheme says; nothing is sent for a scheme given nothing.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord.errors import UsageError

CONFIG_NAME = "schemathesis.toml"


@dataclass(frozen=True, slots=True)
class Selection:
    """What the command line (or ACCORD_* settings) chose; empty means "as configured"."""

    checks: tuple[str, ...] | None = None  # None: every check the configuration enables
    exclude_checks: tuple[str, ...] = ()
    auth: Mapping[str, str] = field(default_factory=dict)  # security scheme name -> credential
    headers: Mapping[str, str] = field(default_factory=dict)
    config_file: Path | None = None  # None: discovered
    use_config_file: bool = True


def find_config(start: Path | None = None) -> Path | None:
    """schemathesis.toml in `start` (default: the working directory) or a parent, stopping at a
    repository root (a `.git`), as `st` discovers it."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def read_config(path: Path) -> dict[str, Any]:
    """The file as a dict; a missing file or bad TOML is a usage error naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merged key by key, recursively; any other value (lists included) replaced."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def schemathesis_check_names() -> frozenset[str]:
    """Every check Schemathesis runs (`st run --checks` names), accord's excluded."""
    from schemathesis.checks import CHECKS, load_all_checks

    from accord.contract_tests.checks import ACCORD_CHECKS

    load_all_checks()
    return frozenset(CHECKS.get_all_names()) - set(ACCORD_CHECKS)


#: Checks that presume the target remembers what earlier requests did: Schemathesis's two, and
#: accord's async_completion (a stateless mock's job never finishes).
STATE_CHECKS = ("async_completion", "ensure_resource_availability", "use_after_free")


#: Checks that presume the target refuses a wrong credential: an accord mock started without keys
#: accepts any non-empty one, as Prism does (ignored_auth sends a wrong one and expects 401 or 403).
CREDENTIAL_CHECKS = ("ignored_auth",)


def state_checks_skipped(selection: Selection, configured: Sequence[str] = ()) -> tuple[str, ...]:
    """The STATE_CHECKS a run against a stateless target leaves out: those that would run and are
    not named in --checks (accord's own run only when configured or named)."""
    return _left_out(STATE_CHECKS, selection, configured)


def credential_checks_skipped(selection: Selection, configured: Sequence[str] = ()) -> tuple[str, ...]:
    """The CREDENTIAL_CHECKS a run against a target accepting any credential leaves out (unless named)."""
    return _left_out(CREDENTIAL_CHECKS, selection, configured)


def _left_out(names: Sequence[str], selection: Selection, configured: Sequence[str]) -> tuple[str, ...]:
    """Of `names`, those that would run and are not named in --checks (accord's own run only when
    configured or named)."""
    from accord.contract_tests.checks import ACCORD_CHECKS

    named = set(selection.checks or ())
    excluded = set(selection.exclude_checks)
    if "all" in excluded:
        return ()
    return tuple(name for name in names if name not in named and name not in excluded
                 and (name not in ACCORD_CHECKS or name in configured))


def check_switches(selection: Selection, configured: Sequence[str],
                   stateless: bool = False, any_credential: bool = False) -> dict[str, dict[str, bool]]:
    """`checks` entries that turn checks on or off as chosen; a check not mentioned keeps its setting.

    `configured` are accord's checks the project turns on ([tool.accord] checks, ACCORD_CHECKS).
    For a `stateless` target, STATE_CHECKS are off unless named in --checks; for a target that
    accepts `any_credential`, CREDENTIAL_CHECKS are.
    Unknown names are a usage error listing the known ones."""
    from accord.contract_tests.checks import ACCORD_CHECKS

    ours = set(ACCORD_CHECKS)
    theirs = schemathesis_check_names()
    known = theirs | ours | {"all"}
    for flag, names in (("--checks", selection.checks or ()), ("--exclude-checks", selection.exclude_checks)):
        unknown = sorted(set(names) - known)
        if unknown:
            raise UsageError(f"{flag}: unknown check(s) {', '.join(unknown)}; the checks are all, "
                             f"{', '.join(sorted(theirs))} (Schemathesis) and {', '.join(sorted(ours))} (accord)")
    chosen = set(selection.checks) if selection.checks is not None else None
    excluded = set(selection.exclude_checks)
    switches: dict[str, dict[str, bool]] = {}
    for name in sorted(theirs):
        if name in excluded or "all" in excluded:
            switches[name] = {"enabled": False}
        elif chosen is not None:
            switches[name] = {"enabled": "all" in chosen or name in chosen}
    for name in sorted(ours):
        on = name in chosen if chosen is not None else name in configured
        switches[name] = {"enabled": on and name not in excluded}
    if stateless:
        for name in state_checks_skipped(selection, configured):
            switches[name] = {"enabled": False}
    if any_credential:
        for name in credential_checks_skipped(selection, configured):
            switches[name] = {"enabled": False}
    return switches


def parse_auth(pairs: Sequence[str], where: str = "--auth-scheme") -> dict[str, str]:
    """`NAME=VALUE` pairs -> {scheme name: credential}."""
    result: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value:
            raise UsageError(f"{where}: expected NAME=VALUE (a security scheme of the document and its "
                             f"credential), got {pair!r}")
        result[name.strip()] = value
    return result


def parse_headers(items: Sequence[str], where: str = "--header") -> dict[str, str]:
    """`Name: value` items -> headers (as `curl -H` and `st run -H` take them)."""
    result: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or any(c in name for c in " \t\r\n"):
            raise UsageError(f"{where}: expected 'Name: value', got {item!r}")
        result[name.strip()] = value.strip()
    return result


def credentials(document: Mapping[str, Any], given: Mapping[str, str],
                defaults: Mapping[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Schemathesis's `[auth.openapi.<scheme>]` for the schemes given a credential, so each travels
    where its scheme says (apiKey: header, query or cookie; bearer, OAuth2, OpenID: Authorization:
    Bearer; basic: `user:password`). `defaults` (credential kind -> value) go to schemes given
    nothing. A name the document does not declare, or a basic credential without a colon, is a
    usage error."""
    from accord.openapi import credential_kind, security_schemes

    schemes = security_schemes(document)
    unknown = sorted(set(given) - set(schemes))
    if unknown:
        declared = ", ".join(sorted(schemes)) or "none"
        raise UsageError(f"--auth-scheme: the document declares no security scheme {', '.join(unknown)} "
                         f"(declared: {declared})")
    auth: dict[str, dict[str, str]] = {}
    for name, scheme in schemes.items():
        kind = credential_kind(scheme)
        value = given.get(name)
        if value is None and kind is not None:
            value = (defaults or {}).get(kind)
        if value is None:
            continue
        if kind == "api_key":
            auth[name] = {"api_key": value}
        elif kind == "bearer":
            auth[name] = {"bearer": value}
        elif kind == "basic":
            user, sep, password = value.partition(":")
            if not sep:
                raise UsageError(f"--auth-scheme {name}: an HTTP basic scheme takes user:password")
            auth[name] = {"username": user, "password": password}
        elif name in given:
            raise UsageError(f"--auth-scheme {name}: accord cannot send a credential for a "
                             f"{scheme.get('type')!r} scheme; use --header")
    return auth


@dataclass(frozen=True, slots=True)
class ResolvedConfig:
    """The dict handed to `schemathesis.Config.from_dict`, and the file it came from (if any)."""

    data: dict[str, Any]
    source: Path | None
    #: Checks left out because the target cannot honour them (STATE_CHECKS on a stateless target).
    skipped_checks: tuple[str, ...] = ()
    #: CREDENTIAL_CHECKS left out on a target that accepts any credential.
    credential_checks_skipped: tuple[str, ...] = ()


def resolve(defaults: Mapping[str, Any], explicit: Mapping[str, Any], selection: Selection,
            configured_checks: Sequence[str], document: Mapping[str, Any],
            target_credentials: Mapping[str, str], stateless: bool = False,
            any_credential: bool = False) -> ResolvedConfig:
    """defaults < schemathesis.toml < explicit run settings < checks, headers and credentials chosen.

    `target_credentials` (kind -> value) go to schemes given nothing on the command line, over the
    file's credentials: an in-process target accepts only what it was built with, and for a URL
    they come from ACCORD_* settings, which win over a project file (flags > ACCORD_* > files)."""
    source: Path | None = None
    data: dict[str, Any] = dict(defaults)
    if selection.use_config_file:
        source = selection.config_file or find_config()
        if source is not None:
            data = merge(data, read_config(source))
    data = merge(data, explicit)
    data = merge(data, {"checks": check_switches(selection, configured_checks, stateless, any_credential)})
    if selection.headers:
        data = merge(data, {"headers": dict(selection.headers)})
    file_auth = dict((data.get("auth") or {}).get("openapi") or {})
    chosen = {**file_auth, **credentials(document, selection.auth, target_credentials)}
    data = merge(data, {"auth": {"openapi": chosen}}) if chosen else data
    return ResolvedConfig(data, source, state_checks_skipped(selection, configured_checks) if stateless else (),
                          credential_checks_skipped(selection, configured_checks) if any_credential else ())


def build(resolved: ResolvedConfig) -> Any:
    """`schemathesis.Config`; a configuration Schemathesis refuses is a usage error naming the file."""
    import schemathesis
    from schemathesis.config import ConfigError

    base_dir = str(resolved.source.parent) if resolved.source is not None else os.getcwd()
    where = str(resolved.source) if resolved.source is not None else "configuration"
    try:
        return schemathesis.Config.from_dict(resolved.data, base_dir=base_dir)
    except ConfigError as exc:
        raise UsageError(f"{where}: {exc}") from None
    except Exception as exc:  # hooks that fail to import (Schemathesis's HookError) and the like
        if type(exc).__name__ == "HookError":
            raise UsageError(f"{where}: hooks could not be loaded: {exc.__cause__ or exc}") from None
        raise
