"""Reading back what a chart drew: the x and y of its traces, as plain Python values."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def text(x: Any) -> str:
    """An x value as text; dates as "2024-03-01 00:00:00", whatever type Plotly kept."""
    return str(pd.Timestamp(x)) if isinstance(x, np.datetime64 | pd.Timestamp) else str(x)


def bars(out: dict[str, Any]) -> dict[str, float]:
    """The first trace: x (as text) → y."""
    trace = out["fig"].data[0]
    return {text(x): float(y) for x, y in zip(trace.x, trace.y, strict=True)}


def traces(out: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Every trace by name: x (as text) → y."""
    return {
        str(trace.name): {text(x): float(y) for x, y in zip(trace.x, trace.y, strict=True)}
        for trace in out["fig"].data
    }


def drawn(out: dict[str, Any]) -> dict[tuple[str, str], float]:
    """(x as text, trace name) → y over every trace."""
    return {(x, name): y for name, points in traces(out).items() for x, y in points.items()}
