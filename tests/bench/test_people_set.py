"""The shipped question set reads, fits the real datasets, and keeps its stated shape."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.people.datasets import DATASETS, dataset_path, load_profile
from bench.people.questions import CAUSES, Question, load_questions

SET = Path(__file__).resolve().parents[2] / "bench" / "people" / "questions.jsonl"
HELDOUT = SET.with_name("heldout.jsonl")


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


def _assert_spread(questions: list[Question], at_least: int, per_dataset: range) -> None:
    """Every dataset and cause is asked about, in the stated numbers; refusals are rare."""
    assert len(questions) >= at_least
    counts = Counter(q.dataset for q in questions)
    assert set(counts) == set(DATASETS)
    assert all(n in per_dataset for n in counts.values()), counts
    assert {q.cause for q in questions} == CAUSES
    refusals = sum(q.expects_refusal for q in questions)
    assert 0 < refusals <= 0.06 * len(questions)


def test_the_shipped_set_fits_the_data_and_spreads_over_datasets_and_causes() -> None:
    questions = load_questions(SET, frozenset(DATASETS), load_profile)
    _assert_spread(questions, at_least=150, per_dataset=range(12, 21))


def test_the_heldout_set_fits_the_data_and_shares_no_id_or_question_with_the_tuned_set() -> None:
    heldout = load_questions(HELDOUT, frozenset(DATASETS), load_profile)
    _assert_spread(heldout, at_least=100, per_dataset=range(6, 11))
    tuned = load_questions(SET, frozenset(DATASETS))
    assert not {q.id for q in heldout} & {q.id for q in tuned}
    assert not {q.question.lower() for q in heldout} & {q.question.lower() for q in tuned}


def test_the_scorer_exits_2_naming_the_line_of_a_malformed_set(tmp_path: Path) -> None:
    broken = tmp_path / "set.jsonl"
    good = SET.read_text(encoding="utf-8").splitlines()[0]
    broken.write_text(good + "\n" + '{"id": "x-1", "dataset": "nowhere"}\n', encoding="utf-8")
    script = SET.parents[1] / "people_eval.py"
    done = subprocess.run(
        [sys.executable, str(script), "--set", str(broken)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"{broken}:2:" in done.stderr
    assert "keys must be" in done.stderr
