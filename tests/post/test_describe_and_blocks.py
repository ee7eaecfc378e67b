"""What the result message says: built from the plan and numbers computed from the file."""

from __future__ import annotations

from planner.plan import ChartSpec, Filter
from post.blocks import CODE_MAX, code_blocks
from post.describe import describe


def _bar(**kwargs: object) -> ChartSpec:
    fields: dict[str, object] = {
        "chart_type": "bar",
        "x": "region",
        "y": "revenue",
        "aggregate": "sum",
        "title": "Total revenue by region",
    }
    return ChartSpec.model_validate(fields | kwargs)


def test_the_sentence_names_measure_category_rows_and_filters() -> None:
    spec = _bar(filters=[Filter(column="order_date", op="year", value=2024)])
    summary = {"rows_total": 1250, "rows_used": 1204, "groups": 4, "other_groups": 0}
    sentence = describe(spec, summary)
    assert sentence.startswith("Total *revenue* by *region*")
    assert "from 1,204 of 1,250 rows" in sentence
    assert "where order_date in 2024" in sentence


def test_the_sentence_says_how_many_categories_went_to_other() -> None:
    spec = _bar(limit=20, other_bucket=True)
    sentence = describe(spec, {"groups": 21, "other_groups": 15, "rows_used": 9, "rows_total": 9})
    assert "(top 20; 15 more grouped as “Other”)" in sentence


def test_the_largest_value_is_quoted_from_the_summary() -> None:
    sentence = describe(_bar(), {"top_label": "EU", "top_value": 12345.0})
    assert "Largest: *EU* at 12,345." in sentence


def test_count_line_and_histogram_read_naturally() -> None:
    count = ChartSpec(chart_type="bar", x="region", aggregate="count", title="t")
    assert describe(count, {}).startswith("Number of rows by *region*")
    line = ChartSpec(
        chart_type="line", x="day", y="sales", aggregate="mean", time_grain="M", title="t"
    )
    assert describe(line, {}).startswith("Average *sales* over *day* per month")
    histogram = ChartSpec(chart_type="histogram", x="price", title="t")
    assert describe(histogram, {}).startswith("Distribution of *price*")


def test_code_is_shown_in_a_code_block_that_cannot_be_closed_early() -> None:
    text = code_blocks("x = '```'\n" + "y = 1\n" * 2000)[0]["text"]["text"]
    assert text.startswith("```") and text.endswith("```")
    assert text.count("```") == 2
    assert len(text) <= CODE_MAX + 30


def test_time_labels_are_shown_at_the_grain_of_the_chart() -> None:
    monthly = ChartSpec(
        chart_type="line", x="day", y="sales", aggregate="sum", time_grain="M", title="t"
    )
    sentence = describe(monthly, {"top_label": "2024-04-01T00:00:00", "top_value": 5.0})
    assert "Largest: *2024-04* at 5." in sentence
