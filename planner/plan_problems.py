"""What is wrong with a model's plan, in short lines it can act on in its repair turn.

Two kinds of problem: the plan breaks the `Plan` contract (pydantic's errors, reworded without
URLs), or it fits the contract but not the data (a column that does not exist, a sum of a
category, a time grain on a category axis). Each line starts with where the problem is, in the
plan's own terms (`charts[0].y`, `summary_card.metrics[1]`, `table.value`), and says what is wrong
and what would be right.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ingest.profile import ColumnRole, DataProfile
from planner.matching import find_mentions, tokenize
from planner.plan import (
    ChartSpec,
    Filter,
    Metric,
    Plan,
    Sort,
    SummaryCard,
    TableSpec,
    Transform,
)
from planner.spec_rules import (
    MEASURED,
    ROLE_WORDS,
    Roles,
    a_chart,
    needs_x,
    needs_y,
    spec_conflicts,
)

MAX_PROBLEMS = 20
_ORDERED_OPS = frozenset({"gt", "gte", "lt", "lte", "between"})
_LIST_OPS = frozenset({"in", "not_in", "between"})
_ISO_TIME = re.compile(r"^\d{4}(-\d{1,2}(-\d{1,2}([T ][\d:.]+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
_MAX_LISTED_COLUMNS = 30
_MODELS: dict[str, type[BaseModel]] = {
    "": Plan,
    "charts": ChartSpec,
    "filters": Filter,
    "sort": Sort,
    "summary_card": SummaryCard,
    "metrics": Metric,
    "table": TableSpec,
    "transform": Transform,
}
_FIELDS = frozenset(name for model in _MODELS.values() for name in model.model_fields)
_SECTIONS = {"plan": 0, "charts": 1, "summary_card": 2, "table": 3, "assumptions": 4}
_SECTION = re.compile(r"(\w+)(?:\[(\d+)\])?")


class PlanProblems(ValueError):
    """The plan does not fit the contract or the data; `problems` are lines for the model."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def column_problem(where: str, name: str, profile: DataProfile, *, suggest: bool = True) -> str:
    """`where: column 'sales' does not exist; columns are: …; did you mean 'revenue'?`

    A suggestion costs a fuzzy match over every column; `suggest=False` leaves it out.
    """
    names = profile.names()
    listed = ", ".join(names[:_MAX_LISTED_COLUMNS])
    if len(names) > _MAX_LISTED_COLUMNS:
        listed += f" and {len(names) - _MAX_LISTED_COLUMNS} more"
    line = f"{where}: column {_shown(name)} does not exist; columns are: {listed}"
    if not suggest:
        return line
    guesses = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    if not guesses:  # "sales" for revenue: a synonym, not a spelling
        guesses = [m.column for m in find_mentions(tokenize(name[:200]), profile)]
    return line + (f"; did you mean {_shown(guesses[0])}?" if guesses else "")


def validation_problems(exc: ValidationError) -> list[str]:
    """One line per pydantic error, in plain words, without pydantic's URLs."""
    lines: list[str] = []
    unions: set[tuple[str | int, ...]] = set()
    for error in exc.errors(include_url=False):
        loc, union = _field_loc(error)
        if union and loc in unions:
            continue  # one line per value, not one per member of `str | int | … | list`
        if union:
            unions.add(loc)
        if error["type"] == "extra_forbidden":
            lines.append(_unknown_field(loc))
        elif error["type"] == "missing":
            lines.append(f"{_path(loc[:-1])}: missing required field {_shown(loc[-1])}")
        else:
            lines.append(f"{_path(loc)}: {_message(error, union)}")
    return list(dict.fromkeys(lines))


def _field_loc(error: ErrorDetails) -> tuple[tuple[str | int, ...], bool]:
    """The location without pydantic's union-member tags (`value.str`, `value.list[…]`)."""
    loc = tuple(error["loc"])
    last = len(loc) - 1 if error["type"] == "extra_forbidden" else len(loc)
    for i, part in enumerate(loc[:last]):
        if isinstance(part, str) and part not in _FIELDS:
            return loc[:i], True
    return loc, False


