"""Typos corrected, shorthands spelled out, and every correction said out loud."""

from __future__ import annotations

import pytest

from planner.spelling import prepare_question
from tests.planner import frames


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("avg temprature by month", "avg temperature by month"),
        ("precipitaton per month", "precipitation per month"),
        ("wheather types", "weather types"),
        ("avrage wind", "average wind"),
    ],
)
def test_a_misspelt_word_is_read_as_the_one_close_word(typed: str, read: str) -> None:
    prepared = prepare_question(typed, frames.weather())
    assert prepared.text == read
    assert len(prepared.notes) == 1
    assert prepared.notes[0].startswith("Read “")


def test_a_correct_word_the_file_does_not_have_is_left_alone() -> None:
    prepared = prepare_question("profit by region", frames.weather())
    assert prepared.text == "profit by region"
    assert prepared.notes == []


def test_short_words_are_never_guessed_at() -> None:
    assert prepare_question("wnd by day", frames.weather()).text == "wnd by day"


def test_a_multi_word_shorthand_is_spelled_out() -> None:
    assert prepare_question("avg mpg per origin", frames.cars()).text == (
        "avg miles per gallon per origin"
    )


def test_a_word_split_in_two_is_joined_when_the_file_has_it_whole() -> None:
    assert prepare_question("gdp per cap in 2007", frames.countries()).text == (
        "gdp percap in 2007"
    )


def test_a_superlative_names_its_measure_when_the_file_has_one() -> None:
    assert prepare_question("heaviest cars by origin", frames.cars()).text == (
        "highest weight cars by origin"
    )
    assert prepare_question("heaviest days", frames.weather()).text == "heaviest days"


def test_a_superlative_with_a_number_ranks_the_rows() -> None:
    assert prepare_question("heaviest 10 cars", frames.cars()).text == "top 10 cars by weight"
    assert prepare_question("top 5 lightest cars", frames.cars()).text == (
        "bottom 5 cars by weight"
    )
