"""The shipped question set reads, fits the real datasets, and keeps its stated shape."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.people.datasets import DATASETS, dataset_path, load_profile
from bench.people.questions import CAUSES, load_questions

SET = Path(__file__).resolve().parents[2] / "bench" / "people" / "questions.jsonl"


def test_datasets_load_through_our_ingest_with_its_column_names_and_dates() -> None:
    assert dataset_path("gapminder").name == "gapminder.csv.gz"
    cars = load_profile("cars")
    assert cars.column("Year").role == "time"  # "1970-01-01" in the JSON: parsed as a date
    assert "Miles_per_Gallon" in cars.names()
    assert load_profile("tips").names() == [
        "total_bill",
        "tip",
        "sex",
        "smoker",
        "day",
        "time",
        "size",
    ]


def test_the_shipped_set_fits_the_data_and_spreads_over_datasets_and_causes() -> None:
    questions = load_questions(SET, frozenset(DATASETS), load_profile)
    assert len(questions) >= 150
    per_dataset = Counter(q.dataset for q in questions)
    assert set(per_dataset) == set(DATASETS)
    assert all(12 <= n <= 20 for n in per_dataset.values()), per_dataset
    assert {q.cause for q in questions} == CAUSES
    refusals = sum(q.expects_refusal for q in questions)
    assert 0 < refusals <= 0.06 * len(questions)
