"""API lifecycle: stability levels (`x-stability-level`), sunset dates (`x-sunset`) and the
deprecation policy a team sets (`[tool.accord.diff]`, `accord diff --deprecation-days-*`).

    deprecated: true
    x-sunset: "2027-06-30"          # RFC 3339 date (or date-time): removal allowed from then on
    x-stability-level: beta         # draft -> alpha -> beta -> stable (absent: stable)

Deprecating is no break; removing before the sunset is. With a policy of N days for the
operation's stability level, a deprecation must carry a sunset at least N days away.
Operations below the stability threshold (default: draft and alpha) may change freely.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from accord.errors import UsageError

STABILITY_LEVELS = ("draft", "alpha", "beta", "stable")


@dataclass(slots=True, frozen=True)
class LifecyclePolicy:
    """Minimum days between deprecating and removing, per stability level (0: no minimum,
    and a sunset date is optional); operations below `threshold` are not checked."""

    deprecation_days_beta: int = 0
    deprecation_days_stable: int = 0
    threshold: str = "beta"
    today: datetime.date | None = None  # tests pin the day

    def __post_init__(self) -> None:
        if self.threshold not in STABILITY_LEVELS:
            raise UsageError(f"stability level {self.threshold!r} is not one of {', '.join(STABILITY_LEVELS)}")
        for name in ("deprecation_days_beta", "deprecation_days_stable"):
            if getattr(self, name) < 0:
                raise UsageError(f"{name.replace('_', '-')}: {getattr(self, name)} is negative")

    @property
    def day(self) -> datetime.date:
        return self.today or datetime.date.today()

    def checked(self, stability: str | None) -> bool:
        """Whether an operation at this stability level is held to its contract."""
        rank = stability_rank(stability)
        return rank is None or rank >= STABILITY_LEVELS.index(self.threshold)

    def minimum_days(self, stability: str | None) -> int:
        level = stability or "stable"
        if level == "beta":
            return self.deprecation_days_beta
        return self.deprecation_days_stable if level == "stable" else 0


def stability_rank(stability: str | None) -> int | None:
    """0 (draft) to 3 (stable); absent counts as stable; None for an unknown value."""
    if stability is None:
        return len(STABILITY_LEVELS) - 1
    return STABILITY_LEVELS.index(stability) if stability in STABILITY_LEVELS else None


def parse_sunset(text: str) -> datetime.date | None:
    """The day of an RFC 3339 date or date-time; None when it is neither."""
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.date.fromisoformat(value)
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
