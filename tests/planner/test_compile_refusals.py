"""Specs whose fields make no sense together are refused at compile time, with a line that says
what to change; they never become a chart that looks right and is wrong."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

from ingest.profiling import build_profile
from planner.compile import compile_chart
from planner.plan import ChartSpec

FRAME = pd.DataFrame(
    {
        "day": pd.date_range("2024-01-01", periods=4, freq="D"),
        "region": ["EU", "US", "EU", "US"],
        "product": ["a", "b", "c", "d"],
        "revenue": [1.0, 2.0, 3.0, 4.0],
        "units": [1, 2, 3, 4],
        "score": [0.5, 1.5, 2.5, 3.5],
        "year": [2020, 2021, 2022, 2023],
    }
)
PROFILE = build_profile(FRAME, file_name="f.csv", file_kind="csv")
NO_TIME = build_profile(FRAME.drop(columns=["day"]), file_name="g.csv", file_kind="csv")


def _spec(**fields: Any) -> ChartSpec:
    base = {"chart_type": "bar", "x": "region", "y": "revenue", "aggregate": "sum", "title": "t"}
    return ChartSpec.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"chart_type": "pie", "extra_y": ["units"]}, "not as a pie chart"),
        ({"chart_type": "area", "x": "day", "extra_y": ["units"]}, "not as an area chart"),
        ({"aggregate": "count", "y": None, "extra_y": ["units"]}, "extra_y adds measures"),
        ({"extra_y": ["units"], "color": "product"}, "too many series"),
        ({"extra_y": ["revenue"]}, "a measure is listed twice"),
        ({"chart_type": "table", "aggregate": "none", "extra_y": ["units"]}, "set an aggregate"),
        ({"denominator": "revenue"}, "divided by itself"),
        ({"denominator": "units", "aggregate": "count", "y": None}, "needs y as its numerator"),
        ({"denominator": "units", "aggregate": "distinct"}, "not with aggregate 'distinct'"),
        ({"chart_type": "box", "denominator": "units"}, "draws raw values, not ratios"),
        ({"denominator": "units", "transform": {"kind": "share"}}, "ratios do not add up"),
        ({"as_percent": True, "transform": {"kind": "yoy"}}, "is in % already"),
        ({"transform": {"kind": "cumsum"}}, "x must be a time or number column"),
        ({"chart_type": "scatter", "x": "units", "aggregate": "none",
          "transform": {"kind": "cumsum"}}, "not as a scatter chart"),
        ({"x": "day", "transform": {"kind": "yoy"}}, "set time_grain"),
        ({"x": "day", "time_grain": "M", "aggregate": "none", "transform": {"kind": "yoy"}},
         "needs one value per period"),
        ({"x": "units", "transform": {"kind": "yoy"}}, "does not hold years"),
        ({"x": "score", "transform": {"kind": "yoy"}}, "does not hold years"),
        ({"limit_within": "region", "color": "product"}, "set limit"),
        ({"limit": 2, "limit_within": "product"}, "x or color column"),
        ({"chart_type": "line", "x": "day", "limit": 2, "limit_within": "region",
          "color": "product"}, "drawn as a bar or table chart"),
        ({"limit": 2, "other_bucket": True, "color": "product", "limit_within": "region"},
         "'Other' cannot be combined with limit_within"),
        ({"chart_type": "line", "x": "day", "limit": 2}, "it has no color"),
        ({"chart_type": "line", "x": "day", "limit": 2, "color": "region",
          "other_bucket": True}, "'Other' is drawn on bar, pie and table charts only"),
        ({"chart_type": "histogram", "x": "revenue", "limit": 3}, "a histogram chart has none"),
        ({"x_scale": "log"}, "not on a bar chart"),
        ({"chart_type": "scatter", "x": "region", "aggregate": "none", "x_scale": "log"},
         "a log scale needs numbers on x"),
        ({"chart_type": "table", "y_scale": "log"}, "a table chart has no y axis"),
    ],
)  # fmt: skip
def test_nonsense_combinations_are_refused_with_a_reason(
    fields: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        compile_chart(_spec(**fields), PROFILE)


def test_last_needs_a_time_column_to_know_what_is_latest() -> None:
    with pytest.raises(ValueError, match="the file has no time column"):
        compile_chart(_spec(aggregate="last"), NO_TIME)


def test_every_reason_is_given_at_once() -> None:
    spec = _spec(x_scale="log", transform={"kind": "cumsum"}, as_percent=True)
    with pytest.raises(ValueError, match="not on a bar chart") as caught:
        compile_chart(spec, PROFILE)
    assert "x must be a time or number column" in str(caught.value)


@pytest.mark.parametrize(
    "fields",
    [
        {"x": "year", "transform": {"kind": "yoy"}},
        {"x": "day", "time_grain": "D", "transform": {"kind": "yoy"}},
        {"chart_type": "pie", "transform": {"kind": "share"}},
        {"chart_type": "table", "extra_y": ["units"], "aggregate": "last"},
        {"chart_type": "scatter", "x": "units", "aggregate": "none", "x_scale": "log"},
        {"chart_type": "area", "x": "day", "color": "region", "limit": 1},
        {"as_percent": True},
    ],
)
def test_sensible_combinations_compile(fields: dict[str, Any]) -> None:
    assert "fig = " in compile_chart(_spec(**fields), PROFILE)
