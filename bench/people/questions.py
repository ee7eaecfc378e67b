"""Read and check `questions.jsonl`: people's questions, each with the plans that would be right.

One JSON object per line:

    {"id": "tips-01", "dataset": "tips", "question": "avg tip by day", "cause": "abbreviation",
     "accept": [{"chart_type": "bar", "x": "day", "y": ["tip"], "aggregate": "mean",
                 "color": null, "filters": [], "transform": null}]}

Each alternative in `accept` names all seven core fields; `chart_type` and `aggregate` may be a
list of acceptable values, `y` is the set of measures drawn ([] when rows are counted). Optional
keys, checked only when present: `time_grain`, `limit`, `limit_within`, `denominator`,
`as_percent`, `sort`. An expected filter may carry `tolerance_days` (relative dates: "last 6
months" may start a day either side). `{"refuse": true}` means no chart can answer.

Every mistake in the file (a missing key, an unknown column, a value the column never holds) is a
`SetFileError` with its line number: the scorer stops rather than score against a broken key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import pandas as pd

from ingest.profile import VALUE_INDEX_SIZE, DataProfile
from planner.plan import Aggregate, ChartType, FilterOp, Scalar, TimeGrain, TransformKind

CAUSES = frozenset(
    {
        "abbreviation",
        "synonym",
        "typo",
        "value",
        "vs_compare",
        "measure",
        "date_filter",
        "relative_date",
        "transform",
        "not_summable",
        "distinct_count",
        "top_n",
        "multi_measure",
        "plain",
    }
)
CORE_KEYS = ("chart_type", "x", "y", "aggregate", "color", "filters", "transform")
OPTIONAL_KEYS = ("time_grain", "limit", "limit_within", "denominator", "as_percent", "sort")
_ITEM_KEYS = {"id", "dataset", "question", "cause", "accept"}
_CHART_TYPES = frozenset(get_args(ChartType))
_AGGREGATES = frozenset(get_args(Aggregate))
_OPS = frozenset(get_args(FilterOp))
_KINDS = frozenset(get_args(TransformKind))
_GRAINS = frozenset(get_args(TimeGrain))
_LIST_OPS = frozenset({"in", "not_in", "between"})


class SetFileError(ValueError):
    """The question set is malformed at `line` (1-based)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class ExpectedFilter:
    column: str
    op: str
    value: Scalar | list[Scalar]
    tolerance_days: int = 0


@dataclass(frozen=True)
class ExpectedTransform:
    kind: str
    window: int | None = None  # None: any window


@dataclass(frozen=True)
class Alternative:
    """One acceptable plan for the primary chart, or a refusal."""

    refuse: bool = False
    chart_types: frozenset[str] = frozenset()
    x: str | None = None
    y: frozenset[str] = frozenset()
    aggregates: frozenset[str] = frozenset()
    color: str | None = None
    filters: tuple[ExpectedFilter, ...] = ()
    transform: ExpectedTransform | None = None
    optional: Mapping[str, Any] = field(default_factory=dict)

    def columns(self) -> list[str]:
        """Every column this alternative names."""
        names = [self.x, *self.y, self.color, *(f.column for f in self.filters)]
        names += [self.optional.get("limit_within"), self.optional.get("denominator")]
        return [n for n in names if isinstance(n, str)]


@dataclass(frozen=True)
class Question:
    id: str
    dataset: str
    question: str
    cause: str
    accept: tuple[Alternative, ...]
    line: int

    @property
    def expects_refusal(self) -> bool:
        return any(alt.refuse for alt in self.accept)


def load_questions(
    path: Path,
    datasets: frozenset[str],
    profile_of: Callable[[str], DataProfile] | None = None,
) -> list[Question]:
    """The questions in `path`, checked.

    Args:
        path: the JSONL file.
        datasets: the dataset names a question may use.
        profile_of: when given, every column and value is checked against the dataset's profile.

    Raises:
        SetFileError: the first problem found, with its line number.
    """
    questions: list[Question] = []
    seen: set[str] = set()
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SetFileError(number, f"not JSON ({exc.msg})") from exc
        question = _question(raw, number, datasets)
        if question.id in seen:
            raise SetFileError(number, f"duplicate id {question.id!r}")
        seen.add(question.id)
        if profile_of is not None:
            _check_against_data(question, profile_of(question.dataset))
        questions.append(question)
    if not questions:
        raise SetFileError(1, "no questions")
    return questions


