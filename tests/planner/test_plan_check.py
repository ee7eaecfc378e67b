"""How a model's plan is checked against the contract and the data, and what it is told to fix.

Every plan here is for `examples/sales.csv`: order_date (time), region and product (categories),
units and revenue (numbers), read through the real ingest pipeline.
"""

from __future__ import annotations

import copy
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ingest.limits import IngestLimits
from ingest.load import ingest_file
from ingest.profile import DataProfile
from ingest.profiling import build_profile
from planner.answer_json import AnswerNotJSON, extract_json
from planner.compile import compile_chart
from planner.compile_extras import compile_extras
from planner.plan import ChartSpec, Filter, Plan, Sort, Transform
from planner.plan_check import PlanProblems, check_plan
from planner.plan_problems import MAX_PROBLEMS
from tests.fakes.llm_answers import ANSWERS, RecordedAnswer, chart

SALES_CSV = Path(__file__).resolve().parents[2] / "examples" / "sales.csv"
COLUMNS = "order_date, region, product, units, revenue"
LIMITS = IngestLimits(max_bytes=50 * 1024 * 1024, max_rows=1_000_000, max_columns=500)


@pytest.fixture(scope="module")
def sales(tmp_path_factory: pytest.TempPathFactory) -> DataProfile:
    work = tmp_path_factory.mktemp("sales")
    return ingest_file(SALES_CSV, "sales.csv", work, LIMITS).profile


def _bar(**fields: Any) -> dict[str, Any]:
    return chart(
        **{"chart_type": "bar", "x": "region", "y": "revenue", "aggregate": "sum", **fields}
    )


def _plan(*charts: dict[str, Any], **parts: Any) -> dict[str, Any]:
    return {"charts": list(charts or [_bar()]), **parts}


def _problems(data: dict[str, Any], profile: DataProfile) -> list[str]:
    with pytest.raises(PlanProblems) as caught:
        check_plan(data, profile)
    return caught.value.problems


def _problem(data: dict[str, Any], profile: DataProfile) -> str:
    problems = _problems(data, profile)
    assert len(problems) == 1, problems
    return problems[0]


def _read(answer: RecordedAnswer, profile: DataProfile) -> tuple[str, list[str]]:
    """What the LLM planner will make of an answer: valid, repairable (with why) or invalid."""
    try:
        plan = check_plan(extract_json(answer.text), profile)
    except AnswerNotJSON as exc:
        return ("repairable" if exc.json_like else "invalid"), [exc.reason]
    except PlanProblems as exc:
        return "repairable", exc.problems
    assert plan.planner == "llm"
    return "valid", []


# --- the recorded answers -------------------------------------------------------------------


@pytest.mark.parametrize("answer", ANSWERS, ids=[a.name for a in ANSWERS])
def test_each_recorded_answer_reads_as_recorded(answer: RecordedAnswer, sales: DataProfile) -> None:
    outcome, problems = _read(answer, sales)
    assert outcome == answer.expect, problems
    if answer.expect == "repairable":
        assert any(answer.mentions in line for line in problems), problems


def test_the_library_is_large_named_uniquely_and_covers_every_outcome() -> None:
    assert len(ANSWERS) >= 24
    assert len({a.name for a in ANSWERS}) == len(ANSWERS)
    assert Counter(a.expect for a in ANSWERS).keys() == {"valid", "repairable", "invalid"}
    assert all(a.mentions for a in ANSWERS if a.expect == "repairable")


def test_every_valid_recorded_answer_compiles_to_chart_code(sales: DataProfile) -> None:
    for answer in ANSWERS:
        if answer.expect == "valid":
            plan = check_plan(extract_json(answer.text), sales)
            for spec in plan.charts:
                assert "fig = " in compile_chart(spec, sales), answer.name
            compile_extras(plan, sales)


# --- the plan that comes back ---------------------------------------------------------------


def test_a_valid_plan_comes_back_as_an_llm_plan(sales: DataProfile) -> None:
    plan = check_plan(_plan(_bar(), planner="rules"), sales)
    assert isinstance(plan, Plan)
    assert plan.planner == "llm"
    assert plan.primary == ChartSpec(
        chart_type="bar", x="region", y="revenue", aggregate="sum", title="Chart"
    )


