"""Decide a delimited file's layout from its first lines: delimiter, title lines, width, decimals.

Works on a decoded sample (64 kB, or the whole first line when it is longer), with Python's csv
module, which is plenty for a few dozen rows and handles quoting exactly.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes (|)"}
_SNIFF_CHARS = 8 * 1024  # csv.Sniffer's regexes get slow on long hostile lines
_SAMPLE_ROWS = 60
_PREAMBLE_ROWS = 20

# Excel writes this first line in some locales' CSV exports.
EXCEL_SEP_LINE = re.compile(r"\Asep=(.)\r?\n")
# A separator followed by exactly three digits could be either mark (1,234 / 1.234): no evidence.
_COMMA_DECIMAL = re.compile(r"^[-+]?(?:\d{1,3}(?:\.\d{3})+,\d+|\d+,(?:\d{1,2}|\d{4,}))$")
_DOT_DECIMAL = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+\.\d+|\d+\.(?:\d{1,2}|\d{4,}))$")
_NUMBER_NOISE = re.compile(r"[\s\u00a0$€£%()]")


@dataclass(frozen=True)
class Layout:
    delimiter: str
    skip_lines: int  # title lines above the header
    width: int  # columns to read
    decimal: Literal[".", ","]


def sample_of(text: str, chars: int) -> str:
    """The start of `text`, cut at a line end when there is one; the whole first line always."""
    first_line_end = text.find("\n")
    limit = max(chars, first_line_end + 1)
    sample = text[:limit]
    if len(text) > limit:
        cut = sample.rfind("\n")
        if cut > 0:
            sample = sample[:cut]
    return sample


def text_layout(sample: str, forced: str | None, *, prefer_tab: bool) -> Layout:
    delimiter = forced or detect_delimiter(sample, prefer_tab=prefer_tab)
    rows = _rows(sample, delimiter)
    if not rows:
        return Layout(delimiter, 0, 1, ".")
    counts = [len(row) for _, row in rows]
    modal = _mode(counts[1:] or counts)
    header_at = _header_index(rows, modal)
    skip_lines = rows[header_at][0]
    width = max(len(rows[header_at][1]), modal)
    cells = [cell for _, row in rows[header_at + 1 :] for cell in row]
    return Layout(delimiter, skip_lines, width, _decimal_mark(cells))


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
