"""Dates as people say them become filters on the file's time (or year) column; relative dates
are relative to the data's last date, and the answer says which dates those are."""

from __future__ import annotations

import pytest

from planner.dates import read_dates
from planner.plan import Filter
from tests.planner import frames


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("rain in 2014", Filter(column="date", op="year", value=2014)),
        ("rain since july 2013", Filter(column="date", op="gte", value="2013-07-01")),
        ("rain after 2013", Filter(column="date", op="gte", value="2014-01-01")),
        ("rain before 2014", Filter(column="date", op="lt", value="2014-01-01")),
        ("rain until june 2013", Filter(column="date", op="lt", value="2013-07-01")),
        (
            "rain from 2012 to 2013",
            Filter(column="date", op="between", value=["2012-01-01", "2013-12-31"]),
        ),
        (
            "rain between 2013 and 2014",
            Filter(column="date", op="between", value=["2013-01-01", "2014-12-31"]),
        ),
        ("rain 2012-2013", Filter(column="date", op="between", value=["2012-01-01", "2013-12-31"])),
        ("rain q3 2014", Filter(column="date", op="between", value=["2014-07-01", "2014-09-30"])),
        (
            "rain from jan 2014 to mar 2014",
            Filter(column="date", op="between", value=["2014-01-01", "2014-03-31"]),
        ),
        (
            "rain on 2014-03-05",
            Filter(column="date", op="between", value=["2014-03-05", "2014-03-05"]),
        ),
    ],
)
def test_absolute_dates(question: str, wanted: Filter) -> None:
    assert read_dates(question, frames.weather()).filters == [wanted]


@pytest.mark.parametrize(
    ("question", "wanted", "said"),
    [
        (
            "rain last 6 months",
            Filter(column="date", op="between", value=["2015-07-01", "2015-12-31"]),
            "“last 6 months”",
        ),
        (
            "rain in the last 30 days",
            Filter(column="date", op="between", value=["2015-12-02", "2015-12-31"]),
            "“in the last 30 days”",
        ),
        ("rain this year", Filter(column="date", op="year", value=2015), "“this year”"),
        ("rain ytd", Filter(column="date", op="gte", value="2015-01-01"), "“ytd”"),
    ],
)
def test_relative_dates_count_back_from_the_data_and_say_so(
    question: str, wanted: Filter, said: str
) -> None:
    reading = read_dates(question, frames.weather())
    assert reading.filters == [wanted]
    assert any(said in note and "2015" in note for note in reading.notes)


def test_a_month_without_a_year_is_the_latest_one_in_the_data() -> None:
    reading = read_dates("rain in march", frames.weather())
    assert reading.filters == [
        Filter(column="date", op="between", value=["2015-03-01", "2015-03-31"])
    ]


def test_years_on_a_column_of_year_numbers_filter_by_number() -> None:
    countries = frames.countries()
    assert read_dates("life exp in 2007", countries).filters == [
        Filter(column="year", op="eq", value=2007)
    ]
    assert read_dates("from 1982 to 1997", countries).filters == [
        Filter(column="year", op="between", value=[1982, 1997])
    ]


def test_two_years_compared_on_a_year_column_are_both_kept_for_a_split() -> None:
    reading = read_dates("life exp 1952 vs 2007", frames.countries())
    assert reading.filters == [Filter(column="year", op="in", value=[1952, 2007])]
    assert reading.compared_years == [1952, 2007]


def test_a_month_on_a_column_of_years_is_not_done_and_said() -> None:
    reading = read_dates("life exp in march 2007", frames.countries())
    assert reading.filters == []
    assert reading.not_done


def test_dates_asked_of_a_file_without_dates_are_not_done_and_said() -> None:
    reading = read_dates("tips since 2014", frames.tips())
    assert reading.filters == []
    assert reading.not_done == ["the dates in “since 2014”: the file has no dates"]


@pytest.mark.parametrize("question", ["top 2000 rows", "price over 2000", "may I see rain"])
def test_numbers_and_words_that_only_look_like_dates_are_not_dates(question: str) -> None:
    assert read_dates(question, frames.weather()).filters == []
