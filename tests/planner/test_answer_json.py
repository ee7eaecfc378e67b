"""How the JSON object is found in a model's answer, and why an answer without one is refused."""

from __future__ import annotations

import json
import time

import pytest

from planner.answer_json import MAX_ANSWER_CHARS, AnswerNotJSON, extract_json

PLAN = {"charts": [{"chart_type": "bar", "x": "region", "y": "revenue", "title": "Revenue"}]}
PLAN_TEXT = json.dumps(PLAN, indent=2)


def _refusal(text: str) -> AnswerNotJSON:
    with pytest.raises(AnswerNotJSON) as caught:
        extract_json(text)
    return caught.value


# --- where the object is found ------------------------------------------------------------------


def test_plain_json_is_read_as_is() -> None:
    assert extract_json(PLAN_TEXT) == PLAN


def test_surrounding_whitespace_and_a_byte_order_mark_do_not_matter() -> None:
    assert extract_json("\ufeff\n\n  " + PLAN_TEXT + "  \n") == PLAN


@pytest.mark.parametrize("tag", ["json", "JSON", "", "javascript"])
def test_a_fenced_object_is_unwrapped_whatever_the_fence_language(tag: str) -> None:
    assert extract_json(f"```{tag}\n{PLAN_TEXT}\n```") == PLAN


def test_the_first_fence_that_holds_an_object_wins() -> None:
    text = (
        "In pandas:\n```python\ndf.groupby('region').sum()\n```\nBroken:\n```json\n{,}\n```\n"
        f'The plan:\n```json\n{PLAN_TEXT}\n```\nAnd another:\n```json\n{{"charts": []}}\n```'
    )
    assert extract_json(text) == PLAN


def test_an_object_that_looks_like_a_plan_beats_an_earlier_unrelated_one() -> None:
    text = 'For example {"note": "not the plan"} and then ' + PLAN_TEXT
    assert extract_json(text) == PLAN


def test_without_a_plan_like_object_the_first_object_is_returned() -> None:
    assert extract_json('Here: {"error": "no file"} and {"other": 1}') == {"error": "no file"}


def test_dollar_delimiters_are_unwrapped() -> None:
    assert extract_json(f"$$$\n{PLAN_TEXT}\n$$$") == PLAN
    assert extract_json(f"Plan: $$$ {json.dumps(PLAN)} $$$ done.") == PLAN


def test_chatty_prose_before_and_after_is_skipped() -> None:
    text = f"Sure! Here's the plan:\n{PLAN_TEXT}\nLet me know if you want changes {{or not}}."
    assert extract_json(text) == PLAN


def test_braces_and_escaped_quotes_inside_strings_do_not_end_the_object() -> None:
    plan = {"charts": [{"chart_type": "bar", "title": 'Sales } by "region" {\\'}]}
    assert extract_json(f"Answer: {json.dumps(plan)} -- end }}") == plan


def test_a_stray_brace_in_prose_does_not_hide_the_plan() -> None:
    assert extract_json(f"Use {{region as x, then:\n{PLAN_TEXT}") == PLAN


def test_a_top_level_list_of_charts_becomes_the_charts_of_a_plan() -> None:
    charts = PLAN["charts"]
    assert extract_json(json.dumps(charts)) == {"charts": charts}
    assert extract_json(f"Charts:\n```json\n{json.dumps(charts)}\n```") == {"charts": charts}


def test_a_list_of_plain_values_is_not_an_object() -> None:
    refusal = _refusal("See [1] and [2, 3].")
    assert refusal.reason == "the answer held no JSON object"
    assert not refusal.json_like


def test_raw_newlines_inside_strings_are_accepted() -> None:
    assert extract_json('{"charts": [], "assumptions": ["two\nlines"]}')["assumptions"] == [
        "two\nlines"
    ]


# --- what is not repaired, and how it is reported -------------------------------------------


def test_a_trailing_comma_is_reported_with_its_line_and_column_not_fixed() -> None:
    refusal = _refusal('{\n  "charts": [\n    {"chart_type": "bar",},\n  ]\n}')
    assert refusal.reason == (
        "JSON is invalid at line 3 column 26: Expecting property name enclosed in double quotes"
    )
    assert refusal.json_like


def test_positions_count_from_the_start_of_the_whole_answer() -> None:
    refusal = _refusal('Sure!\n```json\n{"charts": [1 2]}\n```')
    assert refusal.reason == "JSON is invalid at line 3 column 15: Expecting ',' delimiter"