def _unknown_field(loc: tuple[str | int, ...]) -> str:
    parent, key = loc[:-1], str(loc[-1])
    named = [p for p in parent if isinstance(p, str)]
    model = _MODELS.get(named[-1] if named else "", Plan)
    line = f"{_path(parent)}: unknown field {_shown(key)}"
    guesses = difflib.get_close_matches(key, list(model.model_fields), n=1, cutoff=0.6)
    return line + (f"; did you mean {_shown(guesses[0])}?" if guesses else "")


def _message(error: ErrorDetails, union: bool) -> str:
    kind, ctx, got = error["type"], error.get("ctx") or {}, _shown(error["input"])
    if union:
        return f"should be text, a number, true/false or a list of those, got {got}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"{got} is not one of {expected}"
    if kind in ("too_short", "too_long"):
        bound = "at least" if kind == "too_short" else "at most"
        count = ctx.get("min_length", ctx.get("max_length"))
        return f"needs {bound} {count} item(s), got {ctx.get('actual_length', '?')}"
    if kind == "string_too_long":
        return f"is too long; at most {ctx.get('max_length')} characters"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = "at least" if kind == "greater_than_equal" else "at most"
        return f"must be {bound} {ctx.get('ge', ctx.get('le'))}, got {got}"
    if kind == "model_type":
        return f"should be an object {{…}}, got {got}"
    words = {"list_type": "a list [...]", "string_type": "text", "bool_type": "true or false"}
    if kind in words:
        return f"should be {words[kind]}, got {got}"
    if kind.startswith("int_"):
        return f"should be a whole number, got {got}"
    return f"{error['msg'][:1].lower()}{error['msg'][1:]}, got {got}"


def _path(loc: Sequence[str | int]) -> str:
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    return text or "plan"


