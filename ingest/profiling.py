"""Build a `DataProfile` from a normalized DataFrame: column roles, stats and a few sample rows."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import pandas as pd

from ingest.profile import VALUE_INDEX_SIZE, ColumnProfile, ColumnRole, DataProfile

SAMPLE_ROWS = 5
TOP_VALUES = 10
_ID_NAME = re.compile(r"(^|[\s_\-])(id|uuid|guid|key|code|no|number|num)$|^id[\s_\-]|id$", re.I)


def build_profile(
    df: pd.DataFrame, *, file_name: str, file_kind: str, notes: Sequence[str] = ()
) -> DataProfile:
    """Profile `df` (already normalized: unique string column names, parsed dates and numbers)."""
    columns = [_profile_column(str(name), df[name], len(df)) for name in df.columns]
    return DataProfile(
        file_name=file_name,
        file_kind=file_kind,
        rows=len(df),
        columns=columns,
        sample_rows=_sample_rows(df),
        notes=list(notes),
    )


def infer_role(name: str, series: pd.Series, rows: int) -> ColumnRole:
    """Guess how a column is used in charts. Only datetime dtypes become "time"."""
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "time"
    non_null = series.dropna()
    distinct = int(non_null.nunique())
    if pd.api.types.is_numeric_dtype(series):
        looks_like_id = (
            _ID_NAME.search(name) is not None
            and pd.api.types.is_integer_dtype(non_null)
            and distinct == len(non_null)
            and rows > 1
        )
        return "id" if looks_like_id else "number"
    if distinct == 0:
        return "category"
    if distinct == len(non_null) and rows > 20 and _ID_NAME.search(name):
        return "id"
    mean_length = float(non_null.astype(str).str.len().mean())
    if mean_length > 60:
        return "text"
    if distinct > max(50, rows * 0.5) and rows > 100:
        return "text" if mean_length > 30 else "id"
    return "category"


def _profile_column(name: str, series: pd.Series, rows: int) -> ColumnProfile:
    role = infer_role(name, series, rows)
    non_null = series.dropna()
    stats: dict[str, object] = {}
    if role in ("number", "id") and pd.api.types.is_numeric_dtype(series) and len(non_null):
        numbers = non_null.astype("float64")
        stats = {
            "min": _finite(numbers.min()),
            "max": _finite(numbers.max()),
            "mean": _finite(numbers.mean()),
            "std": _finite(numbers.std()) if len(numbers) > 1 else None,
        }
    elif role == "time" and len(non_null):
        stats = {"start": non_null.min().isoformat(), "end": non_null.max().isoformat()}
    top: list[tuple[str, int]] = []
    values: list[str] = []
    if role in ("category", "boolean", "text", "id") and len(non_null):
        counts = non_null.astype(str).value_counts()
        top = [(str(k)[:80], int(v)) for k, v in counts.head(TOP_VALUES).items()]
        values = [str(k)[:80] for k in counts.index[:VALUE_INDEX_SIZE]]
    return ColumnProfile(
        name=name,
        dtype=str(series.dtype),
        role=role,
        non_null=len(non_null),
        distinct=int(non_null.nunique()),
        top_values=top,
        values=values,
        **stats,
    )


def _sample_rows(df: pd.DataFrame) -> list[dict[str, str | int | float | bool | None]]:
    rows: list[dict[str, str | int | float | bool | None]] = []
    for record in df.head(SAMPLE_ROWS).to_dict(orient="records"):
        rows.append({str(k): _plain(v) for k, v in record.items()})
    return rows


def _plain(value: object) -> str | int | float | bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return None
    if isinstance(value, bool | int | str):
        return value if not isinstance(value, str) else value[:200]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):
        item = value.item()
        if isinstance(item, bool | int | float | str):
            return item
    return str(value)[:200]


def _finite(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None