def test_comments_are_not_stripped() -> None:
    reason = _refusal('{"charts": [] // none yet\n}').reason
    assert reason.startswith("JSON is invalid at line 1 column 15")


def test_single_quoted_python_dicts_are_not_json() -> None:
    assert "double quotes" in _refusal("{'charts': []}").reason


def test_a_broken_object_is_never_mined_for_a_smaller_one_inside() -> None:
    text = '{"charts": [{"chart_type": "bar", "x": "region", "title": "t"}], "oops": }'
    assert _refusal(text).reason.startswith("JSON is invalid at line 1 column ")


def test_a_cut_off_answer_is_reported_as_cut_off_not_read_in_part() -> None:
    text = '```json\n{"charts": [{"chart_type": "bar", "title": "t"}, {"chart_type": "li'
    refusal = _refusal(text)
    assert refusal.reason == (
        "the JSON is cut off: the object opened at line 2 column 1 never closes"
    )
    assert refusal.json_like


def test_nan_and_infinity_are_refused_because_json_has_no_such_values() -> None:
    assert "NaN is not a JSON value" in _refusal('{"charts": [], "x": NaN}').reason
    assert "Infinity is not a JSON value" in _refusal('{"x": -Infinity}').reason


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_an_empty_answer_is_refused_as_empty(text: str) -> None:
    refusal = _refusal(text)
    assert (refusal.reason, refusal.json_like) == ("the answer was empty", False)


def test_prose_without_json_is_refused_as_holding_no_object() -> None:
    refusal = _refusal("I'd draw a bar chart of revenue by region.")
    assert (refusal.reason, refusal.json_like) == ("the answer held no JSON object", False)


def test_the_refusal_is_a_value_error_whose_text_is_the_reason() -> None:
    refusal = _refusal("nothing")
    assert isinstance(refusal, ValueError)
    assert str(refusal) == refusal.reason


# --- hostile answers ------------------------------------------------------------------------


def _quick(text: str) -> AnswerNotJSON:
    started = time.perf_counter()
    refusal = _refusal(text)
    assert time.perf_counter() - started < 2.0
    return refusal


def test_an_answer_over_the_cap_is_refused_before_any_scan() -> None:
    refusal = _quick("{" * 300_000)
    assert refusal.reason == "the answer is 300,000 characters long; a plan must fit in 200,000"


def test_a_ten_megabyte_string_inside_json_is_capped() -> None:
    text = json.dumps({"charts": [], "assumptions": ["x" * 10_000_000]})
    assert "a plan must fit in 200,000" in _quick(text).reason


def test_an_answer_just_under_the_cap_is_still_read() -> None:
    text = PLAN_TEXT + " " * (MAX_ANSWER_CHARS - len(PLAN_TEXT))
    assert extract_json(text) == PLAN


@pytest.mark.parametrize(
    "text",
    [
        "{" * (MAX_ANSWER_CHARS - 1),
        "[{" * (MAX_ANSWER_CHARS // 2 - 1),
        '{"a": ' * (MAX_ANSWER_CHARS // 7),
        "}" * MAX_ANSWER_CHARS,
        "{}" * (MAX_ANSWER_CHARS // 2 - 1) + "[",
        '{"' * (MAX_ANSWER_CHARS // 2),
        "```{}```" * (MAX_ANSWER_CHARS // 8),
        '$$${"\n$$$' * (MAX_ANSWER_CHARS // 9),
    ],
    ids=[
        "open-braces",
        "open-lists",
        "open-keys",
        "close-braces",
        "empty-objects",
        "quotes",
        "fences",
        "cut-off-dollar-blocks",
    ],
)
def test_brace_floods_end_quickly_without_a_plan(text: str) -> None:
    started = time.perf_counter()
    try:
        found = extract_json(text)
    except AnswerNotJSON:
        found = None
    assert time.perf_counter() - started < 1.0
    assert found in (None, {})  # "{}{}{}…": an empty object is all there is


def test_deeply_nested_json_is_refused_without_a_recursion_error() -> None:
    depth = 20_000
    refusal = _quick('{"a": ' * depth + "1" + "}" * depth)
    assert refusal.reason == "JSON is nested too deeply"


def test_deeply_nested_lists_inside_a_plan_are_refused_too() -> None:
    depth = 90_000
    refusal = _quick('{"charts": ' + "[" * depth + "]" * depth + "}")
    assert refusal.reason == "JSON is nested too deeply"