def test_the_caller_s_dict_is_left_untouched(sales: DataProfile) -> None:
    data = _plan(
        _bar(x="Region", aggregate="AVG", filters=[{"column": "Units", "op": ">", "value": 3}])
    )
    before = copy.deepcopy(data)
    check_plan(data, sales)
    assert data == before


# --- cheap corrections, which are not problems --------------------------------------------------


def test_a_column_in_another_case_or_with_spaces_is_fixed_silently(sales: DataProfile) -> None:
    plan = check_plan(
        _plan(
            _bar(x="REGION", y=" Revenue ", color="Product"),
            table={"title": "t", "group_by": ["Order Date"], "value": "UNITS"},
        ),
        sales,
    )
    spec = plan.primary
    assert (spec.x, spec.y, spec.color) == ("region", "revenue", "product")
    assert plan.table is not None
    assert (plan.table.group_by, plan.table.value) == (["order_date"], "units")


def test_a_case_insensitive_match_to_two_columns_is_a_problem_not_a_guess() -> None:
    df = pd.DataFrame({"Sales": [1.0, 2.0], "sales": [3.0, 4.0], "shop": ["a", "b"]})
    profile = build_profile(df, file_name="two.csv", file_kind="csv")
    line = _problem(_plan(chart(chart_type="bar", x="shop", y="SALES", aggregate="sum")), profile)
    assert line.startswith("charts[0].y: column 'SALES' does not exist; columns are: Sales, sales")


@pytest.mark.parametrize(
    ("written", "meant"),
    [("avg", "mean"), ("Average", "mean"), ("total", "sum"), ("SUM", "sum"), ("maximum", "max")],
)
def test_aggregate_synonyms_and_capitals_are_understood(
    written: str, meant: str, sales: DataProfile
) -> None:
    assert check_plan(_plan(_bar(aggregate=written)), sales).primary.aggregate == meant


def test_keywords_in_capitals_are_lower_cased(sales: DataProfile) -> None:
    spec = check_plan(
        _plan(_bar(chart_type="Bar", barmode="STACK", sort={"by": "Y", "order": "Descending"})),
        sales,
    ).primary
    assert (spec.chart_type, spec.barmode, spec.sort) == (
        "bar",
        "stack",
        Sort(by="y", order="desc"),
    )


@pytest.mark.parametrize("nothing", ["null", "", "None", " NULL "])
def test_null_written_as_text_means_no_column(nothing: str, sales: DataProfile) -> None:
    spec = check_plan(
        _plan(chart(chart_type="bar", x="region", y=nothing, color=nothing, aggregate="count")),
        sales,
    ).primary
    assert (spec.y, spec.color) == (None, None)


@pytest.mark.parametrize(
    ("written", "grain"), [("M", "M"), ("m", "M"), ("month", "M"), ("quarterly", "Q")]
)
def test_time_grains_may_be_written_as_words(written: str, grain: str, sales: DataProfile) -> None:
    spec = chart(
        chart_type="line", x="order_date", y="revenue", aggregate="sum", time_grain=written
    )
    assert check_plan(_plan(spec), sales).primary.time_grain == grain


def test_filter_operators_may_be_written_as_symbols(sales: DataProfile) -> None:
    filters = [
        {"column": "units", "op": ">=", "value": 5},
        {"column": "region", "op": "!=", "value": "EU"},
        {"column": "product", "op": "NOT IN", "value": ["Gizmo"]},
    ]
    got = check_plan(_plan(_bar(filters=filters)), sales).primary.filters
    assert [f.op for f in got] == ["gte", "ne", "not_in"]


def test_a_year_written_as_text_becomes_a_number(sales: DataProfile) -> None:
    filters = [{"column": "order_date", "op": "year", "value": "2024"}]
    got = check_plan(_plan(_bar(filters=filters)), sales).primary.filters
    assert got == [Filter(column="order_date", op="year", value=2024)]


def test_wrappers_and_single_items_are_unwrapped(sales: DataProfile) -> None:
    assert check_plan({"plan": _plan()}, sales).primary.x == "region"
    assert check_plan(_bar(), sales).primary.x == "region"  # one chart, not a plan
    assert check_plan({"charts": _bar()}, sales).primary.x == "region"
    plan = check_plan(_plan(assumptions="Summed revenue."), sales)
    assert plan.assumptions == ["Summed revenue."]


