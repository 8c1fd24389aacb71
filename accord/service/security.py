"""Security through Connexion's own handlers, with no Python path in the contract.

Every scheme the contract declares is checked against configured credentials:
  apiKey (header, query, cookie)   `ACCORD_API_KEYS` (comma-separated) or `ACCORD_API_KEYS_FILE`
                                   (one per line); with neither, the development key
                                   `accord-dev-key` is accepted and a warning is logged
  http bearer, oauth2, openIdConnect  `ACCORD_BEARER_TOKENS` (comma-separated); every scope granted
  http basic                       `ACCORD_BASIC_CREDENTIALS` (`user:password`, comma-separated)
Credentials are compared with `hmac.compare_digest` and never logged. A team that checks tokens
against its identity provider replaces an entry of `security_map(...)` from its app's `setup`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from connexion.security import (
    AbstractSecurityHandler,
    ApiKeySecurityHandler,
    BasicSecurityHandler,
    BearerSecurityHandler,
    OAuthSecurityHandler,
)

from accord.config import DEV_API_KEY
from accord.openapi import security_schemes
from accord.settings import api_keys as configured_api_keys
from accord.violations import UNKNOWN_KEY, api_key_challenge, misplaced_key, missing_credential

DEVELOPMENT_API_KEY = DEV_API_KEY

log = logging.getLogger("accord.service.security")


def keys_from_env(environ: Mapping[str, str] | None = None) -> list[str]:
    """Configured keys (accord.settings.api_keys), or the development key, with a warning, when
    none are configured."""
    keys = configured_api_keys(environ)
    if keys:
        return list(keys)
    log.warning("no ACCORD_API_KEYS or ACCORD_API_KEYS_FILE set: accepting the development key only "
                "(see README); never run like this in production")
    return [DEVELOPMENT_API_KEY]


def secret_checker(secrets: Iterable[str], subject: str) -> Callable[[str], dict[str, Any] | None]:
    """`candidate -> token info | None`, in constant time per configured secret."""
    encoded = [k.encode() for k in secrets]

    def check(candidate_text: str) -> dict[str, Any] | None:
        candidate = candidate_text.encode("utf-8", "surrogateescape")
        matched = False
        for secret in encoded:  # no early exit: timing does not reveal which secret (or how many) matched
            matched |= hmac.compare_digest(candidate, secret)
        if not matched:
            return None
        # The subject is a digest, so logs and context never carry the secret itself.
        return {"sub": f"{subject}-" + hashlib.sha256(candidate).hexdigest()[:12]}

    return check


def key_checker(keys: Iterable[str]) -> Callable[..., dict[str, Any] | None]:
    """`(apikey, required_scopes=None) -> token info | None`, in constant time per configured key."""
    check = secret_checker(keys, "key")

    def check_key(apikey: str, required_scopes: Any = None, request: Any = None) -> dict[str, Any] | None:
        return check(apikey)

    return check_key


#: Connexion asks, on every request, whether the check function takes `required_scopes` and
#: `request`, with inspect.signature each time; for a given function the answer never changes.
_ACCEPTS_KWARG = staticmethod(functools.cache(AbstractSecurityHandler._accepts_kwarg))


def api_key_handler(keys: Iterable[str]) -> type[ApiKeySecurityHandler]:
    """A handler class for `security_map={"apiKey": ...}` bound to these keys."""
    checker = key_checker(keys)

    class InjectedApiKeyHandler(ApiKeySecurityHandler):
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return checker

        _accepts_kwarg = _ACCEPTS_KWARG

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

    def error(self, present: bool, query_names: Iterable[str] = ()) -> dict[str, str]:
        """The 401's `errors` entry, worded as the mock words it (accord.violations); `query_names`:
        the request's query parameters, to say so when the key was sent there instead."""
        missing = missing_credential(self.where, self.param, misplaced_key(self.where, self.param, query_names))
        detail = f"{self.name}: {UNKNOWN_KEY if present else missing}"
        return {"parameter": self.param, "in": self.where, "detail": detail}


def api_key_schemes(document: dict[str, Any]) -> list[ApiKeyScheme]:
    """The contract's API-key schemes, for the 401's `WWW-Authenticate` (RFC 9110 section 11.6.1)
    and `errors`."""
    return [ApiKeyScheme(name, str(scheme.get("in", "header")), str(scheme.get("name", "")))
            for name, scheme in security_schemes(document).items() if scheme.get("type") == "apiKey"]


def bearer_handler(tokens: Iterable[str]) -> type[BearerSecurityHandler]:
    """`http: bearer` checked against these tokens."""
    check = secret_checker(tokens, "token")

    def token_info(token: str, required_scopes: Any = None, request: Any = None) -> dict[str, Any] | None:
        return check(token)

    class ConfiguredBearerHandler(BearerSecurityHandler):
        _accepts_kwarg = _ACCEPTS_KWARG

        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return token_info

    return ConfiguredBearerHandler


def oauth_handler(tokens: Iterable[str]) -> type[OAuthSecurityHandler]:
    """OAuth2 and OpenID Connect bearer tokens checked against these tokens; a configured token
    carries every scope the operation asks for."""
    check = secret_checker(tokens, "token")

    def token_info(token: str, required_scopes: Any = None, request: Any = None) -> dict[str, Any] | None:
        info = check(token)
        if info is not None:
            info["scope"] = list(required_scopes or [])
        return info

    class ConfiguredOAuthHandler(OAuthSecurityHandler):
        _accepts_kwarg = _ACCEPTS_KWARG

        def get_tokeninfo_func(self, security_definition: dict[str, Any]) -> Callable[..., Any]:
            return token_info

    return ConfiguredOAuthHandler


def basic_handler(pairs: Iterable[str]) -> type[BasicSecurityHandler]:
    """`http: basic` checked against these `user:password` pairs."""
    check = secret_checker(pairs, "user")

    def basic_info(username: str, password: str, required_scopes: Any = None,
                   request: Any = None) -> dict[str, Any] | None:
        return check(f"{username}:{password}")

    class ConfiguredBasicHandler(BasicSecurityHandler):
        _accepts_kwarg = _ACCEPTS_KWARG

        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return basic_info

    return ConfiguredBasicHandler


def security_map(document: Mapping[str, Any], *, api_keys: Iterable[str] | None,
                 bearer_tokens: Iterable[str] | None, basic_credentials: Iterable[str] | None) -> dict[str, Any]:
    """Connexion's `security_map` for the schemes this document declares, each bound to its
    configured credentials (none configured: nothing is accepted, except the development API key)."""
    declared = security_schemes(document).values()
    kinds = {str(s.get("type", "")) for s in declared}
    http = {str(s.get("scheme", "")).lower() for s in declared if s.get("type") == "http"}
    result: dict[str, Any] = {}
    if "apiKey" in kinds:
        result["apiKey"] = api_key_handler(list(api_keys) if api_keys is not None else keys_from_env())
    if "bearer" in http:
        result["bearer"] = bearer_handler(bearer_tokens or ())
    if "oauth2" in kinds or "openIdConnect" in kinds:
        result["oauth2"] = result["openIdConnect"] = oauth_handler(bearer_tokens or ())
    if "basic" in http or "basic" in kinds:
        result["basic"] = basic_handler(basic_credentials or ())
    return result
