"""Read a behaviour file (YAML or JSON) into a `Behaviour`, every mistake located (file:line).

The file's shape is checked here; what it says about the contract (operations exist, statuses
and examples are documented, bodies validate) is checked in mock/behaviour/checks.py. All
problems are collected and raised together as one `BehaviourFileError` (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from accord import pointers
from accord.documents import display, line_of, load
from accord.errors import DocumentError
from accord.locations import Location
from accord.mock.behaviour.model import (
    DEFAULT_DURATIONS,
    HTTP_FAULTS,
    NETWORK_FAULTS,
    SOURCES,
    Behaviour,
    Condition,
    Fault,
    Latency,
    Outcome,
    Rule,
    Scenario,
    StateOptions,
)

TOP_LEVEL = frozenset({"version", "scenario", "stateful", "rules", "latency", "faults", "scenarios"})
SCENARIO_KEYS = frozenset({"description", "rules", "latency", "faults"})
CONDITION_KEYS = frozenset({"equals", "min", "max", "regex", "present"})
LATENCY_KINDS = ("fixed", "uniform", "lognormal")


class Problem(NamedTuple):
    """One mistake in a behaviour file: (file, line, pointer, message)."""

    file: str
    line: int | None
    pointer: str
    message: str

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.pointer)

    def render(self) -> str:
        return f"{self.location.file_line}: {self.message} (at {self.pointer or '/'})"


class BehaviourFileError(DocumentError):
    """A behaviour file with mistakes; `problems` holds each as a `Problem`."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(problem.render() for problem in problems))
        self.file, self.line = problems[0].file, problems[0].line

    def __str__(self) -> str:  # every problem, one per line, each with its own location
        return str(self.args[0])


