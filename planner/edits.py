"""Edits a follow-up makes to the last chart, one kind at a time, each checked and said.

    "as a pie" · "only EU" · "without APAC" · "all regions again" · "what about 2023?"
    "same for units" · "units too" · "average instead" · "by product instead" · "split by channel"
    "no split" · "top 5" · "show all" · "ascending" · "weekly" · "log scale" · "rolling avg"

Each edit starts from the chart the previous edit left, and is kept only if the chart still fits
its columns (a pie of a time series, a scatter without two numbers are refused and said); the
answer lists what changed ("Filtered to region = EU") and what could not be done.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.profile import DataProfile
from planner.matching import Mention
from planner.measures import measure_kind
from planner.plan import TIME_GRAIN_WORDS, Aggregate, ChartSpec, ChartType, Filter, Sort
from planner.plan_problems import chart_problems
from planner.question import aggregate_word
from planner.reading import QuestionReading
from planner.wording import human, title_for


@dataclass(frozen=True)
class Edit:
    """The chart after one edit, what changed in words, or why the edit was not made."""

    spec: ChartSpec
    said: str | None = None
    not_done: str | None = None


@dataclass
class Edited:
    edits: list[Edit] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # question tokens the edits used


_ADDING = re.compile(r"\b(?:too|also|as well|add|plus|include|and also)\b|^\W*and\b")
_INSTEAD = re.compile(r"\b(?:instead|rather|switch|change|replace)\b")
_UNSPLIT = re.compile(
    r"\b(?:no split|not split|unsplit|without (?:the )?split|combined|all together|together|"
    r"no colou?rs?|one line|single line|total only|just the total)\b"
)
_CLEAR_FILTERS = re.compile(
    r"\b(?:no filters?|remove (?:the |all )?filters?|clear (?:the )?filters?|unfiltered|"
    r"all (?:the )?data|everything again|whole (?:file|period)|all time|all years)\b"
)
_SHOW_ALL = re.compile(r"\b(?:show all|all of them|no limit|every one|all again)\b")
_LOG = re.compile(r"\blog(?:arithmic)?(?: scale| axis| y)?\b")
_LINEAR = re.compile(r"\b(?:linear|normal) (?:scale|axis)\b")
_NO_TRANSFORM = re.compile(
    r"\b(?:no (?:rolling|smoothing|moving average)|raw (?:values|numbers)|without (?:the )?"
    r"(?:rolling|smoothing|moving average))\b"
)
_AREA = re.compile(r"\barea\b")
_TABLE = re.compile(r"\b(?:as a table|in a table|table)\b")
_ALL_OF = ("all", "every", "any", "each")
_SPLIT_WORDS = ("split", "colored", "coloured", "color", "colour", "stacked", "broken", "break")


def apply_edits(spec: ChartSpec, read: QuestionReading, profile: DataProfile) -> Edited:
    """Every edit `read` asks of `spec`, applied in order (see the module docstring)."""
    out = Edited()
    steps: list[Callable[[ChartSpec, QuestionReading, DataProfile, Edited], None]] = [
        _clear_filters,
        _filters,
        _measure,
        _aggregate,
        _dimension,
        _unsplit,
        _limit_and_sort,
        _grain,
        _scale,
        _transform,
        _chart_type,
    ]
    for step in steps:
        current = out.edits[-1].spec if out.edits else spec
        step(current, read, profile, out)
    return out


def _push(
    out: Edited, before: ChartSpec, after: ChartSpec, said: str, profile: DataProfile
) -> bool:
    """Keep `after` if it still fits the data; else record why not. True when kept."""
    after = after.model_copy(update={"title": title_for(after, after.count_noun)})
    roles = {c.name: c.role for c in profile.columns}
    problems = chart_problems(after, "chart", roles)
    if problems:
        out.edits.append(Edit(before, None, f"{said}: {problems[0].removeprefix('chart: ')}"))
        return False
    out.edits.append(Edit(after, said))
    return True


# Words of a follow-up that only say "edit the last chart": understood, never "unused".
EDIT_WORDS = re.compile(
    r"\b(?:instead|same|also|too|now|again|as well|rather|plus|add|include|just|only|what about|"
    r"how about|and for|switch|change|make it|turn it|show|scale|split|no split|log|linear|area|"
    r"table|all|every|without|exclude|excluding|except|remove|drop|chart)\b"
)


def edit_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the follow-up's edit words."""
    return [m.span() for m in EDIT_WORDS.finditer(text.lower())]


def _low(read: QuestionReading) -> str:
    return read.intents.text.lower()


