"""One sentence saying what was plotted, built from the plan and numbers computed from the file.

The sentence is mrkdwn: column names and values are escaped where they are placed (`post.mrkdwn`),
so a cell like `=HYPERLINK("http://…")` reads as code, never as a link.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from planner.plan import TIME_GRAIN_WORDS, ChartSpec
from planner.wording import measure_label
from post.mrkdwn import escape
from sandbox.executor import SummaryValue

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00")


def measure_phrase(spec: ChartSpec) -> str:
    """'Total revenue', 'Number of orders', 'tip as % of total bill', or just '*price*'."""
    if spec.aggregate == "none" and spec.y and not spec.extra_y and not spec.transform:
        return _name(spec.y)
    return escape(measure_label(spec))


def what_was_plotted(spec: ChartSpec) -> str:
    x = _name(spec.x) if spec.x else ""
    match spec.chart_type:
        case "histogram":
            head = f"Distribution of {x}"
        case "box":
            head = f"Spread of {_name(spec.y)}" + (f" by {x}" if x else "")
        case "scatter":
            head = f"{_name(spec.y)} against {x}"
        case "line" | "area":
            head = f"{measure_phrase(spec)} over {x}"
            if spec.time_grain:
                head += f" per {TIME_GRAIN_WORDS[spec.time_grain]}"
        case _:
            head = f"{measure_phrase(spec)} by {x}"
    if spec.color:
        style = {"stack": "stacked", "group": "side by side"}.get(spec.barmode or "", "")
        head += f", split by {_name(spec.color)}" + (f" ({style})" if style else "")
    return head


def _name(column: str | None) -> str:
    return f"*{escape(column or '')}*"


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
        parts.append(", where " + " and ".join(escape(f.describe()) for f in spec.filters))
    sentence = "".join(parts) + "."
    top_label, top_value = summary.get("top_label"), summary.get("top_value")
    if summary.get("flat") and isinstance(top_value, int | float):
        sentence += f" Every value is the same: {format_number(float(top_value))}."
    elif top_label is not None and isinstance(top_value, int | float):
        label = _time_label(str(top_label), spec.time_grain)
        sentence += f" Largest: *{escape(label)}* at {format_number(float(top_value))}."
    return sentence + "".join(_caveats(spec, summary))


def _caveats(spec: ChartSpec, summary: Mapping[str, SummaryValue]) -> list[str]:
    """What the drawing did that the person should know: a log axis it chose, an "Other" it
    left out, periods drawn at zero, points a transform had no value for."""
    said: list[str] = []
    if summary.get("log_auto") and (summary.get("log_y_applied") or summary.get("log_x_applied")):
        said.append(" Drawn on a log scale: the values are strongly skewed.")
    other_value = summary.get("other_value")
    if isinstance(other_value, int | float) and not summary.get("other_drawn"):
        others = _int(summary.get("other_groups")) or 0
        said.append(
            f" The other {others:,} together (“Other”) come to {format_number(float(other_value))},"
            " left out of the chart so the named bars stay readable."
        )
    zero = _int(summary.get("zero_filled_periods"))
    if zero:
        said.append(f" {zero:,} period{'s' if zero != 1 else ''} with no rows drawn at 0.")
    dropped = _int(summary.get("dropped_points"))
    if dropped and spec.transform is not None:
        said.append(
            f" The first {dropped:,} point{'s' if dropped != 1 else ''} have no "
            f"{spec.transform.describe()} yet."
        )
    undefined = _int(summary.get("undefined_ratios"))
    if undefined:
        said.append(
            f" {undefined:,} group{'s' if undefined != 1 else ''} had nothing to divide by."
        )
    if summary.get("unstacked"):
        said.append(" Drawn side by side, not stacked: these values do not add up.")
    return said


def _time_label(label: str, grain: str | None) -> str:
    """'2024-04-01T00:00:00' → '2024-04' for monthly data, '2024' for yearly, '2024-04-01' else."""
    if not _ISO_TIME.match(label):
        return label
    date = label[:10]
    return {"M": date[:7], "Q": date[:7], "Y": date[:4]}.get(grain or "", date)


def _int(value: SummaryValue) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def format_number(value: float) -> str:
    """Whole numbers with thousands separators, others with 2 decimals (4 significant digits
    below 1). From 10^15 on, a float no longer holds every digit: 6 significant digits
    ("1.23457e+17", "1e+180"), so the digits the float made up are never shown as data."""
    if not math.isfinite(value) or abs(value) >= 1e15:
        return f"{value:.6g}"
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.4g}"
