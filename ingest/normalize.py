"""Make a raw table chartable: clean unique column names, real numbers and dates, no empty rows.

Everything that is neither a number, a date nor a boolean ends up as text (pandas' `str` dtype), so
the frame always writes to Parquet, whatever mix of values a hostile file put in a column.
"""

from __future__ import annotations

import datetime as dt
import decimal as decimal_module
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ingest.values import DateParse, NumberParse, parse_booleans, parse_dates, parse_numbers

MAX_NAME_CHARS = 120
MAX_NAMED_IN_NOTE = 4
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, eq=False)
class NormalizedFrame:
    df: pd.DataFrame
    notes: list[str]


def normalize_frame(df: pd.DataFrame, *, decimal: Literal[".", ","] = ".") -> NormalizedFrame:
    """A copy of `df` with clean names and types, and notes on what was changed.

    Args:
        df: a raw table as a reader returned it.
        decimal: the decimal mark the file uses for numbers written as text.
    """
    notes: list[str] = []
    names, unnamed, repeated = clean_column_names(df.columns)
    columns: dict[str, pd.Series] = {}
    conversions: dict[str, list[str]] = {}
    for position, name in enumerate(names):
        series, how = _convert(df.iloc[:, position].reset_index(drop=True), decimal)
        columns[name] = series
        if how:
            conversions.setdefault(how, []).append(name)
    out = pd.DataFrame(columns, index=pd.RangeIndex(len(df)))
    for how, converted in conversions.items():
        notes.append(f"{_plural_columns(converted)} {how}")

    empty_columns = [name for name in out.columns if out[name].isna().all()]
    if empty_columns and len(out):
        out = out.drop(columns=empty_columns)
        named = [name for name in empty_columns if name not in unnamed]
        if named:
            notes.append(f"Left out {_plural_columns(named, capital=False)}: no values")
    kept = set(out.columns)
    if any(name in kept for name in unnamed):
        named_now = [n for n in unnamed if n in kept]
        notes.insert(0, f"Named the unnamed {_plural_columns(named_now, capital=False)}")
    if any(name in kept for name in repeated):
        renamed = [n for n in repeated if n in kept]
        notes.insert(0, f"Renamed repeated column names to {_quoted(renamed)}")
    rows_before = len(out)
    out = out.dropna(how="all").reset_index(drop=True)
    if 0 < len(out) < rows_before:
        dropped = rows_before - len(out)
        notes.append(f"Left out {dropped:,} empty row{'s' if dropped != 1 else ''}")
    return NormalizedFrame(df=out, notes=notes)


def clean_column_names(labels: Iterable[object]) -> tuple[list[str], list[str], list[str]]:
    """Unique, stripped, one-line string names ("column_3" for blanks, "Total_2" for repeats).

    Returns all the names, those made up for blank labels, and those renamed as repeats.
    """
    names: list[str] = []
    seen: set[str] = set()
    unnamed: list[str] = []
    repeated: list[str] = []
    for position, label in enumerate(labels, start=1):
        text = _label_text(label)
        if not text:
            text = f"column_{position}"
            unnamed.append(text)
        base, suffix = text, 2
        while text in seen:
            text = f"{base}_{suffix}"
            suffix += 1
        if text != base:
            repeated.append(text)
        seen.add(text)
        names.append(text)
    return names, unnamed, repeated


def _label_text(label: object) -> str:
    if _is_missing(label):
        return ""
    if isinstance(label, float) and label.is_integer():
        label = int(label)  # Excel stores a year header 2024 as 2024.0
    if isinstance(label, dt.datetime) and label.time() == dt.time():
        label = label.date()
    text = _SPACES.sub(" ", _CONTROL.sub(" ", str(label))).strip()
    return text[:MAX_NAME_CHARS].rstrip()


def _is_missing(label: object) -> bool:
    if label is None or label is pd.NA or label is pd.NaT:
        return True
    return isinstance(label, float | np.floating) and bool(np.isnan(label))


