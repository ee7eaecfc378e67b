"""The data profile: the only view of a file that planners (and, later, an LLM) ever see."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ColumnRole = Literal["number", "category", "time", "id", "text", "boolean"]
VALUE_INDEX_SIZE = 500


class ColumnProfile(BaseModel):
    """One column. Numbers are computed from the file; `top_values` holds at most ~10 entries."""

    model_config = ConfigDict(frozen=True)

    name: str
    dtype: str
    role: ColumnRole
    non_null: int
    distinct: int
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    std: float | None = None
    start: str | None = None  # time columns: ISO first / last timestamps
    end: str | None = None
    top_values: list[tuple[str, int]] = Field(default_factory=list)
    # Category, boolean, id and text columns: their most frequent distinct values (at most
    # `VALUE_INDEX_SIZE`, each cut to 80 characters), so that a question naming a value ("only
    # texas", "AAPL vs GOOG") finds its column. Planners only; not sent to a model in full.
    values: list[str] = Field(default_factory=list)


class DataProfile(BaseModel):
    model_config = ConfigDict(frozen=True)

    file_name: str
    file_kind: str  # "csv", "tsv", "xlsx", "json", "parquet"
    rows: int
    columns: list[ColumnProfile]
    sample_rows: list[dict[str, str | int | float | bool | None]] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # e.g. "read sheet “Q3”", "encoding latin-1"
    # Workbooks: the sheet that was read, and the names of all the sheets in the file, in order.
    sheet: str | None = None
    sheets: list[str] = Field(default_factory=list)

    def column(self, name: str) -> ColumnProfile:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def names(self, *roles: ColumnRole) -> list[str]:
        """Column names, optionally only those with one of `roles`, in file order."""
        return [c.name for c in self.columns if not roles or c.role in roles]
