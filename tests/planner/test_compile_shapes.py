"""Area and table charts, top N within groups, log scales, calendar order and zero-filled periods:
compiled, run, and their numbers checked against plain pandas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from planner.plan import ChartSpec, Sort
from tests.planner.drawn import drawn

RunChart = Callable[[ChartSpec, pd.DataFrame], dict[str, Any]]


# --- area ---------------------------------------------------------------------------------


def test_an_area_chart_split_by_colour_is_stacked(run_chart: RunChart, make_orders: Any) -> None:
    df = make_orders(days=120)
    spec = ChartSpec(
        chart_type="area",
        x="order_date",
        y="revenue",
        color="region",
        aggregate="sum",
        time_grain="M",
        title="Revenue",
    )
    out = run_chart(spec, df)
    starts = df["order_date"].dt.to_period("M").dt.start_time
    sums = df.groupby([starts, "region"])["revenue"].sum()
    assert drawn(out) == {(str(t), r): float(v) for (t, r), v in sums.items()}
    assert {trace.stackgroup for trace in out["fig"].data} == {"1"}
    per_month = sums.groupby(level=0).sum()
    assert out["summary"]["top_value"] == float(per_month.max())  # the top of the stack


# --- table --------------------------------------------------------------------------------


def _cells(out: dict[str, Any]) -> list[list[Any]]:
    table = out["fig"].data[0]
    return [list(column) for column in table.cells["values"]]


def test_a_table_chart_shows_the_aggregated_rows(run_chart: RunChart, make_orders: Any) -> None:
    df = make_orders()
    spec = ChartSpec(chart_type="table", x="region", y="revenue", aggregate="mean", title="t")
    out = run_chart(spec, df)
    means = df.groupby("region")["revenue"].mean().sort_values(ascending=False)
    assert _cells(out) == [list(means.index), pytest.approx(list(means))]
    assert list(out["fig"].data[0].header["values"]) == ["region", "Average revenue"]
    assert list(out["fig"].data[0].cells["format"]) == ["", ",.2f"]
    assert out["summary"]["groups"] == 3


def test_a_table_chart_keeps_25_rows_and_says_how_many_it_left_out(
    run_chart: RunChart,
) -> None:
    df = pd.DataFrame({"sku": [f"s{k:03d}" for k in range(80)], "units": np.arange(80)})
    spec = ChartSpec(chart_type="table", x="sku", aggregate="count", title="t")
    out = run_chart(spec, df)
    assert len(_cells(out)[0]) == 25
    assert out["summary"]["groups_not_shown"] == 55
    assert list(out["fig"].data[0].cells["format"]) == ["", ",d"]
    (note,) = out["fig"].layout.annotations
    assert note.text == "The first 25 rows; 55 more are not shown"


def test_a_table_of_several_measures_has_a_column_each_and_readable_months(
    run_chart: RunChart, make_orders: Any
) -> None:
    df = make_orders(days=90)
    spec = ChartSpec(
        chart_type="table",
        x="order_date",
        y="revenue",
        extra_y=["unit_price"],
        aggregate="sum",
        time_grain="M",
        title="t",
    )
    out = run_chart(spec, df)
    sums = df.groupby(df["order_date"].dt.to_period("M"))[["revenue", "unit_price"]].sum()
    assert list(out["fig"].data[0].header["values"]) == ["Month", "revenue", "unit price"]
    assert _cells(out) == [
        ["2023-01", "2023-02", "2023-03"],
        pytest.approx(list(sums["revenue"])),
        pytest.approx(list(sums["unit_price"])),
    ]


# --- top N within groups --------------------------------------------------------------------


def test_top_n_within_each_group_keeps_each_group_s_own_largest(run_chart: RunChart) -> None:
    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {
            "region": np.repeat(["EU", "US", "APAC"], 40),
            "product": np.tile([f"p{k}" for k in range(8)], 15),
            "revenue": rng.integers(1, 100, 120).astype(float),
        }
    )
    spec = ChartSpec(
        chart_type="bar",
        x="product",
        y="revenue",
        color="region",
        aggregate="sum",
        limit=2,
        limit_within="region",
        title="Top 2 products in each region",
    )
    out = run_chart(spec, df)
    sums = df.groupby(["region", "product"])["revenue"].sum()
    expected = {
        (region, product): float(value)
        for region in sorted(df["region"].unique())
        for product, value in sums[region]
        .sort_values(ascending=False, kind="stable")
        .head(2)
        .items()
    }
    trace = out["fig"].data[0]
    groups, items = trace.x
    drawn = {(g, i): float(y) for g, i, y in zip(groups, items, trace.y, strict=True)}
    assert drawn == expected
    assert list(drawn) == list(expected)  # groups in order, largest first within each
    assert out["summary"]["groups_not_shown"] == len(sums) - 6
    assert out["fig"].layout.xaxis.title.text == "product within each region"


# --- limits on lines ----------------------------------------------------------------------


def test_a_limit_on_a_line_keeps_the_largest_colour_series(
    run_chart: RunChart, make_orders: Any
) -> None:
    df = make_orders(days=120)
    spec = ChartSpec(
        chart_type="line",
        x="order_date",
        y="revenue",
        color="product",
        aggregate="sum",
        time_grain="M",
        limit=2,
        title="t",
    )
    out = run_chart(spec, df)
    top = df.groupby("product")["revenue"].sum().sort_values(ascending=False).head(2)
    assert {trace.name for trace in out["fig"].data} == set(top.index)
    assert out["summary"]["groups_not_shown"] == 2
    assert out["summary"]["series"] == 2


# --- scales ---------------------------------------------------------------------------------


def test_an_asked_log_scale_is_applied_when_every_value_is_positive(run_chart: RunChart) -> None:
    df = pd.DataFrame({"size": [1.0, 10.0, 100.0, 1000.0], "cost": [2.0, 30.0, 400.0, 5000.0]})
    spec = ChartSpec(
        chart_type="scatter", x="size", y="cost", x_scale="log", y_scale="log", title="t"
    )
    out = run_chart(spec, df)
    assert (out["fig"].layout.xaxis.type, out["fig"].layout.yaxis.type) == ("log", "log")
    summary = out["summary"]
    assert (summary["log_x_applied"], summary["log_y_applied"], summary["log_auto"]) == (
        True,
        True,
        False,
    )


def test_a_log_scale_is_refused_when_values_are_zero_or_below(run_chart: RunChart) -> None:
    df = pd.DataFrame({"team": ["a", "b", "c"], "profit": [-5.0, 0.0, 100.0]})
    spec = ChartSpec(
        chart_type="bar", x="team", y="profit", aggregate="sum", y_scale="log", title="t"
    )
    out = run_chart(spec, df)
    assert out["fig"].layout.yaxis.type is None
    assert (out["summary"]["log_y_applied"], out["summary"]["log_refused"]) == (False, 2)


# --- calendar order -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "days",
    [
        ["Sun", "Sat", "Thur", "Fri", "Mon", "Tues", "Wed"],
        ["sunday", "SATURDAY", "thursday", "Friday", "monday", "tuesday", "Wednesday"],
    ],
)
def test_weekday_names_sort_in_calendar_order(days: list[str], run_chart: RunChart) -> None:
    df = pd.DataFrame({"day": days * 3, "tips": np.arange(21.0)})
    spec = ChartSpec(chart_type="bar", x="day", y="tips", aggregate="sum", title="t")
    out = run_chart(spec, df)
    monday_first = [days[i] for i in (4, 5, 6, 2, 3, 1, 0)]
    assert list(out["fig"].data[0].x) == monday_first


def test_month_names_sort_in_calendar_order_on_a_line(run_chart: RunChart) -> None:
    months = ["Mar", "jan", "Sept", "Feb", "DEC"]
    df = pd.DataFrame({"month": months, "rain": [3.0, 1.0, 9.0, 2.0, 12.0]})
    spec = ChartSpec(chart_type="line", x="month", y="rain", aggregate="sum", title="t")
    out = run_chart(spec, df)
    assert list(out["fig"].data[0].x) == ["jan", "Feb", "Mar", "Sept", "DEC"]
    assert list(out["fig"].data[0].y) == [1.0, 2.0, 3.0, 9.0, 12.0]


def test_an_asked_value_order_beats_the_calendar(run_chart: RunChart) -> None:
    df = pd.DataFrame({"day": ["Mon", "Tue", "Wed"], "tips": [1.0, 3.0, 2.0]})
    spec = ChartSpec(
        chart_type="bar",
        x="day",
        y="tips",
        aggregate="sum",
        sort=Sort(by="y", order="desc"),
        title="t",
    )
    assert list(run_chart(spec, df)["fig"].data[0].x) == ["Tue", "Wed", "Mon"]


# --- empty periods ----------------------------------------------------------------------------


def _events() -> pd.DataFrame:
    """Events in January, February and April (none in March), in two kinds."""
    when = pd.to_datetime(
        ["2024-01-03", "2024-01-20", "2024-02-11", "2024-04-01", "2024-04-02", "2024-04-09"]
    )
    return pd.DataFrame(
        {"when": when, "kind": ["a", "b", "a", "a", "a", "b"], "user": list("xyxzzx")}
    )


def test_a_count_over_time_draws_empty_months_at_zero(run_chart: RunChart) -> None:
    spec = ChartSpec(chart_type="line", x="when", aggregate="count", time_grain="M", title="Events")
    out = run_chart(spec, _events())
    trace = out["fig"].data[0]
    assert [str(pd.Timestamp(x).date()) for x in trace.x] == [
        "2024-01-01",
        "2024-02-01",
        "2024-03-01",
        "2024-04-01",
    ]
    assert list(trace.y) == [2, 1, 0, 3]
    assert out["summary"]["zero_filled_periods"] == 1
    assert out["fig"].layout.yaxis.dtick == 1  # at most 3 events: whole-number ticks


def test_empty_periods_are_filled_per_colour(run_chart: RunChart) -> None:
    spec = ChartSpec(
        chart_type="line",
        x="when",
        color="kind",
        aggregate="count",
        time_grain="M",
        title="Events",
    )
    out = run_chart(spec, _events())
    counts = drawn(out)
    assert len(counts) == 8  # four months for each kind
    assert counts[("2024-03-01 00:00:00", "a")] == 0.0
    assert counts[("2024-02-01 00:00:00", "b")] == 0.0
    assert out["summary"]["zero_filled_periods"] == 3


def test_distinct_counts_over_time_fill_empty_months_too(run_chart: RunChart) -> None:
    spec = ChartSpec(
        chart_type="bar", x="when", y="user", aggregate="distinct", time_grain="M", title="Users"
    )
    out = run_chart(spec, _events())
    assert list(out["fig"].data[0].y) == [2, 1, 0, 2]


def test_sums_over_time_are_not_zero_filled(run_chart: RunChart) -> None:
    df = _events().assign(amount=1.5)
    spec = ChartSpec(
        chart_type="line", x="when", y="amount", aggregate="mean", time_grain="M", title="t"
    )
    out = run_chart(spec, df)
    assert len(out["fig"].data[0].x) == 3  # an average of no rows is unknown, not zero
    assert out["summary"]["zero_filled_periods"] == 0


# --- stacks that would not mean anything ------------------------------------------------------


def test_stacked_averages_stand_side_by_side_and_say_so(run_chart: RunChart) -> None:
    df = pd.DataFrame({"day": ["Sat", "Sat", "Sun"], "sex": ["F", "M", "F"], "tip": [2.0, 3, 4]})
    spec = ChartSpec(
        chart_type="bar",
        x="day",
        y="tip",
        color="sex",
        barmode="stack",
        aggregate="mean",
        title="t",
    )
    out = run_chart(spec, df)
    assert out["fig"].layout.barmode == "group"
    assert (out["summary"]["unstacked"], out["summary"]["top_value"]) == (True, 4.0)
    summed = run_chart(spec.model_copy(update={"aggregate": "sum"}), df)
    assert summed["fig"].layout.barmode == "stack"
    assert (summed["summary"]["unstacked"], summed["summary"]["top_value"]) == (False, 5.0)


def test_a_coloured_area_of_averages_is_drawn_as_lines(
    run_chart: RunChart, make_orders: Any
) -> None:
    spec = ChartSpec(
        chart_type="area",
        x="order_date",
        y="unit_price",
        color="region",
        aggregate="mean",
        time_grain="M",
        title="t",
    )
    out = run_chart(spec, make_orders(days=90))
    assert {trace.stackgroup for trace in out["fig"].data} == {None}
    assert {trace.mode for trace in out["fig"].data} == {"lines+markers"}
    assert out["summary"]["unstacked"] is True


# --- series named by numbers ----------------------------------------------------------------


def test_bars_split_by_a_column_of_years_are_side_by_side_series_not_a_colour_scale(
    run_chart: RunChart,
) -> None:
    df = pd.DataFrame(
        {
            "continent": ["Asia", "Asia", "Europe", "Europe"],
            "year": [1952, 2007, 1952, 2007],
            "lifeExp": [46.0, 70.0, 64.0, 77.0],
        }
    )
    spec = ChartSpec(
        chart_type="bar", x="continent", y="lifeExp", color="year", aggregate="mean", title="t"
    )
    out = run_chart(spec, df)
    names = sorted(trace.name for trace in out["fig"].data)
    assert names == ["1952", "2007"]
    assert out["fig"].layout.barmode == "group"