def test_a_summary_card_given_as_a_list_of_metrics_is_accepted(sales: DataProfile) -> None:
    metrics = [
        {"label": "Orders", "aggregate": "count"},
        {"label": "Revenue", "column": "Revenue", "aggregate": "total"},
    ]
    card = check_plan(_plan(summary_card=metrics), sales).summary_card
    assert card is not None
    assert [(m.column, m.aggregate) for m in card.metrics] == [(None, "count"), ("revenue", "sum")]


# --- problems with the contract ---------------------------------------------------------------


def test_an_unknown_chart_type_names_the_allowed_ones(sales: DataProfile) -> None:
    assert _problem(_plan(_bar(chart_type="donut")), sales) == (
        "charts[0].chart_type: 'donut' is not one of bar, line, area, scatter, histogram, box, "
        "pie, table"
    )


def test_an_unknown_field_is_named_with_the_field_it_probably_meant(sales: DataProfile) -> None:
    assert _problem(_plan(_bar(colour="product")), sales) == (
        "charts[0]: unknown field 'colour'; did you mean 'color'?"
    )
    assert _problem(_plan(explanation="because"), sales) == "plan: unknown field 'explanation'"


def test_a_missing_required_field_is_named(sales: DataProfile) -> None:
    spec = _bar()
    del spec["title"]
    assert _problem(_plan(spec), sales) == "charts[0]: missing required field 'title'"


def test_contract_messages_are_plain_words_without_pydantic_links(sales: DataProfile) -> None:
    data = _plan(
        _bar(limit="ten", bins=1, custom="c" * 600),
        table={"title": "t", "group_by": [], "limit": 50},
        summary_card={"metrics": []},
    )
    problems = _problems(data, sales)
    assert problems == [
        "charts[0].limit: should be a whole number, got 'ten'",
        "charts[0].bins: must be at least 2, got 1",
        "charts[0].custom: is too long; at most 500 characters",
        "summary_card.metrics: needs at least 1 item(s), got 0",
        "table.group_by: needs at least 1 item(s), got 0",
        "table.limit: must be at most 20, got 50",
    ]
    assert not any("pydantic" in line or "http" in line for line in problems)


def test_a_filter_value_of_the_wrong_shape_is_one_line_not_one_per_union_member(
    sales: DataProfile,
) -> None:
    filters = [{"column": "region", "op": "in", "value": [{"name": "EU"}]}]
    assert _problem(_plan(_bar(filters=filters)), sales) == (
        "charts[0].filters[0].value: should be text, a number, true/false or a list of those, "
        "got a list"
    )


def test_too_many_charts_is_a_problem_of_the_charts_list(sales: DataProfile) -> None:
    assert _problem(_plan(*[_bar()] * 5), sales) == "charts: needs at most 4 item(s), got 5"


# --- problems with the data -----------------------------------------------------------------


def test_an_unknown_column_lists_the_columns_and_suggests_a_close_one(sales: DataProfile) -> None:
    assert _problem(_plan(_bar(y="revnue")), sales) == (
        f"charts[0].y: column 'revnue' does not exist; columns are: {COLUMNS}; "
        "did you mean 'revenue'?"
    )


def test_a_column_named_by_a_synonym_suggests_the_real_one(sales: DataProfile) -> None:
    assert _problem(_plan(_bar(y="sales")), sales).endswith("did you mean 'revenue'?")


def test_a_far_off_column_gets_no_suggestion(sales: DataProfile) -> None:
    assert _problem(_plan(_bar(y="profit")), sales) == (
        f"charts[0].y: column 'profit' does not exist; columns are: {COLUMNS}"
    )


def test_a_scatter_chart_needs_numbers_on_both_axes(sales: DataProfile) -> None:
    spec = chart(chart_type="scatter", x="region", y="product")
    assert _problem(_plan(spec), sales) == (
        "charts[0]: a scatter chart needs numbers on x and y; 'region' is a category column, "
        "'product' is a category column"
    )
    assert check_plan(_plan(chart(chart_type="scatter", x="units", y="revenue")), sales)


def test_summing_a_category_is_a_problem(sales: DataProfile) -> None:
    assert _problem(_plan(_bar(y="product")), sales) == (
        "charts[0]: aggregate 'sum' needs a number column for y; 'product' is a category column"
    )


def test_unaggregated_bars_need_numbers_too(sales: DataProfile) -> None:
    assert _problem(_plan(_bar(y="product", aggregate="none")), sales) == (
        "charts[0]: the chart needs a number column for y; 'product' is a category column"
    )


