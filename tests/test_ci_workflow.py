"""The example CI workflow (.github/workflows/contract.yml, shown in docs/ci.md): it parses, and
every `make` target and `accord` command, option and choice it invokes exists."""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from accord.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "contract.yml"
SHELL_OPERATORS = {">", ">>", "|", "||", "&&", ";", "2>", "2>&1"}


def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps() -> list[dict[str, Any]]:
    return [step for job in workflow()["jobs"].values() for step in job["steps"]]


def commands() -> list[list[str]]:
    """Each shell command of every `run:`, split into words (line continuations joined)."""
    found = []
    for step in steps():
        script = step.get("run", "").replace("\\\n", " ")
        for line in script.splitlines():
            words = shlex.split(line, comments=True)
            command: list[str] = []
            for word in [*words, ";"]:
                if word in SHELL_OPERATORS:
                    if command:
                        found.append(command)
                    command = []
                else:
                    command.append(word)
    return found


def accord_calls() -> list[list[str]]:
    return [words[1:] for words in commands() if words[0].endswith("accord")]


def make_targets() -> list[str]:
    return [word for words in commands() if words[0] == "make" for word in words[1:] if not word.startswith("-")]


def test_workflow_parses_and_runs_on_pull_requests_and_main() -> None:
    document = workflow()
    triggers = document.get("on", document.get(True))  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    for step in steps():
        assert ("run" in step) != ("uses" in step), step
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]


def test_it_runs_validate_lint_diff_and_both_contract_suites_with_junit() -> None:
    calls = accord_calls()
    assert [c[0] for c in calls] == ["validate", "lint", "diff", "test", "test"]
    assert ["--target", "mock"] == calls[3][1:3] and "--junit" in calls[3]
    assert ["--target", "impl"] == calls[4][1:3] and "--junit" in calls[4]
    assert calls[2][1].startswith("origin/${{ github.base_ref }}:")
    assert "test" in make_targets()


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w.-]*)\s*:(?!=)", text, flags=re.MULTILINE))


@pytest.mark.parametrize("target", sorted(set(make_targets())))
def test_every_make_target_exists(target: str) -> None:
    assert target in makefile_targets()


def option_table(command: click.Command) -> dict[str, click.Parameter]:
    return {name: param for param in command.params if isinstance(param, click.Option)
            for name in (*param.opts, *param.secondary_opts)}


@pytest.mark.parametrize("call", accord_calls(), ids=lambda call: " ".join(call)[:60])
def test_every_accord_command_option_and_choice_exists(call: list[str]) -> None:
    name, *args = call
    assert name in COMMANDS, f"accord has no command {name!r}"
    command = importlib.import_module(f"accord.cli.{COMMANDS[name]}").command
    options = option_table(command)
    words = iter(args)
    for word in words:
        if not word.startswith("-"):
            continue
        flag, _, inline = word.partition("=")
        assert flag in options, f"accord {name} has no option {flag}"
        param = options[flag]
        if param.is_flag:
            continue
        value = inline or next(words)
        if isinstance(param.type, click.Choice):
            assert value in param.type.choices, f"accord {name} {flag}: {value!r} is not one of {param.type.choices}"
