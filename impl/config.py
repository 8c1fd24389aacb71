"""Settings of the ML service (models, job store), beside the kit's (accord.service.settings).

Each default defined once, each overridable by an `ACCORD_*` variable, then by `create_app`'s
arguments (which reach `impl.setup` as the kit's `options`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord import config
from accord.errors import UsageError
from accord.settings import default_of, overridden, read

#: The jobs file, inside the kit's state folder (ACCORD_STATE_DIR, `.accord` by default).
JOBS_FILE = "jobs.sqlite3"

# The defaults are declared with their variables in accord/settings.py (docs/settings.md).
DEFAULT_MODELS_DIR: Path = default_of("ACCORD_MODELS_DIR")
#: Job creation accepts up to 10 000 instances; a 30-feature row is ~1 KiB of JSON, digits ~0.5 KiB.
DEFAULT_MAX_JOB_BODY_BYTES: int = default_of("ACCORD_MAX_JOB_BODY_BYTES")
#: Results of a finished job are kept this long (RFC 9110 has nothing to say; BentoML keeps 24 h).
DEFAULT_JOB_TTL_SECONDS: float = default_of("ACCORD_JOB_TTL_SECONDS")
DEFAULT_JOB_BATCH_SIZE: int = default_of("ACCORD_JOB_BATCH_SIZE")
DEFAULT_JOB_BATCH_DELAY: float = default_of("ACCORD_JOB_BATCH_DELAY")
DEFAULT_JOB_LEASE_SECONDS: float = default_of("ACCORD_JOB_LEASE_SECONDS")
DEFAULT_JOBS_BUSY_TIMEOUT_SECONDS: float = default_of("ACCORD_JOBS_BUSY_TIMEOUT_SECONDS")
DEFAULT_JOBS_VISIBILITY_TIMEOUT: float = default_of("ACCORD_JOBS_VISIBILITY_TIMEOUT")
#: The URL schemes of the cluster deployment's database and broker.
DATABASE_SCHEMES = ("postgresql://", "postgres://")
BROKER_SCHEMES = ("redis://", "rediss://")


@dataclass(slots=True, frozen=True)
class Settings:
    """What the ML example needs beyond the kit: where models and jobs live, how jobs run."""

    models_dir: Path = DEFAULT_MODELS_DIR
    jobs_db: Path = Path(config.DEFAULT_STATE_DIR) / JOBS_FILE
    max_job_body_bytes: int = DEFAULT_MAX_JOB_BODY_BYTES
    job_ttl_seconds: float = DEFAULT_JOB_TTL_SECONDS
    job_batch_size: int = DEFAULT_JOB_BATCH_SIZE
    job_batch_delay: float = DEFAULT_JOB_BATCH_DELAY
    #: A running job's lease (the worker's); another worker takes the job over after it.
    job_lease_seconds: float = DEFAULT_JOB_LEASE_SECONDS
    #: How long a write waits for another connection's lock (the job store's).
    jobs_busy_timeout_seconds: float = DEFAULT_JOBS_BUSY_TIMEOUT_SECONDS
    #: The shared job store (PostgreSQL); None: the SQLite file `jobs_db`.
    jobs_database_url: str | None = None
    #: Celery's broker (Redis); None: the in-process worker.
    jobs_broker_url: str | None = None
    #: A batch held by a worker that died unacknowledged goes to another worker after this long.
    jobs_visibility_timeout: float = DEFAULT_JOBS_VISIBILITY_TIMEOUT

    @property
    def cluster(self) -> bool:
        """Replicas share one database: models are built once beforehand, never trained here."""
        return bool(self.jobs_database_url)

    @classmethod
    def from_env(cls, state_dir: Path = Path(config.DEFAULT_STATE_DIR), environ: Mapping[str, str] | None = None,
                 **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "models_dir": read("ACCORD_MODELS_DIR", environ),
            "jobs_db": read("ACCORD_JOBS_DB", environ) or state_dir / JOBS_FILE,
            "max_job_body_bytes": read("ACCORD_MAX_JOB_BODY_BYTES", environ),
            "job_ttl_seconds": read("ACCORD_JOB_TTL_SECONDS", environ),
            "job_batch_size": read("ACCORD_JOB_BATCH_SIZE", environ),
            "job_batch_delay": read("ACCORD_JOB_BATCH_DELAY", environ),
            "job_lease_seconds": read("ACCORD_JOB_LEASE_SECONDS", environ),
            "jobs_busy_timeout_seconds": read("ACCORD_JOBS_BUSY_TIMEOUT_SECONDS", environ),
            "jobs_database_url": read("ACCORD_JOBS_DATABASE_URL", environ),
            "jobs_broker_url": read("ACCORD_JOBS_BROKER_URL", environ),
            "jobs_visibility_timeout": read("ACCORD_JOBS_VISIBILITY_TIMEOUT", environ),
        }
        values = overridden(cls, values, overrides)
        for key in ("models_dir", "jobs_db"):
            values[key] = Path(values[key])
        _check_cluster(values["jobs_database_url"], values["jobs_broker_url"])
        return cls(**values)


def _check_cluster(database_url: str | None, broker_url: str | None) -> None:
    """The cluster settings read as URLs of the right kind, the broker only with the database."""
    if database_url and not database_url.startswith(DATABASE_SCHEMES):
        raise UsageError("ACCORD_JOBS_DATABASE_URL: expected a postgresql:// URL")
    if broker_url and not broker_url.startswith(BROKER_SCHEMES):
        raise UsageError("ACCORD_JOBS_BROKER_URL: expected a redis:// URL")
    if broker_url and not database_url:
        raise UsageError("ACCORD_JOBS_BROKER_URL needs ACCORD_JOBS_DATABASE_URL: Celery's workers read jobs from "
                         "and write results to the shared PostgreSQL store")
