"""“Show data”: the first rows behind a chart as Slack's table block, the whole as a CSV file.

Pure. Cells are file text: the table block's `raw_text` cells are never parsed by Slack, and the
CSV neutralises cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@` at the start).
"""

from __future__ import annotations

import csv
import io

from core.chart_table import Cell, ChartTable
from post.blocks import CONTEXT_MAX, HEADER_MAX, Block, mrkdwn, plain
from post.describe import format_number
from post.mrkdwn import cut, visible

TABLE_ROWS_SHOWN = 20  # Slack allows 100 rows; a thread reply reads better short
TABLE_COLUMNS_MAX = 20  # Slack's limit per row
CELL_MAX = 100
CSV_NAME = "data.csv"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def data_blocks(table: ChartTable, title: str, user_id: str) -> list[Block]:
    columns = table.columns[:TABLE_COLUMNS_MAX]
    rows = [
        [_raw(str(c)) for c in columns],
        *([_raw(_shown(v)) for v in row[: len(columns)]] for row in table.rows[:TABLE_ROWS_SHOWN]),
    ]
    total = table.total_rows or len(table.rows)
    shown = min(TABLE_ROWS_SHOWN, len(table.rows))
    more = f"the first {shown:,} of {total:,} rows; " if total > shown else ""
    wide = (
        f" Only the first {TABLE_COLUMNS_MAX} columns fit here."
        if len(table.columns) > TABLE_COLUMNS_MAX
        else ""
    )
    shortened = " (the chart drew more than I keep; the CSV is cut too)" if table.cut else ""
    note = f"Asked by <@{user_id}> · {more}all of it is in {CSV_NAME}{shortened}.{wide}"
    return [
        {"type": "header", "text": plain(f"Data behind “{title}”", HEADER_MAX)},
        {"type": "table", "rows": rows, "column_settings": [{"is_wrapped": True}]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(note, CONTEXT_MAX)}]},
    ]


def data_fallback_text(title: str) -> str:
    return str(mrkdwn(f"Data behind “{title}”", 300)["text"])


def csv_bytes(table: ChartTable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(c) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else _safe(v) for v in row])
    return out.getvalue().encode("utf-8")


def _raw(text: str) -> Block:
    text = visible(text)
    shown = text if len(text) <= CELL_MAX else text[: CELL_MAX - 1] + "…"
    return {"type": "raw_text", "text": shown or " "}


def _shown(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(float(value))
    text = str(value)
    return text[:10] if text.endswith(("T00:00:00", "T00:00:00.000000")) else text


def _safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
