"""Columns of Python values (from openpyxl, json, pandas object columns) as Arrow arrays.

A column whose values are all one kind keeps that kind: booleans, numbers (int64 when every row is
a whole number with no blank, else float64), or datetimes. Anything mixed becomes text, one string
per value (lists and objects as JSON), which normalization then reads like a CSV column, so `[1,
"2"]` still ends up as numbers while `[1, "two"]` stays text. The per-value loop runs only over
what a Python parser already produced one value at a time.
"""

from __future__ import annotations

import datetime as dt
import decimal as decimal_module
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

_INT64_MAX = 2**63 - 1


def column_from_python(values: Sequence[Any]) -> pa.Array:
    """One column of Python values as a typed Arrow array, or as text when the kinds are mixed."""
    kinds: set[str] = set()
    for value in values:
        if _missing(value):
            continue
        kinds.add(_kind(value))
        if "other" in kinds or len(kinds) > 2:
            break
    if kinds == {"bool"}:
        return pa.array([None if _missing(v) else bool(v) for v in values], pa.bool_())
    if kinds and kinds <= {"int", "float"}:
        numbers = _numbers(values, whole=kinds == {"int"})
        if numbers is not None:
            return numbers
    if kinds == {"datetime"}:
        return _datetimes(values)
    return pa.array([text_of(v) for v in values], pa.string())


def columns_from_frame(df: pd.DataFrame) -> list[pa.Array]:
    """The columns of a pandas frame as Arrow arrays (object columns through the rules above)."""
    columns: list[pa.Array] = []
    for position in range(df.shape[1]):
        series = df.iloc[:, position]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        if series.dtype == object:
            columns.append(column_from_python(series.tolist()))
        elif pd.api.types.is_timedelta64_dtype(series.dtype):
            columns.append(pa.array(series.astype("str").tolist(), pa.string()))
        else:
            columns.append(pa.Array.from_pandas(series))
    return columns


def _kind(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, int | np.integer):
        return "int"
    if isinstance(value, float | np.floating | decimal_module.Decimal):
        return "float"
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp | np.datetime64):
        return "datetime"
    return "other"


def _missing(value: object) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _numbers(values: Sequence[Any], *, whole: bool) -> pa.Array | None:
    if whole and not any(_missing(v) for v in values):
        ints = [int(v) for v in values]
        if all(-_INT64_MAX - 1 <= v <= _INT64_MAX for v in ints):
            return pa.array(ints, pa.int64())
        return None  # integers past 64 bits stay text
    try:
        floats = [None if _missing(v) else float(v) for v in values]
    except OverflowError:
        return None
    return pa.array(floats, pa.float64())


def _datetimes(values: Sequence[Any]) -> pa.Array:
    stamps = [None if _missing(v) else pd.Timestamp(v) for v in values]
    aware = any(s is not None and s.tzinfo is not None for s in stamps)
    if aware:
        stamps = [
            None if s is None else (s.tz_convert("UTC") if s.tzinfo else s.tz_localize("UTC"))
            for s in stamps
        ]
    unit_type = pa.timestamp("us", tz="UTC" if aware else None)
    try:
        return pa.array([None if s is None else s.to_pydatetime() for s in stamps], unit_type)
    except (pa.ArrowInvalid, OverflowError, ValueError):
        return pa.array([text_of(v) for v in values], pa.string())


def text_of(value: Any) -> str | None:
    """One value as the text a spreadsheet would show; None for blanks."""
    if _missing(value):
        return None
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
    return str(value)
