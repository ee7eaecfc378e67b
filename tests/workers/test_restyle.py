"""The chart-type menu: which types fit a plan, and the plan redrawn as one of them."""

from __future__ import annotations

import pytest

from ingest.profile import DataProfile
from planner.compile import compile_chart
from planner.plan import ChartSpec, Plan
from tests.planner.conftest import orders_frame, profile_of
from workers.restyle import fitting_chart_types, restyle


@pytest.fixture(scope="module")
def orders() -> DataProfile:
    return profile_of(orders_frame())


def chart(**fields: object) -> ChartSpec:
    base: dict[str, object] = {"chart_type": "bar", "x": "region", "y": "revenue"}
    return ChartSpec.model_validate(base | {"aggregate": "sum", "title": "t"} | fields)


def test_categories_fit_bars_pies_and_tables_but_not_lines(orders: DataProfile) -> None:
    assert fitting_chart_types(chart(), orders) == ["bar", "pie", "table"]


def test_a_time_axis_fits_lines_areas_and_scatter_but_not_pies(orders: DataProfile) -> None:
    spec = chart(chart_type="line", x="order_date", time_grain="M")
    assert fitting_chart_types(spec, orders) == ["bar", "line", "area", "scatter", "table"]


def test_a_split_chart_is_never_offered_as_a_pie(orders: DataProfile) -> None:
    assert "pie" not in fitting_chart_types(chart(color="product"), orders)
    assert "pie" not in fitting_chart_types(chart(aggregate="mean"), orders)


def test_histograms_and_box_plots_get_no_menu(orders: DataProfile) -> None:
    assert fitting_chart_types(chart(chart_type="histogram", x="revenue", y=None), orders) == []
    assert fitting_chart_types(chart(chart_type="box", x="region"), orders) == []


def test_a_restyled_plan_changes_only_the_type_and_says_so(orders: DataProfile) -> None:
    plan = Plan(charts=[chart(color="product", barmode="stack", custom="annotate the max")])
    pie = restyle(plan, "pie")
    spec = pie.primary
    assert (spec.chart_type, spec.x, spec.y, spec.aggregate) == ("pie", "region", "revenue", "sum")
    assert spec.color is None and spec.barmode is None and spec.custom is None
    assert pie.changes[0] == "drawn as a pie chart instead of a bar chart"
    assert "annotate the max" in pie.changes[1]
    compile_chart(spec, orders)  # the compiler accepts it


def test_every_offered_type_compiles(orders: DataProfile) -> None:
    for spec in (chart(), chart(chart_type="line", x="order_date", time_grain="M")):
        for chart_type in fitting_chart_types(spec, orders):
            compile_chart(restyle(Plan(charts=[spec]), chart_type).primary, orders)
