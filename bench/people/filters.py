"""Filters compared by the rows they keep, not by how they are written.

Each filter becomes a condition on its column, and filters on the same column are intersected:

- time and number columns: a union of intervals. "year 2007", "between 2007-01-01 and
  2007-12-31" and "gte 2007-01-01, lt 2008-01-01" are one interval. A date-only upper bound
  (`lte`, `between`) includes its whole day, `gt` a date-only value starts the next day, a year
  or a month written alone ("2014", "2014-03") stands for the whole period. Whole-number columns
  treat `gt 3` as `gte 4`.
- other columns: a set of values kept (`eq`, `in`) or left out (`ne`, `not_in`), case-sensitive.

Conditions are then clipped to what the column holds (its range, or its values when the profile
lists them all): a bound past the data's last date is no bound, and a condition that keeps every
row is no condition. Two filter lists agree when their conditions agree column by column;
`tolerance_days` lets interval bounds on a time column differ by that many days ("last 6 months"
may start on June 30 or July 1).

Bounds are pairs `(value, side)`: side 0 is "just before value", side 1 "just after value".
An interval `[lo, hi)` of pairs keeps a value v when `lo <= (v, 0)` and `(v, 1) <= hi`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

import pandas as pd

from ingest.profile import VALUE_INDEX_SIZE, ColumnProfile, DataProfile

Bound = tuple[float, int]
Interval = tuple[Bound, Bound]
Scalar = str | int | float | bool
_NEG: Bound = (-math.inf, 0)
_POS: Bound = (math.inf, 1)
_DAY_NS = 86_400 * 10**9


class FilterLike(Protocol):
    """A filter from the planner's `Filter` or from the question set."""

    @property
    def column(self) -> str: ...
    @property
    def op(self) -> str: ...
    @property
    def value(self) -> Scalar | list[Scalar]: ...


@dataclass(frozen=True)
class Domain:
    """What a column can hold: its kind, its range, and its values when all are known."""

    kind: Literal["time", "int", "float", "text"]
    range: Interval | None = None
    values: frozenset[str] | None = None


@dataclass(frozen=True)
class Ranges:
    intervals: tuple[Interval, ...]


@dataclass(frozen=True)
class ValueSet:
    keep: bool  # True: rows whose value is in `values`; False: rows whose value is not
    values: frozenset[str]


@dataclass(frozen=True)
class Unreadable:
    """Filters this module cannot turn into rows (e.g. `gt` on text): compared as written."""

    written: frozenset[str]


Condition = Ranges | ValueSet | Unreadable


def column_domains(profile: DataProfile) -> dict[str, Domain]:
    """Each column's domain, from the profile's roles, types and statistics."""
    return {c.name: _domain(c) for c in profile.columns}


def _domain(column: ColumnProfile) -> Domain:
    if column.role == "time" and column.start and column.end:
        lo, hi = _instant_ns(column.start), _instant_ns(column.end)
        return Domain("time", ((lo, 0), (hi, 1)))
    if column.role in ("number", "id") and column.min is not None and column.max is not None:
        if column.dtype.startswith(("int", "uint", "Int", "UInt")):
            return Domain("int", ((math.ceil(column.min), 0), (math.floor(column.max), 1)))
        return Domain("float", ((column.min, 0), (column.max, 1)))
    complete = column.distinct <= VALUE_INDEX_SIZE and len(column.values) == column.distinct
    return Domain("text", values=frozenset(column.values) if complete else None)


def conditions(
    filters: Iterable[FilterLike], domains: Mapping[str, Domain]
) -> dict[str, Condition]:
    """The row condition each filtered column ends up with; columns kept whole are left out."""
    by_column: dict[str, list[FilterLike]] = {}
    for f in filters:
        by_column.setdefault(f.column, []).append(f)
    out: dict[str, Condition] = {}
    for column, items in by_column.items():
        domain = domains.get(column, Domain("text"))
        condition = _combined(items, domain)
        if condition is not None:
            out[column] = condition
    return out


