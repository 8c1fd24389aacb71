"""bench/bench_mock.py's verdicts on start-up (the measurement itself needs Prism and minutes)."""

from __future__ import annotations

from bench.bench_mock import startup_targets, verdict_lines


def _runs(accord_s: float, prism_s: float) -> dict[str, list[dict[str, float]]]:
    def run(seconds: float, peak: float) -> dict[str, float]:
        return {"startup_s": seconds, "peak_rss_mb_after_settle": peak}

    return {"prism-info": [run(prism_s * 1.2, 600)], "prism-quiet": [run(prism_s, 600), run(prism_s, 610)],
            "accord": [run(accord_s, 170), run(accord_s, 171)]}


def test_start_up_is_judged_against_twenty_times_prism_quiet() -> None:
    [*_, fast] = startup_targets(_runs(0.2, 5.0))
    assert (fast["times_faster"], fast["met"]) == (25.0, True)
    [*_, slow] = startup_targets(_runs(0.3, 5.0))
    assert (slow["times_faster"], slow["met"]) == (16.7, False)
    assert verdict_lines([slow])[0].startswith("  NOT met  start-up on GitHub ≥ 20× faster than Prism")
