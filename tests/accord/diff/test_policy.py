"""accord/diff/policy.py and the CI outputs: ignore file, per-rule levels, the version check,
fingerprints, GitHub annotations, JUnit, --list-rules and the generated rules table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import orjson
import pytest

from accord.diff import diff
from accord.diff.policy import DiffPolicy, Ignore, load_ignores, parse_levels, version_finding
from accord.diff.report import Change, render_github, render_junit
from accord.diff.rules import RULES, catalogue_markdown
from accord.errors import UsageError
from tests.conftest import FIXTURES, ROOT

PAIR = FIXTURES / "diff-request-property-max-length-decreased"
RULE = "request-property-max-length-decreased"


def _accord(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    entry = "import sys; from accord.cli import main; sys.argv[0] = 'accord'; main()"
    return subprocess.run([sys.executable, "-c", entry, "diff", *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_an_ignored_change_neither_counts_nor_fails_and_is_still_listed_as_ignored(tmp_path: Path) -> None:
    report = diff(str(PAIR / "old.yaml"), str(PAIR / "new.yaml"))
    fingerprint = report.changes[0].fingerprint
    ignore_file = tmp_path / "ignore.yaml"
    ignore_file.write_text(f"- rule: {RULE}\n  operation: POST /pets\n  fingerprint: '{fingerprint}'\n"
                           "  reason: no client sends names longer than 20 (logs, 2026-12)\n")
    accepted = diff(str(PAIR / "old.yaml"), str(PAIR / "new.yaml"),
                    policy=DiffPolicy(ignores=load_ignores(ignore_file)))
    assert (accepted.changes, [c.rule for c in accepted.ignored], accepted.exit_code) == ((), [RULE], 0)
    assert accepted.summary() == "0 breaking, 0 warning, 0 info, 1 ignored"


@pytest.mark.parametrize(("operation", "fingerprint"), [("GET /pets", None), (None, "000000000000")])
def test_an_ignore_entry_for_another_operation_or_fingerprint_does_not_match(operation: str | None,
                                                                             fingerprint: str | None) -> None:
    policy = DiffPolicy(ignores=(Ignore(RULE, "why", operation, fingerprint),))
    assert [c.rule for c in diff(str(PAIR / "old.yaml"), str(PAIR / "new.yaml"), policy=policy).changes] == [RULE]


def test_the_fingerprint_survives_unrelated_edits(tmp_path: Path) -> None:
    old, new = (PAIR / "old.yaml").read_text(), (PAIR / "new.yaml").read_text()
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(new.replace("info: {title: pets, version: '1'}",
                                                   "info: {title: pets, version: '1', description: moved}\n"
                                                   "tags: [{name: pets}]"))
    moved = diff(str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml")).changes[0]
    original = diff(str(PAIR / "old.yaml"), str(PAIR / "new.yaml")).changes[0]
    assert moved.new_location != original.new_location and moved.fingerprint == original.fingerprint


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- rule: nope\n  reason: x\n", "entry 1: unknown rule 'nope'"),
        (f"- rule: {RULE}\n", "entry 1: every ignored change needs a reason"),
        (f"- rule: {RULE}\n  reason: x\n  path: /pets\n", "entry 1: unknown key 'path'"),
        ("rule: x\n", "an ignore file is a list"),
        ("- [", "ignore file"),
    ],
)
def test_a_bad_ignore_file_is_a_usage_error_naming_the_entry(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "ignore.yaml"
    path.write_text(content)
    with pytest.raises(UsageError, match=message):
        load_ignores(path)


def test_rule_levels_override_or_turn_off_and_unknown_ones_are_refused() -> None:
    raised = diff(str(PAIR / "old.yaml"), str(PAIR / "new.yaml"), policy=DiffPolicy(levels={RULE: "warning"}))
    assert [(c.rule, c.level) for c in raised.changes] == [(RULE, "warning")] and raised.exit_code == 0
    off = diff(str(PAIR / "old.yaml"), str(PAIR / "new.yaml"), policy=DiffPolicy(levels=parse_levels({RULE: "off"},
                                                                                                   "t")))
    assert off.changes == ()
    with pytest.raises(UsageError, match="unknown rule 'max-length'"):
        parse_levels({"max-length": "info"}, "t")
    with pytest.raises(UsageError, match="'fatal' is not one of"):
        parse_levels({RULE: "fatal"}, "t")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [("1.2.0", "1.2.0", "api-version-not-bumped"), ("1.2.0", "1.3.0", "api-major-version-not-bumped"),
     ("v1.2", "v2.0", None), ("0.3.1", "0.4.0", None), ("0.3.1", "0.3.2", "api-major-version-not-bumped"),
     ("alpha", "beta", None)],
)
def test_the_version_check(old: str, new: str, expected: str | None) -> None:
    finding = version_finding(old, new)
    assert (finding.rule if finding else None) == expected
    if finding:
        assert finding.level == "breaking" and finding.new_pointer == "/info/version"


def test_the_version_check_runs_only_when_asked_and_only_on_a_breaking_change() -> None:
    assert "api-version-not-bumped" not in {c.rule for c in diff(str(PAIR / "old.yaml"), str(PAIR / "new.yaml"))
                                                                 .changes}
    asked = diff(str(PAIR / "old.yaml"), str(PAIR / "new.yaml"), policy=DiffPolicy(version_check=True))
    assert {c.rule for c in asked.changes} == {RULE, "api-version-not-bumped"}
    compatible = FIXTURES / "diff-new-optional-request-property"
    quiet = diff(str(compatible / "old.yaml"), str(compatible / "new.yaml"), policy=DiffPolicy(version_check=True))
    assert "api-version-not-bumped" not in {c.rule for c in quiet.changes}


def test_github_annotations_escape_and_locate() -> None:
    report = diff(str(PAIR / "old.yaml"), str(PAIR / "new.yaml"))
    first = render_github(report).splitlines()[0]
    assert first.startswith("::error file=") and f"new.yaml,line=72,title={RULE} (POST /pets)::" in first
    change = Change("r", "warning", "GET /a", None, None, "/x", "50% of\nthat, really: yes")
    bare = render_github(type(report)("a", "b", (change,)))
    assert bare.splitlines()[0] == "::warning title=r (GET /a)::50%25 of%0Athat, really: yes"


def test_junit_reports_each_change_as_a_case_and_failures_at_fail_on() -> None:
    report = diff(str(PAIR / "old.yaml"), str(PAIR / "new.yaml"), fail_on="breaking")
    root = ElementTree.fromstring(render_junit(report).split("\n", 1)[1])
    cases = root.findall("./testsuite/testcase")
    assert [c.get("classname") for c in cases] == ["POST /pets"]
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "breaking" and RULE in (failure.text or "")


def test_cli_list_rules_prints_every_rule_with_level_and_description() -> None:
    result = _accord("--list-rules")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(RULES)
    ids = {line.split()[0]: line.split()[1] for line in lines}
    assert ids["request-body-removed"] == "breaking" and ids["webhook-added"] == "info"


def test_cli_policy_from_pyproject_and_flags(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.accord.diff]\nversion-check = true\nignore-file = "ignore.yaml"\n'
        f'[tool.accord.diff.rules]\n{RULE} = "info"\n')
    (tmp_path / "ignore.yaml").write_text("[]\n")
    result = _accord(PAIR / "old.yaml", PAIR / "new.yaml", "--format", "json", "--changelog", cwd=tmp_path)
    payload = orjson.loads(result.stdout)
    assert {(c["rule"], c["level"]) for c in payload["changes"]} == {(RULE, "info")}
    assert result.returncode == 0  # info now, so no breaking change for the version check either
    flagged = _accord(PAIR / "old.yaml", PAIR / "new.yaml", "--rule-level", f"{RULE}=breaking", "--format", "github",
                      cwd=tmp_path)
    assert flagged.returncode == 1
    assert [line.split(" ", 1)[0] for line in flagged.stdout.splitlines()[:2]] == ["::error", "::error"]
    bad = _accord(PAIR / "old.yaml", PAIR / "new.yaml", "--rule-level", "nope", cwd=tmp_path)
    assert bad.returncode == 2 and "expected ID=LEVEL" in bad.stderr


def test_docs_table_is_generated_from_the_catalogue() -> None:
    committed = (ROOT / "docs" / "diff-rules.md").read_text(encoding="utf-8")
    assert committed == catalogue_markdown(), "regenerate it: python -m accord.diff > docs/diff-rules.md"
