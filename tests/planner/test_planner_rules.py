"""How the rule-based planner reads questions: one behaviour per test, on small known tables."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from core.errors import NoMatchingColumn
from planner.plan import Filter, Plan, Sort

PlanFor = Callable[[str, pd.DataFrame], Plan]
MakeOrders = Callable[..., pd.DataFrame]


# --- bar charts and how rows are combined ---------------------------------------------------


def test_category_by_number_is_a_bar_of_sums_sorted_largest_first(
    plan_for: PlanFor, make_orders: MakeOrders
) -> None:
    plan = plan_for("revenue by region", make_orders())
    spec = plan.primary
    assert (spec.chart_type, spec.x, spec.y, spec.aggregate) == ("bar", "region", "revenue", "sum")
    assert spec.sort == Sort(by="y", order="desc")
    assert spec.title == "Total revenue by region"
    assert any("Summed revenue" in note for note in plan.assumptions)


@pytest.mark.parametrize(
    ("question", "aggregate"),
    [
        ("average revenue per region", "mean"),
        ("mean revenue by region", "mean"),
        ("lowest revenue by region", "min"),
        ("maximum revenue for each region", "max"),
        ("highest revenue by region", "max"),
        ("median revenue by region", "median"),
        ("total revenue by region", "sum"),
    ],
)
def test_stated_aggregate_is_used(
    plan_for: PlanFor, make_orders: MakeOrders, question: str, aggregate: str
) -> None:
    spec = plan_for(question, make_orders()).primary
    assert (spec.x, spec.y, spec.aggregate) == ("region", "revenue", aggregate)


@pytest.mark.parametrize(
    "question",
    ["how many orders per region", "number of orders by region", "count by region"],
)
def test_counting_rows_needs_no_measure(
    plan_for: PlanFor, make_orders: MakeOrders, question: str
) -> None:
    spec = plan_for(question, make_orders()).primary
    assert (spec.chart_type, spec.x, spec.y, spec.aggregate) == ("bar", "region", None, "count")


def test_count_title_names_the_counted_thing(plan_for: PlanFor, make_orders: MakeOrders) -> None:
    assert plan_for("how many orders per region", make_orders()).primary.title == (
        "Number of orders by region"
    )


def test_more_than_twenty_categories_keep_the_top_twenty_and_say_so(plan_for: PlanFor) -> None:
    df = pd.DataFrame({"city": [f"city {k}" for k in range(30)] * 2, "sales": np.arange(60.0)})
    plan = plan_for("sales by city", df)
    assert (plan.primary.limit, plan.primary.other_bucket) == (20, False)
    assert "Kept the 20 largest of 30 city values and left out the other 10" in plan.assumptions


def test_the_rest_goes_into_other_only_when_asked(plan_for: PlanFor) -> None:
    df = pd.DataFrame({"city": [f"city {k}" for k in range(30)] * 2, "sales": np.arange(60.0)})
    plan = plan_for("sales by city, the rest as other", df)
    assert (plan.primary.limit, plan.primary.other_bucket) == (20, True)
    assert any("“Other”" in note for note in plan.assumptions)


@pytest.mark.parametrize(
    ("question", "limit", "order"),
    [
        ("top 3 products by revenue", 3, "desc"),
        ("the 2 largest products by revenue", 2, "desc"),
        ("bottom 2 products by revenue", 2, "asc"),
        ("top five products by revenue", 5, "desc"),
    ],
)
def test_top_and_bottom_n_limit_and_sort(
    plan_for: PlanFor, make_orders: MakeOrders, question: str, limit: int, order: str
) -> None:
    spec = plan_for(question, make_orders()).primary
    assert (spec.x, spec.limit, spec.other_bucket) == ("product", limit, False)
    assert spec.sort == Sort.model_validate({"by": "y", "order": order})


@pytest.mark.parametrize(
    ("question", "sort"),
    [
        ("revenue by region, ascending", Sort(by="y", order="asc")),
        ("revenue by region from low to high", Sort(by="y", order="asc")),
        ("revenue by region in descending order", Sort(by="y", order="desc")),
        ("revenue by region in alphabetical order", Sort(by="x", order="asc")),
        ("revenue by region sorted by region", Sort(by="x", order="asc")),
    ],
)
def test_sort_words(plan_for: PlanFor, make_orders: MakeOrders, question: str, sort: Sort) -> None:
    assert plan_for(question, make_orders()).primary.sort == sort


# --- other chart types -----------------------------------------------------------------------


def test_time_by_number_is_a_line(plan_for: PlanFor, make_orders: MakeOrders) -> None:
    spec = plan_for("revenue over time", make_orders()).primary
    assert (spec.chart_type, spec.x, spec.y) == ("line", "order_date", "revenue")
    assert spec.time_grain is None  # 60 points need no resampling


def test_long_daily_series_is_grouped_by_month(plan_for: PlanFor, make_orders: MakeOrders) -> None:
    plan = plan_for("revenue by order date", make_orders(days=3650))
    assert (plan.primary.chart_type, plan.primary.time_grain) == ("line", "M")
    assert any("by month" in n and "3,650" in n for n in plan.assumptions)


def test_a_few_years_of_days_become_weeks(plan_for: PlanFor, make_orders: MakeOrders) -> None:
    assert plan_for("revenue over time", make_orders(days=1200)).primary.time_grain == "W"


@pytest.mark.parametrize(
    ("question", "grain"),
    [
        ("monthly revenue", "M"),
        ("revenue by week", "W"),
        ("revenue per month", "M"),
        ("daily revenue", "D"),
        ("quarterly revenue", "Q"),
        ("revenue over the years", "Y"),
        ("yearly revenue", "Y"),
    ],
)
def test_stated_time_grain_is_respected(
    plan_for: PlanFor, make_orders: MakeOrders, question: str, grain: str
) -> None:
    spec = plan_for(question, make_orders()).primary
    assert (spec.chart_type, spec.x, spec.time_grain, spec.aggregate) == (
        "line",
        "order_date",
        grain,
        "sum",
    )


def test_two_numbers_make_a_scatter_without_aggregation(
    plan_for: PlanFor, make_orders: MakeOrders
) -> None:
    spec = plan_for("unit price vs quantity", make_orders()).primary
    assert (spec.chart_type, spec.x, spec.y, spec.aggregate) == (
        "scatter",
        "quantity",
        "unit_price",
        "none",
    )


def test_distribution_of_one_number_is_a_histogram(
    plan_for: PlanFor, make_orders: MakeOrders
) -> None:
    spec = plan_for("distribution of revenue", make_orders()).primary
    assert (spec.chart_type, spec.x, spec.y) == ("histogram", "revenue", None)


@pytest.mark.parametrize(
    "question", ["spread of revenue by region", "box plot of revenue by region"]
)
def test_number_by_category_spread_is_a_box(
    plan_for: PlanFor, make_orders: MakeOrders, question: str
) -> None:
    spec = plan_for(question, make_orders()).primary
    assert (spec.chart_type, spec.x, spec.y) == ("box", "region", "revenue")


def test_pie_only_when_asked(plan_for: PlanFor, make_orders: MakeOrders) -> None:
    df = make_orders()
    assert plan_for("pie chart of revenue by region", df).primary.chart_type == "pie"
    assert plan_for("donut of orders by region", df).primary.chart_type == "pie"
    assert plan_for("share of revenue by region", df).primary.chart_type == "bar"
    assert plan_for("proportion of revenue by region", df).primary.chart_type == "bar"


def test_second_category_splits_bars_into_groups(
    plan_for: PlanFor, make_orders: MakeOrders
) -> None:
    spec = plan_for("revenue by region and product", make_orders()).primary
    assert (spec.x, spec.color, spec.barmode) == ("region", "product", "group")


def test_stacked_means_stacked_bars(plan_for: PlanFor, make_orders: MakeOrders) -> None:
    spec = plan_for("stacked bar of revenue by region and product", make_orders()).primary
    assert (spec.x, spec.color, spec.barmode) == ("region", "product", "stack")


def test_time_and_a_category_make_one_line_per_category(
    plan_for: PlanFor, make_orders: MakeOrders
) -> None:
    spec = plan_for("monthly revenue by region", make_orders()).primary
    assert (spec.chart_type, spec.x, spec.color, spec.time_grain) == (
        "line",
        "order_date",
        "region",
        "M",
    )


# --- filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("revenue by product in 2023", Filter(column="order_date", op="year", value=2023)),
        ("revenue by product where region is EU", Filter(column="region", op="eq", value="EU")),
        ("revenue by product for EU only", Filter(column="region", op="eq", value="EU")),
        ("revenue by product, region = EU", Filter(column="region", op="eq", value="EU")),
        ("revenue by product, only eu", Filter(column="region", op="eq", value="EU")),
        ("revenue by product excluding apac", Filter(column="region", op="ne", value="APAC")),
        (
            "revenue by product with unit price over 5",
            Filter(column="unit_price", op="gt", value=5),
        ),
        (
            "revenue by product where quantity is at least 2",
            Filter(column="quantity", op="gte", value=2),
        ),
        (
            "revenue by product after 2023-02-01",
            Filter(column="order_date", op="gte", value="2023-02-02"),
        ),
        (
            "revenue by product between 2020 and 2022",
            Filter(column="order_date", op="between", value=["2020-01-01", "2022-12-31"]),
        ),
        (
            "revenue by product for EU and US",
            Filter(column="region", op="in", value=["EU", "US"]),
        ),
    ],
)
def test_simple_filters(
    plan_for: PlanFor, make_orders: MakeOrders, question: str, wanted: Filter
) -> None:
    spec = plan_for(question, make_orders()).primary
    assert spec.filters == [wanted]
    assert (spec.x, spec.y) == ("product", "revenue")


# --- loose column matching -------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "revenue by regions",
        "REVENUE BY REGION",
        "Revenue by Region",
        "sales by region",
        "income by area",
    ],
)
def test_names_match_loosely(plan_for: PlanFor, make_orders: MakeOrders, question: str) -> None:
    spec = plan_for(question, make_orders()).primary
    assert (spec.x, spec.y) == ("region", "revenue")


@pytest.mark.parametrize(
    "question", ["unit price by region", "unit_price by region", "unitPrice by region"]
)
def test_multi_word_names_match_however_written(
    plan_for: PlanFor, make_orders: MakeOrders, question: str
) -> None:
    assert plan_for(question, make_orders()).primary.y == "unit_price"


def test_camel_case_and_hyphenated_columns_match_plain_words(plan_for: PlanFor) -> None:
    df = pd.DataFrame({"SalesRegion": ["N", "S", "N"], "net-amount": [1.0, 2.0, 3.0]})
    spec = plan_for("net amount by sales region", df).primary
    assert (spec.x, spec.y) == ("SalesRegion", "net-amount")


def test_synonyms_for_quantity_and_price(plan_for: PlanFor) -> None:
    df = pd.DataFrame({"category": ["a", "b", "a"], "qty": [1, 2, 3], "cost": [1.0, 2.0, 4.0]})
    assert plan_for("average quantity by category", df).primary.y == "qty"
    spec = plan_for("average price by type", df).primary
    assert (spec.x, spec.y) == ("category", "cost")


def test_exact_name_beats_a_synonym(plan_for: PlanFor) -> None:
    df = pd.DataFrame({"kind": ["a", "b"], "sales": [1.0, 2.0], "revenue": [3.0, 4.0]})
    assert plan_for("revenue by kind", df).primary.y == "revenue"
    assert plan_for("sales by kind", df).primary.y == "sales"


def test_stop_words_never_name_a_column(plan_for: PlanFor) -> None:
    df = pd.DataFrame({"by": ["a", "b", "a"], "total": [1.0, 2.0, 3.0], "team": ["x", "y", "x"]})
    spec = plan_for("show the chart by team", df).primary
    assert spec.x == "team"


# --- defaults and errors ---------------------------------------------------------------------


@pytest.mark.parametrize("question", ["", "plot this", "chart"])
def test_no_question_gives_a_line_of_the_best_measure_over_time(
    plan_for: PlanFor, make_orders: MakeOrders, question: str
) -> None:
    plan = plan_for(question, make_orders())
    spec = plan.primary
    assert (spec.chart_type, spec.x, spec.aggregate) == ("line", "order_date", "sum")
    assert spec.y not in ("order_id", "constant")
    assert plan.assumptions


def test_no_question_and_no_dates_gives_bars_by_the_best_category(
    plan_for: PlanFor, make_orders: MakeOrders
) -> None:
    df = make_orders().drop(columns=["order_date"])
    df["customer"] = [f"c{k}" for k in range(len(df))]  # 60 distinct: too many for bars
    spec = plan_for("", df).primary
    assert (spec.chart_type, spec.aggregate) == ("bar", "sum")
    assert spec.x in ("region", "product")
    assert spec.y not in ("order_id", "constant")


def test_unknown_field_raises_with_the_available_columns(
    plan_for: PlanFor, make_orders: MakeOrders
) -> None:
    df = make_orders()
    with pytest.raises(NoMatchingColumn) as caught:
        plan_for("profit by region", df)
    assert caught.value.wanted == ["profit"]
    assert caught.value.available == list(df.columns)
    assert "`revenue`" in caught.value.user_message


def test_unknown_breakdown_raises(plan_for: PlanFor, make_orders: MakeOrders) -> None:
    with pytest.raises(NoMatchingColumn) as caught:
        plan_for("revenue by planet", make_orders())
    assert caught.value.wanted == ["planet"]


def test_a_question_naming_nothing_in_the_file_gets_examples_instead_of_a_chart(
    plan_for: PlanFor, make_orders: MakeOrders
) -> None:
    with pytest.raises(NoMatchingColumn) as caught:
        plan_for("show me the foo", make_orders())
    assert caught.value.wanted == ["foo"]
    assert caught.value.examples == ["average revenue by region", "revenue by month"]
    assert "Try for example: “average revenue by region”" in caught.value.user_message
