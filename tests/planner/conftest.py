"""Fixtures for planner tests: small deterministic tables, their profiles, and a chart runner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest

from ingest.profile import DataProfile
from ingest.profiling import build_profile
from planner.compile import compile_chart
from planner.plan import ChartSpec, Plan
from planner.rules import plan_from_rules
from sandbox.policy import check_code

REGIONS = ["EU", "US", "APAC"]
PRODUCTS = ["Widget", "Gadget", "Gizmo", "Doohickey"]


def orders_frame(days: int = 60, start: str = "2023-01-01") -> pd.DataFrame:
    """One order per day; every value follows from the row number, so tests can recompute it."""
    i = np.arange(days)
    return pd.DataFrame(
        {
            "order_id": i + 1,
            "order_date": pd.date_range(start, periods=days, freq="D"),
            "region": [REGIONS[k % 3] for k in i],
            "product": [PRODUCTS[k % 4] for k in i],
            "revenue": (i % 7) * 10.0 + 5,
            "unit_price": (i % 5) * 2.5 + 1,
            "quantity": i % 4 + 1,
            "constant": 1,
        }
    )


def profile_of(df: pd.DataFrame, name: str = "orders.csv") -> DataProfile:
    return build_profile(df, file_name=name, file_kind="csv")


@pytest.fixture
def make_orders() -> Callable[..., pd.DataFrame]:
    """make_orders(days=60, start="2023-01-01"): a fresh orders table."""
    return orders_frame


@pytest.fixture
def plan_for() -> Callable[[str, pd.DataFrame], Plan]:
    """plan_for(question, df) plans against the profile of `df`."""

    def plan(question: str, df: pd.DataFrame) -> Plan:
        return plan_from_rules(question, profile_of(df))

    return plan


@pytest.fixture
def run_chart() -> Callable[[ChartSpec, pd.DataFrame], dict[str, Any]]:
    """run_chart(spec, df) compiles the spec, checks the code against the sandbox's policy and
    executes it the way the sandbox runner does; it returns the code's namespace."""

    def run(spec: ChartSpec, df: pd.DataFrame) -> dict[str, Any]:
        code = compile_chart(spec, profile_of(df))
        check_code(code)
        namespace: dict[str, Any] = {"df": df.copy(), "pd": pd, "np": np, "px": px, "go": go}
        exec(compile(code, "<chart>", "exec"), namespace)  # noqa: S102 - our own generated code
        return namespace

    return run