def _clear_filters(spec: ChartSpec, read: QuestionReading, p: DataProfile, out: Edited) -> None:
    low = _low(read)
    keep = list(spec.filters)
    said: list[str] = []
    if _CLEAR_FILTERS.search(low) and spec.filters:
        times = {c.name for c in p.columns if c.role == "time"} | {"year"}
        only_time = re.search(r"\b(?:all time|all years|whole period)\b", low) is not None
        keep = [f for f in spec.filters if only_time and f.column not in times]
        said.append("without the filters" if not only_time else "over the whole period")
    for m in read.mentions:  # "all regions again": drop the filters on that column
        before = read.tokens[m.start - 1].low if m.start > 0 else ""
        if before in _ALL_OF and any(f.column == m.column for f in keep):
            keep = [f for f in keep if f.column != m.column]
            said.append(f"every {human(m.column)} again")
            out.used |= {m.start - 1, *range(m.start, m.end)}
    if said:
        _push(out, spec, spec.model_copy(update={"filters": keep}), "; ".join(said), p)


def _filters(spec: ChartSpec, read: QuestionReading, p: DataProfile, out: Edited) -> None:
    new = read.filters.filters
    if not new:
        return
    adding = _ADDING.search(_low(read)) is not None
    filters = list(spec.filters)
    said: list[str] = []
    for f in new:
        same = [g for g in filters if g.column == f.column]
        if f.op in ("ne", "not_in"):
            filters = _exclude(filters, f)
            said.append(f"without {_values(f)}")
        elif adding and same and f.op in ("eq", "in"):
            filters = [g for g in filters if g.column != f.column] + [_union(same, f)]
            said.append(f"with {_values(f)} added")
        else:
            filters = [g for g in filters if g.column != f.column or _different_kind(g, f)] + [f]
            said.append(f"filtered to {f.describe()}")
    _push(out, spec, spec.model_copy(update={"filters": filters[:20]}), "; ".join(said), p)


def _different_kind(old: Filter, new: Filter) -> bool:
    """A number range and a value filter on one column can both stand."""
    ranges = {"gt", "gte", "lt", "lte", "between"}
    return (old.op in ranges) != (new.op in ranges) and old.op != "year" and new.op != "year"


def _values(f: Filter) -> str:
    value = f.value if isinstance(f.value, list) else [f.value]
    return ", ".join(str(v) for v in value)


def _exclude(filters: list[Filter], f: Filter) -> list[Filter]:
    drop = set(map(str, f.value if isinstance(f.value, list) else [f.value]))
    out: list[Filter] = []
    narrowed = False
    for g in filters:
        if g.column == f.column and g.op in ("eq", "in"):
            narrowed = True
            kept = [
                v
                for v in (g.value if isinstance(g.value, list) else [g.value])
                if str(v) not in drop
            ]
            if kept:
                out.append(
                    Filter(column=g.column, op="in", value=kept)
                    if len(kept) > 1
                    else Filter(column=g.column, op="eq", value=kept[0])
                )
            continue
        out.append(g)
    if not narrowed:
        out.append(f)
    return out


def _union(same: list[Filter], f: Filter) -> Filter:
    values: list[str | int | float | bool] = []
    for g in [*same, f]:
        values += g.value if isinstance(g.value, list) else [g.value]
    unique = list(dict.fromkeys(values))
    return Filter(column=f.column, op="in", value=unique)


def _unfiltered(read: QuestionReading) -> list[Mention]:
    used = read.filters.used_tokens
    return [m for m in read.mentions if not set(range(m.start, m.end)) & used]


def _grouping(read: QuestionReading, m: Mention) -> bool:
    """ "by cylinders": a column after a grouping word is a breakdown, even a number."""
    return m.start > 0 and read.tokens[m.start - 1].low in ("by", "per", "across", "each", "over")


def _measure(spec: ChartSpec, read: QuestionReading, p: DataProfile, out: Edited) -> None:
    if read.ratio is not None:
        _ratio(spec, read, p, out)
        return
    numbers = [
        m
        for m in _unfiltered(read)
        if p.column(m.column).role == "number"
        and m.column not in (spec.x, spec.color)
        and not _after_all(read, m)
        and not _grouping(read, m)
    ]
    if not numbers:
        return
    aggs = aggregate_word(read.tokens, read.intents)
    stated = next(
        (aggs[k] for k in range(numbers[0].start - 2, numbers[0].start) if k in aggs), None
    )
    out.used |= {t for m in numbers for t in range(m.start, m.end)}
    if _ADDING.search(_low(read)) and spec.y:
        extra = [*spec.extra_y, *(m.column for m in numbers if m.column not in spec.measures())]
        names = ", ".join(human(m.column) for m in numbers)
        _push(out, spec, spec.model_copy(update={"extra_y": extra[:5]}), f"{names} added", p)
        return
    column = numbers[0].column
    if column == spec.y and stated is None:
        return
    aggregate: Aggregate = stated or (
        spec.aggregate
        if spec.aggregate not in ("count", "distinct", "none")
        and stated is None
        and measure_kind(column, p) == measure_kind(spec.y or column, p)
        else ("sum" if measure_kind(column, p) == "amount" else "mean")
    )
    if spec.chart_type in ("scatter", "histogram", "box"):
        aggregate = spec.aggregate
    update: dict[str, object] = {
        "y": column,
        "extra_y": [],
        "aggregate": aggregate,
        "denominator": None,
        "as_percent": False,
        "count_noun": None,
    }
    if spec.chart_type == "histogram":
        update = {"x": column}
    _push(out, spec, spec.model_copy(update=update), f"showing {human(column)} instead", p)