def _question(raw: Any, line: int, datasets: frozenset[str]) -> Question:
    if not isinstance(raw, dict):
        raise SetFileError(line, "each line must be a JSON object")
    if set(raw) != _ITEM_KEYS:
        raise SetFileError(line, f"keys must be {sorted(_ITEM_KEYS)}, got {sorted(raw)}")
    for key in ("id", "dataset", "question", "cause"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise SetFileError(line, f"{key!r} must be non-empty text")
    if raw["dataset"] not in datasets:
        raise SetFileError(line, f"unknown dataset {raw['dataset']!r}")
    if raw["cause"] not in CAUSES:
        raise SetFileError(line, f"unknown cause {raw['cause']!r}; one of {sorted(CAUSES)}")
    accept = raw["accept"]
    if not isinstance(accept, list) or not accept:
        raise SetFileError(line, "'accept' must be a non-empty list of alternatives")
    alternatives = tuple(_alternative(alt, line) for alt in accept)
    if any(a.refuse for a in alternatives) and len(alternatives) > 1:
        raise SetFileError(line, "a refusal is the only alternative when nothing can answer")
    return Question(
        id=raw["id"],
        dataset=raw["dataset"],
        question=raw["question"],
        cause=raw["cause"],
        accept=alternatives,
        line=line,
    )


def _alternative(raw: Any, line: int) -> Alternative:
    if not isinstance(raw, dict):
        raise SetFileError(line, "each alternative must be an object")
    if raw == {"refuse": True}:
        return Alternative(refuse=True)
    missing = [k for k in CORE_KEYS if k not in raw]
    unknown = sorted(set(raw) - set(CORE_KEYS) - set(OPTIONAL_KEYS))
    if missing or unknown:
        raise SetFileError(line, f"alternative: missing {missing}, unknown {unknown}")
    y = raw["y"]
    if not isinstance(y, list) or not all(isinstance(n, str) for n in y) or len(set(y)) < len(y):
        raise SetFileError(line, "'y' must be a list of distinct column names ([] for counts)")
    for key in ("x", "color"):
        if raw[key] is not None and not isinstance(raw[key], str):
            raise SetFileError(line, f"{key!r} must be a column name or null")
    if not isinstance(raw["filters"], list):
        raise SetFileError(line, "'filters' must be a list")
    return Alternative(
        chart_types=_choices(raw["chart_type"], _CHART_TYPES, "chart_type", line),
        x=raw["x"],
        y=frozenset(y),
        aggregates=_choices(raw["aggregate"], _AGGREGATES, "aggregate", line),
        color=raw["color"],
        filters=tuple(_filter(f, line) for f in raw["filters"]),
        transform=_transform(raw["transform"], line),
        optional=_optional({k: raw[k] for k in OPTIONAL_KEYS if k in raw}, line),
    )


def _choices(value: Any, allowed: frozenset[str], key: str, line: int) -> frozenset[str]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v in allowed for v in values):
        raise SetFileError(line, f"{key!r}: {value!r} is not one (or a list) of {sorted(allowed)}")
    return frozenset(values)


def _filter(raw: Any, line: int) -> ExpectedFilter:
    if not isinstance(raw, dict) or not {"column", "op", "value"} <= set(raw):
        raise SetFileError(line, f"a filter needs column, op and value: {raw!r}")
    if set(raw) - {"column", "op", "value", "tolerance_days"}:
        raise SetFileError(line, f"unknown filter keys in {raw!r}")
    op, value = raw["op"], raw["value"]
    if op not in _OPS:
        raise SetFileError(line, f"unknown filter op {op!r}")
    if (op in _LIST_OPS) != isinstance(value, list):
        raise SetFileError(line, f"op {op!r} and value {value!r} do not fit")
    if op == "between" and len(value) != 2:
        raise SetFileError(line, "'between' takes [low, high]")
    tolerance = raw.get("tolerance_days", 0)
    if not isinstance(tolerance, int) or tolerance < 0:
        raise SetFileError(line, "'tolerance_days' must be a whole number of days")
    return ExpectedFilter(column=raw["column"], op=op, value=value, tolerance_days=tolerance)


def _transform(raw: Any, line: int) -> ExpectedTransform | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("kind") not in _KINDS or set(raw) - {"kind", "window"}:
        raise SetFileError(line, f"transform must be null or {{kind, window?}}: {raw!r}")
    window = raw.get("window")
    if window is not None and (not isinstance(window, int) or window < 2):
        raise SetFileError(line, f"transform window must be a whole number ≥ 2: {window!r}")
    return ExpectedTransform(kind=raw["kind"], window=window)


def _optional(raw: dict[str, Any], line: int) -> dict[str, Any]:
    grain = raw.get("time_grain")
    if "time_grain" in raw and grain is not None and grain not in _GRAINS:
        raise SetFileError(line, f"time_grain {grain!r} is not one of {sorted(_GRAINS)}")
    limit = raw.get("limit")
    if "limit" in raw and limit is not None and (not isinstance(limit, int) or limit < 1):
        raise SetFileError(line, f"limit must be a positive whole number: {limit!r}")
    if "as_percent" in raw and not isinstance(raw["as_percent"], bool):
        raise SetFileError(line, "as_percent must be true or false")
    sort = raw.get("sort")
    if sort is not None and (
        not isinstance(sort, dict)
        or sort.get("by") not in ("x", "y")
        or sort.get("order") not in ("asc", "desc")
        or set(sort) != {"by", "order"}
    ):
        raise SetFileError(line, f'sort must be {{"by": "x"|"y", "order": "asc"|"desc"}}: {sort!r}')
    return raw


def _check_against_data(question: Question, profile: DataProfile) -> None:
    """Columns must exist; category values must occur; time values must be dates."""
    names = set(profile.names())
    for alt in question.accept:
        for name in alt.columns():
            if name not in names:
                known = sorted(names)
                raise SetFileError(
                    question.line, f"{question.dataset} has no column {name!r}; it has {known}"
                )
        for f in alt.filters:
            _check_filter_values(f, profile, question.line)


def _check_filter_values(f: ExpectedFilter, profile: DataProfile, line: int) -> None:
    column = profile.column(f.column)
    values = f.value if isinstance(f.value, list) else [f.value]
    if column.role == "time":
        for v in values:
            if isinstance(v, bool) or (f.op != "year" and not isinstance(v, str)):
                raise SetFileError(line, f"{f.column}: time values are ISO dates, got {v!r}")
            if isinstance(v, str):
                try:
                    pd.Timestamp(v)
                except ValueError as exc:
                    raise SetFileError(line, f"{f.column}: {v!r} is not a date") from exc
    elif column.role in ("number", "id") and column.min is not None:
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            raise SetFileError(line, f"{f.column} is a number column; got {values!r}")
    elif column.distinct <= VALUE_INDEX_SIZE:
        unknown = [v for v in values if str(v) not in column.values]
        if unknown:
            raise SetFileError(
                line, f"{f.column} never holds {unknown!r}; it holds {column.values[:20]!r}"
            )