def same_rows(
    expected: Mapping[str, Condition],
    predicted: Mapping[str, Condition],
    tolerance_days: Mapping[str, int] | None = None,
) -> bool:
    """Whether two sets of conditions keep the same rows (time bounds within the tolerance)."""
    if set(expected) != set(predicted):
        return False
    tolerance = tolerance_days or {}
    return all(_same(expected[c], predicted[c], tolerance.get(c, 0) * _DAY_NS) for c in expected)


def _same(a: Condition, b: Condition, tolerance_ns: int) -> bool:
    if not (isinstance(a, Ranges) and isinstance(b, Ranges)) or tolerance_ns == 0:
        return a == b
    if len(a.intervals) != len(b.intervals):
        return False
    return all(
        abs(x[0] - y[0]) <= tolerance_ns or x == y
        for ia, ib in zip(a.intervals, b.intervals, strict=True)
        for x, y in zip(ia, ib, strict=True)
    )


# --- one column -------------------------------------------------------------------------------


def _combined(items: list[FilterLike], domain: Domain) -> Condition | None:
    """The intersection of `items` on one column, clipped to the domain; None keeps every row."""
    parts = [_condition(f, domain) for f in items]
    if any(isinstance(p, Unreadable) for p in parts) or len({type(p) for p in parts}) > 1:
        return Unreadable(frozenset(_written(f) for f in items))
    if isinstance(parts[0], Ranges):
        intervals = _clip(parts[0].intervals, domain)
        for part in parts[1:]:
            assert isinstance(part, Ranges)
            intervals = _intersect(intervals, part.intervals)
        if domain.kind == "int":
            intervals = _whole_numbers(intervals)
        if domain.range is not None and intervals == (domain.range,):
            return None
        return Ranges(intervals)
    sets = [p for p in parts if isinstance(p, ValueSet)]
    return _value_condition(sets, domain)


def _condition(f: FilterLike, domain: Domain) -> Condition:
    if domain.kind == "text":
        return _text_condition(f)
    try:
        intervals = _interval_condition(f, domain)
    except (TypeError, ValueError, OverflowError):
        return Unreadable(frozenset({_written(f)}))
    if intervals is None:
        return Unreadable(frozenset({_written(f)}))
    return Ranges(intervals)


def _text_condition(f: FilterLike) -> Condition:
    values = f.value if isinstance(f.value, list) else [f.value]
    shown = frozenset(str(v) for v in values)
    if f.op in ("eq", "in"):
        return ValueSet(keep=True, values=shown)
    if f.op in ("ne", "not_in"):
        return ValueSet(keep=False, values=shown)
    return Unreadable(frozenset({_written(f)}))


def _value_condition(sets: list[ValueSet], domain: Domain) -> Condition | None:
    kept = [s.values for s in sets if s.keep]
    dropped = frozenset().union(*(s.values for s in sets if not s.keep))
    known = domain.values
    if kept:
        values = frozenset.intersection(*kept) - dropped
        if known is not None:
            values &= known
            if values == known:
                return None
        return ValueSet(keep=True, values=values)
    if known is not None:  # all values known: say which are kept
        return None if not dropped & known else ValueSet(keep=True, values=known - dropped)
    return ValueSet(keep=False, values=dropped)


def _interval_condition(f: FilterLike, domain: Domain) -> tuple[Interval, ...] | None:
    """The intervals `f` keeps, before clipping; None when its op makes no interval."""
    values = f.value if isinstance(f.value, list) else [f.value]
    spans = [_span(v, domain) for v in values]
    op = f.op
    if op in ("eq", "in") or (op == "year" and domain.kind != "time"):
        return _union(spans)
    if op in ("ne", "not_in"):
        return _complement(_union(spans))
    if op == "year":
        return (_year_span(int(values[0])),)
    if op == "between" and len(spans) == 2:
        return _nonempty(((spans[0][0], spans[1][1]),))
    if len(spans) != 1:
        return None
    lo, hi = spans[0]
    intervals = {"gt": (hi, _POS), "gte": (lo, _POS), "lt": (_NEG, lo), "lte": (_NEG, hi)}
    interval = intervals.get(op)
    return _nonempty((interval,)) if interval else None


