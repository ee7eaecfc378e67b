"""Recognise numbers, dates and booleans written as text, the way spreadsheets export them.

Each parser takes one text column as an Arrow array (stripped strings, blanks as nulls) and returns
the converted column, as long as the input, plus what it had to clean, or None when the column is
not of that type. Every step is a vectorised Arrow kernel (RE2 regexes, casts, strptime): no Python
loop over cells. The decision is made on an evenly spread sample first, then checked once over the
whole column. Dates use explicit formats only, tried on the sample; the whole column is parsed
with the best one (and the runner-up only when the best fails on the whole column).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from ingest.table import ArrowColumn

# Spreadsheet placeholders for "no value" in a column of numbers or dates.
NULL_TOKENS = frozenset(
    {"-", "--", "—", "–", "n/a", "na", "nan", "null", "none", "?", "#n/a", "#na", "#n/a n/a",
     "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!", "#error!"}
)  # fmt: skip
NUMBER_SHARE = 0.95  # of non-placeholder values that must parse for a column to become numbers
DATE_SHARE = 0.9
SAMPLE_SIZE = 500
_SMALL_COLUMN = 20  # below this many values, every one must parse
_INT53 = 2**53

_MONEY = "(?:[$€£¥₹]|USD|EUR|GBP|CHF|JPY|CAD|AUD)"
_MINUS = "\u2212"
_BLANK = "[ \t\u00a0]*"
_CURRENCY_BEFORE = f"^([-+{_MINUS}]?){_BLANK}{_MONEY}{_BLANK}"  # "$1,200", "-$5", "EUR 10"
_CURRENCY_AFTER = f"{_BLANK}{_MONEY}$"  # "1.200 €"
_HAS_CURRENCY = f"^[-+{_MINUS}]?{_BLANK}{_MONEY}|{_MONEY}$"
_PARENS = r"^\((.*)\)$"
_LEADING_ZERO = "^[-+]?0[0-9]+$"
_DIGIT = "[0-9]"
_PLAIN_INTEGER = r"^[-+]?[0-9]+(?:\.0+)?$"
_PLAIN_NUMBER = r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"
_DATEISH = "^[A-Za-z0-9_ ,./:+-]{4,40}$"
_THOUSANDS_EXTRA = "\u00a0\u202f' "  # no-break, narrow no-break, Swiss apostrophe, space

# ISO 8601 as spreadsheets and databases write it: a date, an optional time, an optional zone.
_ISO_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ISO = (
    _ISO_DATE
    + r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?$"
)
_ISO_MONTH = "^[0-9]{4}-[0-9]{2}$"
_ZONE = "(?:Z|[+-][0-9]{2}:?[0-9]{2})$"
ISO_FORMAT = "ISO8601"

# Month-first formats go first for "." files (US), day-first ones for "," files (Europe).
_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p",
                "%m/%d/%Y %I:%M:%S %p", "%m/%d/%y", "%m-%d-%Y")  # fmt: skip
_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%y", "%d.%m.%Y",
              "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%y", "%d-%m-%Y")  # fmt: skip
_OTHER_DATES = ("%Y/%m/%d", "%Y/%m/%d %H:%M:%S", "%Y.%m.%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y",
                "%B %d, %Y", "%b %d %Y", "%d-%b-%Y", "%d-%b-%y", "%b %Y", "%B %Y", "%b-%y",
                "%a, %d %b %Y %H:%M:%S %z")  # fmt: skip


@dataclass(frozen=True)
class NumberParse:
    values: ArrowColumn  # float64, or int64 when every row is a whole number
    currency: bool
    percent: bool
    thousands: bool
    negatives_in_parens: bool
    lost: int  # values that were not numbers and are now blank


@dataclass(frozen=True)
class DateParse:
    values: ArrowColumn  # timestamp[us], or timestamp[us, UTC] when the text carried time zones
    order: str | None  # "day/month/year" or "month/day/year" when that was a guess
    lost: int


def drop_placeholders(text: ArrowColumn) -> ArrowColumn:
    """`text` with spreadsheet placeholders ("N/A", "#DIV/0!", "-") turned into nulls."""
    placeholder = pc.is_in(pc.utf8_lower(text), value_set=_NULL_SET)
    return pc.if_else(placeholder, pa.scalar(None, pa.string()), text)


def spread_sample(values: ArrowColumn, size: int = SAMPLE_SIZE) -> ArrowColumn:
    """Up to `size` non-null values taken evenly from the whole column, not only its first rows,
    without copying the column (a `take` over a chunked column would concatenate it first)."""
    present = len(values) - values.null_count
    if present <= size:
        return values.drop_null()
    sample = _take_spread(values, 2 * size).drop_null()
    if len(sample) < size // 2:  # a sparse column: sample its values, not its rows
        return _take_spread(values.drop_null(), size)
    return sample[:size]


def _take_spread(values: ArrowColumn, count: int) -> pa.ArrowColumn:
    positions = np.unique(np.linspace(0, len(values) - 1, count).astype(np.int64))
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    starts = np.cumsum([0] + [len(chunk) for chunk in chunks])
    parts = []
    for index, chunk in enumerate(chunks):
        inside = positions[(positions >= starts[index]) & (positions < starts[index + 1])]
        if len(inside):
            parts.append(chunk.take(pa.array(inside - starts[index])))
    return pa.concat_arrays(parts) if parts else pa.array([], values.type)


def parse_booleans(text: ArrowColumn) -> ArrowColumn | None:
    """A column of only true/false (any case) as Arrow booleans, or None."""
    sample = spread_sample(text)
    if not len(sample) or not _all_in(sample, _TRUE_FALSE):
        return None
    lowered = pc.utf8_lower(text)
    if not _all_in(lowered.drop_null(), _TRUE_FALSE):
        return None
    return pc.equal(lowered, "true")


def parse_numbers(text: ArrowColumn, decimal: Literal[".", ","]) -> NumberParse | None:
    """`text` as float64 or int64, or None if it isn't numbers."""
    sample = drop_placeholders(spread_sample(text)).drop_null()
    if not len(sample) or not _mostly(pc.match_substring_regex(sample, _DIGIT), 0.5):
        return None
    if decimal == ".":
        plain = _plain_numbers(text)
        if plain is not None:
            return plain
    marks: tuple[Literal[".", ","], ...] = (decimal, "." if decimal == "," else ",")
    sample_clean = _clean_number_text(sample).text
    marks = tuple(m for m in marks if _enough(_number_matches(sample_clean, m), NUMBER_SHARE))
    if not marks:
        return None
    values = drop_placeholders(text)
    if _leading_zeros(values):
        return None  # zip codes and account numbers, whose zeros matter
    present = len(values) - values.null_count
    cleaned = _clean_number_text(values)
    for mark in marks:
        ok = _number_matches(cleaned.text, mark)
        if not _enough(ok.filter(pc.is_valid(values)), NUMBER_SHARE):
            continue
        good = pc.if_else(ok, cleaned.text, pa.scalar(None, pa.string()))
        separators = _separators(mark)
        thousands = bool(pc.any(pc.match_substring_regex(good, separators)).as_py())
        plain = pc.replace_substring_regex(good, separators, "")
        if mark == ",":
            plain = pc.replace_substring(plain, ",", ".")
        numbers = pc.cast(plain, pa.float64())
        numbers = pc.if_else(cleaned.parens, pc.negate(numbers), numbers)
        percent = bool(pc.any(cleaned.percent).as_py())
        return NumberParse(
            values=_maybe_int(numbers, percent),
            currency=bool(pc.any(cleaned.currency).as_py()),
            percent=percent,
            thousands=thousands,
            negatives_in_parens=bool(pc.any(cleaned.parens).as_py()),
            lost=present - _count_true(ok),
        )
    return None


