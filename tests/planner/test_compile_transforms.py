"""Transforms are computed by our code after aggregation, within each series, in x order; points
they cannot give a value are dropped and counted, never drawn as fake values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ingest.profiling import build_profile
from planner.compile import compile_chart
from planner.plan import ChartSpec, Sort, TimeGrain, Transform
from tests.planner.drawn import bars, drawn, text

RunChart = Callable[[ChartSpec, pd.DataFrame], dict[str, Any]]


def _series(out: dict[str, Any], name: str | None = None) -> pd.Series:
    """One drawn series (by trace name, or the only one) as x → y."""
    traces = [t for t in out["fig"].data if name is None or t.name == name]
    assert len(traces) == 1, [t.name for t in out["fig"].data]
    trace = traces[0]
    return pd.Series(list(trace.y), index=list(trace.x), dtype="float64")


def _daily_sales(days: int = 400, start: str = "2022-01-01") -> pd.DataFrame:
    """One sale a day in two regions; amounts follow from the day number."""
    i = np.arange(days)
    return pd.DataFrame(
        {
            "day": pd.date_range(start, periods=days, freq="D"),
            "region": np.where(i % 2 == 0, "north", "south"),
            "amount": (i % 11) * 3.0 + 1 + i * 0.1,
        }
    )


def _line(**fields: Any) -> ChartSpec:
    base: dict[str, Any] = {
        "chart_type": "line",
        "x": "day",
        "y": "amount",
        "aggregate": "sum",
        "time_grain": "M",
        "title": "Sales",
    }
    return ChartSpec(**{**base, **fields})


def _monthly(df: pd.DataFrame) -> pd.Series:
    return df.set_index("day")["amount"].resample("MS").sum()


def test_a_rolling_mean_starts_once_the_window_is_full(run_chart: RunChart) -> None:
    df = _daily_sales()
    out = run_chart(_line(transform=Transform(kind="rolling_mean", window=3)), df)
    expected = _monthly(df).rolling(3).mean().dropna()
    drawn = _series(out)
    assert list(drawn) == pytest.approx(list(expected))
    assert pd.Timestamp(drawn.index[0]) == pd.Timestamp("2022-03-01")  # the first full window
    assert out["summary"]["dropped_points"] == 2
    assert out["fig"].layout.yaxis.title.text == "Total amount, 3-point rolling average"


def test_a_rolling_mean_runs_within_each_colour(run_chart: RunChart) -> None:
    df = _daily_sales()
    out = run_chart(_line(color="region", transform=Transform(kind="rolling_mean", window=4)), df)
    for region in ("north", "south"):
        expected = _monthly(df[df["region"] == region]).rolling(4).mean().dropna()
        assert list(_series(out, region)) == pytest.approx(list(expected))
    assert out["summary"]["dropped_points"] == 2 * 3


def test_a_rolling_mean_without_a_window_uses_seven_points(run_chart: RunChart) -> None:
    df = _daily_sales(days=60)
    spec = _line(aggregate="none", time_grain=None, transform=Transform(kind="rolling_mean"))
    out = run_chart(spec, df)
    assert list(_series(out)) == pytest.approx(list(df["amount"].rolling(7).mean().dropna()))
    assert out["summary"]["dropped_points"] == 6


def test_percent_change_from_the_previous_point(run_chart: RunChart) -> None:
    df = _daily_sales()
    out = run_chart(_line(transform=Transform(kind="pct_change")), df)
    monthly = _monthly(df)
    expected = ((monthly / monthly.shift(1) - 1) * 100).dropna()
    assert list(_series(out)) == pytest.approx(list(expected))
    assert out["summary"]["dropped_points"] == 1


def test_year_over_year_matches_each_month_with_the_same_month_a_year_earlier(
    run_chart: RunChart,
) -> None:
    df = _daily_sales(days=800)
    df = df[df["day"].dt.month != 5]  # no sales in May: May's neighbours must not shift
    out = run_chart(_line(transform=Transform(kind="yoy")), df)
    monthly = df.set_index("day")["amount"].resample("MS").sum()
    monthly = monthly[monthly.index.month != 5]
    year_ago = monthly.copy()
    year_ago.index = year_ago.index + pd.DateOffset(years=1)
    expected = ((monthly / year_ago.reindex(monthly.index) - 1) * 100).dropna()
    changes = bars(out)
    assert changes == pytest.approx({text(k): float(v) for k, v in expected.items()})
    assert out["summary"]["dropped_points"] == len(monthly) - len(expected)


@pytest.mark.parametrize(
    ("grain", "back"),
    [
        ("W", pd.Timedelta(weeks=52)),
        ("Q", pd.DateOffset(years=1)),
        ("D", pd.Timedelta(days=365)),
        ("Y", pd.DateOffset(years=1)),
    ],
)
def test_year_over_year_looks_back_one_year_at_every_grain(
    grain: TimeGrain, back: Any, run_chart: RunChart
) -> None:
    df = _daily_sales(days=1200, start="2021-01-04")  # a Monday: weeks start on Mondays
    out = run_chart(_line(time_grain=grain, transform=Transform(kind="yoy")), df)
    starts = df["day"].dt.to_period(grain).dt.start_time
    totals = df.groupby(starts)["amount"].sum()
    earlier = totals.reindex(totals.index - back)
    expected = pd.Series((totals.to_numpy() / earlier.to_numpy() - 1) * 100, totals.index)
    drawn = _series(out)
    assert list(drawn) == pytest.approx(list(expected.dropna()))


def test_year_over_year_on_a_column_of_year_numbers(run_chart: RunChart) -> None:
    df = pd.DataFrame({"year": [2019, 2020, 2021, 2022], "pop": [100.0, 110.0, 99.0, 99.0]})
    spec = ChartSpec(
        chart_type="bar",
        x="year",
        y="pop",
        aggregate="sum",
        transform=Transform(kind="yoy"),
        sort=Sort(by="x", order="asc"),
        title="Growth",
    )
    out = run_chart(spec, df)
    assert dict(_series(out)) == pytest.approx({2020: 10.0, 2021: -10.0, 2022: 0.0})


def test_a_running_total_per_colour(run_chart: RunChart) -> None:
    df = _daily_sales()
    out = run_chart(_line(color="region", transform=Transform(kind="cumsum")), df)
    for region in ("north", "south"):
        expected = _monthly(df[df["region"] == region]).cumsum()
        assert list(_series(out, region)) == pytest.approx(list(expected))
    assert out["summary"]["dropped_points"] == 0


def test_a_share_of_the_total_counts_the_categories_a_top_n_leaves_out(
    run_chart: RunChart, make_orders: Any
) -> None:
    df = make_orders()
    spec = ChartSpec(
        chart_type="bar",
        x="product",
        y="revenue",
        aggregate="sum",
        limit=2,
        sort=Sort(by="y", order="desc"),
        transform=Transform(kind="share"),
        title="Share of revenue",
    )
    out = run_chart(spec, df)
    sums = df.groupby("product")["revenue"].sum()
    expected = (sums / sums.sum() * 100).sort_values(ascending=False).head(2)
    assert dict(_series(out)) == pytest.approx(expected.to_dict())
    assert out["summary"]["groups_not_shown"] == 2
    assert out["fig"].layout.yaxis.title.text == "Share of total revenue (%)"


def test_a_share_split_by_colour_adds_up_to_100_in_each_bar(
    run_chart: RunChart, make_orders: Any
) -> None:
    df = make_orders()
    spec = ChartSpec(
        chart_type="bar",
        x="region",
        y="revenue",
        color="product",
        barmode="stack",
        aggregate="sum",
        transform=Transform(kind="share"),
        title="Product mix",
    )
    out = run_chart(spec, df)
    sums = df.groupby(["region", "product"])["revenue"].sum()
    expected = sums / sums.groupby(level="region").transform("sum") * 100
    shares = drawn(out)
    assert shares == pytest.approx({k: float(v) for k, v in expected.items()})
    per_bar = pd.Series(shares).groupby(level=0).sum()
    assert list(per_bar) == pytest.approx([100.0] * 3)
    assert out["summary"]["top_value"] == pytest.approx(float(expected.max()))  # not the 100


def test_a_share_of_several_measures_is_of_each_measure_s_own_total(run_chart: RunChart) -> None:
    df = pd.DataFrame({"shop": ["a", "b", "c"], "visits": [10.0, 30.0, 60.0], "sales": [1.0] * 3})
    spec = ChartSpec(
        chart_type="bar",
        x="shop",
        y="visits",
        extra_y=["sales"],
        aggregate="sum",
        transform=Transform(kind="share"),
        title="Shares",
    )
    out = run_chart(spec, df)
    assert dict(_series(out, "visits")) == pytest.approx({"a": 10.0, "b": 30.0, "c": 60.0})
    assert dict(_series(out, "sales")) == pytest.approx({"a": 100 / 3, "b": 100 / 3, "c": 100 / 3})


def test_a_window_longer_than_the_series_is_a_clear_error(run_chart: RunChart) -> None:
    df = _daily_sales(days=90)
    spec = _line(transform=Transform(kind="rolling_mean", window=12))
    with pytest.raises(ValueError, match="a 12-point rolling average needs at least 12 points"):
        run_chart(spec, df)


def test_a_transform_on_the_drawn_values_sets_the_peak(run_chart: RunChart) -> None:
    df = pd.DataFrame(
        {"day": pd.date_range("2024-01-01", periods=4, freq="D"), "amount": [1.0, 4.0, 2.0, 8.0]}
    )
    out = run_chart(
        _line(aggregate="none", time_grain=None, transform=Transform(kind="cumsum")), df
    )
    assert (out["summary"]["top_label"], out["summary"]["top_value"]) == (
        "2024-01-04T00:00:00",
        15.0,
    )


def test_the_code_says_what_it_does_in_plain_comments() -> None:
    df = _daily_sales(days=60)
    profile = build_profile(df, file_name="s.csv", file_kind="csv")
    code = compile_chart(_line(color="region", transform=Transform(kind="rolling_mean")), profile)
    assert "# Mean of each point and the 6 before it, in x order within each series" in code
    assert "rolling(7, min_periods=7).mean()" in code
