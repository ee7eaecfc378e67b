"""What the compiler needs to know about a chart before writing its code, decided once.

`Shape` answers the questions every code section asks (is x a time? what is drawn as separate
series? do the values stay whole numbers?) so the sections agree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.profile import DataProfile
from planner.calendar_order import calendar_order
from planner.code_text import CodeText
from planner.plan import TIME_GRAIN_WORDS, ChartSpec, TimeGrain
from planner.spec_rules import last_time_column
from planner.wording import human, measure_label

MEASURE_COLUMN = "measure"


@dataclass(frozen=True)
class Shape:
    spec: ChartSpec
    profile: DataProfile
    x_role: str | None
    color: str | None  # the colour split actually drawn (a pie has none)
    measures: list[str]
    series: str | None  # "color", "measure" or None: what separates the lines or bar groups
    series_col: str | None  # the table column holding the series names
    value_col: str  # the aggregated value's column
    shown_col: str  # the drawn value's column (differs after a transform)
    grain: TimeGrain | None  # only when x is a time column
    calendar: list[str] | None  # x's weekday or month names in calendar order, when used
    last_by: str | None  # the time column that orders rows for aggregate "last"
    text: CodeText  # how the code writes the file's and question's text (`planner.code_text`)

    @property
    def kind(self) -> str:
        return self.spec.chart_type

    @property
    def time_x(self) -> bool:
        return self.x_role == "time"

    @property
    def whole_numbers(self) -> bool:
        """Counted values that stay whole numbers on the axis (no ratio, mean or %)."""
        spec = self.spec
        counted = spec.aggregate in ("count", "distinct") and not spec.denominator
        kept = spec.transform is None or spec.transform.kind == "cumsum"
        return counted and kept and not spec.as_percent

    @property
    def percent(self) -> bool:
        spec = self.spec
        transform = spec.transform.kind if spec.transform else None
        return spec.as_percent or transform in ("pct_change", "yoy", "share")

    @property
    def stack_asked(self) -> bool:
        """A coloured area, or bars the spec stacks."""
        if self.series != "color":
            return False
        return self.kind == "area" or (self.kind == "bar" and self.spec.barmode == "stack")

    @property
    def adds_up(self) -> bool:
        """The values of the colours of one x add up to something that means anything: sums
        and counts do; averages, ratios, distinct counts and % changes do not."""
        spec = self.spec
        changes = spec.transform is not None and spec.transform.kind in ("pct_change", "yoy")
        additive = spec.aggregate in ("sum", "count", "none") and not spec.denominator
        return additive and not changes

    @property
    def stacked(self) -> bool:
        """Drawn stacked: asked for, and the stack's height means something. Otherwise bars go
        side by side and areas become lines, and `summary['unstacked']` says so."""
        return self.stack_asked and self.adds_up

    def keys(self) -> list[str]:
        """The columns one aggregated row is keyed by."""
        return [name for name in (self.spec.x, self.color) if name]


def shape_of(spec: ChartSpec, profile: DataProfile) -> Shape:
    roles = {c.name: c.role for c in profile.columns}
    x_role = roles.get(spec.x) if spec.x else None
    color = spec.color if spec.chart_type != "pie" else None
    measures = spec.measures()
    series = "color" if color else "measure" if len(measures) > 1 else None
    keys = {spec.x, color}
    series_col = color if series == "color" else _unique(MEASURE_COLUMN, keys | set(measures))
    value_col = _value_name(spec, keys, measures)
    shown_col = value_col
    if spec.transform is not None:
        shown_col = _unique(measure_label(spec), keys | {value_col})
    by_value = spec.sort is not None and spec.sort.by == "y" and spec.chart_type != "line"
    in_calendar = spec.x is not None and not by_value and spec.chart_type != "scatter"
    return Shape(
        spec=spec,
        profile=profile,
        x_role=x_role,
        color=color,
        measures=measures,
        series=series,
        series_col=series_col if series else None,
        value_col=value_col,
        shown_col=shown_col,
        grain=spec.time_grain if x_role == "time" else None,
        calendar=calendar_order(profile.column(spec.x)) if in_calendar and spec.x else None,
        last_by=last_time_column(spec, roles) if spec.aggregate == "last" else None,
        text=CodeText(profile),
    )


def _value_name(spec: ChartSpec, keys: set[str | None], measures: list[str]) -> str:
    """The aggregated value's column: the measure's own name where it is free, so code that
    edits the chart can say `table['revenue']`."""
    if len(measures) > 1:
        return _unique("value", keys | set(measures))
    if spec.denominator:
        return _unique(measure_label(spec.model_copy(update={"transform": None})), keys)
    if spec.aggregate == "count" or not spec.y:
        return _unique("count", keys)
    if spec.aggregate == "distinct":
        return _unique(f"{spec.y} (distinct)", keys)
    return spec.y if spec.y not in keys else f"{spec.y} ({spec.aggregate})"


def _unique(name: str, taken: set[str | None]) -> str:
    """`name`, or `name (2)`… when a column of the file already has it."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    return candidate


def axis_title(shape: Shape) -> str:
    """The x axis title: "Month" for a monthly axis, else the column's name as people read it."""
    spec = shape.spec
    if shape.grain:
        return TIME_GRAIN_WORDS[shape.grain].capitalize()
    return human(spec.x) if spec.x else ""
