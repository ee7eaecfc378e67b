"""Read CSV, TSV and other delimited text: encoding, delimiter, title lines and decimal commas."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from core.errors import EmptyFile, TooManyColumns, TooManyRows
from ingest.limits import IngestLimits
from ingest.table import FileKind, LoadedTable
from ingest.text import decode_text

DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes (|)"}
SAMPLE_CHARS = 64 * 1024
_SNIFF_CHARS = 8 * 1024  # csv.Sniffer's regexes get slow on long hostile lines
_SAMPLE_ROWS = 60
_PREAMBLE_ROWS = 20

# Excel writes this first line in some locales' CSV exports.
_EXCEL_SEP_LINE = re.compile(r"\Asep=(.)\r?\n")
# A separator followed by exactly three digits could be either mark (1,234 / 1.234): no evidence.
_COMMA_DECIMAL = re.compile(r"^[-+]?(?:\d{1,3}(?:\.\d{3})+,\d+|\d+,(?:\d{1,2}|\d{4,}))$")
_DOT_DECIMAL = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+\.\d+|\d+\.(?:\d{1,2}|\d{4,}))$")
_NUMBER_NOISE = re.compile(r"[\s\u00a0$€£%()]")


@dataclass(frozen=True)
class _Layout:
    delimiter: str
    skip_lines: int  # title lines above the header
    width: int  # columns to read
    decimal: Literal[".", ","]


def read_delimited(path: Path, file_name: str, limits: IngestLimits, kind: FileKind) -> LoadedTable:
    """Read a delimited text file; the first non-title row is the header.

    Args:
        path: the file on disk.
        file_name: the person's name for it, for messages.
        limits: row and column limits.
        kind: "tsv" when the name says so (tabs are then preferred), else "csv".
    """
    decoded = decode_text(path.read_bytes())
    notes = [decoded.note] if decoded.note else []
    text = decoded.text
    forced: str | None = None
    sep_line = _EXCEL_SEP_LINE.match(text)
    if sep_line is not None and sep_line.group(1) in DELIMITERS:
        forced = sep_line.group(1)
        text = text[sep_line.end() :]
    if not text.strip():
        raise EmptyFile(file_name)

    layout = _layout(_sample(text), forced, prefer_tab=kind == "tsv")
    if layout.width > limits.max_columns:
        raise TooManyColumns(file_name, layout.width, limits.max_columns)
    if layout.delimiter not in (",", "\t"):
        notes.append(f"Read the columns as separated by {_DELIMITER_NAMES[layout.delimiter]}")
    if layout.skip_lines:
        lines = "line" if layout.skip_lines == 1 else "lines"
        notes.append(f"Skipped {layout.skip_lines} title {lines} above the column names")
    if layout.decimal == ",":
        notes.append("Read numbers written with a decimal comma (1.234,56 means 1234.56)")

    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=layout.delimiter,
            header=None,
            names=list(range(layout.width)),
            dtype=str,
            keep_default_na=False,  # "NA" is North America in a region column
            na_values=[""],
            skiprows=layout.skip_lines,
            nrows=limits.max_rows + 2,  # the header row, and one row over the limit
            skip_blank_lines=True,
            on_bad_lines="skip",
            engine="c",
        )
    except pd.errors.EmptyDataError as exc:
        raise EmptyFile(file_name) from exc
    if raw.empty:
        raise EmptyFile(file_name)
    header = [None if pd.isna(v) else v for v in raw.iloc[0].tolist()]
    df = raw.iloc[1:].reset_index(drop=True)
    df.columns = pd.Index(header, dtype=object)
    if len(df) > limits.max_rows:
        raise TooManyRows(file_name, limits.max_rows)
    kind_read: FileKind = "tsv" if layout.delimiter == "\t" else "csv"
    return LoadedTable(df=df, kind=kind_read, notes=notes, decimal=layout.decimal)


def _sample(text: str) -> str:
    """The start of `text`, cut at a line end when there is one."""
    sample = text[:SAMPLE_CHARS]
    if len(text) > SAMPLE_CHARS:
        cut = sample.rfind("\n")
        if cut > 0:
            sample = sample[:cut]
    return sample


def _layout(sample: str, forced: str | None, *, prefer_tab: bool) -> _Layout:
    delimiter = forced or detect_delimiter(sample, prefer_tab=prefer_tab)
    rows = _rows(sample, delimiter)
    if not rows:
        return _Layout(delimiter, 0, 1, ".")
    counts = [len(row) for _, row in rows]
    modal = _mode(counts[1:] or counts)
    header_at = _header_index(rows, modal)
    skip_lines = rows[header_at][0]
    width = max(len(rows[header_at][1]), modal)
    cells = [cell for _, row in rows[header_at + 1 :] for cell in row]
    return _Layout(delimiter, skip_lines, width, _decimal_mark(cells))


def detect_delimiter(sample: str, *, prefer_tab: bool = False) -> str:
    """The delimiter that splits the sample's lines into the most consistent number of fields.

    csv.Sniffer breaks ties between equally consistent candidates; a single-column file gets ",".
    """
    scores: dict[str, tuple[bool, float, int]] = {}
    for delimiter in DELIMITERS:
        counts = [len(row) for _, row in _rows(sample, delimiter)]
        if not counts:
            continue
        data_counts = counts[1:] or counts
        modal = _mode(data_counts)
        consistency = data_counts.count(modal) / len(data_counts)
        scores[delimiter] = (modal > 1, round(consistency, 2), modal)
    usable = {d: s for d, s in scores.items() if s[0]}
    if not usable:
        return ","
    if prefer_tab and "\t" in usable and usable["\t"][1] >= 0.9:
        return "\t"
    best = max(usable.values(), key=lambda s: s[:2])
    tied = [d for d, s in usable.items() if s[:2] == best[:2]]
    if len(tied) > 1:
        try:
            sniffed = csv.Sniffer().sniff(sample[:_SNIFF_CHARS], delimiters="".join(tied))
        except csv.Error:
            sniffed = None
        if sniffed is not None and sniffed.delimiter in tied:
            return str(sniffed.delimiter)
    return max(tied, key=lambda d: usable[d][2])


def _rows(sample: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Up to `_SAMPLE_ROWS` non-blank rows with the 0-based line each starts on."""
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        while len(rows) < _SAMPLE_ROWS:
            start = reader.line_num
            row = next(reader, None)
            if row is None:
                break
            if any(cell.strip() for cell in row):
                rows.append((start, row))
    except csv.Error:
        pass  # a malformed sample line: judge on the rows read so far
    return rows


def _mode(counts: list[int]) -> int:
    tally = Counter(counts)
    return max(tally, key=lambda n: (tally[n], n))


def _header_index(rows: list[tuple[int, list[str]]], modal: int) -> int:
    """Skip title lines ("Sales report", "Exported 2024-05-01") above the real header."""
    if modal < 2:
        return 0
    for index, (_, row) in enumerate(itertools.islice(rows, _PREAMBLE_ROWS)):
        filled = sum(1 for cell in row if cell.strip())
        if len(row) >= modal and filled >= 2:
            return index
    return 0


def _decimal_mark(cells: list[str]) -> Literal[".", ","]:
    comma = dot = 0
    for cell in cells:
        bare = _NUMBER_NOISE.sub("", cell)
        if _COMMA_DECIMAL.match(bare):
            comma += 1
        elif _DOT_DECIMAL.match(bare):
            dot += 1
    return "," if comma > dot else "."
