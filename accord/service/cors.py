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
  unset            development default: any page served from localhost / 127.0.0.1 / [::1], any port
  `*`              any origin
  `a,b`            exactly these origins (`https://app.example.com,https://admin.example.com`)
  `off` (or `none`) no CORS headers at all (server-to-server only)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import connexion
from connexion.middleware import MiddlewarePosition
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from accord.settings import read

#: Pages served from this machine, on any port: what a developer runs while building the front end.
LOCAL_ORIGINS = r"^https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?$"
#: Response headers a page must be able to read: the job's URL, the polling hint, the request id
#: to quote, the deprecation headers of pinned versions, and a 401's challenge (the mock exposes `*`).
EXPOSED_HEADERS = ("Location", "Retry-After", "X-Request-ID", "Deprecation", "Sunset", "WWW-Authenticate")
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


def cors_options(policy: CorsPolicy) -> dict[str, object]:
    """Starlette `CORSMiddleware` keyword arguments for this policy."""
    return {
        "allow_origins": list(policy.origins),
        "allow_origin_regex": policy.origin_regex,
        "allow_methods": ["GET", "POST", "OPTIONS"],
        # The contract's request headers (X-API-Key, X-Request-ID, Idempotency-Key, Content-Type)
        # and whatever a client library adds: the API key travels in a header, never a cookie.
        "allow_headers": ["*"],
        "allow_credentials": False,
        "expose_headers": list(EXPOSED_HEADERS),
        "max_age": MAX_AGE,
    }


def add_cors(app: connexion.AsyncApp, policy: CorsPolicy) -> None:
    """Install CORS before routing; nothing when the policy allows no origin."""
    if not policy.enabled:
        return
    app.add_middleware(CORSMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, **cors_options(policy))


def with_cors(app: ASGIApp, policy: CorsPolicy) -> ASGIApp:
    """`app` behind the same CORS headers, for answers made outside Connexion's stack (the
    outermost middleware's 406, 413 and 500 problems); `app` itself when CORS is off."""
    return CORSMiddleware(app, **cors_options(policy)) if policy.enabled else app  # type: ignore[arg-type]
