"""Words of the question that nothing used are reported, grammar words never are."""

from __future__ import annotations

from planner.accounting import unused_phrases
from planner.matching import tokenize


def test_unused_words_come_back_as_phrases_in_question_order() -> None:
    tokens = tokenize("show me the revenue per capita in texas please")
    used = {3}  # "revenue"
    assert unused_phrases(tokens, used) == ["capita", "texas"]


def test_neighbouring_unused_words_form_one_phrase() -> None:
    tokens = tokenize("revenue for new hampshire")
    assert unused_phrases(tokens, {0}) == ["new hampshire"]


def test_words_inside_a_used_span_are_used() -> None:
    text = "revenue top 5"
    assert unused_phrases(tokenize(text), {0}, [(8, 13)]) == []


def test_intent_words_must_be_used_to_go_unreported() -> None:
    assert unused_phrases(tokenize("average revenue without EU"), {1}) == ["average", "without EU"]
