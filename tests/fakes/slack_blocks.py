"""Block Kit checks the fake Slack applies to every message, as Slack answers `invalid_blocks`.

A subset of Slack's own validation, covering every block Chartroom sends: sizes and counts from
https://docs.slack.dev/reference/block-kit/blocks, the table block (≤ 100 rows of ≤ 20 cells, one
per message) and the data visualization block (bar/line/area/pie; title ≤ 50; 1–6 series or pie
segments > 0; ≤ 20 points; labels and series names ≤ 20; points labelled by the axis categories;
at most two per message).
"""

from __future__ import annotations

from typing import Any

MAX_BLOCKS = 50
_TEXT_TYPES = ("mrkdwn", "plain_text")
_XY_CHARTS = ("bar", "line", "area")


def block_errors(blocks: Any, *, surface: str = "message") -> list[str]:
    """Slack-style error strings (empty: valid)."""
    if not isinstance(blocks, list):
        return ["must be an array [json-pointer:/blocks]"]
    errors: list[str] = []
    limit = 100 if surface == "home" else MAX_BLOCKS
    if len(blocks) > limit:
        errors.append(f"must have at most {limit} items [json-pointer:/blocks]")
    block_ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")]
    if len(block_ids) != len(set(block_ids)):
        errors.append("block_id must be unique [json-pointer:/blocks]")
    kinds = [b.get("type") for b in blocks if isinstance(b, dict)]
    if kinds.count("table") > 1:
        errors.append("only one table block is allowed per message [json-pointer:/blocks]")
    if kinds.count("data_visualization") > 2:
        errors.append("at most two data_visualization blocks per message [json-pointer:/blocks]")
    for index, block in enumerate(blocks):
        where = f"/blocks/{index}"
        if not isinstance(block, dict):
            errors.append(f"must be an object [json-pointer:{where}]")
            continue
        check = _CHECKS.get(str(block.get("type")))
        if check is None:
            errors.append(f"unsupported type `{block.get('type')}` [json-pointer:{where}/type]")
            continue
        errors += [f"{message} [json-pointer:{where}{path}]" for path, message in check(block)]
    return errors


Problems = list[tuple[str, str]]


def _text(obj: Any, path: str, limit: int, *, plain_only: bool = False) -> Problems:
    if not isinstance(obj, dict) or obj.get("type") not in _TEXT_TYPES:
        return [(path, "must be a text object")]
    if plain_only and obj.get("type") != "plain_text":
        return [(path + "/type", "must be plain_text")]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [(path + "/text", "must be a non-empty string")]
    if len(text) > limit:
        return [(path + "/text", f"must be at most {limit} characters")]
    return []


def _section(block: dict[str, Any]) -> Problems:
    if "text" not in block and "fields" not in block:
        return [("", "must have text or fields")]
    problems = _text(block["text"], "/text", 3000) if "text" in block else []
    fields = block.get("fields")
    if fields is not None:
        if not isinstance(fields, list) or not 1 <= len(fields) <= 10:
            problems.append(("/fields", "must have 1 to 10 items"))
        else:
            for i, f in enumerate(fields):
                problems += _text(f, f"/fields/{i}", 2000)
    return problems


def _header(block: dict[str, Any]) -> Problems:
    return _text(block.get("text"), "/text", 150, plain_only=True)


def _context(block: dict[str, Any]) -> Problems:
    elements = block.get("elements")
    if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
        return [("/elements", "must have 1 to 10 items")]
    return [p for i, e in enumerate(elements) for p in _text(e, f"/elements/{i}", 3000)]


def _actions(block: dict[str, Any]) -> Problems:
    elements = block.get("elements")
    if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
        return [("/elements", "must have 1 to 25 items")]
    problems: Problems = []
    for i, element in enumerate(elements):
        path = f"/elements/{i}"
        kind = element.get("type") if isinstance(element, dict) else None
        if kind == "button":
            problems += _text(element.get("text"), path + "/text", 75, plain_only=True)
            if len(str(element.get("value", ""))) > 2000:
                problems.append((path + "/value", "must be at most 2000 characters"))
        elif kind == "static_select":
            problems += _select(element, path)
        else:
            problems.append((path + "/type", f"unsupported element `{kind}`"))
    return problems