def _plain_numbers(text: ArrowColumn) -> NumberParse | None:
    """The common case, a column of plain numbers: one strict cast, no regex over every row."""
    try:
        numbers = pc.cast(text, pa.float64())
    except pa.ArrowInvalid:
        return None
    if _leading_zeros(text):
        return None
    return NumberParse(_maybe_int(numbers, False), False, False, False, False, 0)


def _leading_zeros(text: ArrowColumn) -> bool:
    """Whether any value is an integer written with leading zeros ("01234")."""
    zero_first = text.filter(pc.fill_null(pc.starts_with(text, "0"), False))
    return bool(len(zero_first)) and bool(
        pc.any(pc.match_substring_regex(zero_first, _LEADING_ZERO)).as_py()
    )


def _all_in(values: ArrowColumn, allowed: pa.ArrowColumn) -> bool:
    return bool(pc.all(pc.is_in(pc.utf8_lower(values), value_set=allowed)).as_py())


def _maybe_int(numbers: ArrowColumn, percent: bool) -> ArrowColumn:
    """Whole numbers with no blank row become int64, as pandas would read them."""
    if percent or numbers.null_count or not len(numbers):
        return numbers
    finite = pc.is_finite(numbers)
    if not pc.all(finite).as_py():
        return numbers
    whole = pc.all(pc.equal(numbers, pc.floor(numbers))).as_py()
    if whole and pc.max(pc.abs(numbers)).as_py() < _INT53:
        return pc.cast(numbers, pa.int64())
    return numbers