def test_a_maximum_may_be_taken_of_a_time_column(sales: DataProfile) -> None:
    assert check_plan(_plan(_bar(y="order_date", aggregate="max")), sales)


def test_a_box_chart_needs_a_number_on_y(sales: DataProfile) -> None:
    spec = chart(chart_type="box", x="product", y="region")
    assert _problem(_plan(spec), sales) == (
        "charts[0]: a box chart needs a number column for y; 'region' is a category column"
    )


def test_a_time_grain_needs_a_time_column_on_x(sales: DataProfile) -> None:
    assert _problem(_plan(_bar(time_grain="M")), sales) == (
        "charts[0].time_grain is set but x 'region' is not a time column"
    )


def test_each_chart_type_needs_its_axes(sales: DataProfile) -> None:
    problems = _problems(
        _plan(
            _bar(),
            chart(chart_type="line", y="revenue", aggregate="sum"),
            chart(chart_type="pie", x="region"),
            chart(chart_type="box", x="region"),
        ),
        sales,
    )
    assert problems == [
        "charts[1]: a line chart needs x",
        "charts[2]: a pie chart needs y (or aggregate 'count')",
        "charts[3]: a box chart needs y",
    ]


def test_counting_rows_needs_no_y(sales: DataProfile) -> None:
    assert check_plan(_plan(chart(chart_type="bar", x="region", aggregate="count")), sales)


def test_colour_by_a_number_column_is_a_problem(sales: DataProfile) -> None:
    assert _problem(_plan(_bar(color="units")), sales) == (
        "charts[0].color: 'units' is a number column; color splits by a category with few values"
    )


@pytest.mark.parametrize(
    ("flt", "problem"),
    [
        (
            {"column": "region", "op": "gt", "value": "EU"},
            "'gt' needs a number or time column; 'region' is a category column",
        ),
        (
            {"column": "region", "op": "year", "value": 2023},
            "'year' needs a time column; 'region' is a category column",
        ),
        (
            {"column": "order_date", "op": "year", "value": "2023-05"},
            "'year' needs a whole year number like 2023, got '2023-05'",
        ),
        ({"column": "region", "op": "in", "value": "EU"}, "'in' needs a list of values"),
        (
            {"column": "units", "op": "between", "value": 5},
            "'between' needs a list of values, [low, high]",
        ),
        (
            {"column": "units", "op": "between", "value": [1, 5, 10]},
            "'between' needs exactly 2 values, [low, high]; got 3",
        ),
        (
            {"column": "region", "op": "eq", "value": ["EU", "APAC"]},
            "'eq' needs a single value, not a list (use 'in' for several)",
        ),
        ({"column": "region", "op": "not_in", "value": []}, "'not_in' needs at least one value"),
        (
            {"column": "units", "op": "gte", "value": "many"},
            "'gte' on a number column needs numbers, got 'many'",
        ),
        (
            {"column": "order_date", "op": "lt", "value": "last March"},
            "'lt' on a time column needs ISO dates like '2023-06-30', got 'last March'",
        ),
    ],
)
def test_filters_are_checked_against_their_column(
    flt: dict[str, Any], problem: str, sales: DataProfile
) -> None:
    assert _problem(_plan(_bar(filters=[flt])), sales) == f"charts[0].filters[0]: {problem}"


def test_sensible_filters_pass(sales: DataProfile) -> None:
    filters = [
        {"column": "order_date", "op": "between", "value": ["2023-01-01", "2023-06-30"]},
        {"column": "order_date", "op": "year", "value": 2023},
        {"column": "revenue", "op": "gt", "value": "100.5"},
        {"column": "region", "op": "in", "value": ["EU", "LATAM"]},
        {"column": "product", "op": "ne", "value": "Gizmo"},
    ]
    assert len(check_plan(_plan(_bar(filters=filters)), sales).primary.filters) == 5


def test_summary_metrics_and_the_table_are_checked_like_charts(sales: DataProfile) -> None:
    data = _plan(
        summary_card={
            "metrics": [
                {"label": "Orders", "aggregate": "count"},
                {"label": "Regions", "column": "region", "aggregate": "distinct"},
                {"label": "Revenue", "aggregate": "sum"},
                {"label": "Avg product", "column": "product", "aggregate": "mean"},
            ]
        },
        table={
            "title": "By region",
            "group_by": ["region", "prodcut"],
            "aggregate": "median",
            "filters": [{"column": "revenue", "op": "year", "value": 2023}],
        },
    )
    assert _problems(data, sales) == [
        "summary_card.metrics[2]: aggregate 'sum' needs a column",
        "summary_card.metrics[3]: aggregate 'mean' needs a number column; "
        "'product' is a category column",
        f"table.group_by[1]: column 'prodcut' does not exist; columns are: {COLUMNS}; "
        "did you mean 'product'?",
        "table.value: aggregate 'median' needs a column",
        "table.filters[0]: 'year' needs a time column; 'revenue' is a number column",
    ]


