"""One sentence saying what was plotted, built from the plan and numbers computed from the file."""

from __future__ import annotations

import re
from collections.abc import Mapping

from planner.plan import TIME_GRAIN_WORDS, ChartSpec
from sandbox.executor import SummaryValue

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00")

_AGGREGATE_WORDS = {
    "sum": "Total",
    "mean": "Average",
    "median": "Median",
    "min": "Lowest",
    "max": "Highest",
}


def measure_phrase(spec: ChartSpec) -> str:
    """'Total *revenue*', 'Number of rows', or just '*price*'."""
    if spec.aggregate == "count" or spec.y is None:
        return "Number of rows"
    if spec.aggregate == "none":
        return f"*{spec.y}*"
    return f"{_AGGREGATE_WORDS[spec.aggregate]} *{spec.y}*"


def what_was_plotted(spec: ChartSpec) -> str:
    x = f"*{spec.x}*" if spec.x else ""
    match spec.chart_type:
        case "histogram":
            head = f"Distribution of {x}"
        case "box":
            head = f"Spread of *{spec.y}*" + (f" by {x}" if x else "")
        case "scatter":
            head = f"*{spec.y}* against {x}"
        case "line":
            head = f"{measure_phrase(spec)} over {x}"
            if spec.time_grain:
                head += f" per {TIME_GRAIN_WORDS[spec.time_grain]}"
        case _:
            head = f"{measure_phrase(spec)} by {x}"
    if spec.color:
        style = {"stack": "stacked", "group": "side by side"}.get(spec.barmode or "", "")
        head += f", split by *{spec.color}*" + (f" ({style})" if style else "")
    return head


def describe(spec: ChartSpec, summary: Mapping[str, SummaryValue]) -> str:
    """E.g. 'Total *revenue* by *region* (top 20; 15 more as “Other”), from 1,204 of 1,250 rows,
    where year is 2024.'"""
    parts = [what_was_plotted(spec)]
    shown, other = _int(summary.get("groups")), _int(summary.get("other_groups"))
    if spec.limit and other:
        parts.append(f" (top {spec.limit}; {other:,} more grouped as “Other”)")
    elif spec.limit and shown:
        parts.append(f" (top {min(spec.limit, shown)})")
    used, total = _int(summary.get("rows_used")), _int(summary.get("rows_total"))
    if used is not None and total is not None:
        parts.append(f", from {used:,} of {total:,} rows")
    if spec.filters:
        parts.append(", where " + " and ".join(f.describe() for f in spec.filters))
    sentence = "".join(parts) + "."
    top_label, top_value = summary.get("top_label"), summary.get("top_value")
    if top_label is not None and isinstance(top_value, int | float):
        label = _time_label(str(top_label), spec.time_grain)
        sentence += f" Largest: *{label}* at {format_number(float(top_value))}."
    return sentence


def _time_label(label: str, grain: str | None) -> str:
    """'2024-04-01T00:00:00' → '2024-04' for monthly data, '2024' for yearly, '2024-04-01' else."""
    if not _ISO_TIME.match(label):
        return label
    date = label[:10]
    return {"M": date[:7], "Q": date[:7], "Y": date[:4]}.get(grain or "", date)


def _int(value: SummaryValue) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def format_number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.4g}"
