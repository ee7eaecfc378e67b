"""What the result message says: built from the plan and numbers computed from the file."""

from __future__ import annotations

from planner.plan import ChartSpec, Filter, Plan
from post.blocks import CODE_MAX, code_blocks
from post.describe import describe, format_number
from post.result_blocks import understanding_text
from sandbox.executor import SummaryValue


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
    assert sentence.startswith("Total revenue by *region*")
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
    assert describe(line, {}).startswith("Average sales over *day* per month")
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


def test_an_answer_that_understood_only_part_says_so_first() -> None:
    plan = Plan(
        charts=[ChartSpec(chart_type="bar", x="region", y="revenue", aggregate="sum", title="t")],
        unused=["per capita"],
        not_done=["a 7-point rolling average: the file has no dates"],
    )
    text = understanding_text(plan)
    assert text is not None
    assert text.startswith("⚠️ I only partly understood this")
    assert "What I didn't use: “per capita”" in text
    assert "What I couldn't do: a 7-point rolling average: the file has no dates" in text


def test_an_answer_that_understood_everything_has_no_warning() -> None:
    plan = Plan(
        charts=[ChartSpec(chart_type="bar", x="region", y="revenue", aggregate="sum", title="t")]
    )
    assert understanding_text(plan) is None


def test_a_flat_chart_and_a_hidden_other_are_said() -> None:
    spec = ChartSpec(chart_type="bar", x="direction", y="n", aggregate="sum", limit=5, title="t")
    sentence = describe(
        spec,
        {
            "flat": True,
            "top_value": 8.0,
            "other_value": 120.0,
            "other_groups": 11,
            "other_drawn": False,
        },
    )
    assert "Every value is the same: 8." in sentence
    assert "The other 11 together (“Other”) come to 120, left out of the chart" in sentence


def test_an_automatic_log_axis_and_zero_filled_periods_are_said() -> None:
    spec = ChartSpec(chart_type="line", x="day", aggregate="count", time_grain="M", title="t")
    sentence = describe(spec, {"log_auto": True, "log_y_applied": True, "zero_filled_periods": 3})
    assert "Drawn on a log scale: the values are strongly skewed." in sentence
    assert "3 periods with no rows drawn at 0." in sentence


def test_numbers_beyond_what_a_float_holds_print_without_made_up_digits() -> None:
    big = float(2 * 10**180)
    summary: dict[str, SummaryValue] = {"rows_used": 3, "top_label": "b", "top_value": big}
    assert describe(_bar(), summary).endswith("Largest: *b* at 2e+180.")
    assert format_number(123456789012345678.0) == "1.23457e+17"
    assert format_number(999_999_999_999_999.0) == "999,999,999,999,999"
    assert format_number(1234.5) == "1,234.50"
