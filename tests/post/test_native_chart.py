"""Slack's own chart, built from the figure's numbers only where it fits Slack's limits."""

from __future__ import annotations

import base64
import struct
from typing import Any

import pytest

from planner.plan import ChartSpec
from post.native_chart import native_chart_block
from tests.fakes.slack_blocks import block_errors


def spec(chart_type: str = "bar", **fields: Any) -> ChartSpec:
    base: dict[str, Any] = {"x": "region", "y": "revenue", "aggregate": "sum", "title": "Revenue"}
    return ChartSpec.model_validate({"chart_type": chart_type} | base | fields)


def typed(values: list[float]) -> dict[str, str]:
    """Plotly's typed-array encoding, as figures come out of the sandbox."""
    data = struct.pack(f"<{len(values)}d", *values)
    return {"dtype": "f8", "bdata": base64.b64encode(data).decode()}


def bar_figure(labels: list[str], values: list[float], *, traces: int = 1) -> dict[str, Any]:
    return {
        "data": [
            {"type": "bar", "orientation": "v", "name": f"s{i}" if traces > 1 else "",
             "x": labels, "y": typed(values)}
            for i in range(traces)
        ],
        "layout": {"xaxis": {"title": {"text": "Region"}}, "yaxis": {"title": {"text": "Total"}}},
    }  # fmt: skip


def test_a_bar_chart_carries_the_drawn_numbers_and_passes_slacks_checks() -> None:
    block = native_chart_block(spec(), bar_figure(["EU", "US"], [1.5, 2.0]))
    assert block is not None
    assert block_errors([block]) == []
    chart = block["chart"]
    assert chart["series"] == [
        {"name": "Total", "data": [{"label": "EU", "value": 1.5}, {"label": "US", "value": 2.0}]}
    ]
    assert chart["axis_config"] == {
        "categories": ["EU", "US"],
        "x_label": "Region",
        "y_label": "Total",
    }


def test_monthly_time_labels_are_shortened_to_the_grain() -> None:
    months = ["2024-01-01T00:00:00", "2024-02-01T00:00:00"]
    figure = {"data": [{"type": "scatter", "mode": "lines", "x": months, "y": [1, 2]}]}
    block = native_chart_block(spec("line", x="date", time_grain="M"), figure)
    assert block is not None
    assert block["chart"]["axis_config"]["categories"] == ["2024-01", "2024-02"]


def test_a_pie_becomes_segments() -> None:
    figure = {"data": [{"type": "pie", "labels": ["EU", "US"], "values": typed([3.0, 1.0])}]}
    block = native_chart_block(spec("pie"), figure)
    assert block is not None and block_errors([block]) == []
    assert block["chart"] == {
        "type": "pie",
        "segments": [{"label": "EU", "value": 3.0}, {"label": "US", "value": 1.0}],
    }


@pytest.mark.parametrize(
    ("chart", "figure"),
    [
        ("bar", bar_figure([f"c{i}" for i in range(21)], [1.0] * 21)),  # > 20 points
        ("bar", bar_figure(["EU", "US"], [1.0, 2.0], traces=7)),  # > 6 series
        ("pie", {"data": [{"type": "pie", "labels": list("abcdefg"), "values": [1] * 7}]}),
        ("pie", {"data": [{"type": "pie", "labels": ["a", "b"], "values": [1, -2]}]}),
        ("scatter", bar_figure(["EU"], [1.0])),  # Slack draws no scatter
        ("bar", bar_figure(["a very long region name 1", "a very long region name 2"], [1, 2])),
    ],
    ids=["21-points", "7-series", "7-slices", "negative-slice", "scatter", "labels-collide"],
)
def test_charts_beyond_slacks_limits_get_no_native_block(
    chart: str, figure: dict[str, Any]
) -> None:
    assert native_chart_block(spec(chart), figure) is None


def test_long_labels_are_cut_to_twenty_characters_when_they_stay_distinct() -> None:
    block = native_chart_block(spec(), bar_figure(["North America and Canada", "Europe"], [1, 2]))
    assert block is not None and block_errors([block]) == []
    assert block["chart"]["axis_config"]["categories"] == ["North America and C…", "Europe"]


def test_a_long_title_is_cut_to_fifty_characters() -> None:
    block = native_chart_block(spec(title="x" * 80), bar_figure(["EU"], [1.0]))
    assert block is not None and len(block["title"]) == 50
