"""Read CSV, TSV and other delimited text: encoding, delimiter, title lines and decimal commas.

The layout (delimiter, title lines, width, decimal mark) is decided on the first 64 kB; the file
is then parsed by pyarrow's multithreaded CSV reader in blocks, every cell as text, counting rows
as it goes so that a file over the row limit stops at the limit, not at its end. Text that isn't
UTF-8 is transcoded once, chunk by chunk, into the job's scratch folder first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]

from core.errors import EmptyFile, TooManyColumns, TooManyRows, UnparseableFile
from ingest.limits import IngestLimits
from ingest.readers.csv_layout import (
    DELIMITER_NAMES,
    DELIMITERS,
    EXCEL_SEP_LINE,
    Layout,
    sample_of,
    text_layout,
)
from ingest.readers.padded_csv import read_padded
from ingest.table import FileKind, LoadedTable, RowsRead
from ingest.text import detect_file_encoding, read_text_head, transcode_to_utf8

SAMPLE_CHARS = 64 * 1024
MAX_HEADER_CHARS = 64 * 1024 * 1024  # how far to read for a header line with very many columns
BLOCK_BYTES = 8 * 1024 * 1024
BIG_BLOCK_BYTES = 128 * 1024 * 1024  # retried once when one row is longer than a block
UNCLOSED_QUOTE = 'a quoted value is never closed (look for a stray " character)'


@dataclass
class _BadRows:
    """Rows pyarrow could not fit to the layout: too long (skipped, as spreadsheets' CSV
    readers do), too short (padded by the slower reader), or an unclosed quote."""

    short: int = 0
    long: int = 0
    unclosed_quote: bool = False

    def __call__(self, row: Any) -> str:  # a pyarrow.csv.InvalidRow
        expected, actual = row.expected_columns, row.actual_columns
        text = str(row.text)
        if actual < expected:
            if text.count('"') % 2:
                self.unclosed_quote = True
            self.short += 1
        else:
            self.long += 1
        return "skip"


def read_delimited(
    path: Path,
    file_name: str,
    limits: IngestLimits,
    kind: FileKind,
    *,
    scratch: Path,
    on_rows: RowsRead | None = None,
) -> LoadedTable:
    """Read a delimited text file; the first non-title row is the header.

    Args:
        path: the file on disk.
        file_name: the person's name for it, for messages.
        limits: row and column limits.
        kind: "tsv" when the name says so (tabs are then preferred), else "csv".
        scratch: a folder for a UTF-8 copy when the file is in another encoding.
        on_rows: told the number of rows read so far, after each block.
    """
    encoding = detect_file_encoding(path)
    notes = [encoding.note] if encoding.note else []
    head = read_text_head(path, encoding, min_chars=SAMPLE_CHARS, max_chars=MAX_HEADER_CHARS)
    if not head.strip():
        raise EmptyFile(file_name)
    skip_extra, forced = 0, None
    sep_line = EXCEL_SEP_LINE.match(head)
    if sep_line is not None and sep_line.group(1) in DELIMITERS:
        forced, skip_extra = sep_line.group(1), 1
        head = head[sep_line.end() :]
    if not head.strip():
        raise EmptyFile(file_name)
    layout = text_layout(sample_of(head, SAMPLE_CHARS), forced, prefer_tab=kind == "tsv")
    if layout.width > limits.max_columns:
        raise TooManyColumns(file_name, layout.width, limits.max_columns)
    notes.extend(_layout_notes(layout))

    source = path
    if not encoding.is_plain_utf8:
        source = transcode_to_utf8(path, encoding, scratch / "utf8.csv")
    skip = layout.skip_lines + skip_extra
    bad = _BadRows()
    columns = _read_blocks(_Source(source, layout, skip, limits, file_name, bad, on_rows))
    if bad.unclosed_quote:
        raise UnparseableFile(file_name, "CSV", UNCLOSED_QUOTE)
    if bad.short:
        # Short rows (trailing empty cells left out) are common in exports; pad them.
        columns = read_padded(source, layout, skip, limits.max_rows, file_name, on_rows)
    if not columns or not len(columns[0]):
        raise EmptyFile(file_name)
    labels: list[object] = [column[0].as_py() for column in columns]
    data = [column.slice(1) for column in columns]
    if len(data[0]) > limits.max_rows:
        raise TooManyRows(file_name, limits.max_rows)
    kind_read: FileKind = "tsv" if layout.delimiter == "\t" else "csv"
    return LoadedTable(data, labels, kind_read, notes=notes, decimal=layout.decimal)


def _layout_notes(layout: Layout) -> list[str]:
    notes = []
    if layout.delimiter not in (",", "\t"):
        notes.append(f"Read the columns as separated by {DELIMITER_NAMES[layout.delimiter]}")
    if layout.skip_lines:
        lines = "line" if layout.skip_lines == 1 else "lines"
        notes.append(f"Skipped {layout.skip_lines} title {lines} above the column names")
    if layout.decimal == ",":
        notes.append("Read numbers written with a decimal comma (1.234,56 means 1234.56)")
    return notes


@dataclass(frozen=True)
class _Source:
    """What the fast reader needs to know about one file."""

    path: Path  # UTF-8 text
    layout: Layout
    skip: int  # lines above the header row
    limits: IngestLimits
    file_name: str
    bad: _BadRows
    on_rows: RowsRead | None


def _read_blocks(source: _Source) -> list[pa.ChunkedArray]:
    """All cells as text, the header row included, stopping one row past the limit. A row
    longer than a block is read again with bigger blocks, once."""
    for block_bytes in (BLOCK_BYTES, BIG_BLOCK_BYTES):
        try:
            return _stream(source, block_bytes)
        except pa.ArrowInvalid as exc:
            if "straddling" not in str(exc):
                raise
            failure = exc
    raise UnparseableFile(
        source.file_name, "CSV", f"one row is longer than 128 MB, or {UNCLOSED_QUOTE}"
    ) from failure


def _stream(source: _Source, block_bytes: int) -> list[pa.ChunkedArray]:
    layout, limits, file_name, on_rows = (
        source.layout,
        source.limits,
        source.file_name,
        source.on_rows,
    )
    names = [f"c{i}" for i in range(layout.width)]
    reader = pacsv.open_csv(
        source.path,
        read_options=pacsv.ReadOptions(
            skip_rows=source.skip, column_names=names, block_size=block_bytes, use_threads=True
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=layout.delimiter, newlines_in_values=True, invalid_row_handler=source.bad
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],  # "NA" is North America in a region column
        ),
    )
    batches: list[pa.RecordBatch] = []
    rows = 0
    with reader:
        for batch in reader:
            batches.append(batch)
            rows += batch.num_rows
            if on_rows is not None:
                on_rows(max(rows - 1, 0))
            if rows > limits.max_rows + 1:  # the header row, and one row over the limit
                raise TooManyRows(file_name, limits.max_rows)
    if not batches:
        return []
    table = pa.Table.from_batches(batches)
    del batches
    return list(table.columns)
