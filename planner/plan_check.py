"""Check a model's raw plan against the `Plan` contract and against the file's columns.

`check_plan` first makes cheap, safe corrections a model often needs (a column name in the wrong
case, "avg" for "mean", a `{"plan": …}` wrapper), then validates, and collects every problem it
finds in one pass, so a single repair turn can fix them all. It is pure: no I/O, no model calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ingest.profile import DataProfile
from planner.plan import TIME_GRAIN_WORDS, ChartSpec, Filter, Metric, Plan, TableSpec, Transform
from planner.plan_problems import (
    PlanProblems,
    chart_problems,
    column_problem,
    filter_problems,
    in_order,
    measure_problems,
    validation_problems,
)
from planner.spec_rules import PERCENT_TRANSFORMS, Roles

__all__ = ["PlanProblems", "check_plan"]

_Model = TypeVar("_Model", bound=BaseModel)

_AGGREGATES = {"avg": "mean", "average": "mean", "total": "sum", "minimum": "min"}
_AGGREGATES |= {"maximum": "max", "unique": "distinct", "nunique": "distinct"}
_AGGREGATES |= {"count_distinct": "distinct", "latest": "last"}
_TRANSFORMS = {
    "rolling": "rolling_mean",
    "rolling_average": "rolling_mean",
    "moving_average": "rolling_mean",
    "moving_mean": "rolling_mean",
    "percent_change": "pct_change",
    "pct": "pct_change",
    "change": "pct_change",
    "year_over_year": "yoy",
    "cumulative": "cumsum",
    "cumulative_sum": "cumsum",
    "running_total": "cumsum",
    "percent_of_total": "share",
    "share_of_total": "share",
}
_SCALES = {"logarithmic": "log", "log10": "log", "lin": "linear"}
_ORDERS = {"ascending": "asc", "descending": "desc"}
_OPS = {"=": "eq", "==": "eq", "!=": "ne", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
_OPS |= {"not in": "not_in", "notin": "not_in"}
_GRAINS = {word: code for code, word in TIME_GRAIN_WORDS.items()}
_GRAINS |= {"daily": "D", "weekly": "W", "monthly": "M", "quarterly": "Q", "yearly": "Y"}
# Past these many unknown columns, the fuzzy "did you mean" is left out (it scans every column).
_MAX_SUGGESTIONS = 5
_NULLS = frozenset({"", "null", "none"})
_NAME_KEYS: tuple[Callable[[str], str], ...] = (
    lambda s: s.strip().casefold(),
    lambda s: re.sub(r"[\W_]+", "", s.casefold()),
)


def check_plan(data: dict[str, Any], profile: DataProfile) -> Plan:
    """The model's plan, validated against the `Plan` contract and the data in `profile`.

    Args:
        data: the object the model answered (see `planner.answer_json.extract_json`).
        profile: the profile of the file the plan is for; every column must be one of its own.

    Returns:
        The plan, with `planner="llm"`.

    Raises:
        PlanProblems: with every problem found, one short line each, to send back to the model.
    """
    columns = _Columns(profile.names())
    raw = _normalised(data, columns)
    missing = [(w, v) for w, v in _column_slots(raw) if isinstance(v, str) and v not in columns]
    problems = [
        column_problem(where, value, profile, suggest=i < _MAX_SUGGESTIONS)
        for i, (where, value) in enumerate(missing)
    ]
    plan: Plan | None = None
    try:
        plan = Plan.model_validate(raw)
    except ValidationError as exc:
        problems += validation_problems(exc)
    problems += _meaning_problems(raw, {c.name: c.role for c in profile.columns})
    if problems or plan is None:
        raise PlanProblems(in_order(problems))
    return plan


# --- cheap corrections before validation ------------------------------------------------------


def _normalised(data: dict[str, Any], names: _Columns) -> dict[str, Any]:
    """A copy of `data` with the slips models often make put right; nothing here is a problem."""
    if "charts" not in data and isinstance(data.get("plan"), dict):
        data = data["plan"]
    if "charts" not in data and "chart_type" in data:  # one chart instead of a plan
        data = {"charts": [data]}
    out = {key: value for key, value in data.items() if key != "planner"}
    for key, kind in (("charts", dict), ("assumptions", str)):  # one item where a list belongs
        if isinstance(out.get(key), kind):
            out[key] = [out[key]]
    if isinstance(out.get("charts"), list):
        out["charts"] = [_chart(chart, names) for chart in out["charts"]]
    card = out.get("summary_card")
    card = {"metrics": card} if isinstance(card, list) else card
    if isinstance(card, dict) and isinstance(card.get("metrics"), list):
        out["summary_card"] = {**card, "metrics": [_metric(m, names) for m in card["metrics"]]}
    if isinstance(out.get("table"), dict):
        out["table"] = _table(out["table"], names)
    out["planner"] = "llm"
    return out


def _chart(chart: Any, names: _Columns) -> Any:
    if not isinstance(chart, dict):
        return chart
    out = dict(chart)
    _word(out, "chart_type")
    _word(out, "aggregate", _AGGREGATES)
    _word(out, "barmode")
    for key in ("x", "y", "color", "denominator", "limit_within"):
        _optional_column(out, key, names)
    for key in ("barmode", "time_grain", "custom", "transform"):
        if isinstance(out.get(key), str) and out[key].strip().lower() in _NULLS:
            out[key] = None
    for key in ("x_scale", "y_scale"):
        _word(out, key, _SCALES)
    extra = out.get("extra_y")
    if isinstance(extra, str):  # one measure where a list belongs
        extra = [] if extra.strip().lower() in _NULLS else [extra]
    if isinstance(extra, list):
        out["extra_y"] = [names.spelled(name) for name in extra]
    out = _with_transform(out)
    grain = out.get("time_grain")
    if isinstance(grain, str):
        code = grain.strip().upper()
        out["time_grain"] = code if code in TIME_GRAIN_WORDS else _GRAINS.get(grain.lower(), grain)
    if isinstance(out.get("sort"), dict):
        out["sort"] = dict(out["sort"])
        _word(out["sort"], "by")
        _word(out["sort"], "order", _ORDERS)
    return _with_filters(out, names)


def _with_transform(chart: dict[str, Any]) -> dict[str, Any]:
    """A transform named by a word ("cumsum"), or by a synonym, as the object the plan wants;
    and no as_percent on a transform that is in % already."""
    transform = chart.get("transform")
    if isinstance(transform, str):
        transform = {"kind": transform}
    if isinstance(transform, dict):
        transform = dict(transform)
        _word(transform, "kind", _TRANSFORMS)
        kind = transform.get("kind")
        chart["transform"] = transform
        if kind in PERCENT_TRANSFORMS and chart.get("as_percent") is True:
            chart["as_percent"] = False
    return chart


def _metric(metric: Any, names: _Columns) -> Any:
    if not isinstance(metric, dict):
        return metric
    out = dict(metric)
    _word(out, "aggregate", _AGGREGATES)
    _optional_column(out, "column", names)
    return _with_filters(out, names)


def _table(table: dict[str, Any], names: _Columns) -> dict[str, Any]:
    out = dict(table)
    _word(out, "aggregate", _AGGREGATES)
    _word(out, "order", _ORDERS)
    _optional_column(out, "value", names)
    group_by = [out["group_by"]] if isinstance(out.get("group_by"), str) else out.get("group_by")
    if isinstance(group_by, list):
        out["group_by"] = [names.spelled(name) for name in group_by]
    return _with_filters(out, names)


def _with_filters(part: dict[str, Any], names: _Columns) -> dict[str, Any]:
    if isinstance(part.get("filters"), list):
        part["filters"] = [_filter(f, names) for f in part["filters"]]
    return part


def _filter(item: Any, names: _Columns) -> Any:
    if not isinstance(item, dict):
        return item
    out = dict(item)
    if "column" in out:
        out["column"] = names.spelled(out["column"])
    _word(out, "op", _OPS)
    value = out.get("value")
    text = str(value).strip() if isinstance(value, str | float) else ""
    if out.get("op") == "year" and re.fullmatch(r"\d{1,4}(\.0*)?", text):  # "2023", 2023.0
        out["value"] = int(float(text))
    return out


def _word(part: dict[str, Any], key: str, aliases: dict[str, str] | None = None) -> None:
    """Lower-case a keyword the model may have capitalised, and map well-known synonyms."""
    value = part.get(key)
    if isinstance(value, str):
        word = value.strip().lower()
        part[key] = (aliases or {}).get(word, word)


def _optional_column(part: dict[str, Any], key: str, names: _Columns) -> None:
    value = part.get(key)
    if isinstance(value, str) and value not in names and value.strip().lower() in _NULLS:
        part[key] = None
    elif key in part:
        part[key] = names.spelled(value)


class _Columns:
    """The file's column names, also keyed with case, spaces and underscores left out."""

    def __init__(self, names: list[str]) -> None:
        self.exact = frozenset(names)
        self.loose: list[dict[str, list[str]]] = [{} for _ in _NAME_KEYS]
        for key, index in zip(_NAME_KEYS, self.loose, strict=True):
            for name in names:
                index.setdefault(key(name), []).append(name)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and value in self.exact

    def spelled(self, value: Any) -> Any:
        """The file's own spelling of a column named in another case or with other spaces;
        `value` as it was when no column, or more than one, matches that way."""
        if not isinstance(value, str) or value in self.exact:
            return value
        for key, index in zip(_NAME_KEYS, self.loose, strict=True):
            matches = index.get(key(value), []) if key(value) else []
            if len(matches) == 1:
                return matches[0]
        return value


