"""Make a raw table chartable: clean unique column names, real numbers and dates, no empty rows.

Works on Arrow columns, one vectorised pass per decision. Everything that is neither a number, a
date nor a boolean ends up as text, so the table always writes to Parquet, whatever mix of values
a hostile file put in a column. Columns are handed over in a list that is emptied as they are
converted, so a big file's raw text is freed column by column rather than held to the end.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from ingest.arrow_pandas import to_pandas
from ingest.python_values import columns_from_frame, text_of
from ingest.table import ArrowColumn
from ingest.values import DateParse, NumberParse, parse_booleans, parse_dates, parse_numbers

MAX_NAME_CHARS = 120
COLUMN_THREADS = 2
MAX_NAMED_IN_NOTE = 4
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, eq=False)
class NormalizedTable:
    table: pa.Table
    notes: list[str]


@dataclass(frozen=True, eq=False)
class NormalizedFrame:
    df: pd.DataFrame
    notes: list[str]


def normalize_columns(
    columns: list[ArrowColumn], labels: Sequence[object], *, decimal: Literal[".", ","] = "."
) -> NormalizedTable:
    """Clean names and types; `columns` is emptied as it goes.

    Args:
        columns: the raw columns, all of one length.
        labels: the header cells, as the file had them (None, numbers, dates, text).
        decimal: the decimal mark the file uses for numbers written as text.
    """
    rows = len(columns[0]) if columns else 0
    notes: list[str] = []
    names, unnamed, repeated = clean_column_names(labels)
    converted: dict[str, ArrowColumn] = {}
    conversions: dict[str, list[str]] = {}
    # Arrow kernels release the GIL: convert a few columns at once. Each raw column is let go
    # as soon as its conversion is done.
    with ThreadPoolExecutor(max_workers=COLUMN_THREADS) as pool:
        futures = [pool.submit(_convert, columns.pop(0), decimal) for _ in names]
        for name, future in zip(names, futures, strict=True):
            column, how = future.result()
            converted[name] = column
            if how:
                conversions.setdefault(how, []).append(name)
    for how, changed in conversions.items():
        notes.append(f"{_plural_columns(changed)} {how}")

    empty_columns = [name for name, column in converted.items() if column.null_count == rows]
    if empty_columns and rows:
        for name in empty_columns:
            del converted[name]
        named = [name for name in empty_columns if name not in unnamed]
        if named:
            notes.append(f"Left out {_plural_columns(named, capital=False)}: no values")
    kept = set(converted)
    if any(name in kept for name in unnamed):
        named_now = [n for n in unnamed if n in kept]
        notes.insert(0, f"Named the unnamed {_plural_columns(named_now, capital=False)}")
    if any(name in kept for name in repeated):
        renamed = [n for n in repeated if n in kept]
        notes.insert(0, f"Renamed repeated column names to {_quoted(renamed)}")
    table = pa.table(converted) if converted else pa.table({})
    table, dropped = _drop_empty_rows(table)
    if dropped and table.num_rows:
        notes.append(f"Left out {dropped:,} empty row{'s' if dropped != 1 else ''}")
    return NormalizedTable(table=table, notes=notes)


def normalize_frame(df: pd.DataFrame, *, decimal: Literal[".", ","] = ".") -> NormalizedFrame:
    """`normalize_columns` for a pandas frame, returning a pandas frame (tests and tools)."""
    normalized = normalize_columns(columns_from_frame(df), list(df.columns), decimal=decimal)
    return NormalizedFrame(df=to_pandas(normalized.table), notes=normalized.notes)


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
    if label is None or label is pd.NA or label is pd.NaT:
        return ""
    if isinstance(label, float | np.floating) and bool(np.isnan(label)):
        return ""
    if isinstance(label, float) and label.is_integer():
        label = int(label)  # Excel stores a year header 2024 as 2024.0
    if isinstance(label, dt.datetime) and label.time() == dt.time():
        label = label.date()
    text = _SPACES.sub(" ", _CONTROL.sub(" ", str(label))).strip()
    return text[:MAX_NAME_CHARS].rstrip()


def _convert(column: ArrowColumn, decimal: Literal[".", ","]) -> tuple[ArrowColumn, str | None]:
    """The column with its real type, and how it was converted when that is worth a note."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_floating(kind):
        return _finite(column.cast(pa.float64()))
    if pa.types.is_decimal(kind):
        return _finite(column.cast(pa.float64()))
    if pa.types.is_boolean(kind) or pa.types.is_integer(kind):
        return column, None
    if pa.types.is_timestamp(kind):
        return (column.cast(pa.timestamp(kind.unit, "UTC")) if kind.tz else column), None
    if pa.types.is_date(kind):
        return column.cast(pa.timestamp("us")), None
    if pa.types.is_null(kind):
        return pa.nulls(len(column), pa.string()), None
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _from_text(column, decimal)
    # Times, durations, binary, lists, structs and maps: text as a person would write them.
    return _from_text(_as_text(column), decimal)


