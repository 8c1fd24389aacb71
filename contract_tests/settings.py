"""Run settings: deterministic by default, longer and randomised on demand.

Defaults keep `make test` fast and reproducible (seed 42, derandomised Hypothesis, no example
database). `ACCORD_MAX_EXAMPLES` / `ACCORD_SEED` (or `--max-examples` / `--seed`) switch to a
longer or differently seeded run, e.g. nightly. The Schemathesis configuration is built here,
in one place, as the dict a `schemathesis.toml` would hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord.errors import UsageError
from accord.settings import read

DEFAULT_SEED = 42
#: Fuzzing examples per operation in the default run; the stateful phase gets its own budget.
DEFAULT_MAX_EXAMPLES = 8
DEFAULT_STATEFUL_EXAMPLES = 6
DEFAULT_STATEFUL_STEPS = 6
#: Generous: a 10 000-instance job body takes seconds to validate on a busy 2-core machine.
REQUEST_TIMEOUT = 60.0

#: Statuses that count as "rejected" for negative data. Schemathesis 4.32's default list plus 413:
#: a negative body may exceed a server's body limit, and 413 payload-too-large is a documented
#: rejection in this contract (415 and 429 are already in the default list since 4.2x).
NEGATIVE_REJECTION_STATUSES = [
    "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx",
]


@dataclass(frozen=True, slots=True)
class RunSettings:
    """What varies between a quick deterministic run and a long randomised one."""

    seed: int = DEFAULT_SEED
    max_examples: int = DEFAULT_MAX_EXAMPLES
    stateful_examples: int = DEFAULT_STATEFUL_EXAMPLES
    stateful_steps: int = DEFAULT_STATEFUL_STEPS
    deterministic: bool = True
    request_timeout: float = REQUEST_TIMEOUT

    @classmethod
    def resolve(cls, *, max_examples: int | None = None, seed: int | None = None) -> RunSettings:
        """Explicit values > ACCORD_MAX_EXAMPLES / ACCORD_SEED > defaults.

        Asking for more examples (or another seed) is asking for a randomised run, so Hypothesis
        is no longer derandomised then; the seed still makes it reproducible.
        """
        max_examples = max_examples if max_examples is not None else read("ACCORD_MAX_EXAMPLES")
        seed = seed if seed is not None else read("ACCORD_SEED")
        for name, value in (("max-examples", max_examples), ("seed", seed)):
            if value is not None and value < (1 if name == "max-examples" else 0):
                expected = "positive" if name == "max-examples" else "non-negative"
                raise UsageError(f"--{name} must be {expected}, got {value}")
        if max_examples is None and seed is None:
            return cls()
        examples = max_examples or DEFAULT_MAX_EXAMPLES
        return cls(seed=DEFAULT_SEED if seed is None else seed, max_examples=examples,
                   stateful_examples=max(DEFAULT_STATEFUL_EXAMPLES, examples),
                   stateful_steps=DEFAULT_STATEFUL_STEPS if examples <= DEFAULT_MAX_EXAMPLES else 10,
                   deterministic=False)

    def explicit_config(self) -> dict[str, Any]:
        """What was asked for explicitly (--max-examples, --seed and their settings), which wins over
        a project's schemathesis.toml; the defaults give way to the file."""
        if self.deterministic:
            return {}
        data = self.schemathesis_config({})
        generation = {k: data["generation"][k] for k in ("deterministic", "max-examples")}
        return {"seed": data["seed"], "generation": generation, "phases": data["phases"]}

    def schemathesis_config(self, headers: dict[str, str]) -> dict[str, Any]:
        """The configuration as `schemathesis.Config.from_dict` takes it (TOML layout)."""
        return {
            "seed": self.seed,
            "headers": headers,
            "request-timeout": self.request_timeout,
            "warnings": False,
            # 429 Too Many Requests: wait its Retry-After and send again (Schemathesis: at most 3
            # times, 60 s each) instead of judging a rate limiter's answer as the operation's.
            "rate-limit": "auto",
            "generation": {
                "mode": "all",  # positive and negative data
                "deterministic": self.deterministic,
                "database": "none",  # never replay examples saved by an earlier run
                "max-examples": self.max_examples,
            },
            "phases": {
                "stateful": {
                    "max-steps": self.stateful_steps,
                    "generation": {"max-examples": self.stateful_examples},
                },
            },
            "checks": {
                "negative_data_rejection": {"expected-statuses": NEGATIVE_REJECTION_STATUSES},
            },
        }

