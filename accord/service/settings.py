"""Settings of the service kit: each default defined once, each overridable by an `ACCORD_*` variable.

The app's own settings (a model folder, a job store…) are the app's business: its `setup`
reads them. The kit's are what every contract-bound service has.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from accord import config
from accord.service.cors import CorsPolicy
from accord.settings import default_of, overridden, read

#: Request bodies above this many bytes get 413, unless the app sets a larger limit for a route.
DEFAULT_MAX_BODY_BYTES: int = default_of("ACCORD_MAX_BODY_BYTES")


@dataclass(slots=True, frozen=True)
class ServiceSettings:
    """Everything `accord.service.create_app` needs, from arguments, then `ACCORD_*`, then defaults."""

    spec_path: Path = Path(config.DEFAULT_SPEC)
    #: The package serving the contract: a folder (`service`, `impl`) or an importable name.
    app: str = config.DEFAULT_APP
    #: Where the app keeps what it builds at run time (`ACCORD_STATE_DIR`).
    state_dir: Path = Path(config.DEFAULT_STATE_DIR)
    #: Check every response against the contract (on in development and tests; off in production
    #: with ACCORD_VALIDATE_RESPONSES=0).
    validate_responses: bool = True
    #: uvicorn's per-request access log line (ACCORD_ACCESS_LOG=0 behind a proxy that logs).
    access_log: bool = True
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    #: Which pages may call from a browser (ACCORD_CORS_ORIGINS; accord/service/cors.py).
    cors: CorsPolicy = field(default_factory=lambda: CorsPolicy.parse(None))
    #: Accepted API keys; None: from ACCORD_API_KEYS / ACCORD_API_KEYS_FILE when the contract
    #: declares an apiKey scheme (accord/service/security.py).
    api_keys: tuple[str, ...] | None = None
    #: Bearer tokens accepted for `http: bearer` and OAuth2/OpenID schemes (ACCORD_BEARER_TOKENS).
    bearer_tokens: tuple[str, ...] | None = None
    #: `user:password` pairs accepted for `http: basic` schemes (ACCORD_BASIC_CREDENTIALS).
    basic_credentials: tuple[str, ...] | None = None
    #: Put the request id into every problem body (`request_id`), as this repository's contract does.
    problem_request_id: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ServiceSettings:
        """Defaults < `ACCORD_*` variables (accord/settings.py) < `overrides` (None means "not given")."""
        values: dict[str, Any] = {
            "spec_path": read("ACCORD_SPEC", environ),
            "app": read("ACCORD_APP", environ),
            "state_dir": read("ACCORD_STATE_DIR", environ),
            "validate_responses": read("ACCORD_VALIDATE_RESPONSES", environ),
            "access_log": read("ACCORD_ACCESS_LOG", environ),
            "max_body_bytes": read("ACCORD_MAX_BODY_BYTES", environ),
            "cors": CorsPolicy.parse(read("ACCORD_CORS_ORIGINS", environ)),
            "problem_request_id": read("ACCORD_PROBLEM_REQUEST_ID", environ),
            "bearer_tokens": read("ACCORD_BEARER_TOKENS", environ) or None,
            "basic_credentials": read("ACCORD_BASIC_CREDENTIALS", environ) or None,
        }
        cors_origins = overrides.pop("cors_origins", None)
        if cors_origins is not None:
            values["cors"] = CorsPolicy.parse(str(cors_origins))
        values = overridden(cls, values, overrides)
        for key in ("spec_path", "state_dir"):
            values[key] = Path(values[key])
        for key in ("api_keys", "bearer_tokens", "basic_credentials"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        return cls(**values)

    def with_(self, **changes: Any) -> ServiceSettings:
        return replace(self, **changes)