# --- all at once ----------------------------------------------------------------------------


def test_every_problem_is_found_in_one_pass_and_listed_by_place(sales: DataProfile) -> None:
    data = {
        "table": {"title": "t", "group_by": ["region"], "value": "profit"},
        "charts": [
            _bar(chart_type="donut", y="sales"),
            chart(chart_type="scatter", x="region", y="revenue", values=[1, 2, 3]),
        ],
        "summary_card": {"metrics": [{"label": "x", "aggregate": "sum"}]},
        "notes": "hi",
    }
    problems = _problems(data, sales)
    assert [line.split(":")[0] for line in problems] == [
        "plan",
        "charts[0].y",
        "charts[0].chart_type",
        "charts[1]",
        "charts[1]",
        "summary_card.metrics[0]",
        "table.value",
    ]


def test_the_problems_are_the_exception_text_too(sales: DataProfile) -> None:
    with pytest.raises(PlanProblems) as caught:
        check_plan(_plan(_bar(chart_type="donut", y="sales")), sales)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == "; ".join(caught.value.problems)


def test_a_flood_of_problems_is_capped(sales: DataProfile) -> None:
    filters = [{"column": f"nope{k}", "op": "eq", "value": k} for k in range(5_000)]
    started = time.perf_counter()
    problems = _problems(_plan(_bar(filters=filters)), sales)
    assert time.perf_counter() - started < 2.0
    assert len(problems) == MAX_PROBLEMS
    # 5,000 unknown columns, plus "at most 20 filters" itself.
    assert problems[-1] == f"…and {5_000 + 1 - MAX_PROBLEMS + 1} more problems"


def test_hostile_shapes_are_problems_not_crashes(sales: DataProfile) -> None:
    nested: list[Any] = []
    for _ in range(5_000):
        nested = [nested]
    data = {
        "charts": [5, "bar", None, {"chart_type": ["bar"], "x": {"a": 1}, "title": 7}],
        "assumptions": [nested],
        "summary_card": "big",
        "table": [],
    }
    problems = _problems(data, sales)
    assert problems[0] == "charts[0]: should be an object {…}, got 5"
    assert "assumptions[0]: should be text, got a list" in problems
    filters = [{"op": "eq", "value": "EU"}, {"column": ["region"], "op": "eq", "value": "EU"}]
    assert _problems(_plan(_bar(filters=filters)), sales) == [
        "charts[0].filters[0]: missing required field 'column'",
        "charts[0].filters[1].column: should be text, got a list",
    ]


# --- several measures, ratios, transforms, scales (plan v2) ----------------------------------


def test_the_new_fields_take_the_usual_slips(sales: DataProfile) -> None:
    spec = check_plan(
        _plan(
            chart(
                chart_type="line",
                x="order_date",
                y="Revenue",
                extra_y="UNITS",
                aggregate="sum",
                time_grain="month",
                transform="Running_Total",
                y_scale="Logarithmic",
            ),
            _bar(denominator="Units", as_percent=True),
            _bar(transform={"kind": "percent_of_total"}),
        ),
        sales,
    ).charts
    assert (spec[0].extra_y, spec[0].transform, spec[0].y_scale) == (
        ["units"],
        Transform(kind="cumsum"),
        "log",
    )
    assert (spec[1].denominator, spec[1].as_percent) == ("units", True)
    assert spec[2].transform == Transform(kind="share")


def test_as_percent_on_a_transform_in_percent_already_is_dropped_silently(
    sales: DataProfile,
) -> None:
    spec = check_plan(_plan(_bar(as_percent=True, transform="share")), sales).primary
    assert (spec.transform, spec.as_percent) == (Transform(kind="share"), False)


