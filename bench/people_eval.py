"""Score the rule-based planner on people's questions over public datasets (bench/people/).

usage: python bench/people_eval.py [--set QUESTIONS.jsonl] [--dataset NAME] [--misses]
                                   [--json OUT.json]

Each dataset is loaded once through our real ingest; each question is planned with
`plan_from_rules` (a `ChartroomError` is a refusal) and its primary chart is scored field by
field against the acceptable plans written with the question. An item is right when all fields
match one alternative. Prints all-fields accuracy overall, per dataset, per cause and per field.
A measurement, not a test: exit 0 whatever the score; 2 when the set file is malformed (with its
line number) or a dataset's package is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from bench.people.datasets import DATASETS, DatasetMissing, load_profile  # noqa: E402
from bench.people.filters import column_domains  # noqa: E402
from bench.people.questions import (  # noqa: E402
    OPTIONAL_KEYS,
    Alternative,
    ExpectedTransform,
    Question,
    SetFileError,
    load_questions,
)
from bench.people.scoring import FIELDS, Outcome, predicted_fields, score  # noqa: E402
from core.errors import ChartroomError  # noqa: E402
from planner.plan import ChartSpec  # noqa: E402
from planner.rules import plan_from_rules  # noqa: E402

DEFAULT_SET = REPO / "bench" / "people" / "questions.jsonl"


@dataclass(frozen=True)
class Result:
    question: Question
    outcome: Outcome
    spec: ChartSpec | None
    error: str | None  # the refusal's or crash's type name
    crashed: bool


def run(questions: Iterable[Question]) -> list[Result]:
    """Plan and score every question; profiles and column domains are built once per dataset."""
    results: list[Result] = []
    for q in questions:
        profile = load_profile(q.dataset)
        domains = column_domains(profile)
        spec: ChartSpec | None = None
        error: str | None = None
        crashed = False
        try:
            spec = plan_from_rules(q.question, profile).primary
        except ChartroomError as exc:
            error = type(exc).__name__
        except Exception as exc:  # a planner bug: scored wrong, counted apart, never fatal
            error, crashed = type(exc).__name__, True
        outcome = score(q, spec, domains)
        if crashed:
            outcome = Outcome(right=False, refused=False, fields={}, best=None)
        results.append(Result(q, outcome, spec, error, crashed))
    return results


def _percent(right: int, total: int) -> str:
    return f"{100 * right / total:5.1f}" if total else "    -"


def _table(title: str, results: list[Result], key: Callable[[Result], str]) -> None:
    groups: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        groups[key(r)].append(r)
    print(f"\n{title:<20} {'items':>5} {'right':>5} {'%':>6}")
    for name in sorted(groups):
        items = groups[name]
        right = sum(r.outcome.right for r in items)
        print(f"{name:<20} {len(items):>5} {right:>5} {_percent(right, len(items)):>6}")


def _field_table(results: list[Result]) -> None:
    """Per field over answerable items: the best alternative's field; a refusal misses all."""
    answerable = [r for r in results if not r.question.expects_refusal]
    print(f"\n{'per field':<20} {'items':>5} {'right':>5} {'%':>6}   (answerable items)")
    for name in (*FIELDS, *OPTIONAL_KEYS):
        scored = [r for r in answerable if _field_checked(r, name)]
        right = sum(bool(r.outcome.fields.get(name)) for r in scored)
        if scored:
            print(f"{name:<20} {len(scored):>5} {right:>5} {_percent(right, len(scored)):>6}")
    refusals = [r for r in results if r.question.expects_refusal]
    right = sum(r.outcome.right for r in refusals)
    shown = _percent(right, len(refusals))
    print(f"{'refusal expected':<20} {len(refusals):>5} {right:>5} {shown:>6}")


def _field_checked(result: Result, name: str) -> bool:
    if name in FIELDS:
        return True
    if result.outcome.best is not None:
        return name in result.outcome.fields
    return any(name in alt.optional for alt in result.question.accept)  # refused or crashed


def _expected(alt: Alternative) -> dict[str, Any]:
    if alt.refuse:
        return {"refuse": True}
    shown: dict[str, Any] = {
        "chart_type": sorted(alt.chart_types),
        "x": alt.x,
        "y": sorted(alt.y),
        "aggregate": sorted(alt.aggregates),
        "color": alt.color,
        "filters": [
            {"column": f.column, "op": f.op, "value": f.value}
            | ({"tolerance_days": f.tolerance_days} if f.tolerance_days else {})
            for f in alt.filters
        ],
        "transform": _expected_transform(alt.transform),
    }
    return shown | dict(alt.optional)


def _expected_transform(transform: ExpectedTransform | None) -> dict[str, Any] | None:
    if transform is None:
        return None
    return {k: v for k, v in asdict(transform).items() if v is not None}


def _predicted(result: Result) -> dict[str, Any]:
    if result.spec is None:
        return {"crashed" if result.crashed else "refused": result.error}
    return predicted_fields(result.spec)


def show_misses(results: list[Result]) -> None:
    for r in results:
        if r.outcome.right:
            continue
        q = r.question
        wrong = [k for k, ok in r.outcome.fields.items() if not ok]
        print(f"\n{q.id} [{q.cause}] {q.question!r}" + (f"  wrong: {wrong}" if wrong else ""))
        for i, alt in enumerate(q.accept):
            print(f"   want[{i}] {json.dumps(_expected(alt), ensure_ascii=False)}")
        print(f"   got     {json.dumps(_predicted(r), ensure_ascii=False, default=str)}")


def to_json(results: list[Result]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.question.id,
            "dataset": r.question.dataset,
            "cause": r.question.cause,
            "question": r.question.question,
            "right": r.outcome.right,
            "fields": dict(r.outcome.fields),
            "best_alternative": r.outcome.best,
            "predicted": _predicted(r),
        }
        for r in results
    ]


def report(results: list[Result]) -> None:
    right = sum(r.outcome.right for r in results)
    refused = sum(r.spec is None and not r.crashed for r in results)
    crashed = sum(r.crashed for r in results)
    datasets = len({r.question.dataset for r in results})
    print(
        f"people's questions: {len(results)} items over {datasets} datasets; "
        f"planner refused {refused}, crashed {crashed}"
    )
    print(f"all fields right: {right}/{len(results)} ({_percent(right, len(results)).strip()}%)")
    if crashed:
        kinds = Counter(r.error for r in results if r.crashed)
        print("crashes: " + ", ".join(f"{k} ×{n}" for k, n in kinds.most_common()))
    _table("per dataset", results, lambda r: r.question.dataset)
    _table("per cause", results, lambda r: r.question.cause)
    _field_table(results)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--set", type=Path, default=DEFAULT_SET, help="the questions (JSONL)")
    ap.add_argument("--dataset", choices=sorted(DATASETS), help="only this dataset's questions")
    ap.add_argument("--misses", action="store_true", help="print every item not fully right")
    ap.add_argument("--json", type=Path, help="write the per-item results here")
    args = ap.parse_args()
    try:
        questions = load_questions(args.set, frozenset(DATASETS), load_profile)
    except SetFileError as exc:
        print(f"{args.set}:{exc.line}: {exc.message}", file=sys.stderr)
        return 2
    except DatasetMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.dataset:
        questions = [q for q in questions if q.dataset == args.dataset]
    results = run(questions)
    if args.misses:
        show_misses(results)
        print()
    report(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(to_json(results), indent=1, default=str), encoding="utf-8")
        print(f"\nper-item results: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
