"""Read Parquet with pyarrow, checking rows, columns and unpacked size from the footer first."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from core.errors import TooManyColumns, TooManyRows, UnparseableFile
from ingest.limits import IngestLimits, describe_bytes
from ingest.table import LoadedTable


def read_parquet(path: Path, file_name: str, limits: IngestLimits) -> LoadedTable:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise UnparseableFile(file_name, "Parquet", "its footer is damaged or missing") from exc
    with parquet:
        metadata = parquet.metadata
        columns = len(parquet.schema_arrow)
        if columns > limits.max_columns:
            raise TooManyColumns(file_name, columns, limits.max_columns)
        if metadata.num_rows > limits.max_rows:
            raise TooManyRows(file_name, limits.max_rows)
        unpacked = sum(
            metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups)
        )
        if unpacked > limits.max_unpacked_bytes:
            raise UnparseableFile(
                file_name,
                "Parquet",
                f"it unpacks to {describe_bytes(unpacked)}, more than the "
                f"{describe_bytes(limits.max_unpacked_bytes)} I can hold; keep fewer rows or "
                "columns",
            )
        table = parquet.read()
    df = table.to_pandas()
    if not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index()  # an index pandas saved ("date", "region") is data to chart
    return LoadedTable(df=df, kind="parquet", notes=[])
