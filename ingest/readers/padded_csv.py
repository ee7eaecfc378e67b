"""The slower CSV path for files with short rows: Python's csv module, rows padded with blanks.

pyarrow refuses rows with fewer cells than the header; spreadsheets export them whenever trailing
cells are empty. Rows with more cells than the header are skipped, as on the fast path. Cells go
into Arrow in slices of rows, so memory stays that of the text itself.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]

from core.errors import TooManyRows
from ingest.readers.csv_layout import Layout
from ingest.table import RowsRead

SLICE_ROWS = 65_536


def read_padded(
    source: Path,
    layout: Layout,
    skip_lines: int,
    max_rows: int,
    file_name: str,
    on_rows: RowsRead | None,
) -> list[pa.ChunkedArray]:
    """Every row as text (the header row first), short rows padded, at most `max_rows` data rows."""
    width = layout.width
    chunks: list[list[pa.Array]] = [[] for _ in range(width)]
    cells: list[list[str | None]] = [[] for _ in range(width)]
    rows = 0
    csv.field_size_limit(1 << 30)
    with source.open(encoding="utf_8", newline="") as fh:
        lines = itertools.islice(fh, skip_lines, None)
        for row in csv.reader(lines, delimiter=layout.delimiter):
            if not row or len(row) > width:
                continue  # blank lines, and rows that don't fit the header
            rows += 1
            if rows > max_rows + 1:
                raise TooManyRows(file_name, max_rows)
            for position in range(width):
                value = row[position] if position < len(row) else ""
                cells[position].append(value or None)
            if len(cells[0]) == SLICE_ROWS:
                _flush(cells, chunks)
                if on_rows is not None:
                    on_rows(rows - 1)
    _flush(cells, chunks)
    return [pa.chunked_array(parts, pa.string()) for parts in chunks]


def _flush(cells: list[list[str | None]], chunks: list[list[pa.Array]]) -> None:
    for position, values in enumerate(cells):
        if values:
            chunks[position].append(pa.array(values, pa.string()))
            values.clear()
