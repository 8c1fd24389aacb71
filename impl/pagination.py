"""Opaque cursor tokens: base64url JSON of (kind, filters, cursor), signed with HMAC-SHA256.

The filters ride inside the token, so a token reused with other filters is refused
(`invalid-page-token`) instead of silently paging through a different list.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any


class InvalidPageToken(ValueError):
    """The token is garbled, forged, or was issued for another list or other filters."""


class PageTokens:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, payload: bytes) -> str:
        mac = hmac.new(self._secret, payload, hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def encode(self, kind: str, filters: Mapping[str, Any], cursor: Any) -> str:
        payload = json.dumps({"k": kind, "f": dict(filters), "c": cursor}, separators=(",", ":"),
                             sort_keys=True).encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{self._sign(payload)}"

    def decode(self, token: str, kind: str, filters: Mapping[str, Any]) -> Any:
        """The cursor inside `token`; raises InvalidPageToken unless kind and filters match."""
        try:
            body, signature = token.split(".", 1)
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            data = json.loads(payload)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidPageToken("page_token is not a token this service issued") from exc
        if not hmac.compare_digest(signature, self._sign(payload)) or not isinstance(data, dict):
            raise InvalidPageToken("page_token is not a token this service issued")
        if data.get("k") != kind:
            raise InvalidPageToken("page_token was issued for another list")
        if data.get("f") != dict(filters):
            raise InvalidPageToken("page_token was issued with other filters; start again without it")
        return data.get("c")
