"""API keys through Connexion's own security handler, with no Python path in the contract.

Keys come from `ACCORD_API_KEYS` (comma-separated) or `ACCORD_API_KEYS_FILE` (one per line);
with neither, the development key `accord-dev-key` is accepted and a warning is logged.
Keys are compared with `hmac.compare_digest` and never logged.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connexion.security import ApiKeySecurityHandler

from accord.violations import UNKNOWN_KEY, api_key_challenge, missing_credential
from impl.config import DEVELOPMENT_API_KEY

log = logging.getLogger("impl.security")


def keys_from_env() -> list[str]:
    """Configured keys, or the development key (with a warning) when none are configured."""
    raw = os.environ.get("ACCORD_API_KEYS")
    if raw and raw.strip():
        return [k.strip() for k in raw.split(",") if k.strip()]
    file = os.environ.get("ACCORD_API_KEYS_FILE")
    if file:
        lines = Path(file).read_text(encoding="utf-8").splitlines()
        keys = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        if keys:
            return keys
    log.warning("no ACCORD_API_KEYS or ACCORD_API_KEYS_FILE set: accepting the development key only "
                "(see README); never run like this in production")
    return [DEVELOPMENT_API_KEY]


def key_checker(keys: Iterable[str]) -> Callable[..., dict[str, Any] | None]:
    """`(apikey, required_scopes=None) -> token info | None`, in constant time per configured key."""
    encoded = [k.encode() for k in keys]

    def check(apikey: str, required_scopes: Any = None, request: Any = None) -> dict[str, Any] | None:
        candidate = apikey.encode("utf-8", "surrogateescape")
        matched = False
        for key in encoded:  # no early exit: timing does not reveal which key (or how many) matched
            matched |= hmac.compare_digest(candidate, key)
        if not matched:
            return None
        # The subject is a digest, so logs and context never carry the key itself.
        return {"sub": "key-" + hashlib.sha256(candidate).hexdigest()[:12]}

    return check


def api_key_handler(keys: Iterable[str]) -> type[ApiKeySecurityHandler]:
    """A handler class for `security_map={"apiKey": ...}` bound to these keys."""
    checker = key_checker(keys)

    class InjectedApiKeyHandler(ApiKeySecurityHandler):
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return checker

        # Connexion asks, on every request, whether the check function takes `required_scopes`
        # and `request`, with inspect.signature each time; the answer never changes.
        _accepts_kwarg = staticmethod(functools.cache(ApiKeySecurityHandler._accepts_kwarg))

    return InjectedApiKeyHandler


@dataclass(frozen=True, slots=True)
class ApiKeyScheme:
    """One `apiKey` security scheme of the contract: what a 401 names and asks for."""

    name: str
    where: str
    param: str

    @property
    def challenge(self) -> str:
        """The `WWW-Authenticate` value, as the mock sends it."""
        return api_key_challenge(self.where, self.param)

    def error(self, present: bool) -> dict[str, str]:
        """The 401's `errors` entry, worded as the mock words it (accord.violations)."""
        detail = f"{self.name}: {UNKNOWN_KEY if present else missing_credential(self.where, self.param)}"
        return {"parameter": self.param, "in": self.where, "detail": detail}


def api_key_schemes(document: dict[str, Any]) -> list[ApiKeyScheme]:
    """The contract's API-key schemes, for the 401's `WWW-Authenticate` (RFC 9110 section 11.6.1)
    and `errors`."""
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    return [ApiKeyScheme(str(name), str(scheme.get("in", "header")), str(scheme.get("name", "")))
            for name, scheme in schemes.items() if isinstance(scheme, dict) and scheme.get("type") == "apiKey"]
