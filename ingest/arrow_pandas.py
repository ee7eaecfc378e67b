"""How the normalized Arrow table meets pandas: the Parquet the sandbox reads, and its dtypes.

The sandbox loads the Parquet with `pandas.read_parquet`. Pandas' own schema metadata is written
beside the data so that it reads back with the dtypes chart code expects: int64, float64,
nullable "boolean", datetime64[us] (UTC when the file had time zones) and "str".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

_ROW_GROUP_ROWS = 1_000_000


def pandas_dtype(kind: pa.DataType) -> str:
    """The pandas dtype a column of Arrow type `kind` gets in our Parquet, as pandas names it."""
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_integer(kind):
        return "int64"
    if pa.types.is_floating(kind):
        return "float64"
    if pa.types.is_timestamp(kind):
        return f"datetime64[{kind.unit}, {kind.tz}]" if kind.tz else f"datetime64[{kind.unit}]"
    return "str"


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """`table` as the frame `pandas.read_parquet` gives for our Parquet."""
    frame: pd.DataFrame = table.to_pandas(types_mapper=_types_mapper)
    return frame


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write `table` with pandas metadata, so `pandas.read_parquet` restores our dtypes."""
    table = table.cast(pa.schema([_plain_field(field) for field in table.schema]))
    layout = pd.DataFrame(
        {
            name: pd.Series([], dtype=pandas_dtype(field.type))
            for name, field in zip(table.column_names, table.schema, strict=True)
        }
    )
    metadata = pa.Schema.from_pandas(layout, preserve_index=False).metadata
    pq.write_table(table.replace_schema_metadata(metadata), path, row_group_size=_ROW_GROUP_ROWS)


def _plain_field(field: pa.Field) -> pa.Field:
    kind = field.type
    if pa.types.is_integer(kind):
        return field.with_type(pa.int64())
    if pa.types.is_large_string(kind):
        return field.with_type(pa.string())
    return field


def _types_mapper(kind: pa.DataType) -> object:
    if pa.types.is_boolean(kind):
        return pd.BooleanDtype()
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pd.StringDtype(na_value=float("nan"))
    return None
