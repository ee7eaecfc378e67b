"""Words shown to people: chart titles, axis titles and how column names read in sentences.

Column names keep their own casing ("gdpPercap", "Miles_per_Gallon" → "Miles per Gallon"): a
name is the person's word for their data, and lower-casing it mangles acronyms and camelCase.
"""

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
    "last": "Last",
    "none": "",
}
AGGREGATE_VERB: dict[Aggregate, str] = {
    "sum": "Summed",
    "mean": "Averaged",
    "median": "Took the median of",
    "min": "Took the lowest",
    "max": "Took the highest",
    "count": "Counted",
    "distinct": "Counted the different values of",
    "last": "Took the last value of",
    "none": "Plotted",
}
# Title words that name an aggregate, and the aggregates they fit. A title saying "Total" over
# averages is a wrong chart that looks right, so such titles are rebuilt from the spec.
_TITLE_AGGREGATES: dict[str, frozenset[Aggregate]] = {
    "total": frozenset({"sum", "count"}),
    "sum": frozenset({"sum"}),
    "average": frozenset({"mean"}),
    "avg": frozenset({"mean"}),
    "mean": frozenset({"mean"}),
    "median": frozenset({"median"}),
}
_OUR_WORDS = frozenset(word for phrase in AGGREGATE_TITLE.values() for word in phrase.split()[:1])
_FIRST_WORD = re.compile(r"^\W*([A-Za-z]+)")


def human(name: str) -> str:
    """`unit_price` → "unit price", `Miles_per_Gallon` → "Miles per Gallon"; casing is kept."""
    spaced = " ".join(name.replace("_", " ").replace("-", " ").split())
    return spaced or name


def count_label(noun: str | None) -> str:
    """ "Number of orders", or "Number of rows" when nobody said what a row is."""
    return f"Number of {noun or 'rows'}"


def measure_label(spec: ChartSpec) -> str:
    """What the y axis shows, e.g. "Total revenue", "tip as % of total bill", "Number of orders".

    Several measures read "Average AAPL, GOOG"; a transform is added after a comma.
    """
    names = ", ".join(human(m) for m in spec.measures())
    if spec.aggregate == "count" or (spec.y is None and spec.chart_type != "box"):
        base = count_label(spec.count_noun)
    elif spec.aggregate == "distinct":
        base = count_label(spec.count_noun) if spec.count_noun else f"Distinct {names} values"
    elif spec.denominator:
        over = human(spec.denominator)
        base = f"{names} as % of {over}" if spec.as_percent else f"{names} per {over}"
    else:
        word = AGGREGATE_TITLE[spec.aggregate]
        # A column already named for its aggregate ("total_bill") is not "Total total bill".
        already = word and names.lower().startswith(word.lower() + " ")
        base = capitalized(names) if already else f"{word} {names}".strip()
        if spec.as_percent:
            base += " (%)"
    if spec.transform is None:
        return base
    return {
        "rolling_mean": f"{base}, {spec.transform.describe()}",
        "pct_change": f"% change in {_lower_first(base)}",
        "yoy": f"{base}, % change from a year earlier",
        "cumsum": f"Running total of {_lower_first(base)}",
        "share": f"Share of {_lower_first(base)} (%)",
    }[spec.transform.kind]


def title_for(spec: ChartSpec, count_noun: str | None = None) -> str:
    """A short title such as "Total revenue by region" or "Price vs quantity"."""
    if count_noun and not spec.count_noun:
        spec = spec.model_copy(update={"count_noun": count_noun})
    x = human(spec.x) if spec.x else ""
    y = human(spec.y) if spec.y else ""
    if spec.chart_type == "histogram":
        text = f"Distribution of {x}"
    elif spec.chart_type == "box":
        text = f"Spread of {y}" + (f" by {x}" if x else "")
    elif spec.chart_type == "scatter" and spec.aggregate == "none" and not spec.denominator:
        text = f"{y} vs {x}"
    else:
        measure = measure_label(spec)
        by = f"{TIME_GRAIN_WORDS[spec.time_grain]}" if spec.time_grain else x
        text = f"{measure} by {by}" if by else measure
    if spec.color:
        # "Bill length vs flipper length by species"; bars already say "by x", so "and colour".
        joiner = "by" if " by " not in text else "and"
        text += f" {joiner} {human(spec.color)}"
    if spec.limit and not spec.other_bucket:
        top = "top" if not spec.sort or spec.sort.order == "desc" else "bottom"
        within = f" per {human(spec.limit_within)}" if spec.limit_within else ""
        text += f" ({top} {spec.limit}{within})"
    if 1 <= len(spec.filters) <= 2:
        text += ", " + "; ".join(f.describe() for f in spec.filters)
    return capitalized(text)


def chart_title(spec: ChartSpec) -> str:
    """The spec's own title, unless it names another aggregate than the one the chart uses
    ("Total price" over averages): then a title built from the spec."""
    match = _FIRST_WORD.match(spec.title)
    fits = _TITLE_AGGREGATES.get(match.group(1).lower()) if match else None
    summarised = spec.aggregate != "none" and spec.chart_type not in ("histogram", "box")
    if fits is not None and summarised and spec.aggregate not in fits:
        return title_for(spec)
    return spec.title


def capitalized(text: str) -> str:
    """Capitalise a title, unless its first word is a name with capitals of its own
    ("lifeExp vs gdpPercap" stays as it is)."""
    first = text.split(" ", 1)[0]
    if any(c.isupper() for c in first[1:]):
        return text
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """ "Total revenue" → "total revenue" inside a phrase; a column name keeps its casing."""
    first, _, rest = text.partition(" ")
    if first not in _OUR_WORDS:
        return text
    return f"{first.lower()} {rest}".strip()