@dataclass(frozen=True)
class _CleanedNumbers:
    text: ArrowColumn
    parens: ArrowColumn
    percent: ArrowColumn
    currency: ArrowColumn


def _clean_number_text(values: ArrowColumn) -> _CleanedNumbers:
    """Strip brackets, currency and percent signs; say where each was found."""
    parens = pc.match_substring_regex(values, _PARENS)  # accounting negatives: (1,200.00)
    cleaned = pc.utf8_trim_whitespace(pc.replace_substring_regex(values, _PARENS, r"\1"))
    currency = pc.match_substring_regex(cleaned, _HAS_CURRENCY)
    cleaned = pc.replace_substring_regex(cleaned, _CURRENCY_BEFORE, r"\1")
    cleaned = pc.replace_substring_regex(cleaned, _CURRENCY_AFTER, "")
    cleaned = pc.replace_substring(cleaned, _MINUS, "-")
    percent = pc.ends_with(cleaned, "%")
    cleaned = pc.utf8_trim_whitespace(pc.replace_substring_regex(cleaned, "%$", ""))
    return _CleanedNumbers(cleaned, parens, percent, currency)


def _separators(mark: str) -> str:
    """A character class of the thousands separators allowed beside decimal `mark`."""
    return f"[{',' if mark == '.' else '.'}{_THOUSANDS_EXTRA}]"


def _number_matches(cleaned: ArrowColumn, mark: str) -> ArrowColumn:
    dec = r"\." if mark == "." else ","
    pattern = (
        f"^(?:[-+]?(?:[0-9]{{1,3}}(?:{_separators(mark)}[0-9]{{3}})+|[0-9]+)(?:{dec}[0-9]+)?"
        f"(?:[eE][-+]?[0-9]+)?|[-+]?{dec}[0-9]+)$"
    )
    return pc.match_substring_regex(cleaned, pattern)


def parse_dates(text: ArrowColumn, decimal: Literal[".", ","]) -> DateParse | None:
    """`text` as timestamps, or None if it isn't dates."""
    sample = drop_placeholders(spread_sample(text)).drop_null()
    if not len(sample):
        return None
    dateish = pc.and_(
        pc.match_substring_regex(sample, _DATEISH), pc.match_substring_regex(sample, _DIGIT)
    )
    if not _mostly(dateish, DATE_SHARE):
        return None
    if _mostly(pc.match_substring_regex(sample, _PLAIN_INTEGER), 0.5):
        return None  # years, counts and ids are numbers, not dates
    ranked: list[tuple[float, int, str]] = []
    for position, fmt in enumerate(_date_formats(decimal)):
        parsed = _parse_dates(sample, fmt)
        if parsed is not None:
            ranked.append((1 - parsed.null_count / len(sample), -position, fmt))
    if not ranked or max(ranked)[0] < DATE_SHARE:
        return None
    values = drop_placeholders(text)
    present = len(values) - values.null_count
    # The best format on the sample, then the runners-up: a sample of early-month dates
    # fits month/day and day/month alike, and only the whole column tells them apart.
    for share, _, fmt in sorted(ranked, reverse=True):
        if share < DATE_SHARE:
            break
        parsed = _parse_dates(values, fmt)
        if parsed is None:
            continue
        ok = pc.is_valid(parsed).filter(pc.is_valid(values))
        if not _enough(ok, DATE_SHARE):
            continue
        return DateParse(values=parsed, order=_order(fmt), lost=present - _count_true(ok))
    return None


