"""Charts that read right: titles and labels in the file's own words, value labels where the eye
cannot rank bars, whole-number ticks for counts, no empty band under the title, see-through
points and a log axis for dense skewed scatters, and a flag when every value is the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from planner.plan import ChartSpec
from planner.wording import chart_title, human, title_for

RunChart = Callable[[ChartSpec, pd.DataFrame], dict[str, Any]]


def _layout(out: dict[str, Any]) -> Any:
    return out["fig"].layout


# --- words --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("gdpPercap", "gdpPercap"),
        ("Miles_per_Gallon", "Miles per Gallon"),
        ("unit_price", "unit price"),
        ("GDP-growth", "GDP growth"),
        ("lifeExp", "lifeExp"),
        ("  spaced__out  ", "spaced out"),
    ],
)
def test_column_names_read_as_words_and_keep_their_casing(name: str, shown: str) -> None:
    assert human(name) == shown


def test_axis_titles_keep_the_file_s_casing(run_chart: RunChart) -> None:
    df = pd.DataFrame({"Origin": ["USA", "Japan", "USA"], "Miles_per_Gallon": [18.0, 30, 22]})
    spec = ChartSpec(
        chart_type="bar", x="Origin", y="Miles_per_Gallon", aggregate="mean", title="t"
    )
    layout = _layout(run_chart(spec, df))
    assert (layout.xaxis.title.text, layout.yaxis.title.text) == (
        "Origin",
        "Average Miles per Gallon",
    )


def test_counted_rows_are_named_by_their_noun(run_chart: RunChart, make_orders: Any) -> None:
    df = make_orders()
    counted = ChartSpec(chart_type="bar", x="region", aggregate="count", title="t")
    named = counted.model_copy(update={"count_noun": "orders"})
    assert _layout(run_chart(named, df)).yaxis.title.text == "Number of orders"
    assert _layout(run_chart(counted, df)).yaxis.title.text == "Number of rows"
    histogram = ChartSpec(chart_type="histogram", x="revenue", count_noun="orders", title="t")
    assert _layout(run_chart(histogram, df)).yaxis.title.text == "Number of orders"
    assert title_for(named) == "Number of orders by region"


def test_a_title_that_names_another_aggregate_is_rebuilt(run_chart: RunChart) -> None:
    df = pd.DataFrame({"country": ["a", "b"], "lifeExp": [70.0, 80.0]})
    spec = ChartSpec(
        chart_type="bar", x="country", y="lifeExp", aggregate="mean", title="Total life exp"
    )
    assert _layout(run_chart(spec, df)).title.text == "Average lifeExp by country"
    for title in ("Average life expectancy", "Life expectancy by country"):
        assert chart_title(spec.model_copy(update={"title": title})) == title
    summed = spec.model_copy(update={"aggregate": "sum", "title": "Average revenue"})
    assert chart_title(summed) == "Total lifeExp by country"


_SALES = {"aggregate": "sum", "y": "sales", "x": "date"}
_COUNTRIES = {"aggregate": "distinct", "y": "country", "x": "continent"}


@pytest.mark.parametrize(
    ("fields", "title"),
    [
        (_COUNTRIES, "Distinct country values by continent"),
        ({**_COUNTRIES, "count_noun": "countries"}, "Number of countries by continent"),
        (
            {"aggregate": "last", "y": "close", "x": "date", "time_grain": "M"},
            "Last close by month",
        ),
        (
            {"aggregate": "sum", "y": "tip", "x": "day", "denominator": "total_bill",
             "as_percent": True},
            "Tip as % of total bill by day",
        ),
        (
            {"aggregate": "mean", "y": "AAPL", "extra_y": ["GOOG"], "x": "date"},
            "Average AAPL, GOOG by date",
        ),
        ({**_SALES, "transform": {"kind": "cumsum"}}, "Running total of total sales by date"),
        (
            {**_SALES, "transform": {"kind": "rolling_mean", "window": 7}},
            "Total sales, 7-point rolling average by date",
        ),
        (
            {**_SALES, "x": "region", "transform": {"kind": "share"}},
            "Share of total sales (%) by region",
        ),
        (
            {"aggregate": "sum", "y": "pop", "x": "country", "color": "continent", "limit": 3,
             "limit_within": "continent"},
            "Total pop by country and continent (top 3 per continent)",
        ),
    ],
)  # fmt: skip
def test_titles_say_what_the_new_fields_do(fields: dict[str, Any], title: str) -> None:
    spec = ChartSpec.model_validate({"chart_type": "bar", "title": "-", **fields})
    assert title_for(spec) == title


# --- labels and ticks ---------------------------------------------------------------------


def test_a_few_bars_of_close_values_carry_their_values(run_chart: RunChart) -> None:
    df = pd.DataFrame({"team": list("abcd"), "score": [81.0, 84.0, 79.0, 83.0]})
    spec = ChartSpec(chart_type="bar", x="team", y="score", aggregate="mean", title="t")
    trace = run_chart(spec, df)["fig"].data[0]
    assert (trace.texttemplate, trace.textposition) == ("%{y:,.3~g}", "outside")


@pytest.mark.parametrize(
    "scores",
    [
        [10.0, 84.0, 79.0, 83.0],  # far apart: the axis shows the difference
        [float(80 + k % 3) for k in range(13)],  # close, but too many bars to label
    ],
)
def test_other_bars_carry_no_value_labels(scores: list[float], run_chart: RunChart) -> None:
    df = pd.DataFrame({"team": [f"t{k}" for k in range(len(scores))], "score": scores})
    spec = ChartSpec(chart_type="bar", x="team", y="score", aggregate="mean", title="t")
    assert run_chart(spec, df)["fig"].data[0].texttemplate is None


def test_value_labels_of_big_numbers_have_no_decimals(run_chart: RunChart) -> None:
    df = pd.DataFrame({"team": list("ab"), "revenue": [1200.0, 1300.0]})
    spec = ChartSpec(chart_type="bar", x="team", y="revenue", aggregate="sum", title="t")
    assert run_chart(spec, df)["fig"].data[0].texttemplate == "%{y:,.0f}"


def test_a_short_count_axis_has_whole_number_ticks(run_chart: RunChart) -> None:
    df = pd.DataFrame({"team": ["a", "a", "b", "c", "c", "c"]})
    spec = ChartSpec(chart_type="bar", x="team", aggregate="count", title="t")
    assert _layout(run_chart(spec, df)).yaxis.dtick == 1
    long = pd.DataFrame({"team": ["a"] * 40 + ["b"] * 3})
    assert _layout(run_chart(spec, long)).yaxis.dtick is None  # Plotly's own steps are whole


def test_a_short_histogram_has_whole_number_ticks(run_chart: RunChart) -> None:
    df = pd.DataFrame({"age": [21.0, 25, 33, 41, 48, 52]})
    spec = ChartSpec(chart_type="histogram", x="age", title="t")
    assert _layout(run_chart(spec, df)).yaxis.dtick == 1


def test_a_flat_chart_is_flagged_and_drawn_from_zero_with_whole_ticks(run_chart: RunChart) -> None:
    df = pd.DataFrame({"direction": list("NESW") * 8, "frequency": 1.0})
    spec = ChartSpec(chart_type="bar", x="direction", aggregate="count", title="t")
    out = run_chart(spec, df)
    assert (out["summary"]["flat"], out["summary"]["top_value"]) == (True, 8.0)
    assert list(_layout(out).yaxis.range) == [0, 10.0]
    assert _layout(out).yaxis.dtick == 1
    assert out["fig"].data[0].texttemplate == "%{y:,.3~g}"  # "every bar is 8", on the bars


def test_a_flat_line_of_averages_starts_at_zero(run_chart: RunChart) -> None:
    df = pd.DataFrame({"day": pd.date_range("2024-01-01", periods=5, freq="D"), "temp": [0.5] * 5})
    spec = ChartSpec(chart_type="line", x="day", y="temp", aggregate="mean", title="t")
    out = run_chart(spec, df)
    assert out["summary"]["flat"] is True
    assert list(_layout(out).yaxis.range) == [0, 0.625]


def test_varied_values_are_not_flat(run_chart: RunChart, make_orders: Any) -> None:
    df = make_orders()
    spec = ChartSpec(chart_type="bar", x="region", y="revenue", aggregate="sum", title="t")
    out = run_chart(spec, df)
    assert out["summary"]["flat"] is False
    assert _layout(out).yaxis.range is None


# --- layout -------------------------------------------------------------------------------


def test_the_title_sits_close_to_the_plot(run_chart: RunChart, make_orders: Any) -> None:
    default_top = go.Figure(layout={"template": "plotly_white"}).layout.template.layout.margin.t
    spec = ChartSpec(chart_type="bar", x="region", y="revenue", aggregate="sum", title="t")
    margin = _layout(run_chart(spec, make_orders())).margin
    assert margin.t is not None and margin.t <= 60
    assert default_top is None or default_top > margin.t  # Plotly's own default is 100 px


# --- dense scatters -----------------------------------------------------------------------


def _skewed(points: int) -> pd.DataFrame:
    """Incomes spanning four orders of magnitude, most of them small; ages are not skewed."""
    rng = np.random.default_rng(11)
    return pd.DataFrame(
        {"income": np.exp(rng.normal(8, 1.6, points)), "age": rng.uniform(20, 80, points)}
    )


def test_a_dense_skewed_scatter_gets_see_through_points_and_a_log_axis(
    run_chart: RunChart,
) -> None:
    df = _skewed(1700)
    spec = ChartSpec(chart_type="scatter", x="income", y="age", title="t")
    out = run_chart(spec, df)
    marker = out["fig"].data[0].marker
    assert marker.opacity == 0.5 and marker.size == 5
    assert (_layout(out).xaxis.type, _layout(out).yaxis.type) == ("log", None)
    summary = out["summary"]
    assert (summary["log_x_applied"], summary["log_y_applied"], summary["log_auto"]) == (
        True,
        False,
        True,
    )


def test_a_scatter_whose_scale_was_set_keeps_it(run_chart: RunChart) -> None:
    df = _skewed(1700)
    spec = ChartSpec(chart_type="scatter", x="income", y="age", x_scale="linear", title="t")
    out = run_chart(spec, df)
    assert _layout(out).xaxis.type is None
    assert out["summary"]["log_auto"] is False


def test_a_sparse_scatter_stays_as_it_is(run_chart: RunChart) -> None:
    out = run_chart(ChartSpec(chart_type="scatter", x="income", y="age", title="t"), _skewed(300))
    assert out["fig"].data[0].marker.opacity is None
    assert _layout(out).xaxis.type is None


def test_stacks_of_equal_parts_but_different_heights_are_not_flat(run_chart: RunChart) -> None:
    df = pd.DataFrame({"shop": ["a", "a", "b"], "kind": ["x", "y", "x"], "sales": [2.0] * 3})
    spec = ChartSpec(
        chart_type="bar",
        x="shop",
        y="sales",
        color="kind",
        barmode="stack",
        aggregate="sum",
        title="t",
    )
    out = run_chart(spec, df)
    assert out["summary"]["flat"] is False
    assert (out["summary"]["top_label"], out["summary"]["top_value"]) == ("a", 4.0)
    level = df.assign(kind="x").drop_duplicates("shop")
    flat = run_chart(spec, level)
    assert (flat["summary"]["flat"], flat["summary"]["top_value"]) == (True, 2.0)
