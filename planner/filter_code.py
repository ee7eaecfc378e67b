"""Python expressions that keep the rows a `Filter` asks for, for the generated chart code.

Column names and values come from uploaded files and questions, so they only ever enter the code
as data (`planner.code_text`): `COLUMNS[i]` and `TEXT[i]`. A date given without a time means the
whole day: "after 2023-06-01" starts on June 2 and "until 2023-06-30" includes all of June 30.
"""

from __future__ import annotations

import re

from ingest.profile import ColumnProfile
from planner.code_text import CodeText
from planner.plan import Filter, Scalar

_DATE_ONLY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_OPS = {"eq": "==", "ne": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def filter_expression(f: Filter, col: ColumnProfile, text: CodeText) -> str:
    """A boolean-mask expression over `data` for one filter; `text` writes names and values."""
    series = f"data[{text.column(f.column)}]"
    if col.role == "time":
        if "," in col.dtype:  # tz-aware: compare in naive UTC, like the ISO values we are given
            series += ".dt.tz_convert(None)"
        return _time_expression(f, series, text)
    if any(kind in col.dtype.lower() for kind in ("int", "float")):
        return _number_expression(f, series, text)
    if col.role == "boolean":
        series += ".astype(str).str.lower()"
        return _text_expression(f, series, text, lower=True)
    return _text_expression(f, f"{series}.astype(str)", text, lower=False)


def _as_number(value: Scalar) -> float | int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def _number_expression(f: Filter, series: str, text: CodeText) -> str:
    values = f.value if isinstance(f.value, list) else [f.value]
    numbers = [_as_number(v) for v in values]
    if any(n is None for n in numbers):
        return _text_expression(f, f"{series}.astype(str)", text, lower=False)
    if f.op == "between" and len(numbers) == 2:
        return f"{series}.between({numbers[0]!r}, {numbers[1]!r})"
    if f.op in ("in", "not_in"):
        neg = "~" if f.op == "not_in" else ""
        return f"{neg}{series}.isin({numbers!r})"
    op = "==" if f.op == "year" else _OPS[f.op]
    return f"({series} {op} {numbers[0]!r})"


def _text_expression(f: Filter, series: str, text: CodeText, *, lower: bool) -> str:
    values = f.value if isinstance(f.value, list) else [f.value]
    texts = [str(v).lower() if lower else str(v) for v in values]
    if f.op == "between" and len(texts) == 2:
        return f"{series}.between({text.text(texts[0])}, {text.text(texts[1])})"
    if f.op in ("in", "not_in"):
        neg = "~" if f.op == "not_in" else ""
        return f"{neg}{series}.isin({text.text(texts)})"
    op = "==" if f.op == "year" else _OPS[f.op]
    return f"({series} {op} {text.text(texts[0])})"


def _stamp(value: Scalar, text: CodeText, *, end_of_day: bool) -> str:
    stamp = f"pd.Timestamp({text.text(str(value))})"
    if end_of_day and _DATE_ONLY.match(str(value)):
        return f"({stamp} + pd.Timedelta(days=1))"
    return stamp


def _time_expression(f: Filter, series: str, text: CodeText) -> str:
    if f.op == "year":
        year = _as_number(f.value if not isinstance(f.value, list) else f.value[0])
        return f"({series}.dt.year == {int(year or 0)!r})"
    values = f.value if isinstance(f.value, list) else [f.value]
    if f.op == "between" and len(values) == 2:
        low = _stamp(values[0], text, end_of_day=False)
        high = values[1]
        if _DATE_ONLY.match(str(high)):
            return f"(({series} >= {low}) & ({series} < {_stamp(high, text, end_of_day=True)}))"
        return f"(({series} >= {low}) & ({series} <= {_stamp(high, text, end_of_day=False)}))"
    if f.op in ("in", "not_in"):
        neg = "~" if f.op == "not_in" else ""
        stamps = ", ".join(_stamp(v, text, end_of_day=False) for v in values)
        return f"{neg}{series}.isin([{stamps}])"
    value = values[0]
    if f.op == "gt" and _DATE_ONLY.match(str(value)):
        return f"({series} >= {_stamp(value, text, end_of_day=True)})"
    if f.op == "lte" and _DATE_ONLY.match(str(value)):
        return f"({series} < {_stamp(value, text, end_of_day=True)})"
    if f.op in ("eq", "ne") and _DATE_ONLY.match(str(value)):
        day = f"({series}.dt.normalize() == {_stamp(value, text, end_of_day=False)})"
        return day if f.op == "eq" else f"~{day}"
    return f"({series} {_OPS[f.op]} {_stamp(value, text, end_of_day=False)})"