def _span(value: Scalar, domain: Domain) -> Interval:
    """The pairs one written value stands for: a point, or a whole day, month or year."""
    if domain.kind != "time":
        if isinstance(value, bool):
            raise TypeError("a number filter with true/false")
        number = float(value)
        return ((number, 0), (number, 1))
    if isinstance(value, bool):
        raise TypeError("a time filter with true/false")
    if isinstance(value, int | float):
        if not float(value).is_integer():
            raise ValueError(f"{value!r} is not a year")
        return _year_span(int(value))
    text = value.strip()
    if len(text) == 4 and text.isdigit():
        return _year_span(int(text))
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        start = pd.Timestamp(year=int(text[:4]), month=int(text[5:]), day=1)
        return ((start.value, 0), ((start + pd.DateOffset(months=1)).value, 0))
    stamp = _naive(pd.Timestamp(text))
    if stamp == stamp.normalize():  # a date, or midnight: the whole day
        return ((stamp.value, 0), ((stamp + pd.Timedelta(days=1)).value, 0))
    return ((stamp.value, 0), (stamp.value, 1))


def _year_span(year: int) -> Interval:
    start = pd.Timestamp(year=year, month=1, day=1)
    return ((start.value, 0), (pd.Timestamp(year=year + 1, month=1, day=1).value, 0))


def _instant_ns(text: str) -> int:
    return _naive(pd.Timestamp(text)).value


def _naive(stamp: pd.Timestamp) -> pd.Timestamp:
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo is not None else stamp


# --- interval arithmetic ----------------------------------------------------------------------


def _nonempty(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    return tuple(i for i in intervals if i[0] < i[1])


def _union(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Sorted, with overlapping and touching intervals merged."""
    merged: list[Interval] = []
    for lo, hi in sorted(_nonempty(intervals)):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def _complement(intervals: tuple[Interval, ...]) -> tuple[Interval, ...]:
    gaps: list[Interval] = []
    start = _NEG
    for lo, hi in intervals:
        gaps.append((start, lo))
        start = hi
    gaps.append((start, _POS))
    return _nonempty(gaps)


def _intersect(a: tuple[Interval, ...], b: tuple[Interval, ...]) -> tuple[Interval, ...]:
    return _union((max(x[0], y[0]), min(x[1], y[1])) for x in a for y in b)


def _clip(intervals: tuple[Interval, ...], domain: Domain) -> tuple[Interval, ...]:
    return intervals if domain.range is None else _intersect(intervals, (domain.range,))


def _whole_numbers(intervals: tuple[Interval, ...]) -> tuple[Interval, ...]:
    """Whole-number columns: each interval as [first, last] whole number; neighbours merged."""
    closed: list[tuple[float, float]] = []
    for lo, hi in intervals:
        first, last = _first_whole(lo), _last_whole(hi)
        if first > last:
            continue
        if closed and first <= closed[-1][1] + 1:
            closed[-1] = (closed[-1][0], max(last, closed[-1][1]))
        else:
            closed.append((first, last))
    return tuple(((first, 0), (last, 1)) for first, last in closed)


def _first_whole(lo: Bound) -> float:
    """The smallest whole number an interval starting at `lo` keeps."""
    if math.isinf(lo[0]):
        return lo[0]
    return math.ceil(lo[0]) if lo[1] == 0 else math.floor(lo[0]) + 1


def _last_whole(hi: Bound) -> float:
    """The largest whole number an interval ending at `hi` keeps."""
    if math.isinf(hi[0]):
        return hi[0]
    return math.floor(hi[0]) if hi[1] == 1 else math.ceil(hi[0]) - 1


def _written(f: FilterLike) -> str:
    return f"{f.column} {f.op} {f.value!r}"
