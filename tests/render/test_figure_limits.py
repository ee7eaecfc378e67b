"""Figure JSON checks: each limit refuses with a reason, and a normal chart passes."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pytest

from core.errors import RenderFailed
from render.limits import FigureLimits, check_figure, check_size, trace_points


def test_normal_chart_passes(bar_figure: dict[str, Any]) -> None:
    check_figure(bar_figure)
    check_size(1000, 600, 2.0)


def test_counts_points_in_lists_grids_and_typed_arrays() -> None:
    typed = {"dtype": "f8", "bdata": base64.b64encode(np.zeros(1234).tobytes()).decode()}
    assert trace_points({"x": [1, 2, 3], "y": typed}) == 1234
    assert trace_points({"z": [[1, 2], [3, 4], [5, 6]]}) == 6
    assert trace_points({"z": {"dtype": "i4", "bdata": "AAAA", "shape": "300, 200"}}) == 60_000
    assert trace_points({"type": "indicator", "value": 3}) == 0


@pytest.mark.parametrize(
    ("figure", "reason"),
    [
        ([], "not Plotly figure JSON"),
        ({"data": [{"x": float("nan")}]}, "not plain JSON"),
        ({"data": [{"type": "bar"}] * 11}, "11 traces, over the limit of 10"),
        ({"data": [{"x": list(range(101))}]}, "101 points, over the limit of 100"),
        ({"data": [{"text": "x" * 5000}]}, "over the 4,096 byte limit"),
        ({"data": [], "layout": {"width": 10}}, r"layout.width is 10 px"),
        ({"data": [], "layout": {"height": "tall"}}, "layout.height must be a number"),
        (
            {"data": [], "layout": {"images": [{"source": "file:///etc/passwd"}]}},
            "inline data: URIs",
        ),
        (
            {"data": [], "layout": {"template": {"layout": {"images": [{"source": "http://x"}]}}}},
            "inline data: URIs",
        ),
    ],
)
def test_refuses_with_a_reason(figure: Any, reason: str) -> None:
    limits = FigureLimits(max_json_bytes=4096, max_traces=10, max_points=100)
    with pytest.raises(RenderFailed, match=reason):
        check_figure(figure, limits)


def test_inline_images_are_allowed() -> None:
    check_figure({"data": [], "layout": {"images": [{"source": "data:image/png;base64,AAAA"}]}})


@pytest.mark.parametrize(
    ("width", "height", "scale", "reason"),
    [(10, 600, 1, "width is 10 px"), (1000, 9000, 1, "height is 9000 px"), (1000, 600, 9, "scale")],
)
def test_refuses_odd_image_sizes(width: int, height: int, scale: float, reason: str) -> None:
    with pytest.raises(RenderFailed, match=reason):
        check_size(width, height, scale)
