"""Recognise numbers, dates and booleans written as text, the way spreadsheets export them.

Each parser takes the non-null, stripped text values of one column and returns the converted
column plus what it had to clean, or None when the column is not of that type. Dates use explicit
formats only: pandas' own format guessing warns, and falls back to dateutil, which turns "12" into
a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

# Spreadsheet placeholders for "no value" in a column of numbers or dates.
NULL_TOKENS = frozenset(
    {"-", "--", "—", "–", "n/a", "na", "nan", "null", "none", "?", "#n/a", "#na", "#n/a n/a",
     "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!", "#error!"}
)  # fmt: skip
NUMBER_SHARE = 0.95  # of non-placeholder values that must parse for a column to become numbers
DATE_SHARE = 0.9
_SAMPLE = 500
_SMALL_COLUMN = 20  # below this many values, every one must parse

_MONEY = r"(?:[$€£¥₹]|USD|EUR|GBP|CHF|JPY|CAD|AUD)"
# Plain-string patterns with no \d, \s or \w, so that pandas hands them to pyarrow's vectorised
# RE2 engine instead of looping over Python's `re` (about 20x slower on a long column).
_MINUS = "\u2212"
_BLANK = "[ \t\u00a0]*"
_CURRENCY_BEFORE = rf"^([-+{_MINUS}]?){_BLANK}{_MONEY}{_BLANK}"  # "$1,200", "-$5", "EUR 10"
_CURRENCY_AFTER = rf"{_BLANK}{_MONEY}$"  # "1.200 €"
_HAS_CURRENCY = rf"^[-+{_MINUS}]?{_BLANK}{_MONEY}|{_MONEY}$"
_PARENS = r"^\((.*)\)$"
_LEADING_ZERO = r"^[-+]?0[0-9]+$"
_DIGIT = r"[0-9]"
_PLAIN_INTEGER = r"^[-+]?[0-9]+(?:\.0+)?$"
_DATEISH = r"^[A-Za-z0-9_ ,./:+\-]{4,40}$"
_THOUSANDS_EXTRA = "\u00a0\u202f' "  # no-break, narrow no-break, Swiss apostrophe, space

# Month-first formats go first for "." files (US), day-first ones for "," files (Europe).
_ISO = "ISO8601"
_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p",
                "%m/%d/%Y %I:%M:%S %p", "%m/%d/%y", "%m-%d-%Y")  # fmt: skip
_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%y", "%d.%m.%Y",
              "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%y", "%d-%m-%Y")  # fmt: skip
_OTHER_DATES = ("%Y/%m/%d", "%Y/%m/%d %H:%M:%S", "%Y.%m.%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y",
                "%B %d, %Y", "%b %d %Y", "%d-%b-%Y", "%d-%b-%y", "%b %Y", "%B %Y", "%b-%y",
                "%a, %d %b %Y %H:%M:%S %z")  # fmt: skip


@dataclass(frozen=True)
class NumberParse:
    values: pd.Series
    currency: bool
    percent: bool
    thousands: bool
    negatives_in_parens: bool
    lost: int  # values that were not numbers and are now blank


@dataclass(frozen=True)
class DateParse:
    values: pd.Series
    order: str | None  # "day/month/year" or "month/day/year" when that was a guess
    lost: int


def drop_placeholders(text: pd.Series) -> pd.Series:
    """`text` without spreadsheet placeholders ("N/A", "#DIV/0!", "-")."""
    return text[~text.str.lower().isin(NULL_TOKENS)]


def spread_sample(values: pd.Series, size: int = _SAMPLE) -> pd.Series:
    """Up to `size` values taken evenly from the whole column, not only its first rows."""
    if len(values) <= size:
        return values
    return values.iloc[np.linspace(0, len(values) - 1, size).astype(int)]


def parse_numbers(text: pd.Series, decimal: Literal[".", ","]) -> NumberParse | None:
    """`text` (non-null, stripped strings) as float or int64, or None if it isn't numbers."""
    values = drop_placeholders(text)
    if values.empty:
        return None
    sample = spread_sample(values)
    if not _mostly(sample.str.contains(_DIGIT), 0.5):
        return None
    marks: tuple[Literal[".", ","], ...] = (decimal, "." if decimal == "," else ",")
    # Try the sample first: a full pass over a long text column is what costs time.
    sample_clean = _clean_number_text(sample)[0]
    marks = tuple(m for m in marks if _enough(_number_matches(sample_clean, m), NUMBER_SHARE))
    if not marks or values.str.match(_LEADING_ZERO).any():
        return None  # not numbers; or zip codes and account numbers, whose zeros matter
    cleaned, parens, percent, currency = _clean_number_text(values)
    for mark in marks:
        ok = _number_matches(cleaned, mark)
        if not _enough(ok, NUMBER_SHARE):
            continue
        good = cleaned.where(ok)
        separators = _separators(mark)
        thousands = bool(good.str.contains(separators).any())
        plain = good.str.replace(separators, "", regex=True)
        if mark == ",":
            plain = plain.str.replace(",", ".", regex=False)
        numbers = pd.to_numeric(plain, errors="coerce")
        numbers = numbers.where(~parens, -numbers)
        full: pd.Series = pd.Series(np.nan, index=text.index, dtype="float64")
        full.loc[numbers.index] = numbers
        lost = int(numbers.isna().sum())
        integral = not full.isna().any() and bool((full % 1 == 0).all()) and not percent.any()
        if integral and bool((full.abs() < 2**53).all()):
            full = full.astype("int64")
        return NumberParse(
            values=full,
            currency=bool(currency.any()),
            percent=bool(percent.any()),
            thousands=thousands,
            negatives_in_parens=bool(parens.any()),
            lost=lost,
        )
    return None


