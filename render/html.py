"""Interactive HTML for a figure: one page, with plotly.js inlined (opens offline) or from a CDN.

Slack keeps no script between files, so the choice is per answer (`HTML_PLOTLYJS`): "inline"
carries the whole library (about 4.7 MB) in every page and works on air-gapped machines; "cdn"
links the plotly.js release that matches the installed plotly, pinned by version, on
cdn.plot.ly (a page of a few KB that needs the network when opened).
"""

from __future__ import annotations

import html
from typing import Any, Literal

import plotly.io as pio
from plotly.offline import get_plotlyjs_version

from core.errors import RenderFailed
from render.limits import DEFAULT_LIMITS, FigureLimits, check_figure

_CONFIG = {"displaylogo": False, "responsive": True}
PlotlyJs = Literal["inline", "cdn"]
# The plotly.js bundled with the installed plotly, so the page draws exactly as the PNG did.
CDN_URL = f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js"


def figure_html(
    figure: dict[str, Any],
    *,
    title: str = "Chart",
    limits: FigureLimits = DEFAULT_LIMITS,
    plotlyjs: PlotlyJs = "inline",
) -> str:
    """Return a full HTML page showing `figure` (Plotly figure JSON).

    `plotlyjs`: "inline" puts the library in the page (no network needed when opened);
    "cdn" links `CDN_URL`. Never MathJax. Raises `RenderFailed` when the figure is over
    `limits` or plotly can't write it.
    """
    check_figure(figure, limits)
    try:
        page = pio.to_html(
            figure,
            config=_CONFIG,
            include_plotlyjs=True if plotlyjs == "inline" else CDN_URL,
            include_mathjax=False,
            full_html=True,
            validate=False,  # already checked; plotly's validator is slow on large figures
        )
    except (TypeError, ValueError) as exc:
        raise RenderFailed(f"plotly could not write the figure as HTML: {exc}") from exc
    # plotly writes no <title>; Slack and browsers show it as the file's name.
    return str(page).replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)
