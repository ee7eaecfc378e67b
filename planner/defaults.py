"""Choices the planner makes from the profile alone: the best measure, category and time grain.

Used when a question leaves something out ("plot this", "revenue over time"), so each choice is
explained in the plan's assumptions.
"""

from __future__ import annotations

import math
from datetime import datetime

from ingest.profile import ColumnProfile, DataProfile
from planner.plan import Filter, TimeGrain

MAX_POINTS = 1000  # a line with more points than this is resampled
# Resampled series aim for at most this many periods: ten years of days become 120 months.
READABLE_POINTS = 400
_GRAIN_DAYS: tuple[tuple[TimeGrain, float], ...] = (
    ("D", 1),
    ("W", 7),
    ("M", 30.44),
    ("Q", 91.31),
    ("Y", 365.25),
)


def best_measure(
    profile: DataProfile, exclude: set[str] | frozenset[str] = frozenset()
) -> str | None:
    """The most informative number column: not an id, not constant, widest relative spread."""
    scored: list[tuple[float, int, str]] = []
    for pos, col in enumerate(profile.columns):
        if col.role != "number" or col.name in exclude or col.distinct < 2:
            continue
        scored.append((_spread(col), -pos, col.name))
    return max(scored)[2] if scored else None


def _spread(col: ColumnProfile) -> float:
    """Coefficient of variation, damped so a column of years does not beat a column of sales."""
    if col.std is None or col.mean is None:
        return 0.0
    cv = col.std / abs(col.mean) if col.mean else col.std
    looks_like_year = (
        col.min is not None and col.max is not None and 1800 <= col.min <= col.max <= 2200
    )
    return math.log1p(cv) * (0.1 if looks_like_year else 1.0) * min(1.0, col.distinct / 10)


def best_category(
    profile: DataProfile, exclude: set[str] | frozenset[str] = frozenset()
) -> str | None:
    """The category that makes the most readable bars: 2-30 distinct values, few missing."""
    scored: list[tuple[float, int, str]] = []
    for pos, col in enumerate(profile.columns):
        if col.role not in ("category", "boolean") or col.name in exclude or col.distinct < 2:
            continue
        fill = col.non_null / profile.rows if profile.rows else 0.0
        fits = 1.0 if 2 <= col.distinct <= 30 else 0.3
        top = col.top_values[0][1] if col.top_values else 0
        if col.non_null and top / col.non_null > 0.95:
            continue  # "USA" in 3,372 of 3,376 rows: one bar and a few slivers
        scored.append((fits * fill - 0.001 * col.distinct, -pos, col.name))
    return max(scored)[2] if scored else None


def repeated_label(
    profile: DataProfile, exclude: set[str] | frozenset[str] = frozenset()
) -> str | None:
    """A text or id column whose values repeat (a city, not an order number), for a count when
    the file has no better category."""
    scored = [
        (col.non_null - col.distinct, col.name)
        for col in profile.columns
        if col.role in ("id", "text")
        and col.name not in exclude
        and "str" in col.dtype
        and 1 < col.distinct < 0.9 * col.non_null
    ]
    return max(scored)[1] if scored else None


def time_column(profile: DataProfile) -> str | None:
    """The time column with the most distinct timestamps (usually the event date)."""
    times = [c for c in profile.columns if c.role == "time" and c.distinct > 1]
    return max(times, key=lambda c: c.distinct).name if times else None


