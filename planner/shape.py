"""Refine a drafted chart with what the question asked beyond "a measure by a breakdown".

Each step reads one kind of request and edits the `Draft`, writing down what it chose (notes) and
what it could not do (`not_done`), so that nothing asked for is dropped in silence:

- distinct counts ("how many countries per continent");
- ratios ("tip as % of bill");
- several measures in one chart ("temp max and min by month", "AAPL vs GOOG" on a wide file);
- value comparisons ("fossil vs nuclear": split by that column);
- top N within each group ("top 3 countries in each continent");
- how rows combine when the question does not say (`planner.measures`);
- transforms on the aggregated series ("7 day rolling avg", "yoy", "running total", "share").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.profile import DataProfile
from planner import defaults
from planner.charts import Draft
from planner.matching import Mention
from planner.measures import KIND_WORDS, measure_kind
from planner.plan import Filter, TimeGrain
from planner.slots import Slot
from planner.transforms import Ratio, TransformReading
from planner.wording import human

_SERIES_CHARTS = ("line", "bar", "area")
# Notes of a breakdown the planner chose itself, which a comparison in the question replaces.
_GUESSED_X = ("Broke the chart down by", "The question named no columns")
# Transforms that need a time axis; a running total or a share works along any x.
_ORDERED_TRANSFORMS = ("rolling_mean", "pct_change", "yoy")
# Measures whose typical sizes differ more than this get a chart each, not one shared axis.
MAX_SCALE_RATIO = 25.0


@dataclass(frozen=True)
class Asks:
    """What the question asked beyond the draft's own reading."""

    dims: Sequence[Slot]
    measures: Sequence[Slot]
    filters: Sequence[Filter]
    splits: Sequence[str]
    distinct: Mention | None
    ratio: Ratio | None
    transform: TransformReading
    limit: int | None
    within: Slot | None  # "in each continent" after a top N
    explicit_count: bool = False  # "how many", "number of": rows are what is counted
    row_noun: bool = False  # the question names the rows ("cars", "days")
    all_rows: bool = False  # "all stocks": every series of the file
    ranking: bool = False  # "best variety", "worst months": ranked by the main number
    chart_asked: bool = False  # the question named the chart type
    mix: bool = False  # "generation mix": split by the file's main category


def refine(draft: Draft, asks: Asks, profile: DataProfile) -> None:
    """Apply every step of the module docstring to `draft`, in order."""
    if draft.chart in ("histogram", "box"):
        _note_unused_transform(draft, asks)
        return
    _top_rows(draft, asks, profile)
    _every_series(draft, asks, profile)
    _counted_column(draft, asks, profile)
    _distinct(draft, asks, profile)
    _ratio(draft, asks, profile)
    _more_measures(draft, asks)
    _splits(draft, asks)
    _mix(draft, asks, profile)
    _within(draft, asks)
    _combine(draft, asks, profile)
    _transform(draft, asks, profile)
    _ranked_periods(draft, asks, profile)


def _other_x(draft: Draft, asks: Asks, profile: DataProfile, *taken: str | None) -> str | None:
    """A breakdown for the chart other than the columns in `taken`."""
    for d in asks.dims:
        if d.column not in taken:
            return d.column
    return defaults.best_category(profile, exclude={t for t in taken if t}) or (
        defaults.time_column(profile)
    )


def _top_rows(draft: Draft, asks: Asks, profile: DataProfile) -> None:
    """ "top 10 cars by weight": with no breakdown named, the top rows themselves, by name."""
    guessed = [n for n in draft.notes if n.startswith("Broke the chart down by")]
    if not (asks.limit and asks.row_noun and guessed and draft.y and draft.chart == "bar"):
        return
    label = defaults.row_label(profile)
    if label is None:
        return
    draft.notes = [n for n in draft.notes if n not in guessed]
    draft.x = label
    unique = profile.column(label).distinct >= profile.rows
    draft.aggregate = "none" if unique else "max"
    draft.stated_aggregate = True
    draft.notes.append(f"Showed the top rows by {human(draft.y)}, named by {human(label)}")


def _every_series(draft: Draft, asks: Asks, profile: DataProfile) -> None:
    """ "all stocks over time" in a file with a column per stock: every number, as lines."""
    if not asks.all_rows or draft.aggregate != "count" or not defaults.observations(profile):
        return
    numbers = [c.name for c in profile.columns if c.role == "number" and c.name != draft.x]
    if len(numbers) < 2:
        return
    draft.notes = [n for n in draft.notes if not n.startswith("Counted rows per")]
    draft.y, draft.extra_y, draft.aggregate = numbers[0], numbers[1:6], "mean"
    if len(numbers) > 6:
        draft.not_done.append(f"the other {len(numbers) - 6} number columns: at most 6 lines")


