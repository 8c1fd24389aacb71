"""Load-and-validate time on large real documents: accord side by side with the anchors.

Anchors, each run in its own fresh interpreter on the same file in the same run:
  - connexion: `AsyncApp().add_api(path)`, what Connexion does at start-up (it validates too);
  - openapi-spec-validator: `validate(document)`, the reference validator;
  - accord: `validate_spec(path)` (parse, $ref check, metaschema, semantic checks, every example).
Reports wall time and peak RSS per tool and the ratio to accord. Output: bench/out/load.json.

    .venv/bin/python bench/bench_load.py [--repeat 2] [--doc github]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOOLS = {
    "accord": "from accord.validation import validate_spec; r = validate_spec(PATH); print(len(r.findings))",
    "openapi-spec-validator": (
        "from accord.documents import load; from pathlib import Path; "
        "from openapi_spec_validator import validate; validate(load(Path(PATH)))"
    ),
    "connexion": "import connexion; app = connexion.AsyncApp(__name__); app.add_api(PATH)",
}


def measure(tool: str, path: Path, timeout: float) -> dict[str, float | str]:
    code = (
        "import resource, sys, time\nPATH = sys.argv[1]\nt = time.perf_counter()\n"
        + TOOLS[tool]
        + "\nrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss"
        + "\nsys.stderr.write('WALL %f RSS %d\\n' % (time.perf_counter() - t, rss))\n"
    )
    started = time.perf_counter()
    try:
        result = subprocess.run([sys.executable, "-c", code, str(path)],
                                capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": f"timeout after {timeout:.0f} s"}
    total = time.perf_counter() - started
    marker = [line for line in result.stderr.splitlines() if line.startswith("WALL ")]
    if not marker:
        # openapi-spec-validator raises on an invalid document: time up to the raise still counts.
        last_line = (result.stderr.strip().splitlines() or ["?"])[-1]
        return {"status": "error: " + last_line[:200], "process_s": round(total, 2)}
    _, wall, _, rss = marker[0].split()
    return {"status": "ok", "load_validate_s": round(float(wall), 2), "process_s": round(total, 2),
            "peak_rss_mb": round(int(rss) / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doc", default="github")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=240.0)
    args = parser.parse_args()
    from tests.corpus import document

    path = document(args.doc)
    rows = []
    for run in range(1, args.repeat + 1):
        for tool in TOOLS:
            row = {"run": run, "tool": tool, **measure(tool, path, args.timeout)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    accord = [r["process_s"] for r in rows if r["tool"] == "accord" and "process_s" in r]
    best = min(accord) if accord else None
    print(f"\n{'tool':<24}{'process s (per run)':>28}{'peak RSS MB':>14}{'× accord':>10}")
    for tool in TOOLS:
        mine = [r for r in rows if r["tool"] == tool]
        times = [r.get("process_s") for r in mine]
        rss = max((r.get("peak_rss_mb", 0) for r in mine), default=0)
        ratio = f"{min(t for t in times if t) / best:.1f}" if best and all(times) else "-"
        print(f"{tool:<24}{' / '.join(str(t) for t in times):>28}{rss:>14}{ratio:>10}")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    summary = {"document": str(path), "size_bytes": path.stat().st_size, "rows": rows}
    (out / "load.json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
