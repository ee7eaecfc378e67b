"""Draft one chart of a given kind from the columns a question named, noting every guess made."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import NoMatchingColumn
from ingest.profile import DataProfile
from planner import defaults
from planner.plan import Aggregate, ChartSpec, ChartType, Filter, Scale, Transform
from planner.question import Reading
from planner.slots import Slot
from planner.wording import human, title_for

TIMEISH = ("year", "month", "date", "day", "week", "quarter", "season", "time", "period")
_LABEL_ROWS = 50  # tables this small can show one bar per row, labelled by a name column


@dataclass
class Draft:
    """The chart being decided, before it is frozen into a `ChartSpec`."""

    chart: ChartType
    x: str | None = None
    y: str | None = None
    aggregate: Aggregate = "none"
    color: str | None = None
    notes: list[str] = field(default_factory=list)
    extra_y: list[str] = field(default_factory=list)
    denominator: str | None = None
    as_percent: bool = False
    transform: Transform | None = None
    limit_within: str | None = None
    y_scale: Scale = "linear"
    count_noun: str | None = None
    extra_filters: list[Filter] = field(default_factory=list)  # added by the planner, said so
    dropped_filters: list[Filter] = field(default_factory=list)  # read but not applied, said so
    not_done: list[str] = field(default_factory=list)
    stated_aggregate: bool = False  # the question said how to combine rows


def unique(p: DataProfile, column: str) -> bool:
    """Every row has its own value, so there is nothing to combine per x."""
    col = p.column(column)
    return col.distinct == p.rows and col.non_null == p.rows


def _timeish(slot: Slot) -> bool:
    return any(w in slot.column.lower() for w in TIMEISH)


def _color(rest: list[Slot], reading: Reading) -> str | None:
    """A second category splits the chart only when the question joins it to the breakdown."""
    signalled = [d for d in rest if d.colored or d.joined or d.grouped]
    pick = signalled or (rest if reading.stacked or reading.grouped else [])
    pick = [d for d in pick if d.role in ("category", "boolean", "text", "id") or d.ordinal]
    return pick[0].column if pick else None


def scatter_draft(active: list[Slot], profile: DataProfile) -> Draft:
    axes = [s for s in active if s.role in ("number", "id")][:2]
    if len(axes) < 2:
        axes = (axes + [s for s in active if s not in axes])[:2]
    draft = Draft("scatter")
    if len(axes) == 2:
        first, second = axes
        if second.after_vs:  # "price vs quantity" puts price on the y axis
            first, second = second, first
        draft.x, draft.y = first.column, second.column
    else:
        named = axes[0].column if axes else None
        others = [n for n in profile.names("number") if n != named]
        if named is None or not others:
            raise NoMatchingColumn(wanted=["two number columns"], available=profile.names())
        draft.x, draft.y = named, defaults.best_measure(profile, exclude={named}) or others[0]
        draft.notes.append(f"Only one number column was named; plotted it against {draft.y}")
    for s in sorted(active, key=lambda s: not s.colored):
        if s.column not in (draft.x, draft.y) and s.role in ("category", "boolean"):
            draft.color = s.column
            break
    apply_axes(draft, active)
    return draft


def line_draft(
    dims: list[Slot], measures: list[Slot], wants_count: bool, reading: Reading, p: DataProfile
) -> Draft:
    """Time (or the column after "over") on x; other named categories become separate lines."""
    draft = Draft("line")
    auto = defaults.time_column(p) or next(
        (
            c.name
            for c in p.columns
            if c.role == "number" and any(w in c.name.lower() for w in TIMEISH)
        ),
        None,
    )
    times = [d for d in dims if d.role == "time"]
    overs = [s for s in (*dims, *measures) if s.after_over]
    named_x = times or overs or [d for d in dims if _timeish(d)]
    x_slot: Slot | None = named_x[0] if named_x else None
    if x_slot is None and auto is None:
        x_slot = dims[0] if dims else None
    if x_slot is not None:
        draft.x = x_slot.column
    elif auto is not None:
        draft.x = auto
        draft.notes.append(f"Used {human(auto)} as the time axis because the question named none")
    elif len(measures) > 1:
        draft.x = measures[0].column
    else:
        raise NoMatchingColumn(wanted=["a date or time column"], available=p.names())
    measures = [m for m in measures if m.column != draft.x]
    rest = [d for d in dims if d.column != draft.x]
    measure(draft, measures, wants_count, reading, p)
    draft.color = _color(rest, reading) or (rest[0].column if rest and x_slot is None else None)
    return draft


def bar_draft(
    base: ChartType,
    dims: list[Slot],
    measures: list[Slot],
    wants_count: bool,
    reading: Reading,
    pinned: set[str],
    p: DataProfile,
) -> Draft:
    draft = Draft(base)
    if dims:
        ordered = [d for d in dims if not d.colored] + [d for d in dims if d.colored]
        draft.x = ordered[0].column
        if base == "bar":
            draft.color = _color([d for d in ordered[1:] if d.column != draft.x], reading)
    elif len(measures) >= 2:
        draft.x = measures[0].column  # "bar chart of meter_600 and meter_100"
        measures = measures[1:]
    else:
        auto = _fallback_x(reading, pinned, p)
        if auto is None and not measures:
            raise NoMatchingColumn(
                wanted=["a column to break the chart down by"], available=p.names()
            )
        if auto is None:
            return Draft("histogram", x=measures[0].column)
        draft.x = auto
        draft.notes.append(
            f"Broke the chart down by {human(auto)} because the question named no category"
        )
    measure(draft, measures, wants_count, reading, p)
    apply_axes(draft, [*dims, *measures])
    return draft


def _fallback_x(reading: Reading, pinned: set[str], p: DataProfile) -> str | None:
    """x for a lone measure: dates if a grain was asked, else a row label or the best category."""
    if reading.grain and (time := defaults.time_column(p)):
        return time  # "monthly revenue as bars"
    if p.rows <= _LABEL_ROWS:  # a small table: one bar per row, labelled by its name
        for col in p.columns:
            if (
                col.role in ("category", "text", "id")
                and "int" not in col.dtype
                and unique(p, col.name)
            ):
                return col.name
    return (
        defaults.best_category(p, exclude=pinned)
        or defaults.time_column(p)
        or defaults.repeated_label(p, exclude=pinned)
    )


def measure(
    draft: Draft, measures: list[Slot], wants_count: bool, reading: Reading, p: DataProfile
) -> None:
    """Choose y and how rows combine: stated aggregate, count, one value per row, or a sum."""
    named = next((m for m in measures if m.column != draft.x), None)
    if named is None:
        over_time = draft.x is not None and p.column(draft.x).role == "time"
        main = defaults.best_measure(p, exclude={draft.x or ""}) if over_time else None
        if main is not None and not wants_count:
            # a trend of rows counted per date is rarely meant: chart the file's main number
            draft.y, draft.aggregate = main, "sum"
            draft.notes.append(f"Showed {human(main)}, the file's main number column")
            return
        draft.aggregate = "count"
        if not wants_count:
            draft.notes.append(
                f"Counted rows per {human(draft.x or '')} because no number column was named"
            )
        return
    draft.y = named.column
    stated = named.aggregate or reading.loose_aggregate
    if stated is not None:
        draft.aggregate = stated
        draft.stated_aggregate = True
    elif draft.x and unique(p, draft.x):
        draft.aggregate = "none"
    else:
        draft.aggregate = "sum"
        draft.notes.append(
            f"Summed {human(draft.y)} because the question did not say how to combine rows"
        )


def apply_axes(draft: Draft, slots: list[Slot]) -> None:
    """Honour "x axis is A and y axis is B" over what the column types suggested."""
    for s in slots:
        if s.axis == "x" and s.column != draft.x:
            if draft.y == s.column:
                draft.y = draft.x
            if draft.color == s.column:
                draft.color = draft.x
            draft.x = s.column
    if draft.color == draft.x:
        draft.color = None


def default_draft(
    reading: Reading, unmatched: list[str], profile: DataProfile, chart: ChartType | None
) -> Draft:
    """The first useful chart of a file when the question names nothing we can use."""
    if unmatched:  # a question we cannot read gets "did you mean", not a chart of something else
        raise NoMatchingColumn(wanted=unmatched[:3], available=profile.names())
    value = defaults.best_measure(profile)
    category = defaults.best_category(profile)
    time = defaults.time_column(profile)
    how: Aggregate = "sum" if value else "count"
    if chart in (None, "line") and time and not reading.proportion:
        draft = Draft("line", x=time, y=value, aggregate=how)
    elif category:
        draft = Draft(
            chart if chart in ("bar", "pie") else "bar", x=category, y=value, aggregate=how
        )
    elif value:
        draft = Draft("histogram", x=value)
    else:
        raise NoMatchingColumn(wanted=unmatched[:3], available=profile.names())
    shown = title_for(
        ChartSpec(
            chart_type=draft.chart, x=draft.x, y=draft.y, aggregate=draft.aggregate, title="-"
        )
    ).lower()
    draft.notes.append(f"The question named no columns; showed {shown}")
    return draft
