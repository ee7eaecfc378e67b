"""The numbers a figure draws, read back from its traces into a plain table.

Pure. The figure JSON came out of the sandbox, so it is treated as untrusted shape: anything
unexpected yields fewer rows, never an exception. Plotly encodes numeric arrays as typed arrays
(`{"dtype": "f8", "bdata": "<base64>"}`), which are decoded here.
"""

from __future__ import annotations

import base64
import binascii
import math
import struct
from collections.abc import Sequence
from typing import Any

from core.chart_table import Cell, ChartTable

MAX_ROWS_KEPT = 20_000
MAX_SERIES = 50
_TYPED = {"f8": "d", "f4": "f", "i1": "b", "u1": "B", "i2": "h", "u2": "H", "i4": "i", "u4": "I",
          "i8": "q", "u8": "Q"}  # fmt: skip
_XY_TYPES = ("bar", "scatter", "scattergl")


def values(raw: Any) -> list[Any]:
    """A trace's array as a list: plain lists as they are, typed arrays decoded."""
    if isinstance(raw, list):
        return raw
    if isinstance(raw, dict) and isinstance(raw.get("bdata"), str):
        code = _TYPED.get(str(raw.get("dtype")))
        if code is None:
            return []
        try:
            data = base64.b64decode(raw["bdata"], validate=True)
        except (binascii.Error, ValueError):
            return []
        size = struct.calcsize(code)
        count = len(data) // size
        return list(struct.unpack(f"<{count}{code}", data[: count * size]))
    return []


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def chart_table(figure: dict[str, Any], *, x_name: str, y_name: str) -> ChartTable | None:
    """The figure's data as a table; None when it has no traces we can read."""
    traces = [t for t in figure.get("data") or [] if isinstance(t, dict)][:MAX_SERIES]
    if not traces:
        return None
    kind = str(traces[0].get("type") or "scatter")
    if kind == "pie":
        labels, sizes = values(traces[0].get("labels")), values(traces[0].get("values"))
        return _table([x_name, y_name], list(zip(labels, sizes, strict=False)))
    if kind == "box":
        rows = [(str(t.get("name") or ""), y) for t in traces for y in values(t.get("y"))]
        return _table(["group", y_name], rows)
    series = [_xy(t) for t in traces if str(t.get("type") or "scatter") in _XY_TYPES]
    series = [s for s in series if s[1]]
    if not series:
        return None
    if len(series) == 1:
        return _table([x_name, y_name], series[0][1])
    if kind == "scatter" and any(str(t.get("mode")) == "markers" for t in traces):
        long = [(x, y, name) for name, points in series for x, y in points]
        return _table([x_name, y_name, "series"], long)
    return _wide(x_name, series)


def series_names(figure: dict[str, Any]) -> list[str]:
    return [str(t.get("name") or "") for t in figure.get("data") or [] if isinstance(t, dict)]


def _xy(trace: dict[str, Any]) -> tuple[str, list[tuple[Any, Any]]]:
    xs, ys = values(trace.get("x")), values(trace.get("y"))
    if trace.get("orientation") == "h":
        xs, ys = ys, xs
    return str(trace.get("name") or ""), list(zip(xs, ys, strict=False))


def _wide(x_name: str, series: Sequence[tuple[str, list[tuple[Any, Any]]]]) -> ChartTable:
    """Several series over the same x: one row per x, one column per series."""
    order: dict[Any, dict[int, Any]] = {}
    for index, (_, points) in enumerate(series):
        for x, y in points:
            order.setdefault(_key(x), {})[index] = y
    names = _unique([name or f"series {i + 1}" for i, (name, _) in enumerate(series)])
    rows = [[x, *(by_series.get(i) for i in range(len(series)))] for x, by_series in order.items()]
    return _table([x_name, *names], rows)


def _table(columns: list[str], rows: Sequence[Sequence[Any]]) -> ChartTable:
    kept = [[_cell(v) for v in row] for row in rows[:MAX_ROWS_KEPT]]
    return ChartTable(columns=columns, rows=kept, total_rows=len(rows))


def _cell(value: Any) -> Cell:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value if math.isfinite(float(value)) else None
    if value is None:
        return None
    return str(value)[:500]


def _key(value: Any) -> Any:
    return value if isinstance(value, str | int | float) else str(value)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out
