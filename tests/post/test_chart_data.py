"""The numbers a figure draws, read back from its traces: what "Show data" shows and the CSV."""

from __future__ import annotations

import csv
import io

from core.chart_table import ChartTable
from post.chart_data import chart_table
from post.data_blocks import TABLE_ROWS_SHOWN, csv_bytes, data_blocks
from tests.fakes.slack_blocks import block_errors


def test_one_series_is_two_columns() -> None:
    figure = {"data": [{"type": "bar", "x": ["EU", "US"], "y": [3, 4]}]}
    table = chart_table(figure, x_name="region", y_name="revenue")
    assert table == ChartTable(
        columns=["region", "revenue"], rows=[["EU", 3], ["US", 4]], total_rows=2
    )


def test_several_series_over_the_same_x_become_one_column_each() -> None:
    line = {"type": "scatter", "mode": "lines"}
    figure = {
        "data": [
            line | {"name": "EU", "x": ["2024-01", "2024-02"], "y": [1, 2]},
            line | {"name": "US", "x": ["2024-02"], "y": [5]},
        ]
    }
    table = chart_table(figure, x_name="month", y_name="revenue")
    assert table is not None
    assert table.columns == ["month", "EU", "US"]
    assert table.rows == [["2024-01", 1, None], ["2024-02", 2, 5]]


def test_a_pie_is_its_labels_and_values() -> None:
    figure = {"data": [{"type": "pie", "labels": ["a", "b"], "values": [1.5, 2.5]}]}
    table = chart_table(figure, x_name="product", y_name="count")
    assert table is not None and table.rows == [["a", 1.5], ["b", 2.5]]


def test_a_figure_of_an_unexpected_shape_gives_no_table_and_no_error() -> None:
    assert chart_table({"data": "nonsense"}, x_name="x", y_name="y") is None
    assert (
        chart_table(
            {"data": [{"type": "bar", "y": {"dtype": "zz", "bdata": "!!"}}]}, x_name="x", y_name="y"
        )
        is None
    )


def test_the_table_block_shows_the_first_rows_and_passes_slacks_checks() -> None:
    table = ChartTable(
        columns=["n", "v"], rows=[[str(i), i * 1.5] for i in range(50)], total_rows=50
    )
    blocks = data_blocks(table, "Revenue", "U1")
    assert block_errors(blocks) == []
    rows = blocks[1]["rows"]
    assert len(rows) == 1 + TABLE_ROWS_SHOWN
    assert rows[2] == [{"type": "raw_text", "text": "1"}, {"type": "raw_text", "text": "1.50"}]
    assert "first 20 of 50 rows" in blocks[2]["elements"][0]["text"]


def test_the_csv_holds_every_row_and_defuses_spreadsheet_formulas() -> None:
    table = ChartTable(
        columns=["label", "value"],
        rows=[['=HYPERLINK("http://x")', 1], ["-negative text", -2.5], [None, None]],
        total_rows=3,
    )
    parsed = list(csv.reader(io.StringIO(csv_bytes(table).decode())))
    assert parsed == [
        ["label", "value"],
        ['\'=HYPERLINK("http://x")', "1"],
        ["'-negative text", "-2.5"],
        ["", ""],
    ]
