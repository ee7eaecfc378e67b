"""Interactive HTML for a figure: one self-contained page that opens offline."""

from __future__ import annotations

import html
from typing import Any

import plotly.io as pio

from core.errors import RenderFailed
from render.limits import DEFAULT_LIMITS, FigureLimits, check_figure

_CONFIG = {"displaylogo": False, "responsive": True}


def figure_html(
    figure: dict[str, Any], *, title: str = "Chart", limits: FigureLimits = DEFAULT_LIMITS
) -> str:
    """Return a full HTML page showing `figure` (Plotly figure JSON), plotly.js inlined.

    No CDN, no MathJax: the page works with no network. Raises `RenderFailed` when the figure
    is over `limits` or plotly can't write it.
    """
    check_figure(figure, limits)
    try:
        page = pio.to_html(
            figure,
            config=_CONFIG,
            include_plotlyjs=True,
            include_mathjax=False,
            full_html=True,
            validate=False,  # already checked; plotly's validator is slow on large figures
        )
    except (TypeError, ValueError) as exc:
        raise RenderFailed(f"plotly could not write the figure as HTML: {exc}") from exc
    # plotly writes no <title>; Slack and browsers show it as the file's name.
    return str(page).replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)
