"""Targets: the mock and the service in-process (ASGI), or any running service by URL.

`open_target("mock" | "service" | URL | ASGI app)` yields a `Target` that knows how to point a
Schemathesis schema at it. In-process targets are built with the development API key, so the
contract's ApiKeyAuth is exercised for real (401 without it, 2xx with it).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from accord.config import DEFAULT_APP, DEFAULT_MOCK_PORT, DEFAULT_SERVE_PORT, DEV_API_KEY
from accord.errors import UsageError
from accord.settings import api_keys as configured_api_keys

#: Host Schemathesis uses for in-process ASGI requests.
ASGI_BASE_URL = "http://localhost"


@dataclass(frozen=True, slots=True)
class Target:
    """A target ready to test: an in-process ASGI app or a base URL, and the key it accepts (None:
    unknown, for a URL given no key: only the credentials the run is given are sent)."""

    name: str
    app: Any = None
    base_url: str = ASGI_BASE_URL
    api_key: str | None = DEV_API_KEY
    #: Credential per kind of scheme (accord.openapi.credential_kind: api_key, bearer, basic) sent
    #: to schemes the run is given nothing for: what an in-process target was built to accept, or
    #: what ACCORD_API_KEYS / ACCORD_BEARER_TOKENS / ACCORD_BASIC_CREDENTIALS configure.
    credentials: Mapping[str, str] = field(default_factory=dict)
    #: For an in-process target a reader can start as a server: (its local URL, how to start it),
    #: so a failure's curl command is one that runs (http://localhost is the in-process app).
    served_as: tuple[str, str] | None = None
    #: The target keeps no state between requests (the mock without --stateful): a GET after a
    #: DELETE still answers the document's example, so checks that presume memory do not apply.
    stateless: bool = False
    #: What accord chose for a URL target that the run should say (the base path, the key sent).
    notes: tuple[str, ...] = ()
    #: The target accepts any non-empty credential (an accord mock started without keys, as Prism
    #: checks presence only): a wrong credential is not refused, so ignored_auth cannot hold.
    any_credential: bool = False

    @property
    def in_process(self) -> bool:
        return self.app is not None

    def runnable(self, reproduction: str) -> str:
        """A failure's reproduction (curl) that runs outside this process, with what it needs."""
        if not self.in_process or not reproduction:
            return reproduction
        if self.served_as is None:
            return (f"# sent to the in-process app {self.name}: no server listens on {ASGI_BASE_URL};"
                    f" serve the app and use its URL\n{reproduction}")
        url, start = self.served_as
        return f"# needs {start}\n" + reproduction.replace(ASGI_BASE_URL + "/", url + "/")


#: The user of the basic credential in-process targets accept (the password is the target's key).
IN_PROCESS_USER = "accord"


def in_process_credentials(key: str) -> dict[str, str]:
    """One key for every kind of scheme: the mock compares any credential with its keys, and the
    service is built to accept the key as a bearer token and `accord:KEY` as a basic pair."""
    return {"api_key": key, "bearer": key, "basic": f"{IN_PROCESS_USER}:{key}"}


#: Hosts of a server on this machine (`make run`, `accord mock`, `accord serve`).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def configured_credentials(api_key: str | None, *, loopback: bool = False) -> dict[str, str]:
    """For a URL: the key given (else the first of ACCORD_API_KEYS), the first of
    ACCORD_BEARER_TOKENS and of ACCORD_BASIC_CREDENTIALS. A `loopback` URL given no key gets the
    development key, which `accord mock` and `accord serve` accept when no key is configured;
    nothing else is assumed."""
    from accord.settings import read

    keys = configured_api_keys()
    found = {"api_key": api_key or (keys[0] if keys else (DEV_API_KEY if loopback else None)),
             "bearer": next(iter(read("ACCORD_BEARER_TOKENS")), None),
             "basic": next((p for p in read("ACCORD_BASIC_CREDENTIALS") if ":" in p), None)}
    return {kind: value for kind, value in found.items() if value}


@dataclass(frozen=True, slots=True)
class ServedMock:
    """What an accord mock reached by URL says of itself (`/__accord/about`)."""

    any_credential: bool  # started without keys: any non-empty credential is accepted
    stateful: bool


def served_mock(url: str, timeout: float = 5.0) -> ServedMock | None:
    """The accord mock serving `url` (its `/__accord/about`, at the server's root), else None."""
    import requests

    from accord.mock.docs import ABOUT, SERVER

    parts = urlsplit(url)
    try:
        answer = requests.get(f"{parts.scheme}://{parts.netloc}{ABOUT}", timeout=timeout, allow_redirects=False)
        about = answer.json() if answer.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return None
    if not isinstance(about, dict) or about.get("server") != SERVER:
        return None
    return ServedMock(any_credential=about.get("credentials") == "presence", stateful=about.get("stateful") is True)


def _mock(spec: Path, api_key: str, **options: Any) -> Generator[Target]:
    """The mock in-process; `options` go to `create_app` (stateful=, rules=, scenario=, seed=…)."""
    from accord.mock.app import create_app

    described = ", ".join(f"{k}={v}" for k, v in sorted(options.items()) if v not in (None, False))
    name = f"mock ({described})" if described else "mock"
    flags = " ".join(f"--{k}" if v is True else f"--{k} {v}" for k, v in sorted(options.items())
                     if v not in (None, False))
    start = f"`accord mock{' ' + flags if flags else ''}` on :{DEFAULT_MOCK_PORT}" + ("" if flags else " (`make run`)")
    yield Target(name, app=create_app(spec, api_keys=[api_key], **options), api_key=api_key,
                 served_as=(f"http://127.0.0.1:{DEFAULT_MOCK_PORT}", start),
                 credentials=in_process_credentials(api_key), stateless=not options.get("stateful"))


