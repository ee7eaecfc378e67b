"""`LoadedTable`: what a reader hands back, before normalization."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

import pandas as pd

FileKind = Literal["csv", "tsv", "xlsx", "json", "parquet"]
RowsRead = Callable[[int], None]
# One Arrow column: a pa.Array or pa.ChunkedArray (pyarrow ships no type hints).
ArrowColumn: TypeAlias = Any  # told how many data rows have been read so far

# How each kind is named in "I couldn't read X as ..." messages.
KIND_LABELS: dict[str, str] = {
    "csv": "CSV",
    "tsv": "TSV",
    "xlsx": "an Excel workbook",
    "json": "JSON",
    "parquet": "Parquet",
}


@dataclass(eq=False)
class LoadedTable:
    """A raw table as read from one file.

    Attributes:
        columns: the cells, one Arrow array per column, all of one length (normalization
            empties this list as it converts them).
        labels: the header cells as the file had them: may be duplicated, empty or non-strings.
        kind: the file kind that was read.
        notes: plain-words remarks for the person (sheet used, encoding...).
        decimal: the decimal mark numbers written as text use ("," for `1.234,56` exports).
        sheet: the workbook sheet that was read; sheets: all the workbook's sheet names.
    """

    columns: list[ArrowColumn]
    labels: list[object]
    kind: FileKind
    notes: list[str] = field(default_factory=list)
    decimal: Literal[".", ","] = "."
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @property
    def df(self) -> pd.DataFrame:
        """The raw cells as a pandas frame labelled with the header (for tests and tools)."""
        frame = pd.DataFrame(
            {position: column.to_pylist() for position, column in enumerate(self.columns)},
            dtype=object,
        )
        frame.columns = pd.Index(self.labels, dtype=object)
        return frame
