"""Question words that name values of the data rather than columns."""

from __future__ import annotations

from ingest.profile import DataProfile
from planner.matching import find_mentions, tokenize
from planner.values import ValueMention, find_values
from tests.planner import frames


def values_in(question: str, profile: DataProfile) -> list[tuple[str, str, bool, str]]:
    tokens = tokenize(question)
    found: list[ValueMention] = find_values(tokens, find_mentions(tokens, profile), profile)
    return [(v.column, v.value, v.negated, v.how) for v in found]


def test_a_value_is_found_whatever_its_case() -> None:
    assert values_in("price of msft", frames.prices_long()) == [("symbol", "MSFT", False, "exact")]


def test_one_distinctive_word_of_a_longer_value_names_it() -> None:
    assert values_in("fossil vs nuclear", frames.sources()) == [
        ("source", "Fossil Fuels", False, "word"),
        ("source", "Nuclear Energy", False, "word"),
    ]


def test_a_place_name_finds_the_code_the_file_holds() -> None:
    assert values_in("airports in texas", frames.airports()) == [("state", "TX", False, "alias")]


def test_a_code_that_is_also_a_common_word_must_be_written_as_in_the_data() -> None:
    assert values_in("airports in indiana or IN", frames.airports()) == [
        ("state", "IN", False, "alias"),
        ("state", "IN", False, "exact"),
    ]
    assert values_in("airports in the north", frames.airports()) == []


def test_a_negation_right_before_a_value_excludes_it() -> None:
    assert values_in("airports not in alaska", frames.airports()) == [
        ("state", "AK", True, "alias")
    ]


def test_a_negation_does_not_reach_past_other_words() -> None:
    found = values_in("smokers vs non-smokers at dinner", frames.tips())
    assert ("time", "Dinner", False, "exact") in found


def test_a_yes_no_column_named_by_its_people_is_a_value() -> None:
    assert values_in("smokers vs non-smokers", frames.tips()) == [
        ("smoker", "Yes", False, "flag"),
        ("smoker", "No", False, "flag"),
    ]


def test_a_yes_no_column_as_a_breakdown_is_not_a_value() -> None:
    assert values_in("tips by smoker", frames.tips()) == []


def test_a_word_that_names_a_column_is_not_read_as_a_value() -> None:
    assert values_in("how much rain each month", frames.weather()) == []
    assert values_in("days of rain per month", frames.weather()) == [
        ("weather", "rain", False, "exact")
    ]
