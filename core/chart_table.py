"""The numbers behind a chart as a plain table: what "Show data" posts and the CSV holds."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Cell = str | float | int | None


class ChartTable(BaseModel):
    """Columns and rows as drawn: e.g. `region | revenue`, or `month | EU | US` for several series.

    `total_rows` counts every row the chart drew; `rows` may hold fewer when it was cut to fit.
    """

    model_config = ConfigDict(frozen=True)

    columns: list[str]
    rows: list[list[Cell]] = Field(default_factory=list)
    total_rows: int = 0

    @property
    def cut(self) -> bool:
        return self.total_rows > len(self.rows)
