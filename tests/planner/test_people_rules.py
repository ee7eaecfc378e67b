"""Questions typed the way people type them, over tables shaped like public datasets: what the
rule planner draws, and what it says it did."""

from __future__ import annotations

import pytest

from core.errors import NoMatchingColumn
from ingest.profile import DataProfile
from planner.plan import ChartSpec, Filter
from planner.rules import plan_from_rules
from tests.planner import frames


def chart(question: str, profile: DataProfile) -> ChartSpec:
    return plan_from_rules(question, profile).primary


def test_an_abbreviation_names_its_column() -> None:
    spec = chart("avg mpg per origin", frames.cars())
    assert (spec.x, spec.y, spec.aggregate) == ("Origin", "Miles_per_Gallon", "mean")


def test_a_typo_is_read_as_the_column_and_the_answer_says_so() -> None:
    plan = plan_from_rules("avg temprature by month", frames.weather())
    assert plan.primary.measures() == ["temp_max", "temp_min"]
    assert "Read “temprature” as “temperature”" in plan.assumptions


def test_values_compared_split_the_chart_by_their_column() -> None:
    spec = chart("fossil vs nuclear", frames.sources())
    assert (spec.chart_type, spec.x, spec.color) == ("line", "year", "source")
    assert spec.filters == [
        Filter(column="source", op="in", value=["Fossil Fuels", "Nuclear Energy"])
    ]


def test_values_compared_without_a_time_series_are_the_bars() -> None:
    spec = chart("usa vs europe mpg", frames.cars())
    assert (spec.chart_type, spec.x) == ("bar", "Origin")


def test_two_tickers_of_a_wide_price_file_are_two_lines() -> None:
    spec = chart("AAPL vs GOOG", frames.prices_wide())
    assert (spec.chart_type, spec.x, spec.measures()) == ("line", "date", ["AAPL", "GOOG"])


def test_two_unlike_numbers_against_each_other_are_a_scatter() -> None:
    assert chart("hp vs weight", frames.cars()).chart_type == "scatter"


def test_levels_and_rates_are_averaged_and_the_answer_says_why() -> None:
    plan = plan_from_rules("life exp by continent", frames.countries())
    assert plan.primary.aggregate == "mean"
    assert any("not an amount" in note for note in plan.assumptions)


def test_a_level_by_category_is_summed_at_the_latest_period_only() -> None:
    plan = plan_from_rules("population by continent", frames.countries())
    assert plan.primary.aggregate == "sum"
    assert Filter(column="year", op="eq", value=2007) in plan.primary.filters
    assert any("latest year" in note for note in plan.assumptions)


def test_how_many_of_a_repeated_thing_per_group_counts_distinct_values() -> None:
    spec = chart("how many countries per continent", frames.countries())
    assert (spec.x, spec.y, spec.aggregate) == ("continent", "country", "distinct")


def test_a_ratio_of_two_columns_is_one_measure() -> None:
    spec = chart("tip as % of total bill by day", frames.tips())
    assert (spec.y, spec.denominator, spec.as_percent) == ("tip", "total_bill", True)


def test_a_rolling_average_keeps_its_window_and_its_grain() -> None:
    spec = chart("7 day rolling avg of max temp", frames.weather())
    assert spec.transform is not None and spec.transform.window == 7
    assert spec.time_grain == "D"


def test_a_window_of_recent_periods_in_a_series_is_drawn_over_time() -> None:
    spec = chart("last 5 years by source", frames.sources())
    assert (spec.chart_type, spec.x, spec.color) == ("line", "year", "source")


def test_a_place_name_filters_the_code_the_file_holds() -> None:
    spec = chart("how many airports per state in texas", frames.airports())
    assert Filter(column="state", op="eq", value="TX") in spec.filters


def test_the_rows_named_by_the_file_are_counted() -> None:
    spec = chart("top 3 states by airports", frames.airports())
    assert (spec.x, spec.aggregate, spec.limit, spec.count_noun) == (
        "state",
        "count",
        3,
        "airports",
    )


def test_ranked_rows_are_shown_by_their_names() -> None:
    spec = chart("heaviest 10 cars", frames.cars())
    assert (spec.x, spec.y, spec.limit) == ("Name", "Weight_in_lbs", 10)


def test_a_trend_in_a_file_without_dates_is_refused_with_help() -> None:
    with pytest.raises(NoMatchingColumn) as caught:
        plan_from_rules("tips over time", frames.tips())
    assert caught.value.examples


def test_words_the_plan_did_not_use_are_listed() -> None:
    plan = plan_from_rules("avg mpg per origin for hybrids", frames.cars())
    assert plan.unused == ["hybrids"]


@pytest.mark.parametrize(
    "question", ["rain by month", "avg mpg per origin", "fossil vs nuclear", "hp vs weight"]
)
def test_a_question_fully_read_leaves_no_word_unused(question: str) -> None:
    profiles = {"rain": frames.weather(), "avg": frames.cars(), "fossil": frames.sources()}
    profile = profiles.get(question.split()[0], frames.cars())
    assert plan_from_rules(question, profile).unused == []
