"""Words shown to people: chart titles and how column names read in sentences."""

from __future__ import annotations

import re

from planner.plan import TIME_GRAIN_WORDS, Aggregate, ChartSpec

AGGREGATE_TITLE: dict[Aggregate, str] = {
    "sum": "Total",
    "mean": "Average",
    "median": "Median",
    "min": "Lowest",
    "max": "Highest",
    "count": "Number of",
    "distinct": "Number of distinct",
    "last": "Latest",
    "none": "",
}
AGGREGATE_VERB: dict[Aggregate, str] = {
    "sum": "Summed",
    "mean": "Averaged",
    "median": "Took the median of",
    "min": "Took the lowest",
    "max": "Took the highest",
    "count": "Counted",
    "distinct": "Counted the distinct",
    "last": "Took the latest",
    "none": "Plotted",
}


def human(name: str) -> str:
    """`unit_price` → "unit price", `unitPrice` → "unit price"; all-caps words keep their case."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name.replace("_", " ").replace("-", " "))
    words = [w if w.isupper() and len(w) > 1 else w.lower() for w in spaced.split()]
    return " ".join(words) or name


def title_for(spec: ChartSpec, count_noun: str | None = None) -> str:
    """A short title such as "Total revenue by region" or "Price vs quantity"."""
    x = human(spec.x) if spec.x else ""
    y = human(spec.y) if spec.y else ""
    if spec.chart_type == "histogram":
        text = f"Distribution of {x}"
    elif spec.chart_type == "box":
        text = f"Spread of {y}" + (f" by {x}" if x else "")
    elif spec.chart_type == "scatter":
        text = f"{y} vs {x}"
    else:
        if spec.aggregate == "count":
            measure = f"Number of {count_noun or 'rows'}"
        else:
            measure = f"{AGGREGATE_TITLE[spec.aggregate]} {y}".strip()
        by = f"{TIME_GRAIN_WORDS[spec.time_grain]}" if spec.time_grain else x
        text = f"{measure} by {by}" if by else measure
    if spec.color:
        text += f" and {human(spec.color)}"
    if spec.limit and not spec.other_bucket:
        text += (
            f" (top {spec.limit})"
            if not spec.sort or spec.sort.order == "desc"
            else (f" (bottom {spec.limit})")
        )
    if 1 <= len(spec.filters) <= 2:
        text += ", " + "; ".join(f.describe() for f in spec.filters)
    return text[:1].upper() + text[1:]
