"""uvicorn's access log without credentials: query parameters named like one are redacted.

The contract takes the API key in a header, which the access log never shows; but a client that
puts it in the query string (`?api_key=...`) would otherwise have it written to the log in the
request line. The filter sits in the logging configuration (not on a logger object), so worker
processes started by uvicorn get it too.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

#: Parameter names containing any of these (case-insensitive) have their values redacted.
SECRET_NAME = re.compile(r"key|token|auth|secret|password|session|signature", re.IGNORECASE)
REDACTED = "[redacted]"
_PARAM = re.compile(r"([^&=?]+)=([^&]*)")


def redact_target(target: str) -> str:
    """`/p?api_key=s3cr3t&limit=5` → `/p?api_key=[redacted]&limit=5`."""
    path, sep, query = target.partition("?")
    if not sep:
        return target
    return path + sep + _PARAM.sub(lambda m: f"{m[1]}={REDACTED}" if SECRET_NAME.search(m[1]) else m[0], query)


class RedactSecrets(logging.Filter):
    """For uvicorn.access records: args are (client, method, full_path, http_version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], redact_target(args[2]), *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration with RedactSecrets on the access handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": "accord.service.access_log.RedactSecrets"}
    config["handlers"]["access"].setdefault("filters", []).append("redact_secrets")
    return config