def _clean_number_text(
    values: pd.Series,
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Strip brackets, currency and percent signs; return the text and where each was found."""
    parens = values.str.match(_PARENS)  # accounting negatives: (1,200.00)
    cleaned = values.str.replace(_PARENS, r"\1", regex=True).str.strip()
    currency = cleaned.str.contains(_HAS_CURRENCY)
    cleaned = cleaned.str.replace(_CURRENCY_BEFORE, r"\1", regex=True)
    cleaned = cleaned.str.replace(_CURRENCY_AFTER, "", regex=True)
    cleaned = cleaned.str.replace(_MINUS, "-", regex=False)
    percent = cleaned.str.endswith("%")
    cleaned = cleaned.str.removesuffix("%").str.strip()
    return cleaned, parens, percent, currency


def _separators(mark: str) -> str:
    """A character class of the thousands separators allowed beside decimal `mark`."""
    return f"[{',' if mark == '.' else '.'}{_THOUSANDS_EXTRA}]"


def _number_matches(cleaned: pd.Series, mark: str) -> pd.Series:
    dec = r"\." if mark == "." else ","
    pattern = (
        rf"[-+]?(?:[0-9]{{1,3}}(?:{_separators(mark)}[0-9]{{3}})+|[0-9]+)(?:{dec}[0-9]+)?"
        rf"(?:[eE][-+]?[0-9]+)?|[-+]?{dec}[0-9]+"
    )
    return cleaned.str.fullmatch(pattern)


def parse_dates(text: pd.Series, decimal: Literal[".", ","]) -> DateParse | None:
    """`text` (non-null, stripped strings) as datetimes, or None if it isn't dates."""
    values = drop_placeholders(text)
    if values.empty:
        return None
    sample = spread_sample(values)
    if not _mostly(sample.str.match(_DATEISH) & sample.str.contains(_DIGIT), DATE_SHARE):
        return None
    if _mostly(sample.str.match(_PLAIN_INTEGER), 0.5):
        return None  # years, counts and ids are numbers, not dates
    ranked: list[tuple[float, int, str]] = []
    for position, fmt in enumerate(_date_formats(decimal)):
        parsed = _to_datetime(sample, fmt)
        if parsed is not None:
            ranked.append((float(parsed.notna().mean()), -position, fmt))
    # The best format on the sample, then the runners-up: a sample of early-month dates
    # fits month/day and day/month alike, and only the whole column tells them apart.
    for share, _, fmt in sorted(ranked, reverse=True):
        if share < DATE_SHARE:
            break
        parsed = _to_datetime(values, fmt)
        if parsed is None or not _enough(parsed.notna(), DATE_SHARE):
            continue
        full = pd.Series(pd.NaT, index=text.index, dtype=parsed.dtype)
        full.loc[parsed.index] = parsed
        return DateParse(values=full, order=_order(fmt), lost=int(parsed.isna().sum()))
    return None


def _date_formats(decimal: Literal[".", ","]) -> tuple[str, ...]:
    ambiguous = _DAY_FIRST + _MONTH_FIRST if decimal == "," else _MONTH_FIRST + _DAY_FIRST
    return (_ISO, *ambiguous, *_OTHER_DATES)


def _to_datetime(values: pd.Series, fmt: str) -> pd.Series | None:
    try:
        return pd.to_datetime(values, format=fmt, errors="coerce")
    except ValueError:
        pass  # mixed UTC offsets: put them on one clock
    try:
        return pd.to_datetime(values, format=fmt, errors="coerce", utc=True)
    except (ValueError, OverflowError):
        return None


def _order(fmt: str) -> str | None:
    if fmt.startswith("%d") and "%m" in fmt:
        return "day/month/year"
    if fmt.startswith("%m") and "%d" in fmt:
        return "month/day/year"
    return None


def parse_booleans(text: pd.Series) -> pd.Series | None:
    """A column of only true/false (any case) as pandas' nullable boolean."""
    lowered = text.str.lower()
    if not lowered.isin(("true", "false")).all():
        return None
    return (lowered == "true").astype("boolean")


def _mostly(flags: pd.Series, share: float) -> bool:
    return bool(len(flags)) and float(flags.fillna(False).astype(bool).mean()) >= share


def _enough(flags: pd.Series, share: float) -> bool:
    """Every value in a small column; `share` of them in a larger one."""
    ok = flags.fillna(False).astype(bool)
    if len(ok) < _SMALL_COLUMN:
        return bool(ok.all())
    return float(ok.mean()) >= share
