"""Read one sheet of an .xlsx workbook, streaming, after checks on the zip container.

The sheet is the one asked for (a name, any case, or a 1-based number), else the first that holds
a value. Before openpyxl parses anything, `xlsx_checks` refuses zip bombs, parts that declare XML
entities, and sheets with more rows than the limit (counted in the compressed stream, so a
two-million-row sheet is refused in a second rather than after minutes of parsing). openpyxl
parses with defusedxml (a dependency), reads cached formula results only (`data_only`) and never
evaluates a formula.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from core.errors import EmptyFile, SheetNotFound, TooManyColumns, TooManyRows
from ingest.limits import IngestLimits
from ingest.python_values import column_from_python
from ingest.readers.xlsx_checks import check_sheet_rows, check_zip_container, sheet_parts
from ingest.table import LoadedTable, RowsRead

SheetChoice = str | int | None
MAX_NAMED_SHEETS = 5
_PROGRESS_EVERY = 50_000


def read_xlsx(
    path: Path,
    file_name: str,
    limits: IngestLimits,
    *,
    sheet: SheetChoice = None,
    on_rows: RowsRead | None = None,
) -> LoadedTable:
    """Read the chosen sheet, or the first that holds a value; its first non-empty row is the
    header."""
    check_zip_container(path, file_name, limits)
    parts = sheet_parts(path)
    # Count the rows of the sheet to be read (the first one, unless one was asked for) before
    # openpyxl spends minutes parsing a sheet that is over the limit anyway.
    names = list(parts)
    if names:
        index = _chosen_index(sheet, names, file_name) if sheet is not None else 0
        check_sheet_rows(path, parts[names[index]], file_name, limits)
    # openpyxl warns about every extension it drops (data validation, slicers...); none matter
    # for reading values, and pytest turns warnings into errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        try:
            return _read_workbook(workbook, parts, path, file_name, limits, sheet, on_rows)
        finally:
            workbook.close()


def _read_workbook(
    workbook: Any,
    parts: dict[str, str],
    path: Path,
    file_name: str,
    limits: IngestLimits,
    choice: SheetChoice,
    on_rows: RowsRead | None,
) -> LoadedTable:
    sheets = list(workbook.worksheets)
    names = [str(sheet.title) for sheet in sheets]
    if choice is not None:
        index = _chosen_index(choice, names, file_name)
        check_sheet_rows(path, parts.get(names[index]), file_name, limits)
        table = _read_sheet(sheets[index], file_name, limits, on_rows)
        if table is None:
            raise EmptyFile(f"{file_name} (sheet “{names[index]}”)")
        others = [name for name in names if name != names[index]]
        note = f"Read sheet “{names[index]}”, as asked{_also(others)}"
        return _loaded(table, names[index], names, note)
    skipped: list[str] = []
    for index, sheet in enumerate(sheets):
        check_sheet_rows(path, parts.get(names[index]), file_name, limits)
        table = _read_sheet(sheet, file_name, limits, on_rows)
        if table is None:
            skipped.append(names[index])
            continue
        return _loaded(table, names[index], names, _sheet_note(names[index], skipped, names))
    return LoadedTable([], [], "xlsx", sheets=names)


def _loaded(
    table: tuple[list[object], list[Any]], title: str, names: list[str], note: str
) -> LoadedTable:
    labels, columns = table
    return LoadedTable(columns, labels, "xlsx", notes=[note], sheet=title, sheets=names)


def _chosen_index(choice: str | int, names: list[str], file_name: str) -> int:
    if isinstance(choice, int) or choice.strip().isdigit():
        number = int(choice)
        if 1 <= number <= len(names):
            return number - 1
        raise SheetNotFound(file_name, f"number {number}", names)
    wanted = choice.strip().casefold()
    for index, name in enumerate(names):
        if name.strip().casefold() == wanted:
            return index
    raise SheetNotFound(file_name, f"named “{choice.strip()}”", names)


def _sheet_note(title: str, skipped: list[str], names: list[str]) -> str:
    note = f"Read sheet “{title}”"
    others = [name for name in names if name != title and name not in skipped]
    details = []
    if skipped:
        empty = ", ".join(f"“{name}”" for name in skipped[:3])
        details.append(f"{empty} before it {'was' if len(skipped) == 1 else 'were'} empty")
    if others:
        details.append(f"also in the file: {_names(others)}")
    return note + (f" ({'; '.join(details)})" if details else "")


def _also(others: Sequence[str]) -> str:
    return f" (also in the file: {_names(others)})" if others else ""


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(f"“{name}”" for name in names[:MAX_NAMED_SHEETS])
    more = len(names) - MAX_NAMED_SHEETS
    return shown + (f" and {more:,} more" if more > 0 else "")


def _read_sheet(
    sheet: Any, file_name: str, limits: IngestLimits, on_rows: RowsRead | None
) -> tuple[list[object], list[Any]] | None:
    """The header cells and one Arrow column per column, or None when the sheet holds no value."""
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
        if on_rows is not None and len(data) % _PROGRESS_EVERY == 0:
            on_rows(len(data))
    labels = list(header[:width]) + [None] * (width - len(header[:width]))
    columns = [
        column_from_python([row[position] if position < len(row) else None for row in data])
        for position in range(width)
    ]
    return labels, columns


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