def _after_all(read: QuestionReading, m: Mention) -> bool:
    return m.start > 0 and read.tokens[m.start - 1].low in _ALL_OF


def _aggregate(spec: ChartSpec, read: QuestionReading, p: DataProfile, out: Edited) -> None:
    if out.edits and any(e.said and e.said.startswith("showing") for e in out.edits):
        return  # "show average price instead" set it with the measure
    aggs = aggregate_word(read.tokens, read.intents)
    inside = {t for m in read.mentions for t in range(m.start, m.end)}
    stated = next((a for k, a in aggs.items() if k not in inside), None)
    counts = re.search(r"\b(?:count|how many|number of rows)\b", _low(read)) is not None
    if stated is None and not counts:
        return
    if counts and not stated:
        new = spec.model_copy(update={"aggregate": "count", "y": None, "extra_y": []})
        _push(out, spec, new, "counting rows instead", p)
        return
    assert stated is not None
    if spec.y is None or stated == spec.aggregate or spec.chart_type in ("scatter", "histogram"):
        return
    out.used |= {k for k, a in aggs.items() if a == stated}
    _push(
        out, spec, spec.model_copy(update={"aggregate": stated}), f"{_AGG_WORD[stated]} instead", p
    )


_AGG_WORD: dict[str, str] = {
    "sum": "totals",
    "mean": "averages",
    "median": "medians",
    "min": "lowest values",
    "max": "highest values",
    "count": "counts",
    "distinct": "distinct counts",
    "last": "latest values",
    "none": "raw values",
}


def _ratio(spec: ChartSpec, read: QuestionReading, p: DataProfile, out: Edited) -> None:
    """ "tip as % of bill": the measure becomes a ratio of two totals."""
    ratio = read.ratio
    assert ratio is not None
    out.used |= set(ratio.tokens)
    update: dict[str, object] = {
        "y": ratio.numerator,
        "denominator": ratio.denominator,
        "as_percent": ratio.percent,
        "aggregate": "sum",
        "extra_y": [],
    }
    how = "as % of" if ratio.percent else "divided by"
    said = f"{human(ratio.numerator)} {how} {human(ratio.denominator)} (ratio of the totals)"
    _push(out, spec, spec.model_copy(update=update), said, p)


def _dimension(spec: ChartSpec, read: QuestionReading, p: DataProfile, out: Edited) -> None:
    dims = [
        m
        for m in _unfiltered(read)
        if (
            p.column(m.column).role in ("category", "boolean", "time", "id")
            or (p.column(m.column).role == "number" and _grouping(read, m))
        )
        and m.column not in (spec.x, spec.color)
        and not _after_all(read, m)
        and not (read.ratio and m.column in (read.ratio.numerator, read.ratio.denominator))
    ]
    if not dims:
        return
    column = dims[0].column
    out.used |= set(range(dims[0].start, dims[0].end))
    lead = " ".join(t.low for t in read.tokens[max(0, dims[0].start - 3) : dims[0].start])
    split = any(w in lead.split() for w in _SPLIT_WORDS) or "and" in lead.split()[-1:]
    x_is_time = spec.x is not None and (
        p.column(spec.x).role == "time"
        or (p.column(spec.x).role == "number" and "year" in spec.x.lower())
    )
    role = p.column(column).role
    instead = _INSTEAD.search(_low(read)) is not None
    if spec.chart_type in ("line", "area") and x_is_time and role != "time" and not instead:
        split = True
    if split and spec.chart_type not in ("pie", "histogram"):
        new = spec.model_copy(update={"color": column, "extra_y": []})
        _push(out, spec, new, f"split by {human(column)}", p)
        return
    update: dict[str, object] = {"x": column, "limit": None, "other_bucket": False}
    if role == "time" and spec.chart_type in ("bar", "pie"):
        update["chart_type"] = "line"
    said = f"by {human(column)} instead of {human(spec.x)}" if spec.x else f"by {human(column)}"
    _push(out, spec, spec.model_copy(update=update), said, p)


