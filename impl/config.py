"""Settings of the service: each default defined once, each overridable by an `ACCORD_*` variable."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from accord import config as accord_config
from impl.cors import CorsPolicy

DEFAULT_MODELS_DIR = ".accord/models"
DEFAULT_JOBS_DB = ".accord/jobs.sqlite3"
DEFAULT_SPEC = accord_config.DEFAULT_SPEC
DEVELOPMENT_API_KEY = accord_config.DEV_API_KEY

#: Request bodies above this many bytes get 413 (predict: 100 instances fit easily in 1 MiB).
DEFAULT_MAX_BODY_BYTES = 1 * 1024 * 1024
#: Job creation accepts up to 10 000 instances; a 30-feature row is ~1 KiB of JSON, digits ~0.5 KiB.
DEFAULT_MAX_JOB_BODY_BYTES = 16 * 1024 * 1024
#: Results of a finished job are kept this long (RFC 9110 has nothing to say; BentoML keeps 24 h).
DEFAULT_JOB_TTL_SECONDS = 24 * 3600
DEFAULT_JOB_BATCH_SIZE = 100


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() not in {"0", "false", "no", "off"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw and raw.strip() else default


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw and raw.strip() else default


def models_dir_from_env() -> Path:
    return Path(os.environ.get("ACCORD_MODELS_DIR") or DEFAULT_MODELS_DIR)


def jobs_db_from_env() -> Path:
    return Path(os.environ.get("ACCORD_JOBS_DB") or DEFAULT_JOBS_DB)


@dataclass(slots=True, frozen=True)
class Settings:
    """Everything `create_app` needs, resolved from arguments, then the environment, then defaults."""

    spec_path: Path = Path(DEFAULT_SPEC)
    models_dir: Path = field(default_factory=models_dir_from_env)
    jobs_db: Path = field(default_factory=jobs_db_from_env)
    validate_responses: bool = True
    #: uvicorn's per-request access log line. Behind a proxy that logs requests (with the
    #: X-Request-ID the service echoes), production can turn it off: ACCORD_ACCESS_LOG=0.
    access_log: bool = True
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_job_body_bytes: int = DEFAULT_MAX_JOB_BODY_BYTES
    job_ttl_seconds: float = DEFAULT_JOB_TTL_SECONDS
    job_batch_size: int = DEFAULT_JOB_BATCH_SIZE
    job_batch_delay: float = 0.0
    #: Which pages may call from a browser (ACCORD_CORS_ORIGINS; impl/cors.py).
    cors: CorsPolicy = field(default_factory=CorsPolicy.from_env)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "spec_path": Path(os.environ.get("ACCORD_SPEC") or DEFAULT_SPEC),
            "models_dir": models_dir_from_env(),
            "jobs_db": jobs_db_from_env(),
            "validate_responses": _env_bool("ACCORD_VALIDATE_RESPONSES", True),
            "access_log": _env_bool("ACCORD_ACCESS_LOG", True),
            "max_body_bytes": _env_int("ACCORD_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
            "max_job_body_bytes": _env_int("ACCORD_MAX_JOB_BODY_BYTES", DEFAULT_MAX_JOB_BODY_BYTES),
            "job_ttl_seconds": _env_float("ACCORD_JOB_TTL_SECONDS", DEFAULT_JOB_TTL_SECONDS),
            "job_batch_size": _env_int("ACCORD_JOB_BATCH_SIZE", DEFAULT_JOB_BATCH_SIZE),
            "job_batch_delay": _env_float("ACCORD_JOB_BATCH_DELAY", 0.0),
            "cors": CorsPolicy.from_env(),
        }
        cors_origins = overrides.pop("cors_origins", None)
        if cors_origins is not None:
            values["cors"] = CorsPolicy.parse(str(cors_origins))
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("spec_path", "models_dir", "jobs_db"):
            values[key] = Path(values[key])  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]
