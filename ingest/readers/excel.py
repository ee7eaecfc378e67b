"""Read the first non-empty sheet of an .xlsx workbook, streaming, with zip-bomb checks first.

openpyxl parses with defusedxml when it is installed (it is a dependency), so entity-expansion
attacks in the sheet XML are refused by the parser; the zip container is checked here.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from core.errors import TooManyColumns, TooManyRows, UnparseableFile
from ingest.limits import IngestLimits, describe_bytes
from ingest.table import KIND_LABELS, LoadedTable

MAX_ZIP_ENTRIES = 10_000
_KIND = KIND_LABELS["xlsx"]


def read_xlsx(path: Path, file_name: str, limits: IngestLimits) -> LoadedTable:
    """Read the first sheet that holds a value; its first non-empty row is the header."""
    check_zip_container(path, file_name, limits)
    # openpyxl warns about every extension it drops (data validation, slicers...); none matter
    # for reading values, and pytest turns warnings into errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        try:
            return _read_first_sheet(workbook, file_name, limits)
        finally:
            workbook.close()


def check_zip_container(path: Path, file_name: str, limits: IngestLimits) -> None:
    """Refuse zips that unpack to far more than they weigh, before anything decompresses them.

    The sizes come from the central directory; Python's zipfile stops reading a member at its
    declared size, so a member cannot lie its way past this check.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnparseableFile(file_name, _KIND, "the .xlsx (zip) container is damaged") from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnparseableFile(file_name, _KIND, f"it holds {len(entries):,} parts, too many")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_unpacked_bytes:
        raise UnparseableFile(
            file_name,
            _KIND,
            f"it unpacks to {describe_bytes(unpacked)}, more than the "
            f"{describe_bytes(limits.max_unpacked_bytes)} I can hold; keep fewer rows or split it "
            "into smaller files",
        )


def _read_first_sheet(workbook: Any, file_name: str, limits: IngestLimits) -> LoadedTable:
    sheets = list(workbook.worksheets)
    skipped: list[str] = []
    for sheet in sheets:
        table = _read_sheet(sheet, file_name, limits)
        if table is None:
            skipped.append(str(sheet.title))
            continue
        notes = [_sheet_note(str(sheet.title), skipped, len(sheets))]
        return LoadedTable(df=table, kind="xlsx", notes=notes)
    return LoadedTable(df=pd.DataFrame(), kind="xlsx", notes=[])


def _sheet_note(title: str, skipped: list[str], sheet_count: int) -> str:
    note = f"Read sheet “{title}”"
    if skipped:
        empty = ", ".join(f"“{name}”" for name in skipped[:3])
        were = "was" if len(skipped) == 1 else "were"
        note += f" ({empty} before it {were} empty)"
    elif sheet_count > 1:
        note += f", the first of {sheet_count} sheets; move the one you want first to chart another"
    return note


def _read_sheet(sheet: Any, file_name: str, limits: IngestLimits) -> pd.DataFrame | None:
    """The sheet as a frame with the header row as labels, or None when it holds no value."""
    # The <dimension> tag is written by the producer; a hostile A1:XFD1048576 would make
    # openpyxl pad every row to 16,384 cells and invent a million empty rows.
    sheet.reset_dimensions()
    rows = _non_empty_rows(sheet.iter_rows(values_only=True))
    header = next(rows, None)
    if header is None:
        return None
    width = _trimmed_width(header)
    _check_width(width, file_name, limits)
    data: list[tuple[Any, ...]] = []
    for row in rows:
        if len(row) > width:
            tail = row[width:]
            if tail.count(None) != len(tail):
                width = _trimmed_width(row)
                _check_width(width, file_name, limits)
        data.append(row[:width])
        if len(data) > limits.max_rows:
            raise TooManyRows(file_name, limits.max_rows)
    labels = list(header[:width]) + [None] * (width - len(header[:width]))
    frame = pd.DataFrame.from_records(
        [row + (None,) * (width - len(row)) for row in data], columns=range(width)
    )
    frame.columns = pd.Index(labels, dtype=object)
    return frame


def _non_empty_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        if row.count(None) + row.count("") != len(row):
            yield row


def _trimmed_width(row: tuple[Any, ...]) -> int:
    width = len(row)
    while width and row[width - 1] in (None, ""):
        width -= 1
    return width


def _check_width(width: int, file_name: str, limits: IngestLimits) -> None:
    if width > limits.max_columns:
        raise TooManyColumns(file_name, width, limits.max_columns)
