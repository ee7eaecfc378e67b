"""Several measures, distinct counts, last values and ratios: compiled, run, and checked against
numbers computed here with plain pandas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from planner.plan import ChartSpec, Filter
from tests.planner.drawn import bars, text, traces

RunChart = Callable[[ChartSpec, pd.DataFrame], dict[str, Any]]


def _prices() -> pd.DataFrame:
    """A wide file of two weekly share prices; GOOG starts trading a month later."""
    weeks = pd.date_range("2023-01-02", periods=30, freq="W-MON")
    i = np.arange(30)
    goog = 100 + i * 2.0
    goog[:5] = np.nan
    return pd.DataFrame({"date": weeks, "AAPL": 50 + (i % 7) * 3.0, "GOOG": goog})


def test_several_measures_draw_one_line_each_with_its_own_numbers(run_chart: RunChart) -> None:
    df = _prices()
    spec = ChartSpec(
        chart_type="line",
        x="date",
        y="AAPL",
        extra_y=["GOOG"],
        aggregate="mean",
        time_grain="M",
        title="AAPL vs GOOG",
    )
    out = run_chart(spec, df)
    monthly = df.set_index("date").resample("MS").mean()
    drawn = traces(out)
    assert set(drawn) == {"AAPL", "GOOG"}
    for name in ("AAPL", "GOOG"):
        expected = monthly[name].dropna()  # GOOG's first month has no price: no point, not 0
        assert drawn[name] == pytest.approx({text(k): float(v) for k, v in expected.items()})
    assert out["summary"]["series"] == 2
    assert out["fig"].layout.yaxis.title.text == "Average AAPL, GOOG"
    assert out["fig"].layout.legend.title.text is None


def test_several_measures_are_grouped_bars(run_chart: RunChart, make_orders: Any) -> None:
    df = make_orders()
    spec = ChartSpec(
        chart_type="bar",
        x="region",
        y="revenue",
        extra_y=["quantity"],
        aggregate="sum",
        title="Revenue and quantity by region",
    )
    out = run_chart(spec, df)
    sums = df.groupby("region")[["revenue", "quantity"]].sum()
    assert traces(out) == {
        "revenue": {k: float(v) for k, v in sums["revenue"].items()},
        "quantity": {k: float(v) for k, v in sums["quantity"].items()},
    }
    assert out["fig"].layout.barmode == "group"
    assert out["summary"]["top_series"] == "revenue"


def test_a_measure_with_no_value_in_a_group_is_left_out_not_drawn_as_zero(
    run_chart: RunChart,
) -> None:
    df = pd.DataFrame(
        {"shop": ["a", "a", "b"], "sales": [1.0, 2.0, 3.0], "returns": [np.nan, np.nan, 1.0]}
    )
    spec = ChartSpec(
        chart_type="bar", x="shop", y="sales", extra_y=["returns"], aggregate="sum", title="t"
    )
    assert traces(run_chart(spec, df)) == {"sales": {"a": 3.0, "b": 3.0}, "returns": {"b": 1.0}}


def test_measure_names_read_as_words_with_their_casing_kept(run_chart: RunChart) -> None:
    df = pd.DataFrame(
        {
            "Origin": ["USA", "Japan", "USA"],
            "Miles_per_Gallon": [18.0, 30.0, 22.0],
            "Horsepower": [130.0, 70.0, 110.0],
        }
    )
    spec = ChartSpec(
        chart_type="bar",
        x="Origin",
        y="Miles_per_Gallon",
        extra_y=["Horsepower"],
        aggregate="mean",
        title="t",
    )
    out = run_chart(spec, df)
    assert set(traces(out)) == {"Miles per Gallon", "Horsepower"}
    assert out["fig"].layout.xaxis.title.text == "Origin"


def test_distinct_counts_the_different_values_in_each_group(run_chart: RunChart) -> None:
    df = pd.DataFrame(
        {
            "continent": ["Asia"] * 4 + ["Europe"] * 3,
            "country": ["China", "China", "India", "Japan", "France", "France", "Spain"],
            "year": [2000, 2005, 2000, 2000, 2000, 2005, 2000],
        }
    )
    spec = ChartSpec(
        chart_type="bar",
        x="continent",
        y="country",
        aggregate="distinct",
        count_noun="countries",
        title="Countries per continent",
    )
    out = run_chart(spec, df)
    expected = df.groupby("continent")["country"].nunique()
    assert bars(out) == {k: float(v) for k, v in expected.items()}
    assert out["fig"].layout.yaxis.title.text == "Number of countries"
    assert out["fig"].layout.yaxis.dtick == 1  # a count up to 3: whole-number ticks


def test_last_takes_the_latest_value_in_each_period_whatever_the_file_order(
    run_chart: RunChart,
) -> None:
    days = pd.date_range("2024-01-01", periods=90, freq="D")
    df = pd.DataFrame({"day": days, "close": np.arange(90) * 1.5 + 10})
    shuffled = df.sample(frac=1.0, random_state=7).reset_index(drop=True)
    spec = ChartSpec(
        chart_type="line", x="day", y="close", aggregate="last", time_grain="M", title="Close"
    )
    out = run_chart(spec, shuffled)
    expected = df.set_index("day")["close"].resample("MS").last()
    assert list(out["fig"].data[0].y) == list(expected)
    assert out["summary"]["last_by"] == "day"
    assert out["fig"].layout.yaxis.title.text == "Last close"


def test_last_on_a_category_axis_is_ordered_by_the_file_s_time_column(
    run_chart: RunChart,
) -> None:
    df = pd.DataFrame(
        {
            "ticker": ["A", "B", "A", "B", "A"],
            "when": pd.to_datetime(
                ["2024-03-01", "2024-01-01", "2024-01-01", "2024-02-01", "2024-02-01"]
            ),
            "price": [3.0, 10.0, 1.0, 20.0, 2.0],
        }
    )
    spec = ChartSpec(chart_type="bar", x="ticker", y="price", aggregate="last", title="Price")
    out = run_chart(spec, df)
    drawn = bars(out)
    assert drawn == {"A": 3.0, "B": 20.0}
    assert out["summary"]["last_by"] == "when"


def _tips() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": ["Sat", "Sat", "Sun", "Sun", "Fri"],
            "tip": [2.0, 3.0, 5.0, 1.0, 4.0],
            "total_bill": [10.0, 15.0, 20.0, 20.0, 16.0],
        }
    )


def test_a_ratio_divides_the_sums_of_each_group(run_chart: RunChart) -> None:
    df = _tips()
    spec = ChartSpec(
        chart_type="bar",
        x="day",
        y="tip",
        aggregate="sum",
        denominator="total_bill",
        as_percent=True,
        title="Tip as % of bill",
    )
    out = run_chart(spec, df)
    sums = df.groupby("day")[["tip", "total_bill"]].sum()
    expected = sums["tip"] / sums["total_bill"] * 100
    drawn = bars(out)
    assert drawn == pytest.approx(expected.to_dict())
    assert list(drawn) == ["Fri", "Sat", "Sun"]  # weekdays keep calendar order
    assert out["fig"].layout.yaxis.title.text == "tip as % of total bill"


def test_a_mean_ratio_is_the_ratio_of_the_means_over_the_same_rows(run_chart: RunChart) -> None:
    df = _tips()
    df.loc[0, "total_bill"] = np.nan  # this row's tip must not count either
    spec = ChartSpec(
        chart_type="bar", x="day", y="tip", aggregate="mean", denominator="total_bill", title="t"
    )
    out = run_chart(spec, df)
    kept = df.dropna()
    means = kept.groupby("day")[["tip", "total_bill"]].mean()
    drawn = bars(out)
    assert drawn == pytest.approx((means["tip"] / means["total_bill"]).to_dict())
    assert out["summary"]["rows_used"] == 4


def test_a_zero_denominator_leaves_its_group_out_and_is_counted(run_chart: RunChart) -> None:
    df = pd.DataFrame({"team": ["a", "b", "c"], "won": [3.0, 1.0, 0.0], "played": [6.0, 0, 0]})
    spec = ChartSpec(
        chart_type="bar",
        x="team",
        y="won",
        aggregate="sum",
        denominator="played",
        as_percent=True,
        title="Win rate",
    )
    out = run_chart(spec, df)
    assert list(out["fig"].data[0].x) == ["a"]
    assert list(out["fig"].data[0].y) == [50.0]
    assert out["summary"]["undefined_ratios"] == 2


def test_every_denominator_zero_is_a_clear_error(run_chart: RunChart) -> None:
    df = pd.DataFrame({"team": ["a", "b"], "won": [1.0, 2.0], "played": [0.0, 0.0]})
    spec = ChartSpec(
        chart_type="bar", x="team", y="won", aggregate="sum", denominator="played", title="t"
    )
    with pytest.raises(ValueError, match="denominator of zero"):
        run_chart(spec, df)


def test_a_row_by_row_ratio_on_a_scatter(run_chart: RunChart) -> None:
    df = _tips()
    spec = ChartSpec(
        chart_type="scatter",
        x="total_bill",
        y="tip",
        denominator="total_bill",
        as_percent=True,
        title="Tip % vs bill",
    )
    out = run_chart(spec, df)
    assert list(out["fig"].data[0].y) == pytest.approx(list(df["tip"] / df["total_bill"] * 100))


def test_as_percent_alone_shows_fractions_as_percent(run_chart: RunChart) -> None:
    df = pd.DataFrame({"shop": ["a", "b"], "conversion": [0.25, 0.5]})
    spec = ChartSpec(
        chart_type="bar", x="shop", y="conversion", aggregate="mean", as_percent=True, title="t"
    )
    out = run_chart(spec, df)
    assert sorted(out["fig"].data[0].y) == [25.0, 50.0]
    assert out["fig"].layout.yaxis.title.text == "Average conversion (%)"


def test_several_measures_over_one_denominator(run_chart: RunChart) -> None:
    df = _tips().assign(tax=[1.0, 1.5, 2.0, 2.0, 1.6])
    spec = ChartSpec(
        chart_type="bar",
        x="day",
        y="tip",
        extra_y=["tax"],
        aggregate="sum",
        denominator="total_bill",
        as_percent=True,
        filters=[Filter(column="day", op="ne", value="Fri")],
        title="Tip and tax as % of bill",
    )
    out = run_chart(spec, df)
    sums = df[df["day"] != "Fri"].groupby("day")[["tip", "tax", "total_bill"]].sum()
    assert traces(out) == {
        name: pytest.approx((sums[name] / sums["total_bill"] * 100).to_dict())
        for name in ("tip", "tax")
    }