def _date_formats(decimal: Literal[".", ","]) -> tuple[str, ...]:
    ambiguous = _DAY_FIRST + _MONTH_FIRST if decimal == "," else _MONTH_FIRST + _DAY_FIRST
    return (ISO_FORMAT, *ambiguous, *_OTHER_DATES)


def _parse_dates(values: ArrowColumn, fmt: str) -> ArrowColumn | None:
    """`values` parsed with `fmt`, nulls where a value doesn't fit; None if nothing can."""
    if fmt == ISO_FORMAT:
        return _parse_iso(values)
    try:
        return pc.strptime(values, format=fmt, unit="us", error_is_null=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _parse_iso(values: ArrowColumn) -> ArrowColumn | None:
    """ISO 8601 dates and times; zones are put on one clock (UTC), as pandas does for mixed
    offsets. A year and month alone ("2024-01") is the first of the month."""
    try:
        return pc.cast(values, pa.timestamp("us"))  # the common case: every value plain ISO
    except pa.ArrowInvalid:
        pass
    month_only = pc.match_substring_regex(values, _ISO_MONTH)
    values = pc.if_else(month_only, pc.binary_join_element_wise(values, "-01", ""), values)
    iso = pc.if_else(pc.match_substring_regex(values, _ISO), values, pa.scalar(None, pa.string()))
    if iso.null_count == len(iso):
        return None
    zoned = pc.match_substring_regex(iso, _ZONE)
    if pc.any(zoned).as_py():
        on_utc = pc.if_else(zoned, iso, pc.binary_join_element_wise(iso, "Z", ""))
        return _cast_or_strptime(on_utc, pa.timestamp("us", tz="UTC"))
    return _cast_or_strptime(iso, pa.timestamp("us"))


def _cast_or_strptime(iso: ArrowColumn, target: pa.DataType) -> ArrowColumn:
    """A strict cast; when one value is impossible (2024-02-30), parse value by value instead."""
    try:
        return pc.cast(iso, target)
    except pa.ArrowInvalid:
        pass
    spaced = pc.replace_substring(pc.replace_substring_regex(iso, r"\.[0-9]+", ""), "T", " ")
    formats = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
    if target.tz is not None:
        spaced = pc.replace_substring_regex(spaced, "Z$", "+0000")
        formats = [f"{f}%z" for f in formats]
    parsed = None
    for fmt in formats:
        attempt = pc.strptime(spaced, format=fmt, unit="us", error_is_null=True)
        parsed = attempt if parsed is None else pc.coalesce(parsed, attempt)
    assert parsed is not None
    # The lenient parser rolls impossible days over (30 Feb -> 1 Mar): keep only exact ones.
    exact = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), pc.utf8_slice_codeunits(spaced, 0, 10))
    return pc.if_else(exact, parsed, pa.scalar(None, parsed.type))


def _order(fmt: str) -> str | None:
    if fmt.startswith("%d") and "%m" in fmt:
        return "day/month/year"
    if fmt.startswith("%m") and "%d" in fmt:
        return "month/day/year"
    return None


def _count_true(flags: ArrowColumn) -> int:
    return int(pc.sum(pc.cast(pc.fill_null(flags, False), pa.int64())).as_py() or 0)


def _mostly(flags: ArrowColumn, share: float) -> bool:
    return bool(len(flags)) and _count_true(flags) / len(flags) >= share


def _enough(flags: ArrowColumn, share: float) -> bool:
    """Every value in a small column; `share` of them in a larger one."""
    if not len(flags):
        return False
    ok = _count_true(flags)
    if len(flags) < _SMALL_COLUMN:
        return ok == len(flags)
    return ok / len(flags) >= share


_NULL_SET = pa.array(sorted(NULL_TOKENS), pa.string())
_TRUE_FALSE = pa.array(["true", "false"], pa.string())
