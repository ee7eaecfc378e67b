"""Read Parquet with pyarrow, checking rows, columns and unpacked size from the footer first.

Text columns are read dictionary-encoded: a dictionary bomb (one long value repeated by a few
bytes of run-length indices, a 1.7 kB file that decodes to gigabytes) costs only its dictionary
and indices, and its decoded size is computed and refused before anything materializes it.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from core.errors import TooManyColumns, TooManyRows, UnparseableFile
from ingest.limits import IngestLimits, describe_bytes
from ingest.table import LoadedTable, RowsRead

_KIND = "Parquet"


def read_parquet(
    path: Path, file_name: str, limits: IngestLimits, *, on_rows: RowsRead | None = None
) -> LoadedTable:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise UnparseableFile(file_name, _KIND, "its footer is damaged or missing") from exc
    with parquet:
        metadata = parquet.metadata
        schema = parquet.schema_arrow
        if len(schema) > limits.max_columns:
            raise TooManyColumns(file_name, len(schema), limits.max_columns)
        if metadata.num_rows > limits.max_rows:
            raise TooManyRows(file_name, limits.max_rows)
        unpacked = sum(
            metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups)
        )
        _check_unpacked(unpacked, file_name, limits)
    text_columns = [
        field.name
        for field in schema
        if pa.types.is_string(field.type)
        or pa.types.is_large_string(field.type)
        or pa.types.is_binary(field.type)
        or pa.types.is_large_binary(field.type)
    ]
    table = _read_row_groups(path, text_columns, limits, on_rows)
    _check_unpacked(_decoded_text_bytes(table) + _fixed_width_bytes(table), file_name, limits)
    table = _index_columns_first(table, schema)
    return LoadedTable(list(table.columns), list(table.column_names), "parquet")


def _read_row_groups(
    path: Path, text_columns: list[str], limits: IngestLimits, on_rows: RowsRead | None
) -> pa.Table:
    pieces: list[pa.Table] = []
    rows = 0
    with pq.ParquetFile(path, read_dictionary=text_columns) as parquet:
        for index in range(parquet.metadata.num_row_groups):
            piece = parquet.read_row_group(index)
            pieces.append(piece)
            rows += piece.num_rows
            if on_rows is not None:
                on_rows(rows)
        if not pieces:
            return parquet.schema_arrow.empty_table()
    return pa.concat_tables(pieces, promote_options="permissive")


def _decoded_text_bytes(table: pa.Table) -> int:
    """What the dictionary-encoded text columns will weigh once every row holds its value."""
    total = 0
    for column in table.columns:
        if not pa.types.is_dictionary(column.type):
            continue
        for chunk in column.chunks:
            lengths = pc.binary_length(chunk.dictionary)
            if not len(lengths):
                continue
            per_row = pc.take(lengths, pc.fill_null(chunk.indices, 0))
            total += int(pc.sum(per_row).as_py() or 0)
    return total


def _fixed_width_bytes(table: pa.Table) -> int:
    return sum(column.nbytes for column in table.columns if not pa.types.is_dictionary(column.type))


def _check_unpacked(unpacked: int, file_name: str, limits: IngestLimits) -> None:
    if unpacked > limits.max_unpacked_bytes:
        raise UnparseableFile(
            file_name,
            _KIND,
            f"it unpacks to {describe_bytes(unpacked)}, more than the "
            f"{describe_bytes(limits.max_unpacked_bytes)} I can hold; keep fewer rows or "
            "columns",
        )


def _index_columns_first(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """An index pandas saved ("date", "region") is data to chart: put it first, as a column."""
    metadata = schema.pandas_metadata or {}
    stored = [name for name in metadata.get("index_columns", []) if isinstance(name, str)]
    if not stored:
        return table
    names = [name for name in stored if name in table.column_names]
    order = names + [name for name in table.column_names if name not in names]
    table = table.select(order)
    renamed = ["index" if name.startswith("__index_level_") else name for name in order]
    return table.rename_columns(renamed)