def _from_text(column: ArrowColumn, decimal: Literal[".", ","]) -> tuple[ArrowColumn, str | None]:
    if pa.types.is_large_string(column.type):
        column = column.cast(pa.string())  # pandas hands over large strings; one kind throughout
    text = pc.utf8_trim_whitespace(column)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, text.type), text)
    if text.null_count == len(text):
        return text, None
    booleans = parse_booleans(text)
    if booleans is not None:
        return booleans, None
    numbers = parse_numbers(text, decimal)
    if numbers is not None:
        return numbers.values, _number_note(numbers)
    dates = parse_dates(text, decimal)
    if dates is not None:
        return dates.values, _date_note(dates)
    return _missing_markers(text)


# Words that stand for "no value" in exported text columns (R's NA, pandas' NaN, SQL's NULL).
# Wider placeholders ("-", "?") are left as values in text: they can be real categories.
_MISSING_WORDS = pa.array(["na", "n/a", "nan", "null", "none", "#n/a"])


def _missing_markers(text: pa.Array) -> tuple[pa.Array, str | None]:
    """ "NA" in a column of "male"/"female" is a blank, not a third sex."""
    marked = pc.fill_null(pc.is_in(pc.utf8_lower(text), value_set=_MISSING_WORDS), False)
    count = pc.sum(marked).as_py() or 0
    present = len(text) - text.null_count
    if count == 0 or count * 2 >= present:
        return text, None  # none, or so many that they are the column's real values
    return pc.if_else(
        marked, pa.scalar(None, text.type), text
    ), "had “NA”-style markers read as blanks"


def _as_text(column: ArrowColumn) -> pa.Array:
    kind = column.type
    if pa.types.is_duration(kind):
        return pa.array(to_pandas(pa.table({"d": column}))["d"].astype("str").tolist())
    values = column.to_pylist()
    if pa.types.is_map(kind):
        values = [None if v is None else dict(v) for v in values]
    return pa.array([_json_or_text(v) for v in values], pa.string())


def _json_or_text(value: object) -> str | None:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return text_of(value)


def _finite(column: ArrowColumn) -> tuple[ArrowColumn, str | None]:
    """Infinities ("Infinity" in JSON, 1e999) can't be charted or summed: they become blanks."""
    infinite = pc.fill_null(pc.is_inf(column), False)
    count = int(pc.sum(pc.cast(infinite, pa.int64())).as_py() or 0)
    if not count:
        return column, None
    blanked = pc.if_else(infinite, pa.scalar(None, pa.float64()), column)
    return blanked, f"had {_values(count)} of infinity, left blank"


def _drop_empty_rows(table: pa.Table) -> tuple[pa.Table, int]:
    if not table.num_columns or not table.num_rows:
        return table, 0
    empty = None
    for column in table.columns:
        missing = pc.is_null(column, nan_is_null=pa.types.is_floating(column.type))
        empty = missing if empty is None else pc.and_(empty, missing)
    dropped = int(pc.sum(pc.cast(empty, pa.int64())).as_py() or 0)
    if not dropped:
        return table, 0
    return table.filter(pc.invert(empty)), dropped


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
