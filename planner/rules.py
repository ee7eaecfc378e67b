"""The rule-based planner: a question and a data profile in, a `Plan` out, no model involved.

The question is read in three passes (`planner.question` for intents, `planner.matching` for
columns, `planner.filters` for row filters); `planner.slots` then says what part each named column
plays. This module only decides the chart from those readings and writes down every guess it made.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.errors import NoMatchingColumn
from ingest.profile import DataProfile
from planner import defaults
from planner.charts import (
    Draft,
    bar_draft,
    default_draft,
    line_draft,
    scatter_draft,
)
from planner.filters import read_filters
from planner.matching import find_mentions, tokenize
from planner.plan import TIME_GRAIN_WORDS, ChartSpec, ChartType, Filter, Plan, Sort, TimeGrain
from planner.question import Reading, read_question
from planner.slots import Slot, Slots, read_slots
from planner.wording import human, title_for

MAX_BARS = 20
_DIM_ROLES = ("category", "boolean", "text", "id", "time")


def plan_from_rules(question: str, profile: DataProfile) -> Plan:
    """Plan one chart for `question` over the file described by `profile`.

    Raises `NoMatchingColumn` when the question clearly asks for a field the file does not have
    ("profit by region" in a file without a profit column).
    """
    reading = read_question(question)
    tokens = tokenize(reading.text)
    mentions = find_mentions(tokens, profile)
    found = read_filters(tokens, mentions, profile)
    if reading.grain_span and any(
        profile.column(m.column).role != "time"
        and tokens[m.start].start < reading.grain_span[1]
        and tokens[m.end - 1].end > reading.grain_span[0]
        for m in mentions
    ):  # "each year" names the `year` column, not a resampling of dates
        reading = replace(reading, grain=None, grain_span=None)
    slots = read_slots(tokens, mentions, found.used_tokens, reading, profile)
    draft = _decide(reading, slots, found.filters, profile)
    spec = _finish(draft, reading, slots, found.filters, profile)
    return Plan(charts=[spec], assumptions=draft.notes, planner="rules")


def _is_number(slot: Slot) -> bool:
    return slot.role == "number"


@dataclass
class Cast:
    """Named columns sorted into breakdowns (dims) and measures, and whether rows are counted."""

    dims: list[Slot]
    measures: list[Slot]
    wants_count: bool


def _cast(slots: Slots, profile: DataProfile) -> Cast:
    active = [s for s in slots.slots if not s.sort_only] + [s for s in slots.slots if s.sort_only]
    counted = [s for s in active if s.counted and not _is_number(s)]
    numeric_ids = [
        s for s in active if s.role == "id" and "int" in profile.column(s.column).dtype.lower()
    ]
    dims = [s for s in active if s.role in _DIM_ROLES and s not in numeric_ids]
    measures = [s for s in active if _is_number(s)]
    if not dims:  # "revenue by year" with a number column `year`: the year is the breakdown
        by = [s for s in measures if (s.grouped or s.after_over) and not s.aggregate][:1]
        dims, measures = by, [m for m in measures if m not in by]
    for s in numeric_ids:  # an id is a breakdown or a value, whichever the question lacks
        if s.aggregate and s.aggregate != "count":
            measures.append(s)
        elif not dims:
            dims.append(s)
        elif not measures:
            measures.append(s)
    dims.sort(key=lambda d: (d not in counted, not (d.grouped or d.after_over) or d.colored))
    measures.sort(key=lambda s: s.aggregate is None)  # "average price" beats a bare number
    wants_count = slots.counts_rows or bool(counted)
    if wants_count and not any(m.aggregate for m in measures):
        if not dims:  # "number of departments by creation year": count per that number
            dims = measures[:1]
        measures = []  # "count the rooms with 2 beds": the count is the value, beds a detail
    return Cast(dims, measures, wants_count)


def _decide(reading: Reading, slots: Slots, filters: list[Filter], profile: DataProfile) -> Draft:
    cast = _cast(slots, profile)
    dims, measures, wants_count = cast.dims, cast.measures, cast.wants_count
    active = [s for s in slots.slots if not s.sort_only]
    chart = reading.chart
    if chart == "scatter" or (
        chart is None and len(measures) >= 2 and not dims and not any(m.aggregate for m in measures)
    ):
        return scatter_draft(active or slots.slots, profile)
    first_value = measures[0].column if measures else None
    if chart == "histogram" and first_value and not [d for d in dims if d.role != "time"]:
        return Draft("histogram", x=first_value)
    if first_value and (chart == "box" or (chart is None and reading.spread)):
        return Draft("box", y=first_value, x=dims[0].column if dims else None)
    if chart is None and reading.distribution and first_value and not wants_count:
        return (
            Draft("box", y=first_value, x=dims[0].column)
            if dims
            else (Draft("histogram", x=first_value))
        )
    _check_fields(slots, measures, dims, wants_count, profile)
    has_time = defaults.time_column(profile) is not None
    over_time = (
        reading.soft_chart == "line"
        or (has_time and reading.grain is not None)
        or (not dims and has_time and len(measures) == 1)
    )
    if chart == "line" or (chart is None and (_time_first(dims) or over_time)):
        return line_draft(dims, measures, wants_count, reading, profile)
    base: ChartType = "pie" if chart == "pie" else "bar"
    if not dims and not measures and not wants_count:
        unmatched = slots.unmatched_other + slots.unmatched_measure
        return default_draft(reading, unmatched, profile, chart)
    return bar_draft(base, dims, measures, wants_count, reading, _pinned(filters), profile)


def _pinned(filters: list[Filter]) -> set[str]:
    """Columns filtered to one value: a poor breakdown, since they would draw a single bar."""
    return {f.column for f in filters if f.op == "eq"}


def _time_first(dims: list[Slot]) -> bool:
    return bool(dims) and dims[0].role == "time"


def _check_fields(
    slots: Slots, measures: list[Slot], dims: list[Slot], wants_count: bool, profile: DataProfile
) -> None:
    """Raise when a word in a measure or breakdown spot names a column the file does not have."""
    if slots.unmatched_measure and not measures and not wants_count:
        raise NoMatchingColumn(wanted=slots.unmatched_measure[:3], available=profile.names())
    if slots.unmatched_group and not dims:
        raise NoMatchingColumn(wanted=slots.unmatched_group[:3], available=profile.names())


def _finish(
    draft: Draft, reading: Reading, slots: Slots, filters: list[Filter], p: DataProfile
) -> ChartSpec:
    grain = _grain(draft, reading, slots, p)
    if grain and draft.aggregate == "none" and draft.y:
        draft.aggregate = "sum"
        word = TIME_GRAIN_WORDS[grain]
        draft.notes.append(f"Summed {human(draft.y)} within each {word}")
    limit, other, sort = _limit_and_sort(draft, reading, slots.sort_column, p)
    barmode = None
    if draft.chart == "bar" and draft.color:
        barmode = "stack" if reading.stacked else "group"
    spec = ChartSpec(
        chart_type=draft.chart,
        x=draft.x,
        y=None if draft.aggregate == "count" else draft.y,
        aggregate=draft.aggregate,
        color=draft.color,
        barmode=barmode,
        time_grain=grain,
        filters=filters,
        sort=sort,
        limit=limit,
        other_bucket=other,
        title="-",
    )
    noun = slots.count_noun if slots.counts_rows else None
    return spec.model_copy(update={"title": title_for(spec, noun)})


def _grain(draft: Draft, reading: Reading, slots: Slots, p: DataProfile) -> TimeGrain | None:
    if draft.chart not in ("line", "bar") or not draft.x or p.column(draft.x).role != "time":
        return None
    if reading.grain:
        return reading.grain
    col = p.column(draft.x)
    grain = defaults.grain_for(col)
    if grain:
        word = TIME_GRAIN_WORDS[grain]
        draft.notes.append(
            f"Grouped {human(draft.x)} by {word} because there were {col.distinct:,} points"
        )
    return grain


def _limit_and_sort(
    draft: Draft, reading: Reading, sort_column: str | None, p: DataProfile
) -> tuple[int | None, bool, Sort | None]:
    by = reading.sort_by
    if sort_column is not None and sort_column in (draft.x, draft.y):
        by = "x" if sort_column == draft.x else "y"
    order = reading.sort_order
    if draft.chart not in ("bar", "pie"):
        if draft.chart == "line" and by == "y" and order:
            return None, False, Sort(by="y", order=order)
        return None, False, Sort(by="x", order=order) if order and draft.chart == "line" else None
    x_role = p.column(draft.x).role if draft.x else "category"
    ordered_x = x_role in ("time", "number")
    if reading.limit:
        sort = Sort(by=by or "y", order=order or reading.limit_order)
        if by == "x":
            sort = Sort(by="x", order=order or "asc")
        return reading.limit, False, sort
    if by is None:
        by = "x" if ordered_x and order is None else "y"
    sort = Sort(by=by, order=order or ("asc" if by == "x" else "desc"))
    distinct = p.column(draft.x).distinct if draft.x else 0
    if distinct > MAX_BARS and x_role != "time":
        draft.notes.append(
            f"Kept the {MAX_BARS} largest of {distinct:,} {human(draft.x or '')} values and "
            "put the rest in “Other”"
        )
        return MAX_BARS, True, sort
    return None, False, sort
