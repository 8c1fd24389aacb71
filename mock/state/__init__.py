"""Stateful resources (opt-in, `accord mock --stateful`): created resources are read back,
listed, changed, deleted and, for jobs, move through their statuses over time.

    resources.py  which operations create / read / list / change / act on which family
    store.py      the resources held per process; reset; the seed file
    lifecycle.py  statuses over time (queued → running → succeeded), cancel
    pages.py      limit / page-token pagination
    calls.py      one stateful request; the documented 404 / 409 / 400 answers
    handlers.py   one handler per role, each answering a documented response
    jobs.py       cancel and results of a job
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord import pointers
from accord.mock.behaviour.model import StateOptions
from accord.mock.state.lifecycle import DEFAULT_CLOCK, Clock, Lifecycle, lifecycle_for
from accord.mock.state.resources import Family, Role, infer, success_schema
from accord.mock.state.store import Record, Store, read_seed

if TYPE_CHECKING:
    from accord.mock.behaviour.loading import Problems
    from accord.mock.compiler import CompiledApi

__all__ = ["FamilyInfo", "State"]


@dataclass(frozen=True, slots=True)
class FamilyInfo:
    family: Family
    schema: Any  # the representation's schema (the item GET's success response)
    lifecycle: Lifecycle | None


class State:
    """Roles, families and the store of one mock process."""

    def __init__(self, api: CompiledApi, options: StateOptions | None = None, *, clock: Clock = DEFAULT_CLOCK) -> None:
        self.api = api
        self.options = options or StateOptions()
        self.clock = clock
        self.roles: dict[str, Role] = infer(api)
        self.store = Store()
        self.families: dict[str, FamilyInfo] = {}
        self.id_schemas: dict[str, Any] = {}  # item template -> the id's schema without examples
        by_label = {op.label: op for op in api.operations}
        for label, role in self.roles.items():
            item = role.family.item
            found = success_schema(by_label[label])
            if found is None:
                continue
            current = self.families.get(item)
            if current is None or role.kind == "read":  # the read operation's schema wins
                lifecycle = lifecycle_for(api.document, found[1], self.options.durations)
                self.families[item] = FamilyInfo(role.family, found[1], lifecycle)

    def seed_from(self, path: str, problems: Problems) -> None:
        """Load resources from a seed file; each must validate against its family's schema."""
        for item, values in read_seed(path, problems).items():
            info = self.families.get(item)
            if info is None:
                problems.add(pointers.join("", item),
                             f"{item!r} is not the item template of a recognised resource; "
                             f"known: {', '.join(sorted(self.families)) or 'none'}")
                continue
            for pointer, value in values:
                errors = list(self.api.schemas.validator(info.schema, "response").iter_errors(value))
                if errors:
                    problems.add(pointer, f"does not match the resource schema: {errors[0].message}")
                    continue
                key = _id_of(value, info.family.id_pointer)
                if key is None:
                    problems.add(pointer, f"has no id at {info.family.id_pointer}")
                    continue
                self.store.seed.setdefault(item, {})[key] = Record(value, self.clock(), moving=False)
        self.store.reset()


def _id_of(value: dict[str, Any], pointer: str) -> str | None:
    from accord import pointers

    try:
        found = pointers.resolve(value, pointer)
    except (KeyError, IndexError, ValueError, TypeError):
        return None
    return None if found is None or isinstance(found, (dict, list)) else str(found)
