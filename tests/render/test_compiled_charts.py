"""Every kind of chart the planner compiles renders to a PNG with the real Kaleido/Chromium.

The chart code runs here the way the sandbox runner runs it; the figure goes through the same
JSON the sandbox hands back. A chart whose JSON Chromium cannot draw (a two-level axis, a table,
a stacked area, a note on the chart) would fail here rather than in Slack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest

from ingest.profiling import build_profile
from planner.compile import compile_chart
from planner.plan import ChartSpec
from render.kaleido_renderer import PNG_SIGNATURE, KaleidoRenderer
from tests.render.conftest import figure_json

MakeRenderer = Callable[..., KaleidoRenderer]
SIZE = {"width": 800, "height": 480, "scale": 1.0}


def _sales() -> pd.DataFrame:
    i = np.arange(400)
    return pd.DataFrame(
        {
            "day": pd.date_range("2023-01-01", periods=400, freq="D"),
            "region": np.array(["EU", "US", "APAC"])[i % 3],
            "product": np.array([f"p{k}" for k in range(12)])[i % 12],
            "weekday": pd.date_range("2023-01-01", periods=400, freq="D").strftime("%a"),
            "revenue": (i % 17) * 12.5 + 3,
            "units": i % 5 + 1,
            "income": np.exp(np.random.default_rng(5).normal(8, 1.6, 400)),
        }
    )


SPECS: dict[str, dict[str, Any]] = {
    "grouped measures": {"chart_type": "bar", "x": "region", "y": "revenue",
                         "extra_y": ["units"], "aggregate": "sum"},
    "stacked area": {"chart_type": "area", "x": "day", "y": "revenue", "color": "region",
                     "aggregate": "sum", "time_grain": "M"},
    "rolling line": {"chart_type": "line", "x": "day", "y": "revenue", "aggregate": "sum",
                     "time_grain": "W", "transform": {"kind": "rolling_mean", "window": 4}},
    "top within groups": {"chart_type": "bar", "x": "product", "y": "revenue",
                          "color": "region", "aggregate": "sum", "limit": 2,
                          "limit_within": "region"},
    "table": {"chart_type": "table", "x": "region", "y": "revenue", "color": "product",
              "aggregate": "mean"},
    "other as a note": {"chart_type": "bar", "x": "product", "y": "revenue", "aggregate": "sum",
                        "limit": 2, "other_bucket": True},
    "calendar order": {"chart_type": "bar", "x": "weekday", "aggregate": "count",
                       "count_noun": "days"},
    "log scatter": {"chart_type": "scatter", "x": "income", "y": "revenue"},
    "ratio pie": {"chart_type": "pie", "x": "region", "y": "revenue", "aggregate": "sum",
                  "transform": {"kind": "share"}},
}  # fmt: skip


def _figure(spec: ChartSpec, df: pd.DataFrame) -> dict[str, Any]:
    code = compile_chart(spec, build_profile(df, file_name="sales.csv", file_kind="csv"))
    namespace: dict[str, Any] = {"df": df.copy(), "pd": pd, "np": np, "px": px, "go": go}
    exec(compile(code, "<chart>", "exec"), namespace)  # noqa: S102 - our own generated code
    return figure_json(namespace["fig"])


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, Any]]:
    df = _sales()
    return {
        name: _figure(ChartSpec.model_validate({**fields, "title": name}), df)
        for name, fields in SPECS.items()
    }


async def test_every_compiled_chart_kind_renders(
    make_renderer: MakeRenderer, figures: dict[str, dict[str, Any]]
) -> None:
    renderer = make_renderer()
    blank = await renderer.png(figure_json(go.Figure(layout={"template": "plotly_white"})), **SIZE)  # type: ignore[arg-type]
    for name, figure in figures.items():
        png = await renderer.png(figure, **SIZE)  # type: ignore[arg-type]
        assert png.startswith(PNG_SIGNATURE), name
        assert len(png) > 1.5 * len(blank), f"{name} looks blank ({len(png)} bytes)"
