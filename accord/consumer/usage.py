"""What a consumer uses, and which of a contract change's findings touch it (`accord diff --consumer`).

A consumer contract says which operations a client called, which parameters and body fields it
sent and which statuses, headers and response fields it got. A diff `Change` says what it
touches (`Change.subject`). A change touches the consumer when it concerns an operation the
consumer called and, for a change to one part of that operation, a part the consumer used —
or, for a new requirement (a parameter or property that became required), a call that did
not send it. When the subject cannot be narrowed, the change counts as touching (better a
false alarm than a missed break).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from accord.consumer.contract import ConsumerContract, Interaction, read_contract
from accord.consumer.matching import field_paths
from accord.diff import diff
from accord.diff.operations import path_key
from accord.diff.report import RANK, Change, DiffReport

#: Rules that break a client which does NOT send something (it became required or is new, or
#: what leaving it out means changed).
REQUIREMENT_RULES = frozenset({
    "new-required-request-parameter",
    "new-required-request-default-parameter-to-existing-path",
    "request-parameter-became-required",
    "request-parameter-default-value-changed",
    "request-parameter-default-value-added",
    "request-parameter-default-value-removed",
    "new-required-request-property",
    "new-required-request-property-with-default",
    "request-property-became-required",
    "request-property-became-required-with-default",
    "new-required-request-header-property",
    "request-header-property-became-required",
    "request-body-became-required",
    "request-body-added-required",
})


@dataclass(slots=True, frozen=True)
class Impact:
    """A change that touches the consumer, and the interactions through which it does."""

    change: Change
    interactions: tuple[int, ...]  # indexes into the contract's interactions
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {**self.change.as_dict(), "consumer_interactions": list(self.interactions),
                "consumer_reason": self.reason}


@dataclass(slots=True, frozen=True)
class ConsumerImpact:
    """Of the changes at or above a level, those that touch one consumer."""

    file: str
    contract: ConsumerContract
    level: str
    considered: int
    impacts: tuple[Impact, ...] = field(default_factory=tuple)

    @property
    def consumer(self) -> str:
        return self.contract.consumer

    @property
    def fails(self) -> bool:
        return bool(self.impacts)

    @property
    def exit_code(self) -> int:
        """1 when a change at or above `level` touches the consumer, else 0."""
        return 1 if self.fails else 0


def consumer_impact(report: DiffReport, contract: ConsumerContract, *, file: str,
                    level: str = "breaking") -> ConsumerImpact:
    """Which changes at or above `level` touch something the consumer uses."""
    considered = [c for c in report.changes if RANK[c.level] <= RANK[level]]
    impacts = []
    for change in considered:
        found = touches(change, contract.interactions)
        if found is not None:
            impacts.append(found)
    return ConsumerImpact(file, contract, level, len(considered), tuple(impacts))


def diff_for_consumer(old: str, new: str, consumer: str | Path, *, level: str = "breaking",
                      **policy: Any) -> tuple[DiffReport, ConsumerImpact]:
    """`accord.diff.diff(old, new)` and what of it touches the consumer contract in `consumer`."""
    contract = read_contract(consumer)  # an unreadable contract fails before the diff runs
    report = diff(old, new, **policy)
    return report, consumer_impact(report, contract, file=str(consumer), level=level)


def _same_operation(change: Change, interaction: Interaction) -> bool:
    if change.operation_id and interaction.operation == change.operation_id:
        return True
    method, _, path = change.operation.partition(" ")
    template = interaction.template or interaction.request.path
    return interaction.request.method == method.upper() and path_key(template) == path_key(path)


def touches(change: Change, interactions: Iterable[Interaction]) -> Impact | None:
    """The Impact of `change` on a consumer with these interactions; None when it is untouched."""
    used = [(i, x) for i, x in enumerate(interactions) if _same_operation(change, x)]
    if not used:
        return None
    subject = change.subject
    kind = subject[0] if subject else ""
    check = _CHECKS.get(kind)
    hits, reason = ([i for i, _ in used], "calls the operation") if check is None else check(change, subject, used)
    return Impact(change, tuple(hits), reason) if hits else None


Used = list[tuple[int, Interaction]]


def _parameter(change: Change, subject: tuple[str, ...], used: Used) -> tuple[list[int], str]:
    location, name = subject[1], subject[2]

    def sent(x: Interaction) -> bool:
        if location == "query":
            return name in x.request.query
        if location == "header":
            return name.lower() in {h.lower() for h in x.request.headers}
        if location == "cookie":
            return "cookie" in {h.lower() for h in x.request.headers}
        return True  # a path parameter is always sent

    if change.rule in REQUIREMENT_RULES:
        return [i for i, x in used if not sent(x)], f"does not send {location} parameter {name}"
    return [i for i, x in used if sent(x)], f"sends {location} parameter {name}"


def _matches(path: tuple[str, ...], fields: set[tuple[str, ...]]) -> bool:
    return any(len(f) == len(path) and all(p in ("*", t) for p, t in zip(path, f, strict=True)) for f in fields)


def _fields(value: object) -> set[tuple[str, ...]]:
    return set(field_paths(value))


def _request_body(change: Change, subject: tuple[str, ...], used: Used) -> tuple[list[int], str]:
    path = subject[1:]
    shown = "/".join(path)
    if change.rule in REQUIREMENT_RULES:
        hits = []
        for i, x in used:
            if x.request.body is None:
                hits.append(i)
                continue
            fields = _fields(x.request.body.content)
            if path and not _matches(path, fields) and (len(path) == 1 or _matches(path[:-1], fields)):
                hits.append(i)
        return hits, f"does not send request field {shown}" if path else "sends no request body"
    if not path:
        return [i for i, x in used if x.request.body is not None], "sends a request body"
    hits = [i for i, x in used if x.request.body is not None and _matches(path, _fields(x.request.body.content))]
    return hits, f"sends request field {shown}"


def _status_matches(key: str, status: int) -> bool:
    if key == "default":
        return True
    if len(key) == 3 and key[1:].upper() == "XX":
        return str(status)[0] == key[0]
    return key == str(status)


def _response(change: Change, subject: tuple[str, ...], used: Used) -> tuple[list[int], str]:
    key = subject[1]
    got = [(i, x) for i, x in used if _status_matches(key, x.response.status)]
    rest = subject[2:]
    if not rest:
        return [i for i, _ in got], f"gets response {key}"
    if rest[0] == "header":
        return [i for i, _ in got], f"gets response {key} (header {rest[1]})"
    path = rest[1:]
    if not path:
        return [i for i, x in got if x.response.body is not None], f"reads the body of response {key}"
    hits = [i for i, x in got if x.response.body is not None and x.response.body.json
            and _matches(path, _fields(x.response.body.content))]
    return hits, f"reads response {key} field {'/'.join(path)}"


_CHECKS = {"parameter": _parameter, "request-body": _request_body, "response": _response}


# -- rendering ----------------------------------------------------------------------------------
def render_text(impact: ConsumerImpact) -> str:
    contract = impact.contract
    lines = [f"consumer {impact.consumer} ({impact.file}): {len(impact.impacts)} of {impact.considered} "
             f"{impact.level} change{'s' if impact.considered != 1 else ''} touch what it uses"]
    for found in impact.impacts:
        lines.append(f"  {found.change.render()}")
        calls = ", ".join(f"#{i} {contract.interactions[i].description}" for i in found.interactions[:3])
        more = f" and {len(found.interactions) - 3} more" if len(found.interactions) > 3 else ""
        lines.append(f"    the consumer {found.reason}: interaction {calls}{more}")
    return "\n".join(lines) + "\n"


def render_json(impact: ConsumerImpact) -> dict[str, object]:
    return {
        "file": impact.file,
        "name": impact.consumer,
        "level": impact.level,
        "considered": impact.considered,
        "touching": [found.as_dict() for found in impact.impacts],
    }


def render_markdown(impact: ConsumerImpact) -> str:
    lines = [f"#### Consumer `{impact.consumer}`", "",
             f"{len(impact.impacts)} of {impact.considered} {impact.level} changes touch what "
             f"`{impact.file}` uses.", ""]
    for found in impact.impacts:
        lines.append(f"- `{found.change.operation}`: {found.change.message} — the consumer {found.reason}")
    return "\n".join(lines) + "\n"


def with_impact(rendered: str, fmt: str, impact: ConsumerImpact) -> str:
    """A diff report as rendered in `fmt`, with the consumer section added."""
    if fmt == "json":
        payload = orjson.loads(rendered)
        payload["consumer"] = render_json(impact)
        return orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n"
    if fmt == "markdown":
        return rendered + "\n" + render_markdown(impact)
    return rendered + render_text(impact)
