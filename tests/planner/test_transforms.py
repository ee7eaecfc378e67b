"""Calculations asked for on top of the aggregated series, and the words that ask for them."""

from __future__ import annotations

import pytest

from planner.matching import find_mentions, tokenize
from planner.plan import Transform
from planner.transforms import counted_distinct, read_ratio, read_transform
from tests.planner import frames


@pytest.mark.parametrize(
    ("question", "wanted", "grain"),
    [
        ("7 day rolling avg of max temp", Transform(kind="rolling_mean", window=7), "D"),
        ("rolling average of wind over 4 weeks", Transform(kind="rolling_mean", window=4), "W"),
        ("moving average of wind", Transform(kind="rolling_mean", window=7), None),
        ("3-month moving avg", Transform(kind="rolling_mean", window=3), "M"),
        ("yoy change in price", Transform(kind="yoy"), None),
        ("price year over year", Transform(kind="yoy"), None),
        ("% change in price", Transform(kind="pct_change"), None),
        ("month over month growth", Transform(kind="pct_change"), None),
        ("running total of rain", Transform(kind="cumsum"), None),
        ("cumulative rainfall", Transform(kind="cumsum"), None),
        ("share of generation by source", Transform(kind="share"), None),
        ("% of total by source", Transform(kind="share"), None),
    ],
)
def test_transform_phrases(question: str, wanted: Transform, grain: str | None) -> None:
    reading = read_transform(question)
    assert reading.transform == wanted
    assert reading.grain == grain
    assert reading.spans


@pytest.mark.parametrize("question", ["price by symbol", "share price by month"])
def test_no_transform_where_none_was_asked(question: str) -> None:
    assert read_transform(question).transform is None


@pytest.mark.parametrize(
    ("question", "percent"),
    [("tip as % of total bill by day", True), ("tip as a percentage of total bill", True)],
)
def test_one_column_as_a_share_of_another_is_a_ratio(question: str, percent: bool) -> None:
    tips = frames.tips()
    tokens = tokenize(question)
    ratio = read_ratio(question, tokens, find_mentions(tokens, tips), tips)
    assert ratio is not None
    assert (ratio.numerator, ratio.denominator, ratio.percent) == ("tip", "total_bill", percent)


def test_per_before_a_category_is_a_breakdown_not_a_ratio() -> None:
    tips = frames.tips()
    tokens = tokenize("tip per day")
    assert read_ratio("tip per day", tokens, find_mentions(tokens, tips), tips) is None


def test_how_many_of_a_repeated_category_counts_its_distinct_values() -> None:
    countries = frames.countries()
    tokens = tokenize("how many countries per continent")
    found = counted_distinct(tokens, find_mentions(tokens, countries), countries)
    assert found is not None and found.column == "country"


def test_the_number_of_x_for_each_x_counts_rows() -> None:
    countries = frames.countries()
    tokens = tokenize("number of continent for each continent")
    assert counted_distinct(tokens, find_mentions(tokens, countries), countries) is None