def _counted_column(draft: Draft, asks: Asks, profile: DataProfile) -> None:
    """Rows counted where none was asked for: in a table that already counts ("frequency"),
    sum that column; where a number was filtered ("districts where coderre got over 5000"),
    show that number; in a series of observations, show its main number."""
    if draft.aggregate != "count" or (asks.explicit_count and not asks.row_noun):
        return
    counts = defaults.count_column(profile)
    compared = next(
        (
            f.column
            for f in asks.filters
            if f.op in ("gt", "gte", "lt", "lte", "between")
            and profile.column(f.column).role == "number"
        ),
        None,
    )
    ranking = asks.ranking or defaults.observations(profile)
    main = defaults.best_measure(profile) if ranking else None
    chosen = counts or (compared if not asks.explicit_count else None)
    chosen = chosen or (main if not asks.explicit_count and not asks.row_noun else None)
    if chosen is None or chosen == draft.x:
        return
    draft.notes = [n for n in draft.notes if not n.startswith("Counted rows per")]
    draft.y, draft.aggregate = chosen, "sum"
    why = {counts: "the file's own counts", compared: "the number the question filtered"}
    draft.notes.append(f"Showed {human(chosen)} ({why.get(chosen, 'the main number')})")


def _distinct(draft: Draft, asks: Asks, profile: DataProfile) -> None:
    counted = asks.distinct
    if counted is None or draft.chart == "scatter":
        return
    others = [d.column for d in asks.dims if d.column != counted.column]
    if not others and draft.x and profile.column(draft.x).role == "time":
        others = [draft.x]  # "how many tickers per year"
    col = profile.column(counted.column)
    if not others or col.distinct >= col.non_null:
        return  # "how many countries" alone, or every value unique: rows are what is counted
    if draft.x == counted.column:
        draft.x = others[0]
        if draft.color == others[0]:
            draft.color = None
    draft.notes = [n for n in draft.notes if not n.startswith("Counted rows per")]
    draft.y, draft.aggregate = counted.column, "distinct"
    if draft.color == counted.column:
        draft.color = None


def _ratio(draft: Draft, asks: Asks, profile: DataProfile) -> None:
    ratio = asks.ratio
    if ratio is None or draft.chart == "scatter":
        return
    if draft.x in (ratio.numerator, ratio.denominator):
        draft.x = _other_x(draft, asks, profile, ratio.numerator, ratio.denominator)
        if draft.x is None:
            draft.not_done.append(
                f"{human(ratio.numerator)} as a share of {human(ratio.denominator)}: "
                "nothing to break it down by"
            )
            return
    draft.y, draft.denominator, draft.as_percent = ratio.numerator, ratio.denominator, ratio.percent
    if not draft.stated_aggregate:
        draft.aggregate = "sum"
    how = "total" if draft.aggregate == "sum" else draft.aggregate
    draft.notes = [n for n in draft.notes if not n.startswith("Summed")]
    draft.notes.append(
        f"{human(ratio.numerator)} {'as % of' if ratio.percent else '÷'} "
        f"{human(ratio.denominator)} = {how} {human(ratio.numerator)} ÷ {how} "
        f"{human(ratio.denominator)} in each {human(draft.x or '')}"
    )


def _more_measures(draft: Draft, asks: Asks) -> None:
    """Measures named beside y become more series of the same chart."""
    if draft.chart not in _SERIES_CHARTS or draft.y is None or draft.denominator:
        return
    if draft.aggregate in ("count", "distinct"):
        return
    used = {draft.x, draft.y, draft.color}
    filtered = {f.column for f in asks.filters}
    for m in asks.measures:
        if m.column in used or m.column in filtered or m.column in draft.extra_y:
            continue
        draft.extra_y.append(m.column)
    if draft.extra_y and draft.color:
        draft.not_done.append(
            f"splitting several measures by {human(draft.color)} as well: drew the measures"
        )
        draft.color = None


def _splits(draft: Draft, asks: Asks) -> None:
    """ "lunch vs dinner": the compared column becomes the breakdown when the planner had only
    guessed one, else the colour."""
    for column in asks.splits:
        if column in (draft.x, draft.color) or draft.extra_y:
            continue
        guessed = [n for n in draft.notes if n.startswith(_GUESSED_X)]
        if guessed and draft.chart in ("bar", "pie"):
            draft.notes = [n for n in draft.notes if n not in guessed]
            draft.x = column
            return
        if draft.color is None:
            draft.color = column
            return


def _mix(draft: Draft, asks: Asks, profile: DataProfile) -> None:
    """ "generation mix since 2010": the parts of the whole, split by the main category."""
    if not asks.mix or draft.color or draft.chart not in _SERIES_CHARTS:
        return
    category = defaults.best_category(profile, exclude={draft.x or ""})
    if category is not None:
        draft.color = category
        draft.notes.append(f"Split by {human(category)} to show the mix")


