"""Security requirements: OR of ANDs (OpenAPI 3 §4.8.30), checked as Prism does, plus keys.

Prism checks presence and shape only (§2.11 of the anchors). When keys are configured
(`ACCORD_API_KEYS`, or `api_keys=`), the credential itself is compared, in constant time, so a
wrong key gets the same 401 it would get from the real service.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from accord.mock.parameters import RequestParts
from accord.mock.problems import Violation
from accord.settings import api_keys as configured_api_keys
from accord.violations import UNKNOWN_KEY, api_key_challenge, misplaced_key, missing_credential


@dataclass(slots=True, frozen=True)
class SchemeCheck:
    """How one security scheme is satisfied by a request."""

    name: str
    kind: str  # apiKey | bearer | basic | digest | unsupported
    where: str = "header"  # apiKey: header | query | cookie
    param: str = "authorization"  # apiKey: the parameter name
    challenge: str | None = None  # WWW-Authenticate value
    tag: str | None = None  # Prism's WWW-Authenticate value for this scheme (none for API keys)

    def credential(self, request: RequestParts) -> tuple[str | None, str]:
        """The credential the request carries for this scheme (None when absent) and why not."""
        if self.kind == "apiKey":
            if self.where == "header":
                value = request.headers.get(self.param.lower())
            elif self.where == "query":
                values = request.query_values(self.param)
                value = values[0] if values else None
            else:
                value = request.cookie_map().get(self.param)
            if value:
                return value, ""
            misplaced = misplaced_key(self.where, self.param, (k for k, v in request.query if v))
            return None, missing_credential(self.where, self.param, misplaced)
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if self.kind == "bearer":
            ok = scheme.lower() == "bearer" and token
            return (token if ok else None), "an 'Authorization: Bearer <token>' header is required"
        if self.kind == "basic":
            if scheme.lower() != "basic" or not token:
                return None, "an 'Authorization: Basic <credentials>' header is required"
            try:
                decoded = base64.b64decode(token, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return None, "the Basic credentials are not base64 of 'user:password'"
            _user, sep, password = decoded.partition(":")
            return (password if sep else None), "the Basic credentials are not 'user:password'"
        if self.kind == "digest":
            fields = ("username=", "realm=", "nonce=", "uri=", "response=")
            complete = scheme.lower() == "digest" and all(f in token for f in fields)
            return (token if complete else None), "an 'Authorization: Digest …' header is required"
        return "", ""  # unsupported scheme types pass, as in Prism (a warning at start-up)


def compile_scheme(name: str, scheme: Any) -> SchemeCheck:
    """The check for one Security Scheme Object (unknown shapes become `unsupported`)."""
    if not isinstance(scheme, dict):
        return SchemeCheck(name, "unsupported")
    kind = scheme.get("type")
    if kind == "apiKey":
        where = scheme.get("in", "header")
        challenge = api_key_challenge(where, str(scheme.get("name", "")))
        return SchemeCheck(name, "apiKey", where, str(scheme.get("name", "")), challenge)
    if kind == "http":
        http = str(scheme.get("scheme", "")).lower()
        table = {
            "bearer": ("bearer", "Bearer"),
            "basic": ("basic", 'Basic realm="*"'),
            "digest": ("digest", 'Digest realm="*", nonce="abc123"'),
        }
        if http in table:
            check, challenge = table[http]
            return SchemeCheck(name, check, challenge=challenge, tag=challenge)
        return SchemeCheck(name, "unsupported")
    if kind == "oauth2":
        return SchemeCheck(name, "bearer", challenge="Bearer", tag="OAuth2")
    if kind == "openIdConnect":
        return SchemeCheck(name, "bearer", challenge="Bearer", tag="OpenID")
    return SchemeCheck(name, "unsupported")


Requirement = tuple[SchemeCheck, ...]


@dataclass(slots=True, frozen=True)
class Security:
    """The alternatives of one operation; empty means no security."""

    alternatives: tuple[Requirement, ...]

    @property
    def challenges(self) -> list[str]:
        seen: list[str] = []
        for requirement in self.alternatives:
            for check in requirement:
                if check.challenge and check.challenge not in seen:
                    seen.append(check.challenge)
        return seen

    def tags(self, request: RequestParts) -> list[str]:
        """Prism's challenges for a refused request (joined by "," into one WWW-Authenticate): in
        every alternative, in order, the tag of each scheme the request does not satisfy, except
        API keys (never challenged) and Basic/Digest credentials sent under their own scheme but
        malformed (`Authorization: Basic abc123`): the client already knows which scheme to use."""
        return [check.tag for requirement in self.alternatives for check in requirement
                if check.tag and _check_one(check, request, ()) is not None and not _malformed(check, request)]

    def check(self, request: RequestParts, keys: tuple[bytes, ...]) -> list[Violation]:
        """No violations when one alternative is fully satisfied; else why the first failed."""
        first: list[Violation] | None = None
        for requirement in self.alternatives:
            failures = [v for check in requirement if (v := _check_one(check, request, keys)) is not None]
            if not failures:
                return []
            if first is None:
                first = failures
        return first or []


def _check_one(check: SchemeCheck, request: RequestParts, keys: tuple[bytes, ...]) -> Violation | None:
    if check.kind == "unsupported":
        return None
    value, why = check.credential(request)
    location = check.where if check.kind == "apiKey" else "header"
    name = check.param if check.kind == "apiKey" else "Authorization"
    if value is None:
        return Violation(location, name, (), "401", f"{check.name}: {why}", kind="security")
    if keys and not _known(value, keys):
        return Violation(location, name, (), "401", f"{check.name}: {UNKNOWN_KEY}", kind="security")
    return None


def _malformed(check: SchemeCheck, request: RequestParts) -> bool:
    """Basic or Digest credentials under their own scheme name that do not hold (Prism challenges
    only a missing header or another scheme)."""
    if check.kind not in ("basic", "digest"):
        return False
    scheme = request.headers.get("authorization", "").partition(" ")[0]
    return scheme.lower() == check.kind


def _known(value: str, keys: tuple[bytes, ...]) -> bool:
    candidate = value.encode("utf-8", errors="surrogateescape")
    found = False
    for key in keys:  # no early exit: the time taken does not depend on which key matched
        found |= hmac.compare_digest(candidate, key)
    return found


def compile_security(requirements: Any, schemes: dict[str, Any]) -> Security:
    """OR of ANDs; an empty requirement `{}` makes the whole operation's security optional."""
    if not isinstance(requirements, list):
        return Security(())
    alternatives: list[Requirement] = []
    for requirement in requirements:
        if not isinstance(requirement, dict):
            continue
        if not requirement:
            return Security(())
        alternatives.append(tuple(compile_scheme(name, schemes.get(name)) for name in requirement))
    return Security(tuple(alternatives))


def configured_keys(api_keys: Iterable[str] | None) -> tuple[bytes, ...]:
    """Keys from the argument, else ACCORD_API_KEYS or ACCORD_API_KEYS_FILE (accord.settings);
    empty means "presence only", as Prism checks."""
    if api_keys is None:
        api_keys = configured_api_keys() or ()
    return tuple(k.strip().encode("utf-8") for k in api_keys if k and k.strip())
