"""The rule-based planner: a question and a data profile in, a `Plan` out, no model involved.

The question is first spelled out (`planner.spelling`: typos, shorthands), then read in passes:
intents (`planner.question`), columns (`planner.matching`), values (`planner.values`), dates
(`planner.dates`), row filters (`planner.filters`), calculations (`planner.transforms`);
`planner.slots` then says what part each named column plays. This module decides the chart from
those readings, `planner.shape` refines it, and `planner.accounting` lists the words nothing used.
Every guess and every word left out is written into the plan for the answer to say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import NoMatchingColumn
from ingest.profile import DataProfile
from planner import defaults
from planner.accounting import meaningless, unused_phrases
from planner.calendar_order import calendar_order
from planner.charts import (
    Draft,
    bar_draft,
    default_draft,
    line_draft,
    scatter_draft,
)
from planner.dates import DateReading
from planner.matching import Mention, Token, canonical, name_stems
from planner.measures import KIND_WORDS, measure_kind
from planner.plan import TIME_GRAIN_WORDS, ChartSpec, ChartType, Filter, Plan, Sort, TimeGrain
from planner.question import Reading, aggregate_word, intent_spans
from planner.reading import QuestionReading, read_all
from planner.shape import Asks, refine
from planner.slots import Slot, Slots, read_slots, row_nouns
from planner.suggest import not_understood
from planner.values import NEGATIONS
from planner.wording import human, title_for

MAX_BARS = 20
# "Other" (the rest lumped together) only when the question asks for it.
_OTHER = re.compile(r"\bothers?\b|\bthe rest\b|\beverything else\b|\ball else\b")
_DIM_ROLES = ("category", "boolean", "text", "id", "time")


def plan_from_rules(question: str, profile: DataProfile) -> Plan:
    """Plan one chart for `question` over the file described by `profile`.

    Raises `NoMatchingColumn` (with the closest columns and values, and example questions) when
    the question clearly asks for something the file does not have ("profit by region" in a file
    without a profit column), or names nothing the planner can read.
    """
    return plan_from_reading(read_all(question, profile), profile)


def plan_from_reading(read: QuestionReading, profile: DataProfile) -> Plan:
    """The plan for a question already read (see `planner.reading`)."""
    reading, tokens, found = read.intents, read.tokens, read.filters
    used = set(found.used_tokens) | {
        i for i, t in enumerate(tokens) for a, b in read.transform.spans if a <= t.start < b
    }
    slots = read_slots(tokens, read.mentions, used, reading, profile)
    if read.ratio is not None:  # "tip as % of bill": one measure, not two numbers to scatter
        slots.slots = [s for s in slots.slots if s.column != read.ratio.denominator]
    try:
        draft = _decide(
            reading, slots, found.filters, profile, found.splits, window=read.dates.relative
        )
    except NoMatchingColumn as exc:
        raise not_understood(exc.wanted, profile) from exc
    cast = _cast(slots, profile)
    refine(
        draft,
        Asks(
            dims=cast.dims,
            measures=cast.measures,
            filters=found.filters,
            splits=[*found.splits, *_compared_years(read.dates, profile)],
            distinct=read.distinct,
            ratio=read.ratio,
            transform=read.transform,
            limit=reading.limit,
            within=_within(tokens, cast.dims, reading),
            explicit_count=slots.counts_rows or any(d.counted for d in slots.slots),
            row_noun=slots.count_noun is not None,
            all_rows=slots.all_rows,
            mix=_MIX.search(reading.text.lower()) is not None,
            ranking=_RANKING.search(reading.text.lower()) is not None,
            chart_asked=reading.chart is not None,
        ),
        profile,
    )
    kept = [f for f in found.filters if f not in draft.dropped_filters]
    spec = _finish(draft, reading, slots, [*kept, *draft.extra_filters], profile)
    used |= _used_by(spec, tokens, read.mentions, reading)
    used |= set(read.ratio.tokens) if read.ratio and spec.denominator else set()
    used |= {i for i, t in enumerate(tokens) if t.low in NEGATIONS and _negates(spec)}
    nouns = row_nouns(profile)  # words naming the rows ("cars", "jobs") are context
    used |= {i for i, t in enumerate(tokens) if t.stem in nouns or canonical(t.stem) in nouns}
    spans = [*intent_spans(reading), *read.dates.spans]
    if spec.transform is not None:
        spans += read.transform.spans
    unused = unused_phrases(tokens, used, spans)
    misread = _misread(tokens, used, spans, draft.notes)
    if misread:
        # A chart of something the planner picked itself, where the question named something
        # it could not read ("literacy rate by continent"), would look right and be wrong.
        raise not_understood(misread, profile)
    return Plan(
        charts=[spec],
        assumptions=[*read.prepared.notes, *read.dates.notes, *draft.notes],
        unused=unused,
        not_done=[*read.dates.not_done, *draft.not_done][:10],
        planner="rules",
    )


def _compared_years(dates: DateReading, profile: DataProfile) -> list[str]:
    """ "1931 vs 1932" on a column of years: split the chart by that column."""
    if not dates.compared_years:
        return []
    return [f.column for f in dates.filters if f.op == "in" and f.value == dates.compared_years]


def _negates(spec: ChartSpec) -> bool:
    return any(f.op in ("ne", "not_in") for f in spec.filters)


def _used_by(
    spec: ChartSpec, tokens: list[Token], mentions: list[Mention], reading: Reading
) -> set[int]:
    """Tokens the final chart used: its columns' mentions, and its aggregate, count and top-N
    words."""
    columns = set(spec.columns())
    used = {t for m in mentions if m.column in columns for t in range(m.start, m.end)}
    for i, agg in aggregate_word(tokens, reading).items():
        if agg == spec.aggregate or (spec.aggregate == "none" and spec.chart_type == "scatter"):
            used.add(i)
    if spec.aggregate in ("count", "distinct"):
        used |= {i for i, t in enumerate(tokens) if t.low in ("count", "many", "number")}
    if spec.count_noun:
        used |= {i for i, t in enumerate(tokens) if t.low == spec.count_noun}
    return used


def _within(tokens: list[Token], dims: list[Slot], reading: Reading) -> Slot | None:
    """ "top 3 countries in each continent": the breakdown a top N applies within."""
    if not reading.limit or len(dims) < 2:
        return None
    for d in dims[1:]:
        before = [tokens[k].low for k in range(max(0, d.start - 2), d.start)]
        if {"each", "every", "per", "within"} & set(before):
            return d
    return None


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
    ranks_rows = slots.count_noun is not None and slots.ranked
    if not dims and not ranks_rows:  # "revenue by year" with a number column `year`: x is year
        by = [s for s in measures if (s.grouped or s.after_over) and not s.aggregate][:1]
        dims, measures = by, [m for m in measures if m not in by]
    # "yield by variety and year": a column of years (or a few whole numbers) joined to the
    # breakdown is a breakdown too, not a second measure
    joined = [
        s for s in measures if not s.aggregate and (s.grouped or s.joined) and _years(s, profile)
    ]
    if dims and joined:
        for s in joined:
            s.ordinal = True
        dims, measures = dims + joined, [m for m in measures if m not in joined]
    for s in numeric_ids:  # an id is a breakdown or a value, whichever the question lacks
        if s.aggregate and s.aggregate != "count":
            measures.append(s)
        elif not dims:
            dims.append(s)
        elif not measures:
            measures.append(s)
    dims.sort(key=lambda d: d.start)
    dims.sort(key=lambda d: (d not in counted, not (d.grouped or d.after_over) or d.colored))
    measures.sort(key=lambda s: s.aggregate is None)  # "average price" beats a bare number
    # "top 10 states by airports" in airports.csv: the rows themselves are what is counted
    named_rows = (
        bool(slots.row_noun_tokens)
        and slots.count_noun is not None
        and not measures
        and not slots.all_rows
    )
    wants_count = slots.counts_rows or bool(counted) or named_rows
    # "number of districts by result": every district is one row, so count rows per result
    unique = [d for d in counted if profile.column(d.column).distinct >= profile.rows]
    if unique and len(dims) > len(unique):
        dims = [d for d in dims if d not in unique]
    if wants_count and not any(m.aggregate for m in measures):
        if not dims:  # "number of departments by creation year": count per that number
            dims = measures[:1]
        measures = []  # "count the rooms with 2 beds": the count is the value, beds a detail
    return Cast(dims, measures, wants_count)


def _years(slot: Slot, profile: DataProfile) -> bool:
    """A number column of years, which reads as a breakdown ("by variety and year")."""
    col = profile.column(slot.column)
    whole = col.min is not None and float(col.min).is_integer() and "int" in col.dtype.lower()
    return whole and "year" in slot.column.lower()


_RANKING = re.compile(r"\b(?:best|worst|top|bottom|highest|lowest|most|least|leading|biggest)\b")
# Notes of a measure or breakdown the planner chose itself because the question named none.
_GUESSED_MEASURE = ("Counted rows per", "Showed the main number", "The question named no columns")
_GUESSED_BREAKDOWN = ("Broke the chart down by", "The question named no columns")
_BEFORE_BREAKDOWN = frozenset({"by", "per", "across", "which", "each", "every"})
_AFTER_MEASURE = frozenset({"by", "per", "over", "across", "vs", "versus", "for", "in"})


def _misread(
    tokens: list[Token], used: set[int], spans: list[tuple[int, int]], notes: list[str]
) -> list[str]:
    """Unread words where the chart's measure or breakdown goes, when the planner had to pick
    that measure or breakdown itself: "literacy rate BY continent", "age by island", "which
    SERVER got the most tips"."""
    measure_guessed = any(n.startswith(_GUESSED_MEASURE) for n in notes)
    breakdown_guessed = any(n.startswith(_GUESSED_BREAKDOWN) for n in notes)
    if not (measure_guessed or breakdown_guessed):
        return []
    unread = {
        i
        for i, t in enumerate(tokens)
        if i not in used and not meaningless(t) and not any(a <= t.start < b for a, b in spans)
    }
    found: list[str] = []
    for i in sorted(unread):
        after = tokens[i + 1].low if i + 1 < len(tokens) else ""
        before = tokens[i - 1].low if i > 0 else ""
        measure_spot = i + 1 in unread or after in _AFTER_MEASURE
        breakdown_spot = before in _BEFORE_BREAKDOWN
        if (measure_guessed and measure_spot) or (breakdown_guessed and breakdown_spot):
            found.append(tokens[i].text)
    return found