def narrowed(col: ColumnProfile, filters: list[Filter]) -> ColumnProfile:
    """`col` as the filters on it leave it: "last 6 months" of four years of days is ~180 points,
    not 1,461, and needs no resampling."""
    start, end = col.start, col.end
    if not filters or not start or not end:
        return col
    for f in filters:
        values = f.value if isinstance(f.value, list) else [f.value]
        texts = [str(v) for v in values]
        if f.op == "year":
            start, end = max(start, f"{texts[0]}-01-01"), min(end, f"{texts[0]}-12-31T23:59:59")
        elif f.op == "between" and len(texts) == 2:
            start, end = max(start, texts[0]), min(end, texts[1] + "T23:59:59")
        elif f.op in ("gt", "gte"):
            start = max(start, texts[0])
        elif f.op in ("lt", "lte"):
            end = min(end, texts[0])
    full, kept = span_days(col), span_days(col.model_copy(update={"start": start, "end": end}))
    if not full or kept is None or kept <= 0:
        return col
    share = min(1.0, kept / full)
    return col.model_copy(
        update={"start": start, "end": end, "distinct": int(col.distinct * share)}
    )


def span_days(col: ColumnProfile) -> float | None:
    if not col.start or not col.end:
        return None
    start, end = datetime.fromisoformat(col.start), datetime.fromisoformat(col.end)
    return (end - start).total_seconds() / 86400


def grain_for(col: ColumnProfile) -> TimeGrain | None:
    """A frequency when the raw series would have over `MAX_POINTS` points, else None."""
    if col.distinct <= MAX_POINTS:
        return None
    days = span_days(col)
    if days is None:
        return None
    for grain, length in _GRAIN_DAYS:
        if days / length <= READABLE_POINTS:
            return grain
    return "Y"


_COUNT_NAMES = frozenset({"frequency", "freq", "count", "counts", "cnt", "n"})


def count_column(profile: DataProfile) -> str | None:
    """A number column that already counts the rows' things ("frequency", "count"): in such a
    pre-counted table, "how often" and "how many" mean its sum, not a count of rows."""
    for col in profile.columns:
        if col.role == "number" and col.name.lower() in _COUNT_NAMES:
            return col.name
    return None


def row_label(profile: DataProfile) -> str | None:
    """What names one row: a mostly unique text column ("Name"), else a date that is unique
    per row (a daily series)."""
    for col in profile.columns:
        labels = col.role in ("id", "text", "category") and "str" in col.dtype
        if labels and col.distinct >= 0.5 * profile.rows and col.distinct > 1:
            return col.name
    for col in profile.columns:
        if col.role == "time" and col.distinct >= 0.9 * profile.rows:
            return col.name
    return None


def observations(profile: DataProfile) -> bool:
    """Rows are observations of a series (one per date, or per date and category), not things
    to be counted: counting them says nothing, so a chart needs a number."""
    time = time_column(profile) or next(
        (c.name for c in profile.columns if _regular_years(c)), None
    )
    if time is None or not _regular(profile.column(time)):
        return False  # irregular dates: a log of events, which are counted
    dates = profile.column(time).distinct
    if dates >= 0.9 * profile.rows:
        return True
    for col in profile.columns:
        if col.role in ("category", "boolean") and col.distinct > 1:
            cells = dates * col.distinct
            if 0.9 * profile.rows <= cells <= 1.1 * profile.rows:
                return True
    return False


_STEPS_DAYS = {"day": 1.0, "week": 7.0, "month": 30.44, "quarter": 91.31, "year": 365.25}


def series_step(col: ColumnProfile) -> str | None:
    """ "day", "week", "month", "quarter" or "year" when the dates are that far apart with few
    gaps (a regular series); None for irregular dates (a log of events)."""
    days = span_days(col)
    if days is None or col.distinct < 3:
        return None
    step = days / (col.distinct - 1)
    return next((unit for unit, s in _STEPS_DAYS.items() if abs(step - s) <= 0.15 * s), None)


def _regular(col: ColumnProfile) -> bool:
    return series_step(col) is not None or _regular_years(col)


def _regular_years(col: ColumnProfile) -> bool:
    """A number column of years, evenly spaced (gapminder's 1952, 1957, …)."""
    if col.role != "number" or col.min is None or col.max is None or col.distinct < 3:
        return False
    if not (1800 <= col.min <= col.max <= 2200 and float(col.min).is_integer()):
        return False
    step = (col.max - col.min) / (col.distinct - 1)
    return step >= 1 and float(step).is_integer()