def test_columns_of_the_new_fields_must_exist(sales: DataProfile) -> None:
    problems = _problems(
        _plan(
            _bar(extra_y=["unitz"], denominator="cost"),
            _bar(x="product", color="region", limit=2, limit_within="regoin"),
        ),
        sales,
    )
    assert [line.split(":")[0] for line in problems] == [
        "charts[0].denominator",
        "charts[0].extra_y[0]",
        "charts[1].limit_within",
        "charts[1].limit_within",
    ]
    assert problems[1].endswith("did you mean 'units'?")


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            {"extra_y": ["product"]},
            "charts[0]: aggregate 'sum' needs a number column for extra_y[0]; "
            "'product' is a category column",
        ),
        (
            {"extra_y": ["units"], "color": "product"},
            "charts[0].extra_y: several measures and a color split are too many series; drop "
            "color, or make one chart per measure",
        ),
        (
            {"denominator": "product"},
            "charts[0].denominator: 'product' is a category column; a denominator is a number "
            "column",
        ),
        (
            {"denominator": "units", "aggregate": "median"},
            "charts[0].denominator: a ratio divides sums, averages, last values or single rows "
            "(aggregate sum, mean, last or none), not with aggregate 'median'",
        ),
        (
            {"transform": {"kind": "rolling_mean", "window": 3}},
            "charts[0].transform: 'rolling_mean' runs in x order, so x must be a time or number "
            "column; 'region' is a category column",
        ),
        (
            {"x": "order_date", "transform": {"kind": "yoy"}},
            "charts[0].transform: 'yoy' compares each period with the same period a year "
            "earlier: set time_grain (D, W, M, Q or Y)",
        ),
        (
            {"aggregate": "mean", "transform": {"kind": "share"}},
            "charts[0].transform: a share of the total needs values that add up; aggregate "
            "'mean' values do not add up (use sum or count)",
        ),
        (
            {"x": "order_date", "aggregate": "mean", "transform": {"kind": "cumsum"}},
            "charts[0].transform: a running total adds values up; aggregate 'mean' values do "
            "not add up (use sum or count)",
        ),
        (
            {"limit": 3, "limit_within": "region"},
            "charts[0].limit_within: must be the chart's x or color column, and the chart needs "
            "both",
        ),
        (
            {"color": "product", "limit_within": "product"},
            "charts[0].limit_within: set limit: how many to keep within each group",
        ),
        (
            {"x_scale": "log"},
            "charts[0].x_scale: a log x axis is drawn on scatter, line and area charts, not on a "
            "bar chart",
        ),
        (
            {"chart_type": "pie", "y_scale": "log"},
            "charts[0].y_scale: a pie chart has no y axis",
        ),
    ],
)
def test_new_fields_are_checked_against_the_data_and_each_other(
    fields: dict[str, Any], problem: str, sales: DataProfile
) -> None:
    assert _problem(_plan(_bar(**fields)), sales) == problem


def test_aggregate_last_needs_a_time_column_in_the_file() -> None:
    df = pd.DataFrame({"ticker": ["A", "B"], "price": [1.0, 2.0]})
    profile = build_profile(df, file_name="p.csv", file_kind="csv")
    line = _problem(
        _plan(chart(chart_type="bar", x="ticker", y="price", aggregate="last")), profile
    )
    assert line == (
        "charts[0]: aggregate 'last' takes the latest value by time, but the file has no time "
        "column; use 'mean' or 'max'"
    )


def test_an_unknown_field_inside_a_transform_is_named(sales: DataProfile) -> None:
    spec = _bar(x="order_date", time_grain="M", transform={"kind": "rolling_mean", "windw": 3})
    assert _problem(_plan(spec), sales) == (
        "charts[0].transform: unknown field 'windw'; did you mean 'window'?"
    )


def test_sensible_new_fields_pass_and_compile(sales: DataProfile) -> None:
    plan = check_plan(
        _plan(
            chart(
                chart_type="line",
                x="order_date",
                y="revenue",
                extra_y=["units"],
                aggregate="sum",
                time_grain="M",
                transform={"kind": "rolling_mean", "window": 3},
            ),
            _bar(denominator="units", color="product", barmode="stack"),
            _bar(x="product", color="region", limit=2, limit_within="region"),
            chart(
                chart_type="area",
                x="order_date",
                y="revenue",
                color="region",
                aggregate="sum",
                time_grain="Q",
                transform={"kind": "yoy"},
            ),
        ),
        sales,
    )
    for spec in plan.charts:
        assert "fig = " in compile_chart(spec, sales)
