"""Settings of the ML service (models, job store), beside the kit's (accord.service.settings).

Each default defined once, each overridable by an `ACCORD_*` variable, then by `create_app`'s
arguments (which reach `impl.setup` as the kit's `options`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from accord import config

DEFAULT_MODELS_DIR = ".accord/models"
#: The jobs file, inside the kit's state folder (ACCORD_STATE_DIR, `.accord` by default).
JOBS_FILE = "jobs.sqlite3"

#: Job creation accepts up to 10 000 instances; a 30-feature row is ~1 KiB of JSON, digits ~0.5 KiB.
DEFAULT_MAX_JOB_BODY_BYTES = 16 * 1024 * 1024
#: Results of a finished job are kept this long (RFC 9110 has nothing to say; BentoML keeps 24 h).
DEFAULT_JOB_TTL_SECONDS = 24 * 3600
DEFAULT_JOB_BATCH_SIZE = 100


@dataclass(slots=True, frozen=True)
class Settings:
    """What the ML example needs beyond the kit: where models and jobs live, how jobs run."""

    models_dir: Path = Path(DEFAULT_MODELS_DIR)
    jobs_db: Path = Path(".accord") / JOBS_FILE
    max_job_body_bytes: int = DEFAULT_MAX_JOB_BODY_BYTES
    job_ttl_seconds: float = DEFAULT_JOB_TTL_SECONDS
    job_batch_size: int = DEFAULT_JOB_BATCH_SIZE
    job_batch_delay: float = 0.0

    @classmethod
    def from_env(cls, state_dir: Path = Path(config.DEFAULT_STATE_DIR), environ: Mapping[str, str] | None = None,
                 **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "models_dir": Path(config.env_str("ACCORD_MODELS_DIR", DEFAULT_MODELS_DIR, environ) or DEFAULT_MODELS_DIR),
            "jobs_db": Path(config.env_str("ACCORD_JOBS_DB", None, environ) or state_dir / JOBS_FILE),
            "max_job_body_bytes": config.env_int("ACCORD_MAX_JOB_BODY_BYTES", DEFAULT_MAX_JOB_BODY_BYTES, environ,
                                                 minimum=1),
            "job_ttl_seconds": config.env_float("ACCORD_JOB_TTL_SECONDS", DEFAULT_JOB_TTL_SECONDS, environ),
            "job_batch_size": config.env_int("ACCORD_JOB_BATCH_SIZE", DEFAULT_JOB_BATCH_SIZE, environ, minimum=1),
            "job_batch_delay": config.env_float("ACCORD_JOB_BATCH_DELAY", 0.0, environ),
        }
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise TypeError(f"unknown ML service options: {', '.join(unknown)}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("models_dir", "jobs_db"):
            values[key] = Path(values[key])
        return cls(**values)