def _select(element: dict[str, Any], path: str) -> Problems:
    options = element.get("options")
    if not isinstance(options, list) or not 1 <= len(options) <= 100:
        return [(path + "/options", "must have 1 to 100 items")]
    problems: Problems = []
    for i, option in enumerate(options):
        problems += _text(option.get("text"), f"{path}/options/{i}/text", 75, plain_only=True)
        if len(str(option.get("value", ""))) > 150:
            problems.append((f"{path}/options/{i}/value", "must be at most 150 characters"))
    initial = element.get("initial_option")
    if initial is not None and initial not in options:
        problems.append((path + "/initial_option", "must be one of the options"))
    return problems


def _table(block: dict[str, Any]) -> Problems:
    rows = block.get("rows")
    if not isinstance(rows, list) or not 1 <= len(rows) <= 100:
        return [("/rows", "must have 1 to 100 rows")]
    problems: Problems = []
    width = len(rows[0]) if isinstance(rows[0], list) else -1
    for r, row in enumerate(rows):
        if not isinstance(row, list) or not 1 <= len(row) <= 20 or len(row) != width:
            problems.append((f"/rows/{r}", "must have 1 to 20 cells, as many as the first row"))
            continue
        for c, cell in enumerate(row):
            if not isinstance(cell, dict) or cell.get("type") not in ("raw_text", "rich_text"):
                problems.append((f"/rows/{r}/{c}", "must be a raw_text or rich_text cell"))
            elif cell["type"] == "raw_text" and not isinstance(cell.get("text"), str):
                problems.append((f"/rows/{r}/{c}/text", "must be a string"))
    settings = block.get("column_settings")
    if settings is not None and (not isinstance(settings, list) or len(settings) > 20):
        problems.append(("/column_settings", "must have at most 20 items"))
    return problems


def _data_visualization(block: dict[str, Any]) -> Problems:
    title = block.get("title")
    if not isinstance(title, str) or not 1 <= len(title) <= 50:
        return [("/title", "must be 1 to 50 characters")]
    chart = block.get("chart")
    if not isinstance(chart, dict):
        return [("/chart", "must be an object")]
    kind = chart.get("type")
    if kind == "pie":
        return _pie(chart)
    if kind in _XY_CHARTS:
        return _xy(chart)
    return [("/chart/type", "must be one of pie, bar, area, line")]


def _pie(chart: dict[str, Any]) -> Problems:
    segments = chart.get("segments")
    if not isinstance(segments, list) or not 1 <= len(segments) <= 6:
        return [("/chart/segments", "must have 1 to 6 items")]
    problems: Problems = []
    for i, segment in enumerate(segments):
        problems += _label(segment.get("label"), f"/chart/segments/{i}/label")
        value = segment.get("value")
        if not _number(value) or value <= 0:
            problems.append((f"/chart/segments/{i}/value", "must be a number greater than 0"))
    return problems


def _xy(chart: dict[str, Any]) -> Problems:
    axis = chart.get("axis_config")
    series = chart.get("series")
    if not isinstance(axis, dict) or not isinstance(axis.get("categories"), list):
        return [("/chart/axis_config/categories", "is required")]
    categories = axis["categories"]
    problems: Problems = []
    for i, category in enumerate(categories):
        problems += _label(category, f"/chart/axis_config/categories/{i}")
    for key in ("x_label", "y_label"):
        if key in axis and (not isinstance(axis[key], str) or len(axis[key]) > 50):
            problems.append((f"/chart/axis_config/{key}", "must be at most 50 characters"))
    if not isinstance(series, list) or not 1 <= len(series) <= 6:
        return [*problems, ("/chart/series", "must have 1 to 6 items")]
    names = [s.get("name") for s in series if isinstance(s, dict)]
    if len(set(names)) != len(names):
        problems.append(("/chart/series", "series names must be unique"))
    for i, one in enumerate(series):
        path = f"/chart/series/{i}"
        problems += _label(one.get("name"), path + "/name")
        data = one.get("data")
        if not isinstance(data, list) or not 1 <= len(data) <= 20:
            problems.append((path + "/data", "must have 1 to 20 items"))
            continue
        for j, point in enumerate(data):
            problems += _label(point.get("label"), f"{path}/data/{j}/label")
            if point.get("label") not in categories:
                problems.append((f"{path}/data/{j}/label", "must be one of the axis categories"))
            if not _number(point.get("value")):
                problems.append((f"{path}/data/{j}/value", "must be a number"))
    return problems


def _label(value: Any, path: str) -> Problems:
    if not isinstance(value, str) or not 1 <= len(value) <= 20:
        return [(path, "must be 1 to 20 characters")]
    return []


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_CHECKS = {
    "section": _section,
    "header": _header,
    "context": _context,
    "actions": _actions,
    "divider": lambda block: [],
    "table": _table,
    "data_visualization": _data_visualization,
}
