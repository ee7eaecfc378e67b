"""`LoadedTable`: what a reader hands back, before normalization."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

FileKind = Literal["csv", "tsv", "xlsx", "json", "parquet"]

# How each kind is named in "I couldn't read X as ..." messages.
KIND_LABELS: dict[str, str] = {
    "csv": "CSV",
    "tsv": "TSV",
    "xlsx": "an Excel workbook",
    "json": "JSON",
    "parquet": "Parquet",
}


@dataclass(frozen=True, eq=False)
class LoadedTable:
    """A raw table as read from one file.

    Attributes:
        df: the cells; column labels may still be duplicated, empty or non-strings.
        kind: the file kind that was read.
        notes: plain-words remarks for the person (sheet used, encoding...).
        decimal: the decimal mark numbers written as text use ("," for `1.234,56` exports).
    """

    df: pd.DataFrame
    kind: FileKind
    notes: list[str] = field(default_factory=list)
    decimal: Literal[".", ","] = "."
