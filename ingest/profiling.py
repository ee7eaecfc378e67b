"""Build a `DataProfile` from a normalized table: column roles, stats and a few sample rows.

Everything is an Arrow kernel over whole columns (distinct counts, hash-based value counts,
min/max/mean/std), so a ten-million-row file profiles in about the time it takes to read it once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from ingest.arrow_pandas import pandas_dtype
from ingest.profile import VALUE_INDEX_SIZE, ColumnProfile, ColumnRole, DataProfile
from ingest.python_values import columns_from_frame
from ingest.table import ArrowColumn

SAMPLE_ROWS = 5
COLUMN_THREADS = 2  # Arrow kernels release the GIL: columns are profiled two at a time
TOP_VALUES = 10
_VALUE_CHARS = 80
_SAMPLE_CHARS = 200
_ID_NAME = re.compile(r"(^|[\s_\-])(id|uuid|guid|key|code|no|number|num)$|^id[\s_\-]|id$", re.I)

Plain = str | int | float | bool | None


def profile_table(
    table: pa.Table,
    *,
    file_name: str,
    file_kind: str,
    notes: Sequence[str] = (),
    sheet: str | None = None,
    sheets: Sequence[str] = (),
    dtypes: Mapping[str, str] | None = None,
) -> DataProfile:
    """Profile a normalized table (unique string column names, parsed dates and numbers).

    Args:
        dtypes: the dtype name to report per column; by default the pandas dtype the column
            gets when the sandbox reads the Parquet.
    """
    rows = table.num_rows
    with ThreadPoolExecutor(max_workers=COLUMN_THREADS) as pool:
        columns = list(
            pool.map(
                lambda name: _profile_column(
                    name,
                    table.column(name),
                    rows,
                    (dtypes or {}).get(name) or pandas_dtype(table.schema.field(name).type),
                ),
                table.column_names,
            )
        )
    return DataProfile(
        file_name=file_name,
        file_kind=file_kind,
        rows=rows,
        columns=columns,
        sample_rows=_sample_rows(table),
        notes=list(notes),
        sheet=sheet,
        sheets=list(sheets),
    )


def build_profile(
    df: pd.DataFrame, *, file_name: str, file_kind: str, notes: Sequence[str] = ()
) -> DataProfile:
    """Profile a pandas frame that is already normalized (planner tests and benchmarks)."""
    names = [str(name) for name in df.columns]
    table = pa.table(dict(zip(names, columns_from_frame(df), strict=True)))
    dtypes = {name: str(df[name].dtype) for name in names}
    return profile_table(
        table, file_name=file_name, file_kind=file_kind, notes=notes, dtypes=dtypes
    )


def infer_role(
    name: str, column: ArrowColumn, rows: int, *, present: int, distinct: int
) -> ColumnRole:
    """Guess how a column is used in charts. Only datetime types become "time".

    Args:
        present: how many values are not missing; distinct: how many of them differ.
    """
    kind = column.type
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return "time"
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        looks_like_id = (
            _ID_NAME.search(name) is not None
            and pa.types.is_integer(kind)
            and distinct == present
            and rows > 1
        )
        return "id" if looks_like_id else "number"
    if distinct == 0:
        return "category"
    if distinct == present and rows > 20 and _ID_NAME.search(name):
        return "id"
    mean_length = float(pc.mean(pc.utf8_length(_as_strings(column))).as_py() or 0.0)
    if mean_length > 60:
        return "text"
    if distinct > max(50, rows * 0.5) and rows > 100:
        return "text" if mean_length > 30 else "id"
    return "category"


def _profile_column(name: str, column: ArrowColumn, rows: int, dtype: str) -> ColumnProfile:
    kind = column.type
    present = len(column) - _missing_count(column)
    counted = _value_counts(column) if _is_text(kind) else None
    distinct = len(counted) if counted is not None else _distinct(column)
    role = infer_role(name, column, rows, present=present, distinct=distinct)
    stats: dict[str, object] = {}
    numeric = pa.types.is_integer(kind) or pa.types.is_floating(kind)
    if role in ("number", "id") and numeric and present:
        numbers = pc.cast(column, pa.float64())
        extremes = pc.min_max(numbers)
        stats = {
            "min": _finite(extremes["min"].as_py()),
            "max": _finite(extremes["max"].as_py()),
            "mean": _finite(pc.mean(numbers).as_py()),
            "std": _finite(pc.stddev(numbers, ddof=1).as_py()) if present > 1 else None,
        }
    elif role == "time" and present:
        extremes = pc.min_max(column)
        stats = {"start": _iso(extremes["min"].as_py()), "end": _iso(extremes["max"].as_py())}
    top: list[tuple[str, int]] = []
    values: list[str] = []
    if role in ("category", "boolean", "text", "id") and present:
        frequent = _most_frequent(
            counted if counted is not None else _value_counts(column), VALUE_INDEX_SIZE
        )
        top = [(value[:_VALUE_CHARS], count) for value, count in frequent[:TOP_VALUES]]
        values = [value[:_VALUE_CHARS] for value, _ in frequent]
    return ColumnProfile(
        name=name,
        dtype=dtype,
        role=role,
        non_null=present,
        distinct=distinct,
        top_values=top,
        values=values,
        **stats,
    )


def _value_counts(column: ArrowColumn) -> pa.StructArray:
    """Each distinct value (as text) with its count, in order of first appearance."""
    return pc.value_counts(_as_strings(column).drop_null())


def _most_frequent(counts: pa.StructArray, limit: int) -> list[tuple[str, int]]:
    """Up to `limit` values, most frequent first (ties in order of first appearance)."""
    order = pc.array_sort_indices(counts.field("counts"), order="descending")
    top = counts.take(order[:limit])
    return list(zip(top.field("values").to_pylist(), top.field("counts").to_pylist(), strict=True))


def _as_strings(column: ArrowColumn) -> ArrowColumn:
    """Text as pandas would print each value: "True"/"False" for booleans."""
    if pa.types.is_boolean(column.type):
        return pc.if_else(column, "True", "False")
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column
    return pc.cast(column, pa.string())


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _distinct(column: ArrowColumn) -> int:
    return int(pc.count_distinct(column, mode="only_valid").as_py())


def _missing_count(column: ArrowColumn) -> int:
    if pa.types.is_floating(column.type):
        return int(pc.sum(pc.cast(pc.is_null(column, nan_is_null=True), pa.int64())).as_py() or 0)
    return int(column.null_count)


def _sample_rows(table: pa.Table) -> list[dict[str, Plain]]:
    return [
        {str(key): _plain(value) for key, value in record.items()}
        for record in table.slice(0, SAMPLE_ROWS).to_pylist()
    ]


def _plain(value: object) -> Plain:
    if value is None:
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return value[:_SAMPLE_CHARS]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime | dt.date):
        return _iso(value)
    return str(value)[:_SAMPLE_CHARS]


def _iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return pd.Timestamp(value).isoformat()
    return str(value)


def _finite(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None
