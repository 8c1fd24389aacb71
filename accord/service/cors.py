"""CORS for the service, so a page on another origin (the web team's app, the demo page, the
mock's Swagger UI) can call it from a browser.

Added the way Connexion 3 documents it (cookbook, "CORS"): Starlette's `CORSMiddleware` through
`app.add_middleware(..., position=MiddlewarePosition.BEFORE_EXCEPTION)`. That is before routing
and security, so preflights are answered without a key, and outside Connexion's exception
middleware, so the problems it renders (401 from security, 400 from validation, 404...) carry the
headers too; with `BEFORE_ROUTING` a refused key reaches the page as an opaque network error.
The problems answered before Connexion's stack is entered (406, 413, a header sent twice, the
last-resort 500: accord.service.middleware) go through the same middleware (`with_cors`), so a page can
read those too.

`ACCORD_CORS_ORIGINS` chooses who may call:
  unset            development default: any page served from localhost / 127.0.0.1 / [::1], any port,
                   with credentials
  `*`              any origin, without credentials (`Access-Control-Allow-Origin: *`)
  `a,b`            exactly these origins (`https://app.example.com,https://admin.example.com`), with
                   credentials
  `off` (or `none`) no CORS headers at all (server-to-server only)

"With credentials": a page calling with `fetch(..., {credentials: "include"})` is answered with its
own Origin echoed, `Access-Control-Allow-Credentials: true` and `Vary: Origin`. The Fetch standard
reads `*` literally for a credentialed call, so `*` is never sent with credentials, and the headers
a page may read are exposed by name: every response header the contract declares, plus the ones
the service adds itself (`ALWAYS_EXPOSED`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import connexion
from connexion.middleware import MiddlewarePosition
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from accord.openapi import response_header_names
from accord.settings import read

#: Pages served from this machine, on any port: what a developer runs while building the front end.
LOCAL_ORIGINS = r"^https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?$"
#: Response headers a page may read whatever the contract declares: the request id the service
#: always sends, a 401's challenge, a 405's Allow, a 202's Location, a 429/503's Retry-After and
#: the deprecation headers of pinned versions, and the Link to the served document (RFC 8631). The
#: contract's own response headers are added.
ALWAYS_EXPOSED = ("X-Request-ID", "WWW-Authenticate", "Allow", "Location", "Retry-After", "Deprecation", "Sunset",
                  "Link")
#: Preflights are cached by the browser this long (seconds).
MAX_AGE = 600
_OFF = {"off", "none", "0", "false", "no"}


@dataclass(frozen=True, slots=True)
class CorsPolicy:
    """Which origins may call: an explicit list, or a regular expression over the origin."""

    origins: tuple[str, ...] = ()
    origin_regex: str | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.origins) or self.origin_regex is not None

    @property
    def credentials(self) -> bool:
        """Credentialed calls are allowed from named origins (and the local default), never from `*`."""
        return self.enabled and "*" not in self.origins

    @classmethod
    def parse(cls, raw: str | None) -> CorsPolicy:
        """Read the `ACCORD_CORS_ORIGINS` syntax; None or blank is the development default."""
        if raw is None or not raw.strip():
            return cls(origin_regex=LOCAL_ORIGINS)
        text = raw.strip()
        if text.lower() in _OFF:
            return cls()
        return cls(origins=tuple(part.strip().rstrip("/") for part in text.split(",") if part.strip()))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CorsPolicy:
        return cls.parse(read("ACCORD_CORS_ORIGINS", environ))


def exposed_headers(document: Any) -> list[str]:
    """`ALWAYS_EXPOSED` and every response header the document declares, each once."""
    names: dict[str, str] = {}
    for name in (*ALWAYS_EXPOSED, *response_header_names(document)):
        names.setdefault(name.lower(), name)
    return list(names.values())


def cors_options(policy: CorsPolicy, document: Any) -> dict[str, object]:
    """Starlette `CORSMiddleware` keyword arguments for this policy and the served document."""
    return {
        "allow_origins": list(policy.origins),
        "allow_origin_regex": policy.origin_regex,
        "allow_methods": ["GET", "POST", "OPTIONS"],
        # The contract's request headers (X-API-Key, X-Request-ID, Idempotency-Key, Content-Type)
        # and whatever a client library adds: the API key travels in a header, never a cookie.
        # With `*` Starlette echoes the headers a preflight asks for, so a credentialed call works.
        "allow_headers": ["*"],
        "allow_credentials": policy.credentials,
        "expose_headers": exposed_headers(document),
        "max_age": MAX_AGE,
    }


def add_cors(app: connexion.AsyncApp, policy: CorsPolicy, document: Any) -> None:
    """Install CORS before routing; nothing when the policy allows no origin."""
    if not policy.enabled:
        return
    app.add_middleware(CORSMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       **cors_options(policy, document))


def with_cors(app: ASGIApp, policy: CorsPolicy, document: Any) -> ASGIApp:
    """`app` behind the same CORS headers, for answers made outside Connexion's stack (the
    outermost middleware's 406, 413 and 500 problems); `app` itself when CORS is off."""
    if not policy.enabled:
        return app
    return CORSMiddleware(app, **cors_options(policy, document))  # type: ignore[arg-type]