_MIX = re.compile(r"\b(?:mix|composition|make-?up|breakdown)\b")
_VERSUS = re.compile(r"\b(?:vs\.?|versus|against)\b")
_CORRELATION = re.compile(r"\bcorrelat|\brelationship|\bscatter|\bagainst\b|\bassociat")


def _along_time(reading: Reading, measures: list[Slot], profile: DataProfile) -> bool:
    """Two measures named without a breakdown are drawn over time, not against each other, when
    a time grain or trend was asked for ("temp max and min by month"), or when they are sibling
    series of a time series file (one row per date: "AAPL vs GOOG" in a file of daily prices)."""
    if _CORRELATION.search(reading.text.lower()):
        return False
    time = defaults.time_column(profile)
    if time is None:
        return False
    if reading.grain is not None or reading.soft_chart == "line":
        return True
    series = profile.column(time).distinct >= 0.9 * profile.rows
    return series and _siblings(measures[0].column, measures[1].column, profile)


def _siblings(a: str, b: str, profile: DataProfile) -> bool:
    """Two columns of the same kind: codes ("AAPL", "GOOG"), names sharing a word
    ("temp_max", "temp_min"), or the same kind of quantity on a similar scale
    ("manufacturing", "construction" jobs)."""
    codes = all(name.isupper() and name.isalpha() and len(name) <= 5 for name in (a, b))
    if codes or set(name_stems(a)) & set(name_stems(b)):
        return True
    if measure_kind(a, profile) != measure_kind(b, profile):
        return False
    means = [abs(profile.column(c).mean or 0.0) for c in (a, b)]
    return min(means) > 0 and max(means) / min(means) <= 20