def _shown(value: Any) -> str:
    """A value as the model wrote it, short; containers are only named (they may be huge)."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int | float):
        return repr(value)
    return "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else "?"


def _is(name: str | None, role: ColumnRole | None) -> str:
    return f"{_shown(name)} is {ROLE_WORDS[role]}" if role else _shown(name)


def in_order(problems: Sequence[str]) -> list[str]:
    """Unique lines, by section (charts in order), capped so a hostile plan stays readable."""
    unique = list(dict.fromkeys(problems))
    unique.sort(key=_section_key)
    if len(unique) > MAX_PROBLEMS:
        rest = len(unique) - MAX_PROBLEMS + 1
        unique = [*unique[: MAX_PROBLEMS - 1], f"…and {rest} more problems"]
    return unique


def _section_key(line: str) -> tuple[int, int]:
    match = _SECTION.match(line)
    if match is None:
        return (len(_SECTIONS), 0)
    return (_SECTIONS.get(match.group(1), len(_SECTIONS)), int(match.group(2) or 0))


# --- what does not make sense for the data ----------------------------------------------------


def chart_problems(spec: ChartSpec, where: str, roles: Roles) -> list[str]:
    """What `spec` asks of its columns that their roles cannot give (axes, aggregates, filters),
    and field combinations that make no sense (see `planner.spec_rules`)."""
    kind = spec.chart_type
    problems: list[str] = []
    if needs_x(spec) and not spec.x:
        problems.append(f"{where}: {a_chart(kind)} needs x")
    if needs_y(spec) and not spec.y:
        counted = " (or aggregate 'count')" if kind in MEASURED else ""
        problems.append(f"{where}: {a_chart(kind)} needs y{counted}")
    x_role, y_role = _role(roles, spec.x), _role(roles, spec.y)
    if kind == "scatter":
        axes = ((spec.x, x_role, ("number", "time")), (spec.y, y_role, ("number",)))
        wrong = [_is(name, role) for name, role, fits in axes if role and role not in fits]
        if wrong:
            problems.append(
                f"{where}: a scatter chart needs numbers on x and y; {', '.join(wrong)}"
            )
    elif kind == "box" and y_role not in (None, "number"):
        problems.append(f"{where}: a box chart needs a number column for y; {_is(spec.y, y_role)}")
    elif kind in MEASURED and not _counts(spec):
        problems += measure_problems(spec.aggregate, spec.y, where, roles, axis=" for y")
        for i, name in enumerate(spec.extra_y):
            axis = f" for extra_y[{i}]"
            problems += measure_problems(spec.aggregate, name, where, roles, axis=axis)
    if spec.time_grain and x_role != "time" and (x_role or not spec.x):
        shown = f"x {_shown(spec.x)} is not a time column" if spec.x else "the chart has no x"
        problems.append(f"{where}.time_grain is set but {shown}")
    color_role = _role(roles, spec.color)
    if kind != "scatter" and color_role in ("number", "id"):
        problems.append(
            f"{where}.color: {_is(spec.color, color_role)}; color "
            "splits by a category with few values"
        )
    problems += [f"{where}{field}: {message}" for field, message in spec_conflicts(spec, roles)]
    return problems + filter_problems(spec.filters, where, roles)


def measure_problems(
    aggregate: str, column: str | None, where: str, roles: Roles, axis: str = ""
) -> list[str]:
    """A number summarised by `aggregate` must be a number (or a time, for min and max)."""
    if aggregate == "count":
        return []
    if column is None:
        return [] if axis else [f"{where}: aggregate '{aggregate}' needs a column"]
    role = _role(roles, column)
    numbers = ("number",)
    allowed = {"none": numbers, "sum": numbers, "mean": numbers, "median": numbers}.get(
        aggregate, ("number", "time") if aggregate in ("min", "max", "last") else None
    )
    if role is None or allowed is None or role in allowed:
        return []
    wanted = " or ".join(allowed)
    label = f"aggregate '{aggregate}'" if aggregate != "none" else "the chart"
    return [f"{where}: {label} needs a {wanted} column{axis}; {_is(column, role)}"]


def filter_problems(filters: Sequence[Filter], where: str, roles: Roles) -> list[str]:
    """Filters whose value has the wrong shape for their op, or whose op misfits the column."""
    found = ((i, _filter_problem(f, _role(roles, f.column))) for i, f in enumerate(filters))
    return [f"{where}.filters[{i}]: {problem}" for i, problem in found if problem]


def _filter_problem(f: Filter, role: ColumnRole | None) -> str | None:
    op, value = f.op, f.value
    values = value if isinstance(value, list) else [value]
    if op in _LIST_OPS and not isinstance(value, list):
        return f"'{op}' needs a list of values" + (", [low, high]" if op == "between" else "")
    if op == "between" and len(values) != 2:
        return f"'between' needs exactly 2 values, [low, high]; got {len(values)}"
    if op not in _LIST_OPS and isinstance(value, list):
        return f"'{op}' needs a single value, not a list (use 'in' for several)"
    if not values:
        return f"'{op}' needs at least one value"
    if role is None:
        return None
    if op == "year":
        if role != "time":
            return f"'year' needs a time column; {_is(f.column, role)}"
        if not isinstance(value, int) or isinstance(value, bool):
            return f"'year' needs a whole year number like 2023, got {_shown(value)}"
    if op in _ORDERED_OPS and role not in ("number", "time"):
        return f"'{op}' needs a number or time column; {_is(f.column, role)}"
    if role in ("number", "time") and op != "year":
        return _value_problem(op, values, role)
    return None


def _value_problem(op: str, values: Sequence[Any], role: ColumnRole) -> str | None:
    for v in values:
        if role == "number" and (isinstance(v, bool) or not _is_number(v)):
            return f"'{op}' on a number column needs numbers, got {_shown(v)}"
        if role == "time" and not (isinstance(v, str) and _ISO_TIME.match(v.strip())):
            return f"'{op}' on a time column needs ISO dates like '2023-06-30', got {_shown(v)}"
    return None


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _counts(spec: ChartSpec) -> bool:
    return spec.aggregate == "count"


def _role(roles: Roles, name: str | None) -> ColumnRole | None:
    """The column's role, or None when there is no column (missing ones are reported apart)."""
    return roles.get(name) if name else None
