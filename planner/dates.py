"""Dates as people say them, read into row filters on the file's time (or year) column.

    "since July 2018", "from 2008 to 2010", "between 2005 and 2007", "in 2014", "Q3 2012",
    "in march", "last 6 months", "this year", "YTD", "before 2010", "2007 vs 2008"

The phrases themselves ("july 2018", "march 3rd 2015", "05/01/2015") are parsed by dateparser;
the ranges around them are ours. Relative dates ("last 6 months", "this year") are relative to the
data's last date, not to today: a file that ends in 2015 asked about "the last 6 months" means its
own last 6 months, and the answer says which months those are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Literal

from dateparser.date import DateDataParser

from ingest.profile import ColumnProfile, DataProfile
from planner.plan import Filter, Scalar
from planner.vocabulary import NUMBER_WORDS

Period = Literal["day", "month", "quarter", "year"]

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_YEAR = r"(?:19|20)\d{2}(?!\d)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# One date expression, most specific first.
_EXPR = (
    rf"(?P<iso>\d{{4}}-\d{{1,2}}-\d{{1,2}})"
    rf"|(?P<slash>\d{{1,2}}/\d{{1,2}}/(?:\d{{4}}|\d{{2}}))"
    rf"|(?P<quarter>q(?P<qn>[1-4])(?:\s*(?:of\s+)?(?P<qy>{_YEAR}))?|(?P<qy2>{_YEAR})\s*q(?P<qn2>[1-4]))"
    rf"|(?P<month>(?:{_DAY}\s+(?:of\s+)?)?(?:{_MONTHS})\b\.?(?:\s+{_DAY}(?!\d))?(?:,?\s+{_YEAR})?)"
    rf"|(?P<year>{_YEAR})"
)
_EXPR = re.sub(r"\?P<\w+>", "?:", _EXPR)  # used twice in one pattern: no group names
_NUM = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"
_UNIT = r"(day|week|month|quarter|year)s?"
_RELATIVE = re.compile(
    rf"\b(?:(?:in|over|for|during)\s+)?(?:the\s+)?(?:last|past|previous|recent|trailing|latest)"
    rf"\s+(?:{_NUM}\s+)?{_UNIT}\b"
)
_HALF = re.compile(rf"\b(?:first|second)?\s*h(?P<h>[12])\s*(?:of\s+)?(?P<y>{_YEAR})")
_DECADE = re.compile(r"\b(?:the\s+)?(?P<d>(?:19|20)\d0)'?s\b")
_TO_DATE = re.compile(r"\b(?:ytd|year[ -]to[ -]date|mtd|month[ -]to[ -]date|qtd)\b")
_THIS = re.compile(r"\b(?:this|current)\s+(year|quarter|month|week)\b")
_RANGE = re.compile(
    rf"\b(?:(?P<lead>from|between)\s+)?(?P<a>{_EXPR})\s*(?:to|until|till|through|thru|and|-|–)\s*"
    rf"(?P<b>{_EXPR})",
    re.IGNORECASE,
)
_SINGLE = re.compile(
    rf"\b(?:(?P<op>since|after|from|starting|before|until|till|through|prior to|up to|by|in|"
    rf"during|for|of|on|as of)\s+(?:the\s+)?)?(?P<a>{_EXPR})",
    re.IGNORECASE,
)
_VERSUS = re.compile(
    rf"\b(?P<a>{_YEAR})\s*(?:vs\.?|versus|against|compared to|and)\s*(?P<b>{_YEAR})\b"
)
_OPS_START = {"since": "gte", "from": "gte", "starting": "gte", "after": "after", "as of": "gte"}
_OPS_END = {"before": "lt", "prior to": "lt", "until": "lte", "till": "lte", "through": "lte"}
_OPS_END |= {"up to": "lte", "by": "lte"}


@dataclass(frozen=True)
class Span:
    start: date
    end: date  # exclusive
    period: Period


@dataclass
class DateReading:
    """Filters read from date phrases, the text spans they used, and notes for the person."""

    filters: list[Filter] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_done: list[str] = field(default_factory=list)
    compared_years: list[int] = field(default_factory=list)  # "2007 vs 2008" on a year column
    relative: bool = False  # "last 5 years", "this year": a window of the latest periods


def read_dates(text: str, profile: DataProfile, named: Sequence[str] = ()) -> DateReading:
    """Every date filter in `text` (already spelling-corrected), for the file of `profile`.

    Args:
        text: the question.
        profile: the file's profile: which time or year column to filter, and its last date.
        named: columns the question names, in order; a named time column is filtered first.
    """
    out = DateReading()
    target = _target(profile, named)
    low = text.lower()
    if target is None:
        _refuse_dates(low, out)
        return out
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def take(a: int, b: int) -> None:
        taken.append((a, b))
        out.spans.append((a, b))

    for m in _VERSUS.finditer(low):
        if target.role == "number" and free(*m.span()):
            years = [int(m.group("a")), int(m.group("b"))]
            out.filters.append(Filter(column=target.name, op="in", value=list(years)))
            out.compared_years = years
            take(*m.span())
    last = _last_date(target)
    for m in _HALF.finditer(low):
        if free(*m.span()):
            year, first = int(m.group("y")), 1 if m.group("h") == "1" else 7
            start = date(year, first, 1)
            _add(out, target, Span(start, _add_months(start, 6), "month"), "between", "", last)
            take(*m.span())
    for m in _DECADE.finditer(low):
        if free(*m.span()):
            first = int(m.group("d"))
            _add(
                out,
                target,
                Span(date(first, 1, 1), date(first + 10, 1, 1), "year"),
                "between",
                "",
                last,
            )
            take(*m.span())
    for m in _RELATIVE.finditer(low):
        if free(*m.span()) and last is not None:
            amount = _amount(m.group(1))
            span = _last_periods(last, amount, m.group(2))
            _add(out, target, span, "between", m.group(0).strip(), last)
            out.relative = True
            take(*m.span())
    for m in _TO_DATE.finditer(low):
        if free(*m.span()) and last is not None:
            unit = {"y": "year", "m": "month", "q": "quarter"}[m.group(0)[0]]
            span = _last_periods(last, 1, unit)
            _add(out, target, Span(span.start, last + timedelta(days=1), "day"), "gte", "", last)
            out.notes.append(f"“{m.group(0)}” means since {_words(span.start, 'day')}")
            take(*m.span())
    for m in _THIS.finditer(low):
        if free(*m.span()) and last is not None:
            span = _last_periods(last, 1, m.group(1))
            _add(out, target, span, "between", m.group(0), last)
            take(*m.span())
    for m in _RANGE.finditer(low):
        if not free(*m.span()):
            continue
        a, b = _span(m.group("a"), last), _span(m.group("b"), last)
        joined = m.group(0)
        if a is None or b is None or b.end <= a.start:
            continue
        if " and " in joined and m.group("lead") != "between":
            continue  # "2007 and 2008" without "between" is two years, read as a comparison
        _add(out, target, Span(a.start, b.end, a.period), "between", "", last)
        take(*m.span())
    for m in _SINGLE.finditer(low):
        if not free(*m.span()):
            continue
        found = _span(m.group("a"), last)
        if found is None or not _plausible(m, low):
            continue
        op = (m.group("op") or "in").lower()
        how = "gte" if op in _OPS_START else ("lt" if op in _OPS_END else "between")
        if op == "after" or (op in _OPS_END and _OPS_END[op] == "lte"):
            found = Span(found.end, found.end, found.period)
        _add(out, target, found, how, "", last)
        take(*m.span())
    return out


def _plausible(m: re.Match[str], low: str) -> bool:
    """A bare year or month name is a date unless it is clearly something else ("top 2000")."""
    if m.group("op"):
        return True
    before = low[max(0, m.start() - 12) : m.start()]
    if re.search(r"(?:top|bottom|first|last|over|under|above|below|than|>|<|=)\s*$", before):
        return False
    return not (m.group("a") in ("may", "mar", "march") and not m.group("op"))


def _target(profile: DataProfile, named: Sequence[str]) -> ColumnProfile | None:
    """The column date phrases filter: a named time column, else the main one, else a year."""
    times = [c for c in profile.columns if c.role == "time" and c.distinct > 0]
    for name in named:
        col = next((c for c in times if c.name == name), None)
        if col is not None:
            return col
    if times:
        return max(times, key=lambda c: c.distinct)
    for col in profile.columns:
        if col.role == "number" and _year_like(col):
            return col
    return None


def _year_like(col: ColumnProfile) -> bool:
    whole = col.min is not None and col.max is not None and float(col.min).is_integer()
    in_range = whole and 1800 <= (col.min or 0) <= (col.max or 0) <= 2200
    return in_range and ("year" in col.name.lower() or col.name.lower() in ("yr", "fy"))


def _last_date(col: ColumnProfile) -> date | None:
    if col.role == "time" and col.end:
        return datetime.fromisoformat(col.end).date()
    if col.max is not None:
        return date(int(col.max), 12, 31)
    return None


def _amount(word: str | None) -> int:
    if not word:
        return 1
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word, 1)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _last_periods(last: date, amount: int, unit: str) -> Span:
    """The last `amount` calendar periods of the data, the period holding `last` included."""
    end = last + timedelta(days=1)
    if unit == "day":
        return Span(end - timedelta(days=amount), end, "day")
    if unit == "week":
        return Span(end - timedelta(days=7 * amount), end, "day")
    if unit == "month":
        return Span(_add_months(_month_start(last), 1 - amount), end, "month")
    if unit == "quarter":
        first = date(last.year, 3 * ((last.month - 1) // 3) + 1, 1)
        return Span(_add_months(first, 3 * (1 - amount)), end, "quarter")
    return Span(date(last.year - amount + 1, 1, 1), end, "year")


def _span(expr: str, last: date | None) -> Span | None:
    """The period one date expression names; a month without a year is the data's latest one."""
    expr = expr.strip().lower().rstrip(".")
    if re.fullmatch(_YEAR, expr):
        year = int(expr)
        return Span(date(year, 1, 1), date(year + 1, 1, 1), "year")
    quarter = re.fullmatch(rf"q([1-4])(?:\s*(?:of\s+)?({_YEAR}))?|({_YEAR})\s*q([1-4])", expr)
    if quarter:
        number = int(quarter.group(1) or quarter.group(4))
        year_text = quarter.group(2) or quarter.group(3)
        if year_text is None and last is None:
            return None
        year = int(year_text) if year_text else _latest_year(last, 3 * number - 2)
        start = date(year, 3 * number - 2, 1)
        return Span(start, _add_months(start, 3), "quarter")
    parsed = _parser().get_date_data(expr)
    if parsed.date_obj is None:
        return None
    day = parsed.date_obj.date()
    has_year = re.search(_YEAR, expr) is not None or "/" in expr or "-" in expr
    if not has_year:
        if last is None:
            return None
        day = day.replace(year=_latest_year(last, day.month, day.day))
    if parsed.period == "month":
        start = day.replace(day=1)
        return Span(start, _add_months(start, 1), "month")
    return Span(day, day + timedelta(days=1), "day")