def _convert(series: pd.Series, decimal: Literal[".", ","]) -> tuple[pd.Series, str | None]:
    """The column with its real type, and how it was converted when that is worth a note."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    if pd.api.types.is_float_dtype(series.dtype):
        return _finite(series)
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        return series, None
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series, None
    if pd.api.types.is_timedelta64_dtype(series.dtype):
        return series.astype("str"), None
    if series.dtype == object:
        typed = _from_python_values(series)
        if typed is not None:
            return _finite(typed) if pd.api.types.is_float_dtype(typed.dtype) else (typed, None)
    text = _as_text(series)
    non_null = text.dropna()
    if non_null.empty:
        return text, None
    booleans = parse_booleans(non_null)
    if booleans is not None:
        return booleans.reindex(text.index), None
    numbers = parse_numbers(non_null, decimal)
    if numbers is not None:
        return _place(numbers.values, text), _number_note(numbers)
    dates = parse_dates(non_null, decimal)
    if dates is not None:
        return _place(dates.values, text), _date_note(dates)
    return text, None


def _finite(series: pd.Series) -> tuple[pd.Series, str | None]:
    """Infinities ("Infinity" in JSON, 1e999) can't be charted or summed: they become blanks."""
    infinite = np.isinf(series.to_numpy(dtype="float64", na_value=np.nan))
    if not infinite.any():
        return series, None
    return series.mask(infinite), f"had {_values(int(infinite.sum()))} of infinity, left blank"


def _from_python_values(series: pd.Series) -> pd.Series | None:
    """Columns of Python objects (Excel, JSON, Parquet) that are all one non-text type."""
    values = series.dropna()
    if values.empty:
        return None
    kinds: set[str] = set()
    for value in values:
        kinds.add(_python_kind(value))
        if "other" in kinds or len(kinds) > 2:
            return None
    if kinds == {"bool"}:
        return series.astype("boolean")
    if kinds <= {"int", "float"}:
        numbers = pd.to_numeric(series.map(_to_float_or_int), errors="coerce")
        return numbers if numbers.dtype != object else None  # ints past 64 bits stay text
    if kinds == {"datetime"}:
        try:
            return pd.to_datetime(series, errors="coerce")
        except (ValueError, TypeError, OverflowError):
            return pd.to_datetime(series, errors="coerce", utc=True)
    return None


def _python_kind(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, int | np.integer):
        return "int"
    if isinstance(value, float | np.floating | decimal_module.Decimal):
        return "float"
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp | np.datetime64):
        return "datetime"
    return "other"


def _to_float_or_int(value: object) -> object:
    if isinstance(value, decimal_module.Decimal):
        return float(value)
    return value


def _as_text(series: pd.Series) -> pd.Series:
    """Strings, stripped, with blanks as missing; lists and objects become JSON text."""
    if series.dtype == object:
        series = series.map(_text_of, na_action="ignore")
    text = series.astype("str").str.strip()
    return text.mask(text == "")


def _text_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf_8", "replace")
    if isinstance(value, float) and np.isnan(value):
        return None
    return str(value)


def _place(values: pd.Series, like: pd.Series) -> pd.Series:
    """`values` (indexed by the non-null rows) spread over all rows of `like`."""
    return values.reindex(like.index)


def _number_note(parse: NumberParse) -> str | None:
    cleaned = [
        label
        for flag, label in (
            (parse.currency, "currency signs"),
            (parse.thousands, "thousands separators"),
            (parse.percent, "percent signs"),
            (parse.negatives_in_parens, "brackets around negatives"),
        )
        if flag
    ]
    if not cleaned and not parse.lost:
        return None
    how = "read as numbers"
    if cleaned:
        so = ", so 12% reads as 12" if parse.percent else ""
        how += f" ({_and(cleaned)} removed{so})"
    if parse.lost:
        how += f"; {_not_a(parse.lost, 'number')} left blank"
    return how


def _date_note(parse: DateParse) -> str | None:
    parts = []
    if parse.order:
        parts.append(parse.order)
    if parse.lost:
        parts.append(f"{_not_a(parse.lost, 'date')} left blank")
    return f"read as dates ({'; '.join(parts)})" if parts else None


def _not_a(count: int, kind: str) -> str:
    """ "1 value that wasn't a number", "3 values that weren't numbers"."""
    if count == 1:
        return f"1 value that wasn't a {kind}"
    return f"{count:,} values that weren't {kind}s"


def _values(count: int) -> str:
    return f"{count:,} value{'s' if count != 1 else ''}"


def _plural_columns(names: Sequence[str], *, capital: bool = True) -> str:
    word = "Column" if len(names) == 1 else "Columns"
    return f"{word if capital else word.lower()} {_quoted(names)}"


def _quoted(names: Sequence[str]) -> str:
    shown = [f"“{name}”" for name in names[:MAX_NAMED_IN_NOTE]]
    if len(names) > MAX_NAMED_IN_NOTE:
        shown.append(f"{len(names) - MAX_NAMED_IN_NOTE:,} more")
    return _and(shown)


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
