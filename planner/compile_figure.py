"""Chart code that draws `fig` from `table` (or from `data`, for histograms and box plots)."""

from __future__ import annotations

from planner.compile_shape import Shape, axis_title
from planner.wording import chart_title, human, measure_label

TEMPLATE = "plotly_white"
OTHER_GREY = "#b4b4b4"  # "Other" is drawn muted: it is not one category like the others
MAX_HISTOGRAM_BINS = 50


def figure(shape: Shape) -> list[str]:
    """Lines that leave the chart in `fig`."""
    kind = shape.kind
    if kind == "histogram":
        return _histogram(shape)
    if kind == "box":
        return _box(shape)
    return _discrete_series(shape) + _drawn(shape)


def _discrete_series(shape: Shape) -> list[str]:
    """Series named by numbers (years 1952 and 2007) are names, not a colour scale: as numbers,
    Plotly would draw one continuous trace and pile the bars on top of each other."""
    if not shape.series_col or shape.kind in ("table", "pie"):
        return []
    return [
        "if table[series_col].dtype.kind in 'iub':",
        "    table[series_col] = table[series_col].astype(str)",
        "elif table[series_col].dtype.kind == 'f':",
        "    table[series_col] = table[series_col].map('{:g}'.format)",
    ]


def _drawn(shape: Shape) -> list[str]:
    kind = shape.kind
    if kind == "table":
        return _table(shape)
    if kind == "pie":
        return _pie(shape)
    if kind in ("line", "area"):
        return _line(shape)
    if kind == "scatter":
        return [f"fig = px.scatter(table, x=x_col, y=value_col{_series(shape)}, {_common(shape)})"]
    if shape.spec.limit_within:
        return _bars_within(shape)
    return _bars(shape)


def _common(shape: Shape) -> str:
    return f"title={shape.text.text(chart_title(shape.spec))}, template={TEMPLATE!r}"


def _series(shape: Shape) -> str:
    return ", color=series_col" if shape.series_col else ""


def _pie(shape: Shape) -> list[str]:
    muted = ""
    if shape.spec.other_bucket:
        muted = f", color=x_col, color_discrete_map={{'Other': {OTHER_GREY!r}}}"
    return [
        f"fig = px.pie(table, names=x_col, values=value_col{muted}, {_common(shape)})",
        "fig.update_traces(sort=False)",
    ]


def _line(shape: Shape) -> list[str]:
    draw = "px.area" if shape.kind == "area" and (shape.stacked or not shape.series) else "px.line"
    orders = ", category_orders={x_col: calendar_order}" if shape.calendar else ""
    return [
        f"fig = {draw}(table, x=x_col, y=value_col{_series(shape)}{orders}, "
        f"markers=bool(len(table) <= 60), {_common(shape)})"
    ]


def _bars(shape: Shape) -> list[str]:
    barmode = "stack" if shape.stacked else "group"
    lines = [
        f"fig = px.bar(table, x=x_col, y=value_col{_series(shape)}, barmode={barmode!r}, "
        f"category_orders={{x_col: order}}, {_common(shape)})",
    ]
    if not shape.time_x:
        lines.append("fig.update_xaxes(type='category')")
    return lines


def _bars_within(shape: Shape) -> list[str]:
    """Top N within groups: one bar per kept value, labelled under its group (a two-level axis)."""
    item = "color_col" if shape.spec.limit_within == shape.spec.x else "x_col"
    return [
        f"item_col = {item}",
        "fig = go.Figure(go.Bar(x=[table[group_col].astype(str), table[item_col].astype(str)], "
        "y=table[value_col], name=value_col))",
        f"fig.update_layout({_common(shape)})",
    ]


def _histogram(shape: Shape) -> list[str]:
    spec = shape.spec
    assert spec.x is not None
    if shape.x_role != "number":
        return [
            f"fig = px.histogram(data, x=x_col, {_common(shape)})",
            "counts = data[x_col].value_counts()",
        ]
    return [
        "values = data[x_col].astype('float64').to_numpy()",
        f"edges = np.histogram_bin_edges(values, bins={spec.bins or 'auto'!r})",
        f"if len(edges) - 1 > {MAX_HISTOGRAM_BINS}:",
        f"    edges = np.histogram_bin_edges(values, bins={MAX_HISTOGRAM_BINS})",
        "counts, edges = np.histogram(values, bins=edges)",
        "fig = go.Figure(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=counts, width=np.diff(edges)))",
        f"fig.update_layout({_common(shape)}, bargap=0.02)",
    ]


def _box(shape: Shape) -> list[str]:
    return [f"fig = px.box(data, x=x_col, y=y_col, color=color_col, {_common(shape)})"]


def _table(shape: Shape) -> list[str]:
    """The aggregated rows as a table; several measures side by side, one column each."""
    spec = shape.spec
    if shape.series == "measure":
        names = [human(m) for m in shape.measures]
        header = [axis_title(shape), *names]
        lines = [
            "shown = table.pivot(index=x_col, columns=series_col, values=value_col)",
            f"shown = shown.reindex(columns={shape.text.text(names)}).reset_index()",
        ]
    else:
        columns = "[x_col, color_col, value_col]" if shape.color else "[x_col, value_col]"
        color = [human(shape.color)] if shape.color else []
        header = [axis_title(shape), *color, measure_label(spec)]
        lines = [f"shown = table[{columns}].copy()"]
    if shape.time_x:
        lines.append(f"shown[x_col] = {_time_text(shape)}")
    return [
        *lines,
        "# Numbers right-aligned: whole ones with thousands separators, others with 2 decimals.",
        "kinds = [shown[c].dtype.kind for c in shown.columns]",
        "formats = [',d' if k in 'iu' else ',.2f' if k == 'f' else '' for k in kinds]",
        "align = ['right' if k in 'iuf' else 'left' for k in kinds]",
        "fig = go.Figure(go.Table(",
        f"    header=dict(values={shape.text.text(header)}, align=align),",
        "    cells=dict(values=[shown[c] for c in shown.columns], format=formats, align=align),",
        "))",
        f"fig.update_layout({_common(shape)})",
        "if summary['groups_not_shown'] > 0:",
        "    more = summary['groups_not_shown']",
        "    note = f'The first {len(shown)} rows; {more:,} more are not shown'",
        "    fig.add_annotation(text=note, xref='paper', yref='paper', x=0, y=0, xanchor='left', "
        "yanchor='top', showarrow=False, font=dict(color='grey', size=12))",
    ]


def _time_text(shape: Shape) -> str:
    """Periods as people write them: 2024-03 for a month, 2024Q1, 2024; days as dates."""
    if shape.grain in ("M", "Q", "Y"):
        return f"shown[x_col].dt.to_period({shape.grain!r}).astype(str)"
    if shape.grain:
        return "shown[x_col].dt.strftime('%Y-%m-%d')"
    return "shown[x_col].astype(str)"
