"""The compiled chart code: it runs on `df`, draws what the plan says and reports true numbers.

Every expected number is computed here with plain pandas, independently of the generated code.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest

from ingest.profiling import build_profile
from planner.compile import compile_chart
from planner.plan import ChartSpec, Filter, Plan, Sort

PlanFor = Callable[[str, pd.DataFrame], Plan]
RunChart = Callable[[ChartSpec, pd.DataFrame], dict[str, Any]]
MakeOrders = Callable[..., pd.DataFrame]


def _bars(namespace: dict[str, Any]) -> dict[str, float]:
    trace = namespace["fig"].data[0]
    return {str(x): float(y) for x, y in zip(trace.x, trace.y, strict=True)}


def test_summed_bars_match_pandas(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders
) -> None:
    df = make_orders()
    out = run_chart(plan_for("revenue by region", df).primary, df)
    expected = df.groupby("region")["revenue"].sum().sort_values(ascending=False)
    assert _bars(out) == expected.to_dict()
    assert list(out["fig"].data[0].x) == list(expected.index)  # largest first
    assert out["summary"] == {
        "rows_total": 60,
        "rows_used": 60,
        "groups": 3,
        "other_groups": 0,
        "top_label": expected.index[0],
        "top_value": float(expected.iloc[0]),
    }
    assert out["fig"].layout.title.text == "Total revenue by region"
    assert out["fig"].layout.xaxis.title.text == "region"


def test_counted_rows_with_a_filter(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders
) -> None:
    df = make_orders()
    spec = plan_for("how many orders per product where region is EU", df).primary
    out = run_chart(spec, df)
    eu = df[df["region"] == "EU"]
    assert _bars(out) == {k: float(v) for k, v in eu["product"].value_counts().items()}
    assert out["summary"]["rows_used"] == len(eu)


def test_mean_with_a_number_filter(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders
) -> None:
    df = make_orders()
    out = run_chart(plan_for("average revenue by product with quantity over 2", df).primary, df)
    kept = df[df["quantity"] > 2]
    assert _bars(out) == pytest.approx(kept.groupby("product")["revenue"].mean().to_dict())
    assert out["summary"]["rows_used"] == len(kept)


def test_top_n_with_other_bucket_folds_the_rest(run_chart: RunChart) -> None:
    df = pd.DataFrame({"city": [f"c{k:02d}" for k in range(30)], "sales": np.arange(30.0) + 1})
    spec = ChartSpec(
        chart_type="bar",
        x="city",
        y="sales",
        aggregate="sum",
        limit=5,
        other_bucket=True,
        sort=Sort(by="y", order="desc"),
        title="Sales by city",
    )
    out = run_chart(spec, df)
    bars = _bars(out)
    assert list(bars) == ["c29", "c28", "c27", "c26", "c25", "Other"]  # Other comes last
    assert bars["Other"] == float(df["sales"].iloc[:25].sum())
    assert out["summary"]["other_groups"] == 25
    assert out["summary"]["groups"] == 6
    assert out["summary"]["top_label"] == "Other"
    assert out["summary"]["top_value"] == float(df["sales"].iloc[:25].sum())


def test_top_n_without_other_keeps_only_n(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders
) -> None:
    df = make_orders()
    out = run_chart(plan_for("bottom 2 products by revenue", df).primary, df)
    expected = df.groupby("product")["revenue"].sum().sort_values().head(2)
    assert _bars(out) == expected.to_dict()
    assert out["summary"]["other_groups"] == 0


def test_monthly_line_matches_resampled_sums(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders
) -> None:
    df = make_orders(days=3650)
    out = run_chart(plan_for("revenue over time", df).primary, df)
    expected = df.set_index("order_date")["revenue"].resample("MS").sum()
    trace = out["fig"].data[0]
    assert len(trace.x) == len(expected) == out["summary"]["groups"]
    assert list(trace.y) == pytest.approx(list(expected))
    assert out["summary"]["top_value"] == pytest.approx(float(expected.max()))
    assert out["summary"]["top_label"] == cast(pd.Timestamp, expected.idxmax()).isoformat()


def test_year_filter_on_dates(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders
) -> None:
    df = make_orders(days=800)
    out = run_chart(plan_for("revenue by region in 2024", df).primary, df)
    in_2024 = df[df["order_date"].dt.year == 2024]
    assert _bars(out) == in_2024.groupby("region")["revenue"].sum().to_dict()


def test_after_a_date_means_from_the_next_day(run_chart: RunChart, make_orders: MakeOrders) -> None:
    df = make_orders()
    spec = ChartSpec(
        chart_type="bar",
        x="region",
        aggregate="count",
        filters=[Filter(column="order_date", op="gt", value="2023-02-01")],
        title="Orders",
    )
    out = run_chart(spec, df)
    assert out["summary"]["rows_used"] == int((df["order_date"] >= "2023-02-02").sum())


def test_grouped_and_stacked_bars(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders
) -> None:
    df = make_orders()
    grouped = run_chart(plan_for("revenue by region and product", df).primary, df)
    stacked = run_chart(plan_for("stacked revenue by region and product", df).primary, df)
    sums = df.groupby(["region", "product"])["revenue"].sum()
    for out in (grouped, stacked):
        drawn = {
            (str(x), trace.name): float(y)
            for trace in out["fig"].data
            for x, y in zip(trace.x, trace.y, strict=True)
        }
        assert drawn == {cast(tuple[str, str], key): float(v) for key, v in sums.items()}
    assert grouped["fig"].layout.barmode == "group"
    assert stacked["fig"].layout.barmode == "stack"
    per_region = df.groupby("region")["revenue"].sum()
    assert stacked["summary"]["top_label"] == per_region.idxmax()
    assert grouped["summary"]["top_value"] == float(sums.max())


def test_scatter_draws_every_row(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders
) -> None:
    df = make_orders()
    out = run_chart(plan_for("unit price vs quantity", df).primary, df)
    assert list(out["fig"].data[0].x) == list(df["quantity"])
    assert list(out["fig"].data[0].y) == list(df["unit_price"])
    assert out["summary"]["groups"] == 60
    assert out["summary"]["top_label"] is None


def test_histogram_counts_every_value_once(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders
) -> None:
    df = make_orders()
    out = run_chart(plan_for("distribution of revenue", df).primary, df)
    counts = out["fig"].data[0].y
    assert int(sum(counts)) == len(df)
    assert out["summary"]["groups"] == len(counts)


def test_box_and_pie(plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders) -> None:
    df = make_orders()
    box = run_chart(plan_for("box plot of revenue by region", df).primary, df)
    assert box["summary"]["groups"] == 3
    pie = run_chart(plan_for("pie of revenue by product", df).primary, df)
    trace = pie["fig"].data[0]
    assert dict(zip(trace.labels, trace.values, strict=True)) == (
        df.groupby("product")["revenue"].sum().to_dict()
    )


def test_rows_with_missing_values_are_not_used(run_chart: RunChart) -> None:
    df = pd.DataFrame({"team": ["a", "b", None, "a"], "score": [1.0, np.nan, 3.0, 4.0]})
    spec = ChartSpec(chart_type="bar", x="team", y="score", aggregate="sum", title="Score")
    out = run_chart(spec, df)
    assert out["summary"]["rows_total"] == 4
    assert out["summary"]["rows_used"] == 2
    assert _bars(out) == {"a": 5.0}


def test_empty_result_explains_which_filter(run_chart: RunChart, make_orders: MakeOrders) -> None:
    spec = ChartSpec(
        chart_type="bar",
        x="product",
        y="revenue",
        aggregate="sum",
        filters=[Filter(column="region", op="eq", value="Mars")],
        title="Revenue",
    )
    with pytest.raises(ValueError, match="no rows left after filtering: region is Mars"):
        run_chart(spec, make_orders())


HOSTILE = '"); import os; #'


def test_hostile_column_names_stay_inside_string_literals(run_chart: RunChart) -> None:
    df = pd.DataFrame({HOSTILE: ["x", "y", "x"], "value\n__import__('os')": [1.0, 2.0, 3.0]})
    spec = ChartSpec(
        chart_type="bar",
        x=HOSTILE,
        y="value\n__import__('os')",
        aggregate="sum",
        filters=[Filter(column=HOSTILE, op="ne", value="'); import sys; ('")],
        title='Title"); import os; #',
    )
    code = compile_chart(spec, build_profile(df, file_name="evil.csv", file_kind="csv"))
    tree = ast.parse(code)
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert "os" not in names and "__import__" not in names
    assert _bars(run_chart(spec, df)) == {"x": 4.0, "y": 2.0}


@pytest.mark.parametrize(
    "question",
    [
        "revenue by region",
        "monthly revenue by region",
        "top 2 products by average unit price",
        "unit price vs quantity",
        "distribution of revenue",
        "spread of revenue by region",
        "pie of orders by region",
        "revenue by product after 2023-01-15 for EU only",
    ],
)
def test_generated_code_imports_nothing_and_touches_no_dunders(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders, question: str
) -> None:
    df = make_orders()
    spec = plan_for(question, df).primary
    tree = ast.parse(compile_chart(spec, build_profile(df, file_name="o.csv", file_kind="csv")))
    for node in ast.walk(tree):
        assert not isinstance(node, ast.Import | ast.ImportFrom)
        if isinstance(node, ast.Attribute):
            assert not node.attr.startswith("__")
        if isinstance(node, ast.Name):
            assert node.id not in ("eval", "exec", "open", "getattr", "__import__")
    summary = run_chart(spec, df)["summary"]
    assert set(summary) == {
        "rows_total",
        "rows_used",
        "groups",
        "other_groups",
        "top_label",
        "top_value",
    }
    assert all(v is None or isinstance(v, str | int | float) for v in summary.values())