def _latest_year(last: date | None, month: int, day: int = 1) -> int:
    """The year of the latest `month`/`day` on or before the data's last date."""
    assert last is not None
    return last.year if (month, day) <= (last.month, last.day) else last.year - 1


@cache
def _parser() -> DateDataParser:
    return DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"})


def _add(
    out: DateReading, col: ColumnProfile, span: Span, how: str, phrase: str, last: date | None
) -> None:
    """Turn a period into a filter on `col`: date bounds for a time column, years for a year."""
    inclusive_end = span.end - timedelta(days=1)
    if col.role == "time":
        value: Scalar | list[Scalar]
        if how == "gte":
            out.filters.append(Filter(column=col.name, op="gte", value=span.start.isoformat()))
        elif how == "lt":
            out.filters.append(Filter(column=col.name, op="lt", value=span.start.isoformat()))
        elif span.period == "year" and span.end == date(span.start.year + 1, 1, 1):
            out.filters.append(Filter(column=col.name, op="year", value=span.start.year))
        else:
            value = [span.start.isoformat(), inclusive_end.isoformat()]
            out.filters.append(Filter(column=col.name, op="between", value=value))
    else:
        if span.period != "year" and not (span.start.month == 1 and span.end.month == 1):
            out.not_done.append(
                f"a date range finer than a year: {col.name} holds years, not dates"
            )
            return
        first, final = span.start.year, inclusive_end.year
        if how == "gte":
            out.filters.append(Filter(column=col.name, op="gte", value=first))
        elif how == "lt":
            out.filters.append(Filter(column=col.name, op="lt", value=first))
        elif first == final:
            out.filters.append(Filter(column=col.name, op="eq", value=first))
        else:
            out.filters.append(Filter(column=col.name, op="between", value=[first, final]))
    if phrase and last is not None:
        out.notes.append(
            f"“{phrase}” read as {_words(span.start, span.period)} to "
            f"{_words(inclusive_end, 'day')}, relative to the data's last date "
            f"({last.isoformat()})"
        )


def _words(day: date, period: str) -> str:
    if period in ("month", "quarter"):
        return day.strftime("%b %Y")
    if period == "year":
        return str(day.year)
    return day.isoformat()


def _refuse_dates(low: str, out: DateReading) -> None:
    """A file without dates asked about dates: say the dates were not used."""
    for pattern in (_RELATIVE, _TO_DATE, _THIS, _RANGE, _SINGLE):
        for m in pattern.finditer(low):
            if pattern is _SINGLE and not m.group("op"):
                continue
            out.not_done.append(f"the dates in “{m.group(0).strip()}”: the file has no dates")
            return