def _within(draft: Draft, asks: Asks) -> None:
    within = asks.within
    if within is None or not asks.limit or draft.chart != "bar" or draft.x == within.column:
        return
    draft.limit_within = within.column
    draft.color = within.column


def _combine(draft: Draft, asks: Asks, profile: DataProfile) -> None:
    """How rows combine when the question did not say: amounts add up, levels and rates don't."""
    if draft.stated_aggregate or draft.aggregate != "sum" or draft.y is None or draft.denominator:
        return
    draft.notes = [n for n in draft.notes if not n.startswith("Summed")]
    kind = measure_kind(draft.y, profile)
    if kind == "intensive":
        draft.aggregate = "mean"
        draft.notes.append(f"Averaged {human(draft.y)}: it is {KIND_WORDS[kind]}")
        return
    if kind == "stock":
        _stock(draft, asks, profile)
        return
    draft.notes.append(
        f"Summed {human(draft.y)} because the question did not say how to combine rows"
    )


def _stock(draft: Draft, asks: Asks, profile: DataProfile) -> None:
    """A level (population) adds up across things at one moment, never across moments."""
    assert draft.y is not None
    time = _time_axis(profile)
    x_is_time = draft.x is not None and (profile.column(draft.x).role == "time" or draft.x == time)
    if x_is_time or time is None or any(f.column == time for f in asks.filters):
        if x_is_time and profile.column(draft.x or "").role == "time" and _resampled(draft):
            draft.aggregate = "mean"
            draft.notes.append(
                f"Averaged {human(draft.y)} within each period: it is {KIND_WORDS['stock']}"
            )
        else:
            draft.notes.append(f"Summed {human(draft.y)} across rows at each point in time")
        return
    col = profile.column(time)
    latest = col.end if col.role == "time" else col.max
    if latest is None:
        return
    value: str | int | float = latest if isinstance(latest, str) else _whole(latest)
    draft.extra_filters.append(Filter(column=time, op="eq", value=value))
    shown = str(value)[:10]
    draft.notes.append(
        f"Used the latest {human(time)} ({shown}) only: {human(draft.y)} is "
        f"{KIND_WORDS['stock']}, and adding up {col.distinct} of them would count it "
        f"{col.distinct} times"
    )


def _whole(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


def _resampled(draft: Draft) -> bool:
    return any(n.startswith("Grouped") for n in draft.notes) or draft.chart == "bar"


def _time_axis(profile: DataProfile) -> str | None:
    """The column that orders the rows in time: a time column, else a column of years."""
    time = defaults.time_column(profile)
    if time is not None:
        return time
    for col in profile.columns:
        low = col.name.lower()
        if col.role == "number" and ("year" in low or low in ("yr", "fy")) and col.distinct > 1:
            return col.name
    return None


def _transform(draft: Draft, asks: Asks, profile: DataProfile) -> None:
    reading = asks.transform
    transform = reading.transform
    if transform is None:
        return
    if transform.kind == "share":
        _share_of_value(draft, asks)
    if transform.kind in _ORDERED_TRANSFORMS:
        x_role = profile.column(draft.x).role if draft.x else None
        ordered = x_role == "time" or (draft.x is not None and draft.x == _time_axis(profile))
        if not ordered:
            time = _time_axis(profile)
            if time is None:
                draft.not_done.append(f"a {transform.describe()}: the file has no dates")
                return
            if draft.x and profile.column(draft.x).role in ("category", "boolean"):
                draft.color = draft.color or draft.x
            draft.x = time
            if draft.chart == "bar":
                draft.chart = "line"
        if draft.chart not in _SERIES_CHARTS:
            draft.chart = "line"
    draft.transform = transform


def _ranked_periods(draft: Draft, asks: Asks, profile: DataProfile) -> None:
    """ "top 5 years for fossil fuel generation": a ranking of periods is a bar chart."""
    if asks.limit and draft.chart == "line" and not asks.chart_asked and draft.transform is None:
        draft.chart = "bar"


def _share_of_value(draft: Draft, asks: Asks) -> None:
    """ "share of renewables over time": a share needs the other sources too, so show every
    source's share (Renewables among them) instead of filtering Renewables alone (100%)."""
    for f in asks.filters:
        if f.op != "eq" or draft.color not in (None, f.column) or f.column == draft.x:
            continue
        if draft.x is None or draft.chart not in _SERIES_CHARTS:
            return
        draft.color = f.column
        draft.dropped_filters.append(f)
        draft.notes.append(
            f"Showed the share of every {human(f.column)}, {f.value} among them: a share of "
            f"{f.value} alone would be 100%"
        )
        return


def transform_grain(reading: TransformReading) -> TimeGrain | None:
    """The time grain a rolling window is counted in ("7 day rolling": days)."""
    return reading.grain


def _note_unused_transform(draft: Draft, asks: Asks) -> None:
    if asks.transform.transform is not None:
        draft.not_done.append(f"a {asks.transform.transform.describe()} on a {draft.chart} chart")
