"""`Generator`: schema-valid, seed-deterministic values for the mock's dynamic responses.

Every value is valid against its schema for the validator the mock uses for requests and
examples (`accord.schemas.SchemaCompiler`, formats on), by one of two rules:
- *valid by construction*: a plan that uses no keyword the nodes only approximate (the planner
  marks such plans risky: `if`/`then`, `patternProperties`, a pattern beyond the plain subset,
  length bounds on a fixed-shape format…) builds only values its schema accepts, so its values
  are served unchecked. tests/mock/test_generation.py holds the planner to this claim: random
  schemas over every keyword it models exactly, and every schema of the shared contract and of
  GitHub's description, drawn unchecked (`draw`) and validated;
- *checked*: a risky plan's every value is validated; an invalid one is regenerated from a
  derived seed a bounded number of times, then `GenerationError` names the schema. (Before,
  every plan was checked for its first 32 values and trusted after them when exact: a count of
  successes is evidence for the seeds drawn, the construction is the argument for all of them.)

The same schema, direction and seed give the same value in every process: `random.Random`
seeds strings through SHA-512, never through the salted `hash()`. A caller that wants a
sequence rather than one value per seed passes a `random.Random` as the seed and values are
drawn from it directly: seeding a generator costs about as much as generating a small object.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

from accord import pointers
from accord.mock.generation.errors import GenerationError
from accord.mock.generation.nodes import JsonPathValue, Node
from accord.mock.generation.options import Options
from accord.mock.generation.planner import Planner
from accord.schemas import Direction, SchemaCompileError, SchemaCompiler

ATTEMPTS = 8  # generations tried (the seed, then derived seeds) before giving up


@dataclass(slots=True)
class _Plan:
    node: Node
    check: Any  # compiled validator's is_valid
    risky: bool
    failed: bool = False

    @property
    def trusted(self) -> bool:
        """Valid by construction (module docstring): served without a check."""
        return not self.risky and not self.failed


class Generator:
    """Generates values for the schemas of one document (version "2.0" | "3.0" | "3.1").

    Values may share structure with the document (enum values, examples): treat them as
    read-only, as the mock does when it serialises them.
    """

    #: Every value `generate` returns is valid against its schema for the direction, by
    #: `accord.schemas.SchemaCompiler` (checked, or from a plan valid by construction): callers that
    #: validate with the same compiler need not check it again.
    validates = True

    def __init__(self, document: dict[str, Any], version: str, *, compiler: SchemaCompiler | None = None,
                 options: Options | None = None) -> None:
        self.document = document
        self.version = version
        self.compiler = compiler or SchemaCompiler(document, version)
        #: json-schema-faker's options, as the document sets them (mock/generation/options.py).
        self.options = options or Options()
        self._planner = Planner(document, version, self.compiler, self.options)
        self._plans: dict[tuple[int, str], _Plan] = {}

    def generate(self, schema: Any, *, seed: int | str | Random, direction: Direction = "response") -> Any:
        """A value valid against `schema` for `direction`; the same seed gives the same value.

        `seed` may be a `random.Random`, drawn from as it is (its sequence is the determinism).
        """
        plan = self._plans.get((id(schema), direction))
        if plan is None:
            plan = self._plan(schema, direction)
        if plan.trusted:
            try:
                return self._gen(plan, seed if isinstance(seed, Random) else Random(seed))
            except GenerationError:
                pass  # a rare unlucky draw: the checked path below retries with derived seeds
        return self._checked(plan, schema, seed, direction)

    def exact(self, schema: Any, direction: Direction = "response") -> bool:
        """Whether the schema's plan is valid by construction (its values are not checked)."""
        plan = self._plans.get((id(schema), direction)) or self._plan(schema, direction)
        return plan.trusted

    def draw(self, schema: Any, *, seed: int | str | Random, direction: Direction = "response") -> Any:
        """The plan's value for this seed, unchecked: what `generate` serves for an exact plan
        (for the tests that hold the planner to its claim); may raise `GenerationError`."""
        plan = self._plans.get((id(schema), direction)) or self._plan(schema, direction)
        return self._gen(plan, seed if isinstance(seed, Random) else Random(seed))

    def _gen(self, plan: _Plan, rng: Random) -> Any:
        value = plan.node.gen(rng, 0)
        return _resolve_json_paths(value) if self._planner.json_paths else value

    def _plan(self, schema: Any, direction: Direction) -> _Plan:
        try:
            check = self.compiler.validator(schema, direction).is_valid
        except SchemaCompileError as exc:
            raise GenerationError(f"the schema cannot be compiled: {exc}", self.locate(schema)) from exc
        node = self._planner.compile(schema, direction, "")
        plan = _Plan(node, check, self._planner.is_risky(schema, direction))
        self._plans[(id(schema), direction)] = plan
        self._planner._keep.append(schema)
        return plan

    def _checked(self, plan: _Plan, schema: Any, seed: int | str | Random, direction: Direction) -> Any:
        last: GenerationError | None = None
        for attempt in range(ATTEMPTS):
            rng = seed if isinstance(seed, Random) else Random(seed if attempt == 0 else f"{seed}/{attempt}")
            try:
                value = self._gen(plan, rng)
            except GenerationError as exc:
                last = exc
                continue
            if plan.check(value):
                return value
            plan.failed = True
            violations = list(self.compiler.iter_violations(schema, value, direction))
            first = violations[0] if violations else None
            last = GenerationError(
                f"generated value fails the schema at {first.pointer or '/'}: {first.message}" if first
                else "generated value fails the schema", "")
        assert last is not None
        where = self.locate(schema)
        inner = last.pointer
        pointer = inner if inner.startswith("#") else f"{where}{inner}"
        raise GenerationError(last.message, pointer) from last

    def locate(self, schema: Any) -> str:
        """The document pointer of `schema` ("#/components/schemas/Pet"), or "" when not in it."""
        found = _find(self.document, schema, [])
        return "#" + pointers.from_path(found) if found is not None else ""


def _resolve_json_paths(value: Any) -> Any:
    """The body with each `jsonPath` value resolved: the first match of its path in the body
    (every other such value at its own generated value) when valid at its place, else its own."""
    pending: list[JsonPathValue] = []
    plain = _plain(value, pending)
    if not pending:
        return value
    import jsonpath  # only a document with x-json-schema-faker jsonPath needs it: kept off start-up

    found: dict[int, Any] = {}
    for marker in pending:
        try:
            matches = jsonpath.findall(marker.path, plain)
        except jsonpath.JSONPathError:
            continue
        for match in matches:
            if marker.check(match):
                found[id(marker)] = match
                break
    return _replace(value, found)


def _plain(value: Any, pending: list[JsonPathValue]) -> Any:
    if isinstance(value, JsonPathValue):
        pending.append(value)
        return _plain(value.fallback, pending)
    if isinstance(value, dict):
        return {k: _plain(v, pending) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, pending) for v in value]
    return value


def _replace(value: Any, found: dict[int, Any]) -> Any:
    if isinstance(value, JsonPathValue):
        return found[id(value)] if id(value) in found else _replace(value.fallback, found)
    if isinstance(value, dict):
        return {k: _replace(v, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, found) for v in value]
    return value


def _find(node: Any, target: Any, path: list[str | int]) -> list[str | int] | None:
    if node is target:
        return list(path)
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return None
    for key, child in items:
        if isinstance(child, (dict, list)):
            path.append(key)
            found = _find(child, target, path)
            path.pop()
            if found is not None:
                return found
    return None
