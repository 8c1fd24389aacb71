"""`accord diff` on GitHub's REST description (~13 MB, via tests/corpus.py) against a copy with 50
scattered changes, timed end to end (a process per run: loading both documents, the diff, the
report), next to oasdiff when an `oasdiff` binary is on PATH.

    .venv/bin/python bench/bench_diff.py [--runs 3] [--changes 50] [--seed 22]

The 50 changes are drawn with a fixed seed from eight kinds (operation removed, required query
parameter added, response property removed, request property made required, enum value
removed, maxLength lowered, property type changed, description reworded), each at a different
operation or component, spread over the whole document. The bench checks that every edit a
client may notice shows up (its operation has a breaking or warning change) and reports wall time with the load
average: the machine is shared, so wall time moves with other people's work; ratios to the
anchor taken in the same run are what to compare.

oasdiff is a Go program (`go install github.com/oasdiff/oasdiff@latest` needs a recent Go); when
it is not installed the anchor column says so and only accord is timed.

Output: bench/out/diff.json and a table.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.wrk import loadavg, log  # noqa: E402 - after sys.path

OUT = ROOT / "bench" / "out"
METHODS = ("get", "put", "post", "delete", "patch")
KINDS = ("remove-operation", "add-required-parameter", "remove-response-property", "require-request-property",
         "remove-enum-value", "lower-max-length", "change-property-type", "reword-description")
#: Edits a client may notice: each must show up at its operation as breaking or warning (removing an
#: optional response property, or a first maxLength on a request, is a warning).
NOTICED_KINDS = set(KINDS) - {"reword-description"}


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    for _ in range(10):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/")):
            return node
        target: Any = doc
        for token in node["$ref"][2:].split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _operations(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(path, method) for path, item in doc["paths"].items() for method in METHODS if method in item]


def _json_schema(doc: dict[str, Any], holder: Any) -> Any:
    holder = _resolve(doc, holder)
    if not isinstance(holder, dict):
        return None
    media = (holder.get("content") or {}).get("application/json") or {}
    return _resolve(doc, media.get("schema"))


def _edit(doc: dict[str, Any], kind: str, path: str, method: str, touched: set[int]) -> bool:
    """Apply one edit of `kind` at the operation; False when the operation has nothing to edit
    (or the schema it would edit was already edited: changes stay apart)."""
    op = doc["paths"][path][method]
    if kind == "remove-operation":
        del doc["paths"][path][method]
        return True
    if kind == "add-required-parameter":
        op.setdefault("parameters", []).append(
            {"name": "bench_required", "in": "query", "required": True, "schema": {"type": "string"}})
        return True
    if kind == "reword-description":
        op["description"] = f"{op.get('description', '')} (reworded)"
        return True
    request = _json_schema(doc, op.get("requestBody"))
    response = _json_schema(doc, (op.get("responses") or {}).get("200"))
    # request side: what clients send (narrowing breaks); response side: what they read
    on_request = kind in ("require-request-property", "remove-enum-value", "lower-max-length")
    schema = request if on_request else response
    if not isinstance(schema, dict) or id(schema) in touched or not isinstance(schema.get("properties"), dict):
        return False
    properties = schema["properties"]
    for name, raw in properties.items():
        prop = _resolve(doc, raw)
        if not isinstance(prop, dict) or id(prop) in touched:
            continue
        if kind == "remove-response-property":
            del properties[name]
            if name in schema.get("required", []):
                schema["required"] = [n for n in schema["required"] if n != name]
        elif kind == "require-request-property":
            if name in schema.get("required", []) or prop.get("readOnly"):
                continue
            schema.setdefault("required", []).append(name)
        elif kind == "remove-enum-value":
            if not isinstance(prop.get("enum"), list) or len(prop["enum"]) < 2:
                continue
            prop["enum"] = prop["enum"][:-1]
        elif kind == "lower-max-length":
            if prop.get("type") != "string" or "enum" in prop:
                continue
            prop["maxLength"] = max(1, int(prop.get("maxLength", 1000)) // 2)
        elif kind == "change-property-type":
            if prop.get("type") not in ("string", "integer", "boolean"):
                continue
            prop["type"] = "boolean" if prop["type"] != "boolean" else "string"
        touched.update({id(schema), id(prop)})
        return True
    return False


def mutate(doc: dict[str, Any], changes: int, seed: int) -> list[dict[str, str]]:
    """Apply `changes` edits, kinds in turn, at operations drawn with `seed` from the whole document."""
    rng = random.Random(seed)
    candidates = _operations(doc)
    rng.shuffle(candidates)
    applied: list[dict[str, str]] = []
    touched: set[int] = set()
    used: set[str] = set()
    kind_index = 0
    for path, method in candidates:
        if len(applied) == changes:
            break
        if path in used or method not in doc["paths"].get(path, {}):
            continue
        kind = KINDS[kind_index % len(KINDS)]
        if _edit(doc, kind, path, method, touched):
            applied.append({"kind": kind, "operation": f"{method.upper()} {path}"})
            used.add(path)
            kind_index += 1
    return applied


def run(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args()

    from tests.corpus import document

    github = document("github")
    original = json.loads(github.read_bytes())
    revised = copy.deepcopy(original)
    applied = mutate(revised, args.changes, args.seed)
    log(f"{github.relative_to(ROOT)} ({github.stat().st_size / 1e6:.1f} MB): {len(applied)} changes applied")
    accord = [sys.executable, "-c", "import sys; from accord.cli import main; sys.argv[0] = 'accord'; main()"]
    oasdiff = shutil.which("oasdiff")
    result: dict[str, Any] = {"document": f"{github.relative_to(ROOT)} (@octokit/openapi 23.0.2)",
                              "changes": applied, "load_start": loadavg(), "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        old_file, new_file = Path(tmp) / "old.json", Path(tmp) / "new.json"
        old_file.write_text(json.dumps(original))
        new_file.write_text(json.dumps(revised))
        tools = {"accord": [*accord, "diff", str(old_file), str(new_file), "--format", "json"]}
        if oasdiff:
            tools["oasdiff"] = [oasdiff, "breaking", str(old_file), str(new_file), "--format", "json"]
        report: dict[str, Any] = {}
        for round_no in range(args.runs):
            for name, command in tools.items():
                seconds, completed = run(command)
                result["runs"].setdefault(name, []).append(round(seconds, 2))
                log(f"  {name} #{round_no + 1}: {seconds:.2f} s (exit {completed.returncode}), load {loadavg()[0]}")
                if name == "accord":
                    if completed.returncode not in (0, 1):
                        raise SystemExit(f"accord diff failed: {completed.stderr[-2000:]}")
                    report = json.loads(completed.stdout)
    noticed_ops = {c["operation"] for c in report["changes"] if c["level"] in ("breaking", "warning")}
    expected = [a for a in applied if a["kind"] in NOTICED_KINDS]
    missed = [a for a in expected if a["operation"] not in noticed_ops]
    result.update({
        "summary": report["summary"],
        "noticeable_edits": len(expected),
        "noticeable_edits_found": len(expected) - len(missed),
        "missed": missed,
        "load_end": loadavg(),
        "anchor": "oasdiff " + subprocess.run([oasdiff, "--version"], capture_output=True, text=True,
                                              check=False).stdout.strip() if oasdiff else
        "oasdiff not installed (a Go program); accord timed alone",
    })
    median = {name: statistics.median(times) for name, times in result["runs"].items()}
    result["median_s"] = median
    if "oasdiff" in median:
        result["ratio_accord_to_oasdiff"] = round(median["accord"] / median["oasdiff"], 2)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "diff.json").write_text(json.dumps(result, indent=2))
    print(f"document: {result['document']}; {len(applied)} changes ({len(expected)} a client may notice)")
    print(f"load average {result['load_start']} at start, {result['load_end']} at end (shared machine)")
    print(f"{'tool':10} {'runs (s)':30} median")
    for name, times in result["runs"].items():
        print(f"{name:10} {', '.join(map(str, times)):30} {median[name]:.2f}")
    print(f"anchor: {result['anchor']}")
    if "ratio_accord_to_oasdiff" in result:
        print(f"accord / oasdiff: {result['ratio_accord_to_oasdiff']}")
    print(f"accord reported {result['noticeable_edits_found']}/{len(expected)} of them as breaking or warning; "
          f"report {report['summary']}")


if __name__ == "__main__":
    main()
