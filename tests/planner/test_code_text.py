"""Column names and values that look like code stay data: the policy never refuses our own code.

Each name below is refused by the sandbox's policy when it appears as a string literal (a dunder,
a format field reaching `os`, a location) or breaks out of a naive literal (quotes, newlines).
The compiled code names columns as `COLUMNS[i]` and other text as `TEXT[i]`, so every chart
compiles, passes the policy, runs, and draws the right numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest

from ingest.profiling import build_profile
from planner.compile import compile_chart
from planner.compile_extras import compile_extras
from planner.plan import ChartSpec, Filter, Metric, Plan, SummaryCard, TableSpec
from sandbox.policy import find_violations
from tests.planner.drawn import bars, traces

RunChart = Callable[[ChartSpec, pd.DataFrame], dict[str, Any]]

HOSTILE_NAMES = [
    "__class__",
    "__globals__",
    "os.system",
    "{0.__class__}",
    "{x.os}",
    "https://evil.example/x",
    "/etc/passwd",
    'it\'s "quoted"',
    "line\nbreak",
    "back\\slash",
    "__import__('os').system('id')",
    "Ｏｓ＿＿ｃｌａｓｓ＿＿",
]


def _frame(category: str, number: str, when: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            category: ["__class__", "{0.os}", "__class__", "https://x.example", "{0.os}", "b"],
            number: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            when: pd.date_range("2024-01-01", periods=6, freq="MS"),
        }
    )


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_bar_by_a_hostile_column_filtered_by_a_hostile_value(
    run_chart: RunChart, name: str
) -> None:
    number, when = f"{name} (n)", f"{name} (t)"
    df = _frame(name, number, when)
    spec = ChartSpec(
        chart_type="bar",
        x=name,
        y=number,
        aggregate="sum",
        filters=[Filter(column=name, op="ne", value="__globals__")],
        title=f"{name} by {name}",
    )
    drawn = bars(run_chart(spec, df))  # run_chart checks the code against the policy first
    assert drawn == {"__class__": 4.0, "{0.os}": 7.0, "https://x.example": 4.0, "b": 6.0}


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_every_part_of_the_code_keeps_hostile_names_as_data(run_chart: RunChart, name: str) -> None:
    number, when = f"{name} (n)", f"{name} (t)"
    df = _frame(name, number, when)
    specs = [
        ChartSpec(chart_type="line", x=when, y=number, color=name, aggregate="sum",
                  time_grain="M", title=name),
        ChartSpec(chart_type="table", x=name, y=number, aggregate="mean", title=name),
        ChartSpec(chart_type="bar", x=name, aggregate="count", limit=2, other_bucket=True,
                  title=name),
        ChartSpec(chart_type="pie", x=name, y=number, aggregate="sum", title=name),
        ChartSpec(chart_type="histogram", x=number, title=name),
        ChartSpec(chart_type="line", x=when, y=number, aggregate="sum", time_grain="M",
                  transform={"kind": "cumsum"}, title=name),
        ChartSpec(chart_type="bar", x=name, y=number, aggregate="last", title=name),
    ]  # fmt: skip
    for spec in specs:
        out = run_chart(spec, df)
        assert out["summary"]["rows_used"] == 6
    lines = traces(run_chart(specs[0], df))
    assert lines["__class__"] == {"2024-01-01 00:00:00": 1.0, "2024-03-01 00:00:00": 3.0}


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_card_and_table_keep_hostile_names_as_data(name: str) -> None:
    number = f"{name} (n)"
    df = _frame(name, number, "when")
    profile = build_profile(df, file_name="evil.csv", file_kind="csv")
    plan = Plan(
        charts=[ChartSpec(chart_type="bar", x=name, y=number, aggregate="sum", title=name)],
        summary_card=SummaryCard(
            metrics=[
                Metric(label=name[:60], column=number, aggregate="sum",
                       filters=[Filter(column=name, op="eq", value="{0.os}")]),
            ]
        ),
        table=TableSpec(title=name, group_by=[name], value=number, aggregate="sum"),
    )  # fmt: skip
    code = compile_chart(plan.charts[0], profile) + compile_extras(plan, profile)
    assert find_violations(code) == []
    namespace: dict[str, Any] = {"df": df, "pd": pd, "np": np, "px": px, "go": go}
    exec(compile(code, "<chart>", "exec"), namespace)  # noqa: S102 - our own generated code
    assert namespace["summary"]["card_0"] == 7.0
    table = namespace["result_table"]
    assert list(table.columns) == [name, number]
    assert table.to_numpy().tolist() == [["{0.os}", 7.0], ["b", 6.0], ["__class__", 4.0],
                                          ["https://x.example", 4.0]]  # fmt: skip


def test_the_code_names_no_column_of_the_file() -> None:
    df = _frame("__class__", "os.system", "when")
    spec = ChartSpec(chart_type="bar", x="__class__", y="os.system", aggregate="sum", title="t")
    code = compile_chart(spec, build_profile(df, file_name="evil.csv", file_kind="csv"))
    assert "x_col = COLUMNS[0]" in code and "y_col = COLUMNS[1]" in code
    assert "'__class__'" not in code and "os.system" not in code.split("TEXT = ", 1)[0]
