"""Which numbers add up: amounts do, rates and levels do not."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.measures import measure_kind
from tests.planner import frames


@pytest.mark.parametrize(
    ("column", "kind"),
    [("lifeExp", "intensive"), ("gdpPercap", "intensive"), ("pop", "stock")],
)
def test_kinds_from_the_words_of_a_name(column: str, kind: str) -> None:
    assert measure_kind(column, frames.countries()) == kind


def test_temperatures_and_prices_are_intensive_and_rain_is_an_amount() -> None:
    weather = frames.weather()
    assert measure_kind("temp_max", weather) == "intensive"
    assert measure_kind("precipitation", weather) == "amount"
    assert measure_kind("price", frames.prices_long()) == "intensive"


def test_a_stock_word_in_the_file_name_makes_plain_columns_levels() -> None:
    employment = frames.profile(
        pd.DataFrame(
            {
                "month": pd.date_range("2020-01-01", periods=3, freq="MS"),
                "construction": [1, 2, 3],
            }
        ),
        "us-employment.csv",
    )
    assert measure_kind("construction", employment) == "stock"