def _unsplit(spec: ChartSpec, read: QuestionReading, p: DataProfile, out: Edited) -> None:
    if spec.color and _UNSPLIT.search(_low(read)):
        new = spec.model_copy(update={"color": None, "barmode": None})
        _push(out, spec, new, f"no longer split by {human(spec.color)}", p)


def _limit_and_sort(spec: ChartSpec, read: QuestionReading, p: DataProfile, out: Edited) -> None:
    intents = read.intents
    if intents.limit:
        order = intents.sort_order or intents.limit_order
        new = spec.model_copy(
            update={
                "limit": intents.limit,
                "other_bucket": False,
                "sort": Sort(by="y", order=order),
            }
        )
        word = "top" if order == "desc" else "bottom"
        _push(out, spec, new, f"{word} {intents.limit}", p)
        return
    if _SHOW_ALL.search(_low(read)) and spec.limit:
        _push(out, spec, spec.model_copy(update={"limit": None}), "every value again", p)
        return
    if intents.sort_order:
        by = intents.sort_by or (spec.sort.by if spec.sort else "y")
        new = spec.model_copy(update={"sort": Sort(by=by, order=intents.sort_order)})
        words = "ascending" if intents.sort_order == "asc" else "descending"
        _push(out, spec, new, f"sorted {words}", p)


def _grain(spec: ChartSpec, read: QuestionReading, p: DataProfile, out: Edited) -> None:
    grain = read.intents.grain
    if grain is None or grain == spec.time_grain:
        return
    if spec.x is None or p.column(spec.x).role != "time":
        time = next((c.name for c in p.columns if c.role == "time"), None)
        if time is None:
            out.edits.append(
                Edit(spec, None, f"by {TIME_GRAIN_WORDS[grain]}: the file has no dates")
            )
            return
        new = spec.model_copy(update={"x": time, "time_grain": grain, "chart_type": "line"})
        _push(out, spec, new, f"by {TIME_GRAIN_WORDS[grain]} over {human(time)}", p)
        return
    _push(
        out, spec, spec.model_copy(update={"time_grain": grain}), f"by {TIME_GRAIN_WORDS[grain]}", p
    )


def _scale(spec: ChartSpec, read: QuestionReading, p: DataProfile, out: Edited) -> None:
    low = _low(read)
    if _LINEAR.search(low) and spec.y_scale == "log":
        _push(out, spec, spec.model_copy(update={"y_scale": "linear"}), "linear scale", p)
    elif _LOG.search(low) and spec.y_scale != "log":
        _push(out, spec, spec.model_copy(update={"y_scale": "log"}), "log scale", p)


def _transform(spec: ChartSpec, read: QuestionReading, p: DataProfile, out: Edited) -> None:
    if _NO_TRANSFORM.search(_low(read)) and spec.transform:
        _push(out, spec, spec.model_copy(update={"transform": None}), "raw values again", p)
        return
    wanted = read.transform.transform
    if wanted is None or wanted == spec.transform:
        return
    update: dict[str, object] = {"transform": wanted}
    if read.transform.grain and spec.x and p.column(spec.x).role == "time":
        update["time_grain"] = read.transform.grain
    _push(out, spec, spec.model_copy(update=update), wanted.describe(), p)


def _chart_type(spec: ChartSpec, read: QuestionReading, p: DataProfile, out: Edited) -> None:
    low = _low(read)
    wanted: ChartType | None = read.intents.chart
    if wanted is None and _AREA.search(low):
        wanted = "area"
    if wanted is None and _TABLE.search(low):
        wanted = "table"
    if wanted is None:
        return
    article = "an" if wanted[0] in "aeiou" else "a"
    if wanted == spec.chart_type:
        out.edits.append(Edit(spec, f"already {article} {wanted} chart"))
        return
    update: dict[str, object] = {"chart_type": wanted}
    said = f"as {article} {wanted} chart" if wanted != "table" else "as a table"
    if wanted == "pie":
        update |= {"color": None, "barmode": None, "extra_y": []}
        if spec.color:
            said += f" (a pie is not split, so these are totals over every {human(spec.color)})"
    if wanted == "histogram":
        if spec.y is None:
            out.edits.append(Edit(spec, None, "a histogram: it needs a number column"))
            return
        update |= {"x": spec.y, "y": None, "aggregate": "none", "color": None}
    if wanted == "box":
        update |= {"aggregate": "none"}
    if wanted == "scatter":
        out.edits.append(
            Edit(
                spec,
                None,
                "a scatter chart: it plots one number against another; ask for one by name, "
                "e.g. “scatter of A vs B”",
            )
        )
        return
    _push(out, spec, spec.model_copy(update=update), said, p)