def _decide(
    reading: Reading,
    slots: Slots,
    filters: list[Filter],
    profile: DataProfile,
    splits: list[str] | None = None,
    *,
    window: bool = False,
) -> Draft:
    cast = _cast(slots, profile)
    dims, measures, wants_count = cast.dims, cast.measures, cast.wants_count
    active = [s for s in slots.slots if not s.sort_only]
    chart = reading.chart
    # "a vs b colored by species", "flipper length vs body mass by species": two numbers set
    # against each other, points coloured by the one category
    versus = _VERSUS.search(reading.text.lower()) is not None
    by_category = len(dims) == 1 and dims[0].role in ("category", "boolean")
    colored_only = all(d.colored for d in dims) or (versus and by_category)
    two_numbers = (
        chart is None
        and len(measures) >= 2
        and (not dims or (colored_only and versus))
        and not any(m.aggregate for m in measures)
    )
    along_time = two_numbers and _along_time(reading, measures, profile)
    if chart == "scatter" or (two_numbers and not along_time):
        return scatter_draft(active or slots.slots, profile)
    if along_time and chart in (None, "line"):
        return line_draft(dims, measures, wants_count, reading, profile)
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
    has_time = defaults.time_column(profile) is not None or (
        not dims and bool(filters) and _years_column(profile) is not None
    )
    # "usa vs europe mpg": a comparison of values is drawn by that column, unless the file is
    # a set of series over time (prices per ticker and date: "aapl vs goog" is two lines)
    compared = bool(splits) and not defaults.observations(profile)
    ranks_rows = slots.count_noun is not None and slots.ranked  # "top 10 cars by weight"
    # "last 5 years by source" in a file of yearly figures: the window is a time axis
    recent = window and defaults.observations(profile) and not measures_by_x(dims)
    over_time = (
        recent
        or reading.soft_chart == "line"
        or (has_time and reading.grain is not None)
        or (not dims and has_time and len(measures) == 1 and not compared and not ranks_rows)
    )
    if (
        (reading.soft_chart == "line" or reading.grain)
        and not has_time
        and not (dims and _time_first(dims))
        and not any(s.after_over or s.ordinal for s in slots.slots)
        and not _time_like_numbers(profile)
    ):  # "wind speed over time" in a file without dates
        raise NoMatchingColumn(wanted=["a date or time column"], available=profile.names())
    if chart == "line" or (chart is None and (_time_first(dims) or over_time)):
        return line_draft(dims, measures, wants_count, reading, profile)
    base: ChartType = "pie" if chart == "pie" else "bar"
    if not dims and not measures and not wants_count:
        unmatched = slots.unmatched_other + slots.unmatched_measure
        return default_draft(reading, unmatched, profile, chart)
    return bar_draft(base, dims, measures, wants_count, reading, _pinned(filters), profile)


