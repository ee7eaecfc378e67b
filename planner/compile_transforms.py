"""Chart code for a `Transform`: computed on the aggregated `table`, within each series, in x order.

The transformed values go into a column of their own and `value_col` then names it, so the code
after this draws the transform while the aggregated values stay in the table. Points a transform
cannot give a value to (the first window-1 points of a rolling average, the first point of a
% change, periods with nothing a year earlier) are dropped, not drawn as fake values, and their
number is `summary['dropped_points']`.
"""

from __future__ import annotations

from planner.compile_shape import Shape
from planner.plan import TIME_GRAIN_WORDS, TimeGrain

DEFAULT_WINDOW = 7
# How far back "a year earlier" is for each time grain. Days go back 365 days, so around a
# leap day a value is compared with the day after its calendar twin: close enough for a chart.
_YEAR_EARLIER: dict[TimeGrain, str] = {
    "D": "pd.Timedelta(days=365)",
    "W": "pd.Timedelta(weeks=52)",
    "M": "pd.DateOffset(years=1)",
    "Q": "pd.DateOffset(years=1)",
    "Y": "pd.DateOffset(years=1)",
}


def transform(shape: Shape) -> list[str]:
    """Lines computing the transform into `shown_col`, then `value_col = shown_col`."""
    spec = shape.spec
    if spec.transform is None:
        return []
    kind = spec.transform.kind
    lines = [f"shown_col = {shape.text.text(shape.shown_col)}"]
    if kind == "rolling_mean":
        lines += _rolling(shape, spec.transform.window or DEFAULT_WINDOW)
    elif kind == "pct_change":
        lines += _pct_change(shape)
    elif kind == "yoy":
        lines += _year_over_year(shape)
    elif kind == "cumsum":
        lines += _running_total(shape)
    else:
        lines += _share(shape)
    lines += [
        "table[shown_col] = table[shown_col].replace([np.inf, -np.inf], np.nan)",
        "value_col = shown_col",
    ]
    if kind != "cumsum":
        lines += [
            "summary['dropped_points'] = int(table[value_col].isna().sum())",
            "table = table.dropna(subset=[value_col])",
            "if table.empty:",
            f"    raise ValueError({shape.text.text(_nothing_left(shape))})",
        ]
    return lines


def _per_series(shape: Shape) -> str:
    return "table.groupby(series_col, observed=True, sort=False)[value_col]"


def _rolling(shape: Shape, window: int) -> list[str]:
    rolled = f"rolling({window}, min_periods={window}).mean()"
    comment = (
        f"# Mean of each point and the {window - 1} before it, in x order within each series; "
        f"the first {window - 1} points have too few before them and are left out."
    )
    if shape.series_col:
        return [
            comment,
            f"table[shown_col] = {_per_series(shape)}.transform(lambda s: s.{rolled})",
        ]
    return [comment, f"table[shown_col] = table[value_col].{rolled}"]


def _pct_change(shape: Shape) -> list[str]:
    previous = f"{_per_series(shape)}.shift(1)" if shape.series_col else "table[value_col].shift(1)"
    return [
        "# % change from the previous point in x order; the first point has none.",
        f"previous = {previous}",
        "table[shown_col] = (table[value_col] / previous.where(previous != 0) - 1) * 100",
    ]


def _year_over_year(shape: Shape) -> list[str]:
    keys = "[x_col, series_col]" if shape.series_col else "[x_col]"
    if shape.grain:
        offset = _YEAR_EARLIER[shape.grain]
        period = TIME_GRAIN_WORDS[shape.grain]
    else:  # x holds year numbers
        offset, period = "1", "year"
    return [
        f"# % change from the same {period} a year earlier: each value is matched with the "
        "value whose period is one year before it.",
        f"year_earlier = table[[*{keys}, value_col]].copy()",
        f"year_earlier[x_col] = year_earlier[x_col] + {offset}",
        f"table = table.merge(year_earlier, on={keys}, how='left', "
        "suffixes=('', ' a year earlier'))",
        "previous = table[value_col + ' a year earlier']",
        "table[shown_col] = (table[value_col] / previous.where(previous != 0) - 1) * 100",
    ]


def _running_total(shape: Shape) -> list[str]:
    summed = f"{_per_series(shape)}.cumsum()" if shape.series_col else "table[value_col].cumsum()"
    return ["# Running total in x order.", f"table[shown_col] = {summed}"]


def _share(shape: Shape) -> list[str]:
    if shape.series == "color":
        return [
            "# Each value as % of its x's total: the colours of one x add up to 100.",
            "totals = table.groupby(x_col, observed=True)[value_col].transform('sum')",
            "table[shown_col] = table[value_col] / totals.where(totals != 0) * 100",
        ]
    if shape.series == "measure":
        return [
            "# Each value as % of its measure's total.",
            f"totals = {_per_series(shape)}.transform('sum')",
            "table[shown_col] = table[value_col] / totals.where(totals != 0) * 100",
        ]
    return [
        "# Each value as % of the total of all of them (before any top N is kept).",
        "total = table[value_col].sum()",
        "table[shown_col] = table[value_col] / total * 100 if total else np.nan",
    ]


def _nothing_left(shape: Shape) -> str:
    assert shape.spec.transform is not None
    kind = shape.spec.transform.kind
    window = shape.spec.transform.window or DEFAULT_WINDOW
    return {
        "rolling_mean": f"a {window}-point rolling average needs at least {window} points in a "
        "row; the chart has fewer",
        "pct_change": "a % change needs at least 2 points; the chart has one",
        "yoy": "no period has a value a year earlier to compare with",
        "share": "the values add up to zero: there is no share of the total to draw",
    }.get(kind, "nothing is left to draw")
