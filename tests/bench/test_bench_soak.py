"""A smoke run of bench/bench_soak.py: seconds, not a minute, against the mock (wrk required)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from bench.bench_soak import memory, rss_kib


def test_memory_growth_compares_the_first_and_last_windows() -> None:
    samples = [(t / 2, 1024 * (100 if t < 20 else 110)) for t in range(120)]
    figures = memory(samples, 60.0)
    assert figures["rss_first_mib"] == 100 and figures["rss_last_mib"] == 110 and figures["rss_growth_mib"] == 10


def test_rss_of_this_process_is_read() -> None:
    assert rss_kib(os.getpid()) > 1000
    assert rss_kib(2**22 + 12345) == 0  # no such process


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_a_short_soak_against_the_mock(tmp_path: Path) -> None:
    from bench.bench_soak import main

    out = tmp_path / "soak.json"
    code = main(["--duration", "2", "--connections", "4", "--warmup", "0", "--targets", "mock", "--out", str(out)])
    report = json.loads(out.read_text())["results"]["mock"]
    assert code == 0 and report["errors"] == 0 and report["requests"] > 0 and report["alive_after"]
    assert report["p99_ms"] is not None and report["rss_samples_kib"]
