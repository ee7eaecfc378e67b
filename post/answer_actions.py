"""The buttons under every answer. None needs an LLM: a chart-type menu (limited to the types
that fit the plan), the code, the data behind the chart, and thumbs up/down."""

from __future__ import annotations

from collections.abc import Sequence

from post.blocks import (
    CHART_TYPE_ACTION,
    FEEDBACK_DOWN_ACTION,
    FEEDBACK_UP_ACTION,
    SHOW_CODE_ACTION,
    SHOW_DATA_ACTION,
    Block,
    button,
    plain,
)

CHART_TYPE_LABELS = {
    "bar": "Bar",
    "line": "Line",
    "area": "Area",
    "pie": "Pie",
    "scatter": "Scatter",
    "table": "Table",
}
_SEPARATOR = "|"


def chart_type_value(chart_type: str, request_id: str) -> str:
    return f"{chart_type}{_SEPARATOR}{request_id}"


def read_chart_type_value(value: str) -> tuple[str, str] | None:
    """(chart type, answer's request id) from a menu option's value; None if malformed."""
    chart_type, sep, request_id = value.partition(_SEPARATOR)
    if not sep or chart_type not in CHART_TYPE_LABELS or not request_id:
        return None
    return chart_type, request_id


def answer_actions(
    request_id: str, *, current: str, chart_types: Sequence[str], has_data: bool
) -> Block:
    elements: list[Block] = []
    offered = [t for t in chart_types if t in CHART_TYPE_LABELS]
    if len(offered) > 1:
        options = [
            {"text": plain(CHART_TYPE_LABELS[t], 75), "value": chart_type_value(t, request_id)}
            for t in offered
        ]
        menu: Block = {
            "type": "static_select",
            "action_id": CHART_TYPE_ACTION,
            "placeholder": plain("Chart type", 150),
            "options": options,
        }
        initial = [o for o in options if o["value"] == chart_type_value(current, request_id)]
        if initial:
            menu["initial_option"] = initial[0]
        elements.append(menu)
    elements.append(button("Show code", SHOW_CODE_ACTION, request_id))
    if has_data:
        elements.append(button("Show data", SHOW_DATA_ACTION, request_id))
    elements.append(button(":thumbsup:", FEEDBACK_UP_ACTION, request_id))
    elements.append(button(":thumbsdown:", FEEDBACK_DOWN_ACTION, request_id))
    return {"type": "actions", "block_id": f"answer-{request_id}"[:255], "elements": elements}
