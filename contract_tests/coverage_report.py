"""The coverage of a run as text, markdown (a CI job summary), JSON and an HTML matrix.

Per operation and in total: documented responses (status keys), response media types,
parameters and links the run exercised, and which it never reached. `percent` is the share of
every documented item reached, the figure `--min-coverage` gates on.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from accord.contract_tests.report import ContractReport, OperationResult

DIMENSIONS = ("operations", "responses", "media types", "parameters", "links")


@dataclass(frozen=True, slots=True)
class Totals:
    reached: dict[str, int]
    documented: dict[str, int]

    @property
    def percent(self) -> float:
        documented = sum(self.documented.values())
        return 100.0 if documented == 0 else 100.0 * sum(self.reached.values()) / documented

    def share(self, dimension: str) -> str:
        return f"{self.reached[dimension]}/{self.documented[dimension]}"


def _per_operation(op: OperationResult) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """dimension -> (documented, exercised) for one operation."""
    return {
        "operations": ((op.label,), (op.label,) if op.exercised else ()),
        "responses": (op.coverage.documented, op.coverage.exercised),
        "media types": (op.media.documented, op.media.exercised),
        "parameters": (op.parameters.documented, op.parameters.exercised),
        "links": (op.links.documented, op.links.exercised),
    }


def totals(report: ContractReport) -> Totals:
    reached = dict.fromkeys(DIMENSIONS, 0)
    documented = dict.fromkeys(DIMENSIONS, 0)
    for op in report.operations:
        for name, (doc, seen) in _per_operation(op).items():
            documented[name] += len(doc)
            reached[name] += len(seen)
    return Totals(reached, documented)


def headline(report: ContractReport) -> str:
    total = totals(report)
    parts = ", ".join(f"{total.share(name)} {name}" for name in DIMENSIONS)
    return f"COVERAGE {total.percent:.1f}%: {parts}"


def as_text(report: ContractReport) -> str:
    """The headline, then per operation the statuses seen and everything documented never reached."""
    lines = [headline(report)]
    for op in report.operations:
        seen_codes = ", ".join(f"{code}×{count}" for code, count in op.statuses) or "none"
        lines.append(f"  {op.label}")
        lines.append(f"      seen:     {seen_codes}")
        lines.append(f"      not seen: {', '.join(op.coverage.missing) or '-'}")
        for label, missing in (("media", op.media.missing), ("params", op.parameters.missing),
                               ("links", op.links.missing)):
            if missing:
                lines.append(f"      {label} never reached: {', '.join(missing)}")
        if op.coverage.undocumented:
            lines.append(f"      UNDOCUMENTED: {', '.join(map(str, op.coverage.undocumented))}")
    return "\n".join(lines)


def as_markdown(report: ContractReport) -> str:
    """A table per operation, for `$GITHUB_STEP_SUMMARY` and the like."""
    total = totals(report)
    lines = [f"### Contract coverage: {report.target}", "",
             f"**{total.percent:.1f}%** of what `{report.spec}` documents was exercised.", "",
             "| | " + " | ".join(DIMENSIONS) + " |", "|---|" + "---|" * len(DIMENSIONS),
             "| total | " + " | ".join(total.share(name) for name in DIMENSIONS) + " |", "",
             "| operation | responses seen | never reached |", "|---|---|---|"]
    for op in report.operations:
        missing = [*op.coverage.missing, *op.media.missing, *op.parameters.missing, *op.links.missing]
        seen = ", ".join(op.coverage.exercised) or "none"
        if not op.exercised:
            seen = "not exercised"
        lines.append(f"| `{op.label}` | {seen} | {', '.join(f'`{m}`' for m in missing) or '-'} |")
    return "\n".join(lines) + "\n"


def as_json(report: ContractReport) -> str:
    total = totals(report)
    data: dict[str, Any] = {
        "target": report.target,
        "spec": report.spec,
        "percent": round(total.percent, 2),
        "totals": {name: {"reached": total.reached[name], "documented": total.documented[name]} for name in DIMENSIONS},
        "operations": [
            {
                "operation": op.label,
                "operation_id": op.operation_id,
                "requests": op.requests,
                "statuses_seen": {str(code): count for code, count in op.statuses},
                "undocumented_statuses": list(op.coverage.undocumented),
                **{name.replace(" ", "_"): {"documented": list(doc), "exercised": list(seen)}
                   for name, (doc, seen) in _per_operation(op).items() if name != "operations"},
            }
            for op in report.operations
        ],
    }
    return json.dumps(data, indent=2) + "\n"


_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-top: 1em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: center; }
th.op, td.op { text-align: left; font-family: ui-monospace, monospace; }
td.hit { background: #c8efc8; } td.miss { background: #f6d0d0; } td.none { color: #aaa; }
td.undoc { background: #f9e79f; }
caption { text-align: left; font-weight: bold; }
"""


def as_html(report: ContractReport) -> str:
    """A matrix: one row per operation, one column per documented status key (green reached, red
    not, yellow an undocumented status seen), then the share of media types, parameters and links."""
    total = totals(report)
    keys = sorted({k for op in report.operations for k in op.coverage.documented}, key=_status_order)
    head = "".join(f"<th>{html.escape(k)}</th>" for k in keys)
    rows = []
    for op in report.operations:
        cells = []
        for key in keys:
            if key not in op.coverage.documented:
                cells.append('<td class="none">·</td>')
            elif key in op.coverage.exercised:
                cells.append(f'<td class="hit" title="{html.escape(op.label)} {key}: seen">✓</td>')
            else:
                cells.append(f'<td class="miss" title="{html.escape(op.label)} {key}: never seen">✗</td>')
        undocumented = ", ".join(map(str, op.coverage.undocumented))
        extra = [f"{len(d.exercised)}/{len(d.documented)}" for d in (op.media, op.parameters, op.links)]
        rows.append(f'<tr><td class="op">{html.escape(op.label)}</td>{"".join(cells)}'
                    f'<td class="{"undoc" if undocumented else "none"}">{html.escape(undocumented) or "-"}</td>'
                    + "".join(f"<td>{e}</td>" for e in extra) + "</tr>")
    summary = ", ".join(f"{total.share(name)} {name}" for name in DIMENSIONS)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Contract coverage: {html.escape(report.target)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>Contract coverage: {html.escape(report.target)}</h1>"
            f"<p><strong>{total.percent:.1f}%</strong> of <code>{html.escape(report.spec)}</code> exercised: "
            f"{html.escape(summary)}.</p>"
            f'<table><caption>Documented responses per operation</caption><thead><tr><th class="op">operation</th>'
            f"{head}<th>undocumented</th><th>media types</th><th>parameters</th><th>links</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></body></html>\n")


def _status_order(key: str) -> tuple[int, str]:
    return (999, key) if not key[:1].isdigit() else (int(key[0]) * 100, key)


FORMATS = {"text": as_text, "markdown": as_markdown, "json": as_json, "html": as_html}
