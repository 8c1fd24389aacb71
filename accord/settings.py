"""Every `ACCORD_*` environment variable, declared once: its type, default, meaning and reader.

Code reads a variable through `read(name)` (or a click option with `envvar=name`, for the
command-line flags), never through `os.environ`: an undeclared name is a `KeyError` at once, a
bad value a `UsageError` naming the variable (exit 2). docs/settings.md is generated from this
table (`python -m accord.settings > docs/settings.md`) and a test keeps the two equal.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from accord import config
from accord.errors import UsageError

#: The kinds of value a variable holds, as the docs name them.
KINDS = ("text", "path", "bool", "int", "float", "list")

#: The components that read variables, in the order the docs list them.
COMPONENTS = {
    "commands": "Every command",
    "serve": "`accord serve`",
    "mock": "`accord mock`",
    "credentials": "Credentials (the service kit, the mock, the contract tests)",
    "service": "The service kit (`accord.service`)",
    "impl": "The ML example app (`impl/`)",
    "contract": "Contract tests (`accord test`, `accord verify`, `pytest contract_tests`)",
    "starter": "The project `accord init` writes",
    "tests": "This repository's test suite",
}

_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class Setting:
    """One `ACCORD_*` variable: a blank value counts as unset."""

    name: str
    kind: str
    default: Any
    help: str
    component: str
    #: Who reads it, for the docs (a command's flag, a module).
    read_by: str
    #: The default as the docs say it, when `default` alone does not (a derived or layered default).
    default_text: str | None = None
    minimum: int | float | None = None

    def read(self, environ: Mapping[str, str] | None = None, *, default: Any = _UNSET) -> Any:
        """The typed value, or the default when unset (`default=` for a caller with layers of its own)."""
        fallback = self.default if default is _UNSET else default
        raw = config.env_str(self.name, None, environ)
        if raw is None:
            return fallback
        if self.kind == "text":
            return raw
        if self.kind == "path":
            return Path(raw)
        if self.kind == "bool":
            return config.env_bool(self.name, False, environ)
        if self.kind == "int":
            return config.env_int(self.name, 0, environ, minimum=int(self.minimum or 0))
        if self.kind == "float":
            return config.env_float(self.name, 0.0, environ, minimum=float(self.minimum or 0.0))
        return tuple(config.env_list(self.name, environ))

    @property
    def shown_default(self) -> str:
        if self.default_text is not None:
            return self.default_text
        if self.default is None or self.default == ():
            return "unset"
        if isinstance(self.default, bool):
            return "on" if self.default else "off"
        return f"`{self.default}`"


_S = Setting
_MOCK = "`accord mock`"
SETTINGS: dict[str, Setting] = {s.name: s for s in (
    # -- every command -----------------------------------------------------------------------------
    _S("ACCORD_SPEC", "path", Path(config.DEFAULT_SPEC), "The contract: SPEC of the commands, `--spec` of "
       "`serve`, `test` and `verify`, and the document the service kit serves (`[tool.accord] spec` too).",
       "commands", "every command; `accord.service`"),
    _S("ACCORD_ALLOW_REMOTE_REFS", "bool", False, "Follow `$ref`s to URLs (refused by default).",
       "commands", "`--allow-remote-refs` of the commands that load a document"),
    _S("ACCORD_ALLOW_OUTSIDE_REFS", "bool", False, "Follow `$ref`s to files outside the document's folder "
       "(refused by default).", "commands", "`--allow-outside-refs` of the commands that load a document"),
    _S("ACCORD_APP", "text", config.DEFAULT_APP, "The handlers package: a folder (handlers in its `handlers/` "
       "subpackage) or an importable name.", "commands", "`--app` of `serve`, `scaffold`, `test`, `verify`; "
       "`accord.service`", default_text="`service`, or `[tool.accord] app`"),
    _S("ACCORD_DEBUG", "bool", False, "Print the traceback of an internal error (a bug in accord) before "
       "its one-line report.", "commands", "`accord.cli.main`"),
    # -- accord serve --------------------------------------------------------------------------------
    _S("ACCORD_HOST", "text", config.DEFAULT_HOST, "Interface the service binds.", "serve", "`accord serve --host`"),
    _S("ACCORD_SERVE_PORT", "int", config.DEFAULT_SERVE_PORT, "Port the service binds.", "serve",
       "`accord serve --port`"),
    _S("ACCORD_WORKERS", "int", 1, "uvicorn worker processes (1 to 64); each builds the service from the "
       "settings the parent hands down through its environment (`accord/service/asgi.py`).", "serve",
       "`accord serve --workers`", minimum=1),
    # -- accord mock ---------------------------------------------------------------------------------
    _S("ACCORD_MOCK_HOST", "text", config.DEFAULT_HOST, "Interface the mock binds.", "mock", f"{_MOCK} `--host`"),
    _S("ACCORD_MOCK_PORT", "int", config.DEFAULT_MOCK_PORT, "Port the mock binds.", "mock", f"{_MOCK} `--port`"),
    _S("ACCORD_MOCK_DYNAMIC", "bool", False, "Generate response data per request instead of serving examples.",
       "mock", f"{_MOCK} `--dynamic`"),
    _S("ACCORD_MOCK_SEED", "text", None, "Seed for generated data (deterministic output): a number or any text.",
       "mock", f"{_MOCK} `--seed`"),
    _S("ACCORD_MOCK_PROXY", "text", None, "Validating proxy: forward valid requests to this URL and check its "
       "responses.", "mock", f"{_MOCK} `--proxy`"),
    _S("ACCORD_MOCK_RECORD", "path", None, "Write the interactions clients make to this consumer contract "
       "(Pact V4 JSON).", "mock", f"{_MOCK} `--record`"),
    _S("ACCORD_MOCK_STATEFUL", "bool", False, "Keep created resources; jobs move through their statuses.",
       "mock", f"{_MOCK} `--stateful`"),
    _S("ACCORD_MOCK_RULES", "path", None, "Behaviour file: response rules, latency, faults, scenarios "
       "(docs/mock-behaviour.md).", "mock", f"{_MOCK} `--rules`"),
    _S("ACCORD_MOCK_SCENARIO", "text", None, "Scenario of the rules file active at start.", "mock",
       f"{_MOCK} `--scenario`"),
    # -- credentials ---------------------------------------------------------------------------------
    _S("ACCORD_API_KEYS", "list", (), "Accepted API keys, comma-separated. With neither this nor "
       "`ACCORD_API_KEYS_FILE`, the service accepts only `accord-dev-key` (and logs a warning), the mock any "
       "non-empty key; the contract tests send the first key, else `accord-dev-key`.", "credentials",
       "`accord.service`, `accord mock`, the contract tests"),
    _S("ACCORD_API_KEYS_FILE", "path", None, "A file of API keys, one per line (`#` starts a comment), used when "
       "`ACCORD_API_KEYS` is unset.", "credentials", "`accord.service`, `accord mock`, the contract tests"),
    _S("ACCORD_BEARER_TOKENS", "list", (), "Tokens accepted for `http: bearer`, OAuth2 and OpenID Connect "
       "schemes (every scope granted), comma-separated; the contract tests send the first.", "credentials",
       "`accord.service`, the contract tests"),
    _S("ACCORD_BASIC_CREDENTIALS", "list", (), "`user:password` pairs accepted for `http: basic` schemes, "
       "comma-separated; the contract tests send the first.", "credentials", "`accord.service`, the contract tests"),
    # -- the service kit -----------------------------------------------------------------------------
    _S("ACCORD_STATE_DIR", "path", Path(config.DEFAULT_STATE_DIR), "Where a service keeps what it builds at run "
       "time (job stores, caches).", "service", "`accord.service`"),
    _S("ACCORD_VALIDATE_RESPONSES", "bool", True, "Check every response against the contract; `0` turns it off "
       "in production (docs/data-team.md, \"Response validation and production\").", "service",
       "`accord.service`"),
    _S("ACCORD_ACCESS_LOG", "bool", True, "uvicorn's per-request access log; `0` behind a proxy that logs "
       "requests already: about 5 % of a single-instance request (docs/performance.md, \"Access log in "
       "production\").", "service", "`accord.service`"),
    _S("ACCORD_MAX_BODY_BYTES", "int", 1024 * 1024, "Request bodies above this many bytes get 413 "
       "`payload-too-large` (an app may allow more on a route).", "service", "`accord.service`",
       default_text="`1048576` (1 MiB)", minimum=1),
    _S("ACCORD_CORS_ORIGINS", "text", None, "Which browser origins may call: comma-separated origins (credentialed "
       "calls allowed, the Origin echoed), `*` for any (without credentials), `off` for none "
       "(`accord/service/cors.py`). Preflights need no key; every answer, problems included, carries the CORS "
       "headers, and every response header the contract declares (`Location`, `Retry-After`, `X-Request-ID`...) "
       "is exposed to pages by name.", "service", "`accord.service`",
       default_text="pages on `localhost`, `127.0.0.1`, `[::1]` (any port)"),
    _S("ACCORD_PROBLEM_REQUEST_ID", "bool", True, "Put the request id into every problem body (`request_id`).",
       "service", "`accord.service`"),
    # -- the ML example app --------------------------------------------------------------------------
    _S("ACCORD_MODELS_DIR", "path", Path(".accord/models"), "Model artefacts and manifests; trained here when "
       "missing.", "impl", "`impl/config.py`"),
    _S("ACCORD_JOBS_DB", "path", None, "The job store (SQLite, WAL).", "impl", "`impl/config.py`",
       default_text="`jobs.sqlite3` in `ACCORD_STATE_DIR`"),
    _S("ACCORD_MAX_JOB_BODY_BYTES", "int", 16 * 1024 * 1024, "The body limit of job creation (up to 10 000 "
       "instances).", "impl", "`impl/config.py`", default_text="`16777216` (16 MiB)", minimum=1),
    _S("ACCORD_JOB_TTL_SECONDS", "float", 24 * 3600, "How long finished job results are kept (then 410).",
       "impl", "`impl/config.py`", default_text="`86400` (24 h)"),
    _S("ACCORD_JOB_BATCH_SIZE", "int", 100, "Instances predicted (and committed) per batch in a job.", "impl",
       "`impl/config.py`", minimum=1),
    _S("ACCORD_JOB_BATCH_DELAY", "float", 0.0, "Seconds between batches (tests use it to catch a job mid-run).",
       "impl", "`impl/config.py`", default_text="`0`"),
    _S("ACCORD_JOB_LEASE_SECONDS", "float", 15.0, "A running job's lease: after a crash another worker takes "
       "the job over after this long.", "impl", "`impl/config.py` (the job worker)", default_text="`15`"),
    _S("ACCORD_JOBS_BUSY_TIMEOUT_SECONDS", "float", 10.0, "How long a write to the jobs file waits for another "
       "connection's lock (then 503 `job-store-unavailable`).", "impl", "`impl/config.py` (the job store)",
       default_text="`10`"),
    _S("ACCORD_JOBS_DATABASE_URL", "text", None, "The job store in PostgreSQL (a `postgresql://` URL), shared "
       "by every replica and worker; the models are then built once (`python -m impl.models build`), never "
       "trained by a replica (docs/data-team.md, \"Beyond one machine\").", "impl", "`impl/config.py`",
       default_text="unset: the SQLite file `ACCORD_JOBS_DB`"),
    _S("ACCORD_JOBS_BROKER_URL", "text", None, "Run jobs on Celery workers through this broker (a `redis://` "
       "URL) instead of a thread in each replica; needs `ACCORD_JOBS_DATABASE_URL`.", "impl", "`impl/config.py`",
       default_text="unset: the in-process worker"),
    _S("ACCORD_JOBS_VISIBILITY_TIMEOUT", "float", 60.0, "Celery: a batch taken by a worker that died unacknowledged "
       "is handed to another after this long (Redis's visibility timeout); longer than any one batch takes.",
       "impl", "`impl/config.py` (Celery's Redis transport)", default_text="`60`", minimum=1),
    # -- contract tests ------------------------------------------------------------------------------
    _S("ACCORD_TARGET", "text", None, "What to test: `mock`, `service` (`impl`), or a URL.", "contract",
       "`accord test --target`, `accord verify --target`"),
    _S("ACCORD_MAX_EXAMPLES", "int", None, "Fuzzing examples per operation; setting it (or `ACCORD_SEED`) asks "
       "for a longer, randomised run.", "contract", "`accord test --max-examples`, `pytest contract_tests`",
       default_text="`8`, derandomised", minimum=1),
    _S("ACCORD_SEED", "int", None, "Hypothesis seed of the contract tests.", "contract",
       "`accord test --seed`, `pytest contract_tests`", default_text="`42`"),
    _S("ACCORD_CONTRACT_TARGETS", "list", (), "Targets of `pytest contract_tests`, comma-separated.",
       "contract", "`contract_tests/conftest.py`", default_text="`mock,impl`"),
    _S("ACCORD_CHECKS", "list", (), "accord's own checks to run besides Schemathesis's, comma-separated: "
       "`problem_json_errors` (problem bodies list their `errors`), `async_completion` (a 202 with `Location` "
       "is followed to its end).", "contract",
       "`accord test`, `pytest contract_tests`", default_text="`[tool.accord] checks`, else none"),
    _S("ACCORD_TEST_CHECKS", "list", (), "The checks `accord test` runs, by name, comma-separated: "
       "Schemathesis's (`st run --checks` names, `all`) and accord's (`problem_json_errors`).", "contract",
       "`accord test --checks`", default_text="what the configuration enables"),
    _S("ACCORD_TEST_EXCLUDE_CHECKS", "list", (), "Checks `accord test` skips, comma-separated.", "contract",
       "`accord test --exclude-checks`"),
    _S("ACCORD_TEST_AUTH", "list", (), "Credentials per security scheme of the document, `NAME=VALUE`, "
       "comma-separated: an apiKey's key, a bearer/OAuth2/OpenID token, a basic scheme's `user:password`; each "
       "sent where its scheme says.", "contract", "`accord test --auth-scheme`"),
    _S("ACCORD_TEST_HEADERS", "list", (), "Headers `accord test` sends with every request, `Name: value`, "
       "comma-separated.", "contract", "`accord test --header`"),
    _S("ACCORD_SCHEMATHESIS_CONFIG", "path", None, "The Schemathesis configuration `accord test` reads.",
       "contract", "`accord test --schemathesis-config`",
       default_text="`schemathesis.toml` in the working directory or a parent, up to the repository root"),
    _S("ACCORD_ALLOW_NOT_IMPLEMENTED", "bool", False, "Operations answering 501 (not implemented) do not fail "
       "`accord test`; they are still listed.", "contract", "`accord test --allow-not-implemented`"),
    _S("ACCORD_BASELINE", "path", None, "Known failures of `accord test` (Schemathesis's baseline format): "
       "only new ones fail; written when missing.", "contract", "`accord test --baseline`"),
    _S("ACCORD_MIN_COVERAGE", "float", None, "Fail `accord test` when it exercised less than this percentage "
       "of what the document documents (operations, responses, media types, parameters, links).", "contract",
       "`accord test --min-coverage`"),
    # -- the starter project -------------------------------------------------------------------------
    _S("ACCORD_REQUIREMENT", "text", None, "Where `make` and CI install accord from: a pip requirement (a name "
       "and version, a path, a wheel URL). Read by make and the workflow, not by accord.", "starter",
       "the starter's `Makefile` and `.github/workflows/contract.yml`",
       default_text="where the accord that ran `accord init` came from"),
    # -- this repository's tests ---------------------------------------------------------------------
    _S("ACCORD_CHROMIUM", "path", None, "The Chromium the browser tests drive.", "tests",
       "`tests/browser/conftest.py`", default_text="`chromium` on PATH, else `/usr/bin/chromium`"),
)}


def read(name: str, environ: Mapping[str, str] | None = None, *, default: Any = _UNSET) -> Any:
    """The typed value of a declared variable (KeyError for an undeclared one)."""
    return SETTINGS[name].read(environ, default=default)


def default_of(name: str) -> Any:
    """The declared default, for a module that names it as a constant."""
    return SETTINGS[name].default


def overridden(settings_class: type, values: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """`values` read from the environment, with the arguments a caller gave (None: not given) on
    top; a name `settings_class` has no field for is a TypeError, as for any bad keyword."""
    unknown = sorted(set(overrides) - {f.name for f in fields(settings_class)})
    if unknown:
        raise TypeError(f"{settings_class.__name__} has no setting {', '.join(unknown)}")
    return {**values, **{k: v for k, v in overrides.items() if v is not None}}


def api_keys(environ: Mapping[str, str] | None = None) -> tuple[str, ...] | None:
    """The configured API keys: `ACCORD_API_KEYS`, else the lines of `ACCORD_API_KEYS_FILE`; None
    when neither gives a key (each reader decides what that means: docs/settings.md)."""
    keys: tuple[str, ...] = read("ACCORD_API_KEYS", environ)
    if keys:
        return keys
    file: Path | None = read("ACCORD_API_KEYS_FILE", environ)
    if file is None:
        return None
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"ACCORD_API_KEYS_FILE={str(file)!r}: cannot read it ({exc.strerror or exc})") from None
    found = tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return found or None


def markdown() -> str:
    """docs/settings.md: one table per component."""
    lines = [
        "# Settings",
        "",
        "<!-- Generated by `python -m accord.settings > docs/settings.md` from accord/settings.py; "
        "tests/accord/test_settings.py fails when this file differs. -->",
        "",
        "Precedence: flags > `ACCORD_*` environment variables > `[tool.accord]` in `pyproject.toml` > defaults.",
        "A blank value counts as unset. A bad value (`ACCORD_MOCK_PORT=abc`) is a usage error naming the",
        "variable, exit 2. Booleans take `1`, `true`, `yes`, `on` and `0`, `false`, `no`, `off`; lists are",
        "comma-separated.",
    ]
    for component, title in COMPONENTS.items():
        rows = [s for s in SETTINGS.values() if s.component == component]
        lines += ["", f"## {title}", "", "| variable | type | default | read by | what |", "|---|---|---|---|---|"]
        lines += [f"| `{s.name}` | {s.kind} | {s.shown_default} | {s.read_by} | {s.help} |" for s in rows]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