# --- walking the raw plan ------------------------------------------------------------


def _column_slots(raw: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(where, value) for every place in the raw plan that names a column."""
    for i, chart in _dict_items(raw.get("charts")):
        keys = ("x", "y", "color", "denominator", "limit_within")
        yield from ((f"charts[{i}].{key}", chart.get(key)) for key in keys)
        extra = ((f"charts[{i}].extra_y[{k}]", name) for k, name in _listed(chart.get("extra_y")))
        yield from extra
        yield from _filter_slots(chart, f"charts[{i}]")
    card = raw.get("summary_card")
    for i, metric in _dict_items(card.get("metrics") if isinstance(card, dict) else None):
        yield f"summary_card.metrics[{i}].column", metric.get("column")
        yield from _filter_slots(metric, f"summary_card.metrics[{i}]")
    table = raw.get("table")
    if isinstance(table, dict):
        group_by = table.get("group_by")
        yield from ((f"table.group_by[{i}]", name) for i, name in _listed(group_by))
        yield "table.value", table.get("value")
        yield from _filter_slots(table, "table")


def _filter_slots(part: dict[str, Any], where: str) -> Iterator[tuple[str, Any]]:
    for i, item in _dict_items(part.get("filters")):
        yield f"{where}.filters[{i}].column", item.get("column")


def _meaning_problems(raw: dict[str, Any], roles: Roles) -> list[str]:
    """What does not make sense for the data, in every part that passes the contract alone."""
    problems: list[str] = []
    for i, chart in _dict_items(raw.get("charts")):
        if (spec := _valid(ChartSpec, chart)) is not None:
            problems += chart_problems(spec, f"charts[{i}]", roles)
    card = raw.get("summary_card")
    for i, item in _dict_items(card.get("metrics") if isinstance(card, dict) else None):
        if (metric := _valid(Metric, item)) is not None:
            where = f"summary_card.metrics[{i}]"
            problems += measure_problems(metric.aggregate, metric.column, where, roles)
            problems += filter_problems(metric.filters, where, roles)
    if (table := _valid(TableSpec, raw.get("table"))) is not None:
        problems += measure_problems(table.aggregate, table.value, "table.value", roles)
        problems += filter_problems(table.filters, "table", roles)
    return problems


def _valid(model: type[_Model], value: Any) -> _Model | None:
    """`value` as a `model` if it fits once unknown keys (reported already) are left out."""
    try:
        return model.model_validate(_known(model, value))
    except ValidationError:
        return None


def _known(model: type[BaseModel], value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    known = {key: item for key, item in value.items() if key in model.model_fields}
    if isinstance(known.get("filters"), list):
        known["filters"] = [_known(Filter, item) for item in known["filters"]]
    if isinstance(known.get("transform"), dict):
        known["transform"] = _known(Transform, known["transform"])
    return known


def _dict_items(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    return ((i, item) for i, item in _listed(value) if isinstance(item, dict))


def _listed(value: Any) -> Iterator[tuple[int, Any]]:
    return enumerate(value) if isinstance(value, list) else iter(())
