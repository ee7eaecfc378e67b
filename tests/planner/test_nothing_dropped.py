"""No chart drops what the question asked for without saying so.

Walks every question of the people's-questions set (bench/people) over its real public dataset:
whatever a reader found in the question — a filter, a transform, a column — is either in the
planned chart or named in the plan's words for the person (not done, unused, or a note).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.people.datasets import DATASETS, load_profile
from bench.people.questions import load_questions
from core.errors import ChartroomError
from planner.plan import Plan
from planner.reading import read_all
from planner.rules import plan_from_reading

QUESTIONS = load_questions(
    Path(__file__).resolve().parents[2] / "bench" / "people" / "questions.jsonl",
    frozenset(DATASETS),
)


def _said(plan: Plan) -> str:
    return " ".join([*plan.unused, *plan.not_done, *plan.assumptions]).lower()


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_every_reading_is_in_the_chart_or_in_the_answer(question: object) -> None:
    q = question  # a bench.people.questions.Question
    profile = load_profile(q.dataset)  # type: ignore[attr-defined]
    read = read_all(q.question, profile)  # type: ignore[attr-defined]
    try:
        plan = plan_from_reading(read, profile)
    except ChartroomError:
        return  # a refusal says what it could not read, with the closest columns
    spec, said = plan.primary, _said(plan)
    dropped = [
        f.describe()
        for f in read.filters.filters
        if f not in spec.filters and f.column.lower() not in said
    ]
    assert not dropped, f"filters dropped silently: {dropped}"
    asked = read.transform.transform
    if asked is not None and spec.transform != asked:
        assert asked.describe().split()[-1] in said, f"transform dropped silently: {asked}"
    used = set(spec.columns())
    for m in read.mentions:
        if m.column in used or m.column.lower() in said:
            continue
        words = " ".join(t.text for t in read.tokens[m.start : m.end]).lower()
        assert words in said, f"column {m.column!r} (“{words}”) dropped silently"
