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
from planner.compile_figure import OTHER_GREY
from planner.compile_summary import SUMMARY_DEFAULTS
from planner.plan import ChartSpec, Filter, Plan, Sort, Transform
from tests.planner.drawn import bars, drawn

PlanFor = Callable[[str, pd.DataFrame], Plan]
RunChart = Callable[[ChartSpec, pd.DataFrame], dict[str, Any]]
MakeOrders = Callable[..., pd.DataFrame]


def test_summed_bars_match_pandas(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders
) -> None:
    df = make_orders()
    out = run_chart(plan_for("revenue by region", df).primary, df)
    expected = df.groupby("region")["revenue"].sum().sort_values(ascending=False)
    assert bars(out) == expected.to_dict()
    assert list(out["fig"].data[0].x) == list(expected.index)  # largest first
    assert out["summary"] == {
        **SUMMARY_DEFAULTS,
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
    assert bars(out) == {k: float(v) for k, v in eu["product"].value_counts().items()}
    assert out["summary"]["rows_used"] == len(eu)


def test_mean_with_a_number_filter(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders
) -> None:
    df = make_orders()
    out = run_chart(plan_for("average revenue by product with quantity over 2", df).primary, df)
    kept = df[df["quantity"] > 2]
    assert bars(out) == pytest.approx(kept.groupby("product")["revenue"].mean().to_dict())
    assert out["summary"]["rows_used"] == len(kept)


def _sales_by_city(tail: float) -> pd.DataFrame:
    """30 cities: c25…c29 sell 26…30, the other 25 sell `tail` each."""
    sales = [tail] * 25 + [26.0, 27.0, 28.0, 29.0, 30.0]
    return pd.DataFrame({"city": [f"c{k:02d}" for k in range(30)], "sales": sales})


_TOP_FIVE_AND_OTHER = ChartSpec(
    chart_type="bar",
    x="city",
    y="sales",
    aggregate="sum",
    limit=5,
    other_bucket=True,
    sort=Sort(by="y", order="desc"),
    title="Sales by city",
)


def test_a_small_other_bucket_comes_last_and_is_drawn_grey(run_chart: RunChart) -> None:
    df = _sales_by_city(tail=1.0)
    out = run_chart(_TOP_FIVE_AND_OTHER, df)
    sales = bars(out)
    assert list(sales) == ["c29", "c28", "c27", "c26", "c25", "Other"]  # Other comes last
    assert sales["Other"] == 25.0
    colours = list(out["fig"].data[0].marker.color)
    assert colours[-1] == OTHER_GREY and OTHER_GREY not in colours[:-1]
    summary = out["summary"]
    assert (summary["other_groups"], summary["other_value"], summary["other_drawn"]) == (
        25,
        25,
        True,
    )
    assert (summary["groups"], summary["top_label"], summary["top_value"]) == (6, "c29", 30.0)


def test_an_other_bucket_that_would_dwarf_the_bars_becomes_a_note(run_chart: RunChart) -> None:
    df = _sales_by_city(tail=10.0)  # "Other" adds up to 250, the largest city sells 30
    out = run_chart(_TOP_FIVE_AND_OTHER, df)
    assert list(bars(out)) == ["c29", "c28", "c27", "c26", "c25"]
    summary = out["summary"]
    assert (summary["other_groups"], summary["other_value"], summary["other_drawn"]) == (
        25,
        250.0,
        False,
    )
    assert (summary["groups"], summary["top_label"], summary["top_value"]) == (5, "c29", 30.0)
    (note,) = out["fig"].layout.annotations
    assert note.text.startswith("Other (25 more): 250, not drawn")


def test_top_n_without_other_keeps_only_n(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders
) -> None:
    df = make_orders()
    out = run_chart(plan_for("bottom 2 products by revenue", df).primary, df)
    expected = df.groupby("product")["revenue"].sum().sort_values().head(2)
    assert bars(out) == expected.to_dict()
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
    assert bars(out) == in_2024.groupby("region")["revenue"].sum().to_dict()


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
        assert drawn(out) == {cast(tuple[str, str], key): float(v) for key, v in sums.items()}
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
    assert bars(out) == {"a": 5.0}


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


def imported(tree: ast.AST) -> set[str]:
    """The modules the code imports (compiled code imports only `json`, to read its text)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(node.module or ".")
    return found


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
    assert imported(tree) <= {"json"}
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert "os" not in names and "__import__" not in names
    assert bars(run_chart(spec, df)) == {"x": 4.0, "y": 2.0}


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
def test_generated_code_imports_only_json_and_touches_no_dunders(
    plan_for: PlanFor, run_chart: RunChart, make_orders: MakeOrders, question: str
) -> None:
    df = make_orders()
    spec = plan_for(question, df).primary
    tree = ast.parse(compile_chart(spec, build_profile(df, file_name="o.csv", file_kind="csv")))
    assert imported(tree) <= {"json"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            assert not node.attr.startswith("__")
        if isinstance(node, ast.Name):
            assert node.id not in ("eval", "exec", "open", "getattr", "__import__")
    summary = run_chart(spec, df)["summary"]
    assert set(summary) == set(SUMMARY_DEFAULTS)
    assert all(v is None or isinstance(v, str | int | float) for v in summary.values())


def test_hostile_names_stay_inside_string_literals_in_every_new_part(run_chart: RunChart) -> None:
    when, kind, a, b = HOSTILE, 'kind\n# "); import os', "a'\nimport sys", 'Mon"#'
    df = pd.DataFrame(
        {
            when: pd.date_range("2023-01-02", periods=120, freq="W-MON"),
            kind: ["x", "y"] * 60,
            a: np.arange(120.0) + 1,
            b: np.arange(120.0) % 7 + 1,
        }
    )
    specs = [
        ChartSpec(chart_type="line", x=when, y=a, extra_y=[b], aggregate="sum", time_grain="M",
                  transform=Transform(kind="yoy"), title="t"),
        ChartSpec(chart_type="table", x=kind, y=a, aggregate="sum", denominator=b,
                  as_percent=True, title="t"),
        ChartSpec(chart_type="area", x=when, color=kind, aggregate="count", time_grain="M",
                  transform=Transform(kind="rolling_mean", window=2), title="t"),
    ]  # fmt: skip
    profile = build_profile(df, file_name="evil.csv", file_kind="csv")
    for spec in specs:
        tree = ast.parse(compile_chart(spec, profile))
        assert imported(tree) <= {"json"}
        assert {"os", "sys"}.isdisjoint(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
        assert run_chart(spec, df)["summary"]["rows_used"] == 120