class Problems:
    """Collects located problems for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, pointer: str, message: str) -> None:
        self.items.append(Problem(display(self.file), line_of(self.file, pointer), pointer, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise BehaviourFileError(sorted(self.items, key=lambda item: (item[1] or 0, item[2])))


def load_behaviour(path: str | Path) -> tuple[Behaviour, Problems]:
    """Parse `path`; returns the behaviour and the problem list (raise_if_any after checks)."""
    path = Path(path)
    data = load(path)
    problems = Problems(str(path))
    reader = _Reader(problems, path.parent)
    behaviour = reader.behaviour(data if data is not None else {})
    return Behaviour(
        base=behaviour.base,
        scenarios=behaviour.scenarios,
        scenario=behaviour.scenario,
        state=behaviour.state,
        file=str(path),
    ), problems


class _Reader:
    def __init__(self, problems: Problems, folder: Path) -> None:
        self.problems = problems
        self.folder = folder

    # -- helpers ------------------------------------------------------------------------------
    def _mapping(self, value: Any, pointer: str, allowed: frozenset[str] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problems.add(pointer, f"expected a mapping, got {type(value).__name__}")
            return {}
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    message = f"unknown key {key!r}; expected one of {sorted(allowed)}"
                    self.problems.add(pointers.join(pointer, key), message)
        return value

    def _list(self, value: Any, pointer: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.add(pointer, f"expected a list, got {type(value).__name__}")
            return []
        return value

    def _number(self, value: Any, pointer: str, *, low: float | None = 0.0, high: float | None = None) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problems.add(pointer, f"expected a number, got {value!r}")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.problems.add(pointer, f"{value} is out of range [{low}, {high if high is not None else '∞'}]")
            return None
        return float(value)

    def _operations(self, entry: dict[str, Any], pointer: str, *, required: bool) -> tuple[str, ...] | None:
        raw = entry.get("operation", entry.get("operations"))
        if raw is None or raw == "*":
            if required:
                self.problems.add(pointer, "'operation' is required (an operationId or 'METHOD /path')")
            return None
        names = raw if isinstance(raw, list) else [raw]
        if not all(isinstance(n, str) and n for n in names):
            message = "expected an operationId, 'METHOD /path' or a list of them"
            self.problems.add(pointers.join(pointer, "operation"), message)
            return None
        return tuple(names)

    # -- sections -----------------------------------------------------------------------------
    def behaviour(self, data: Any) -> Behaviour:
        data = self._mapping(data, "", TOP_LEVEL)
        base = self.scenario("default", data, "")
        scenarios: dict[str, Scenario] = {}
        for name, raw in self._mapping(data.get("scenarios") or {}, "/scenarios").items():
            where = pointers.join("/scenarios", name)
            scenarios[name] = self.scenario(name, self._mapping(raw, where, SCENARIO_KEYS), where)
        chosen = data.get("scenario")
        if chosen is not None and chosen not in scenarios:
            self.problems.add("/scenario", f"no scenario named {chosen!r}; defined: {sorted(scenarios) or 'none'}")
            chosen = None
        return Behaviour(base, scenarios, chosen, self.state(data.get("stateful"), "/stateful"))

    def scenario(self, name: str, data: dict[str, Any], pointer: str) -> Scenario:
        def each(key: str, read: Callable[[dict[str, Any], str, str], Any]) -> tuple[Any, ...]:
            where = pointers.join(pointer, key)
            found = []
            for index, raw in enumerate(self._list(data.get(key), where)):
                item_ptr = f"{where}/{index}"
                value = read(self._mapping(raw, item_ptr), item_ptr, item_ptr.lstrip("/"))
                if value is not None:
                    found.append(value)
            return tuple(found)

        description = data.get("description", "")
        return Scenario(name, str(description), each("rules", self.rule), each("latency", self.latency),
                        each("faults", self.fault))

    def rule(self, data: dict[str, Any], pointer: str, default_name: str) -> Rule | None:
        for key in data:
            if key not in ("name", "operation", "operations", "when", "then"):
                self.problems.add(pointers.join(pointer, key), f"unknown key {key!r} in a rule")
        operations = self._operations(data, pointer, required=True)
        conditions: list[Condition] = []
        when = self._mapping(data.get("when") or {}, pointer + "/when", frozenset(SOURCES))
        for source, tests in when.items():
            if source not in SOURCES:
                continue
            where = pointers.join(pointer, "when", source)
            for name, test in self._mapping(tests, where).items():
                condition = self.condition(source, str(name), test, pointers.join(where, name))
                if condition is not None:
                    conditions.append(condition)
        then_ptr = pointer + "/then"
        then = self._mapping(data.get("then"), then_ptr, frozenset({"status", "example", "body"}))
        status = then.get("status")
        if status is not None:
            text = str(status)
            if not (text.isdigit() and 100 <= int(text) <= 599):
                self.problems.add(then_ptr + "/status", f"status must be an HTTP status code, got {status!r}")
                status = None
            else:
                status = int(text)
        example = then.get("example")
        if example is not None and not isinstance(example, str):
            self.problems.add(then_ptr + "/example", "example must be the name of an example")
            example = None
        if isinstance(then, dict) and then and not ({"status", "example", "body"} & then.keys()):
            self.problems.add(then_ptr, "'then' needs a status, an example or a body")
        if operations is None:
            return None
        outcome = Outcome(status, example, then.get("body"), "body" in then)
        return Rule(str(data.get("name") or default_name), operations, tuple(conditions), outcome, pointer)

    def condition(self, source: str, name: str, test: Any, pointer: str) -> Condition | None:
        if source == "body" and not (name == "" or name.startswith("/")):
            message = f"a body condition is keyed by a JSON pointer such as /instances/0, got {name!r}"
            self.problems.add(pointer, message)
            return None
        key = name.lower() if source == "header" else name
        if not isinstance(test, dict):  # shorthand: a scalar means equals
            return Condition(source, key, equals=test, has_equals=True)
        self._mapping(test, pointer, CONDITION_KEYS)
        if not test.keys() & CONDITION_KEYS:
            self.problems.add(pointer, f"a condition needs one of {sorted(CONDITION_KEYS)}")
            return None
        minimum = self._number(test["min"], pointer + "/min", low=None) if "min" in test else None
        maximum = self._number(test["max"], pointer + "/max", low=None) if "max" in test else None
        regex = None
        if "regex" in test:
            try:
                regex = re.compile(str(test["regex"]))
            except re.error as exc:
                self.problems.add(pointer + "/regex", f"invalid regular expression: {exc}")
        present = test.get("present")
        if present is not None and not isinstance(present, bool):
            self.problems.add(pointer + "/present", "present must be true or false")
            present = None
        return Condition(source, key, test.get("equals"), "equals" in test, minimum, maximum, regex, present)

    def latency(self, data: dict[str, Any], pointer: str, default_name: str) -> Latency | None:
        kinds = [k for k in LATENCY_KINDS if k in data]
        for key in data:
            if key not in ("name", "operation", "operations", *LATENCY_KINDS):
                self.problems.add(pointers.join(pointer, key), f"unknown key {key!r} in a latency entry")
        if len(kinds) != 1:
            self.problems.add(pointer, f"a latency entry needs exactly one of {list(LATENCY_KINDS)}")
            return None
        kind = kinds[0]
        operations = self._operations(data, pointer, required=False)
        name = str(data.get("name") or default_name)
        where = pointers.join(pointer, kind)
        raw = data[kind]
        if kind == "fixed":
            value = self._number(raw, where)
            return None if value is None else Latency(name, operations, kind, value, pointer=pointer)
        keys = ("min", "max") if kind == "uniform" else ("median", "sigma")
        body = self._mapping(raw, where, frozenset(keys))
        if not all(k in body for k in keys):
            units = "milliseconds, sigma unitless" if kind == "lognormal" else "milliseconds"
            self.problems.add(where, f"{kind} needs {' and '.join(keys)} ({units})")
            return None
        a, b = (self._number(body[k], pointers.join(where, k)) for k in keys)
        if a is None or b is None:
            return None
        if kind == "uniform" and a > b:
            self.problems.add(where, f"min ({a}) is greater than max ({b})")
            return None
        return Latency(name, operations, kind, a, b, pointer)

    def fault(self, data: dict[str, Any], pointer: str, default_name: str) -> Fault | None:
        allowed = ("name", "operation", "operations", "kind", "probability", "status", "retry_after", "hold")
        for key in data:
            if key not in allowed:
                self.problems.add(pointers.join(pointer, key), f"unknown key {key!r} in a fault")
        kind = data.get("kind")
        known = [*HTTP_FAULTS, *NETWORK_FAULTS]
        if kind not in known:
            self.problems.add(pointer + "/kind", f"kind must be one of {known}, got {kind!r}")
            return None
        probability = self._number(data.get("probability", 1.0), pointer + "/probability", high=1.0)
        status = HTTP_FAULTS.get(kind)
        if kind == "status":
            raw = data.get("status")
            if not (isinstance(raw, int) and not isinstance(raw, bool) and 400 <= raw <= 599):
                self.problems.add(pointer + "/status", f"a 'status' fault needs a 4xx or 5xx status, got {raw!r}")
                return None
            status = raw
        elif "status" in data:
            message = f"a {kind!r} fault has a fixed status; use kind: status to choose one"
            self.problems.add(pointer + "/status", message)
        retry_after = data.get("retry_after")
        whole = isinstance(retry_after, int) and not isinstance(retry_after, bool)
        if retry_after is not None and (not whole or retry_after < 0):
            self.problems.add(pointer + "/retry_after", "retry_after must be a whole number of seconds")
            retry_after = None
        hold = self._number(data.get("hold", 30.0), pointer + "/hold") if kind == "timeout" else 30.0
        if probability is None or hold is None:
            return None
        operations = self._operations(data, pointer, required=False)
        name = str(data.get("name") or default_name)
        return Fault(name, operations, kind, probability, status, retry_after, hold, pointer)

    def state(self, data: Any, pointer: str) -> StateOptions:
        if data is None:
            return StateOptions()
        data = self._mapping(data, pointer, frozenset({"durations", "seed"}))
        durations = dict(DEFAULT_DURATIONS)
        for status, seconds in self._mapping(data.get("durations") or {}, pointer + "/durations").items():
            value = self._number(seconds, pointers.join(pointer, "durations", status))
            if value is not None:
                durations[str(status)] = value
        seed = data.get("seed")
        seed_file = None
        if seed is not None:
            candidate = (self.folder / str(seed)).resolve()
            if not candidate.is_file():
                self.problems.add(pointer + "/seed", f"seed file {seed!r} not found (relative to the behaviour file)")
            else:
                seed_file = str(candidate)
        return StateOptions(durations, seed_file)