def measures_by_x(dims: list[Slot]) -> bool:
    """A breakdown the question put on the x axis itself ("x axis is region")."""
    return any(d.axis == "x" for d in dims)


def _time_like_numbers(profile: DataProfile) -> bool:
    """A column of years (or seasons) that a trend can run along."""
    for col in profile.columns:
        years = col.min is not None and col.max is not None and 1800 <= col.min <= col.max <= 2200
        if col.role == "number" and years and float(col.min or 0).is_integer():
            return True
    return False


def _years_column(profile: DataProfile) -> str | None:
    for col in profile.columns:
        if col.role == "number" and "year" in col.name.lower() and col.distinct > 1:
            return col.name
    return None


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
    grain = _grain(draft, reading, slots, p, filters)
    if grain and draft.aggregate == "none" and draft.y:
        word = TIME_GRAIN_WORDS[grain]
        kind = measure_kind(draft.y, p)
        if kind == "amount":
            draft.aggregate = "sum"
            draft.notes.append(f"Summed {human(draft.y)} within each {word}")
        else:
            draft.aggregate = "mean"
            draft.notes.append(
                f"Averaged {human(draft.y)} within each {word}: it is {KIND_WORDS[kind]}"
            )
    limit, other, sort = _limit_and_sort(draft, reading, slots.sort_column, p)
    barmode = None
    if draft.chart == "bar" and draft.color:
        barmode = "stack" if reading.stacked else "group"
    noun = slots.count_noun if draft.aggregate == "count" else None
    spec = ChartSpec(
        chart_type=draft.chart,
        x=draft.x,
        y=None if draft.aggregate == "count" else draft.y,
        extra_y=draft.extra_y,
        aggregate=draft.aggregate,
        denominator=draft.denominator,
        as_percent=draft.as_percent,
        transform=draft.transform,
        color=draft.color,
        barmode=barmode,
        time_grain=grain,
        filters=filters[:20],
        sort=sort,
        limit=limit,
        limit_within=draft.limit_within,
        other_bucket=other,
        y_scale=draft.y_scale,
        count_noun=noun,
        title="-",
    )
    return spec.model_copy(update={"title": title_for(spec, noun)})


def _grain(
    draft: Draft, reading: Reading, slots: Slots, p: DataProfile, filters: list[Filter]
) -> TimeGrain | None:
    if draft.chart not in ("line", "bar", "area") or not draft.x:
        return None
    if p.column(draft.x).role != "time":
        return None
    if reading.grain:
        return reading.grain
    col = defaults.narrowed(p.column(draft.x), [f for f in filters if f.column == draft.x])
    grain = defaults.grain_for(col)
    if grain:
        word = TIME_GRAIN_WORDS[grain]
        draft.notes.append(
            f"Grouped {human(draft.x)} by {word} because there were about {col.distinct:,} points"
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
    if by is None and order is None and draft.x and calendar_order(p.column(draft.x)):
        return None, False, None  # weekdays and months read in calendar order, not by value
    if by is None:
        by = "x" if ordered_x and order is None else "y"
    sort = Sort(by=by, order=order or ("asc" if by == "x" else "desc"))
    distinct = p.column(draft.x).distinct if draft.x else 0
    if distinct > MAX_BARS and x_role != "time":
        other = _OTHER.search(reading.text.lower()) is not None
        rest = "put the rest in “Other”" if other else "left out the other "
        rest += "" if other else f"{distinct - MAX_BARS:,}"
        draft.notes.append(
            f"Kept the {MAX_BARS} largest of {distinct:,} {human(draft.x or '')} values and {rest}"
        )
        return MAX_BARS, other, sort
    return None, False, sort