def _service(spec: Path, api_key: str, app: str | None = None) -> Generator[Target]:
    """The team's handlers served by the kit (`app`, else ACCORD_APP or `[tool.accord] app`)."""
    from accord.config import configured_app
    from accord.service import close_app, create_app, service_of

    app_name = app or configured_app()
    # A private state folder: runs never see each other's jobs, and nothing lands in the work tree.
    with tempfile.TemporaryDirectory(prefix="accord-contract-") as tmp:
        accepted = in_process_credentials(api_key)
        service = create_app(spec_path=spec, app=app_name, state_dir=Path(tmp), api_keys=[api_key],
                             bearer_tokens=[accepted["bearer"]], basic_credentials=[accepted["basic"]],
                             validate_responses=True)
        from accord.service.middleware import base_path

        # Connexion serves the operations under the first server URL's path (`/api/v3`).
        context = service_of(service)  # always set on an app create_app built
        base = ASGI_BASE_URL + (base_path(context.document) if context is not None else "")
        try:
            flag = "" if app_name == configured_app() else f" --app {app_name}"  # what plain `accord serve` serves
            start = f"`accord serve{flag}` on :{DEFAULT_SERVE_PORT}"
            yield Target("service" if app_name == DEFAULT_APP else app_name, app=service, api_key=api_key,
                         base_url=base, served_as=(f"http://127.0.0.1:{DEFAULT_SERVE_PORT}", start),
                         credentials=accepted)
        finally:
            close_app(service)


#: Named in-process targets: name -> context-manager factory(spec, api_key). `impl` is this
#: repository's name for its service, kept as a synonym.
BUILTIN: dict[str, Callable[..., Generator[Target]]] = {"mock": _mock, "service": _service,
                                                               "impl": _service}


def default_api_key() -> str:
    """The key sent to the target: the first configured (ACCORD_API_KEYS, else ACCORD_API_KEYS_FILE),
    else the development key."""
    keys = configured_api_keys()
    return keys[0] if keys else DEV_API_KEY


@contextlib.contextmanager
def open_target(target: str | Any, spec: Path, *, name: str | None = None,
                api_key: str | None = None, mock_options: Mapping[str, Any] | None = None,
                app: str | None = None, server_path: bool = True) -> Iterator[Target]:
    """Resolve a target name, URL or ASGI app; UsageError for anything else or an unreachable URL.

    `mock_options` configure the in-process mock (the "mock" target only). A URL without a path gets
    the path of the document's first server when `server_path` (operations are addressed by their
    templates); a trailing `/` (`http://host:8080/`) means the root, as given; a consumer contract's
    replay, whose paths are what the client sent, passes False."""
    key = api_key or default_api_key()
    if mock_options and target != "mock":
        raise UsageError("mock options (stateful, rules, scenario) apply to the 'mock' target only")
    if not isinstance(target, str):
        if not callable(target):
            raise UsageError(f"target must be 'mock', 'service', a URL or an ASGI app, got {type(target).__name__}")
        yield Target(name or getattr(target, "__name__", None) or type(target).__name__, app=target, api_key=key,
                     credentials=in_process_credentials(key))
        return
    if target == "mock":
        yield from _as_cm(_mock(spec, key, **dict(mock_options or {})))
        return
    factory = BUILTIN.get(target)
    if factory is not None:
        yield from _as_cm(factory(spec, key, app))
        return
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"unknown target {target!r}: use 'mock', 'service' or an http(s):// URL")
    notes: list[str] = []
    base_url = target.rstrip("/")
    if server_path and not parts.path:  # `http://host:port/` asks for the root
        from accord.loading import load_spec
        from accord.openapi import base_path

        prefix = base_path(load_spec(spec).document)
        if prefix:
            # Where the service mounts the operations (the mock serves them there too).
            base_url += prefix
            notes.append(f"base URL {base_url}: {target} with the path of the document's first server "
                         f"(give the URL with a path to test elsewhere, or {target}/ for the root)")
    check_reachable(base_url)
    loopback = (parts.hostname or "") in LOOPBACK_HOSTS
    found = configured_credentials(api_key, loopback=loopback)
    mock = served_mock(target)
    if mock is not None and mock.any_credential:
        # Whatever is sent is accepted: every kind of scheme gets a credential, so operations
        # behind bearer, OAuth2 or basic schemes are tested beyond their 401.
        found = {**in_process_credentials(DEV_API_KEY), **found}
        notes.append(f"{base_url} is an accord mock started without keys, which accepts any non-empty credential, "
                     f"as Prism does: schemes given no credential were sent the development key {DEV_API_KEY} "
                     f"(basic schemes {IN_PROCESS_USER}:{DEV_API_KEY})")
    elif loopback and not api_key and not configured_api_keys():
        notes.append(f"sent the development key {DEV_API_KEY} to apiKey schemes given no credential (a server "
                     "on this machine with no ACCORD_API_KEYS accepts it; set ACCORD_API_KEYS or --auth-scheme "
                     "otherwise)")
    yield Target(name or target, base_url=base_url, api_key=found.get("api_key"), credentials=found,
                 notes=tuple(notes), stateless=mock is not None and not mock.stateful,
                 any_credential=mock is not None and mock.any_credential)


def _as_cm(gen: Generator[Target]) -> Iterator[Target]:
    try:
        yield next(gen)
    finally:
        gen.close()


def check_reachable(url: str, timeout: float = 5.0) -> None:
    """Any HTTP answer will do; a refused or timed-out connection is a usage error (exit 2)."""
    import requests

    try:
        requests.get(url, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        reason = type(exc).__name__
        raise UsageError(f"target {url} is not reachable ({reason}); is the server running?") from None
