"""Interactive HTML: self-contained (plotly.js inlined) by default, or linking a pinned CDN
release, and carrying the figure either way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from plotly.offline import get_plotlyjs_version

from core.errors import RenderFailed
from render.html import figure_html
from render.limits import FigureLimits


def test_page_inlines_plotly_js_and_holds_the_figure(bar_figure: dict[str, Any]) -> None:
    page = figure_html(bar_figure, title="Revenue <by> region")

    assert page.lower().startswith("<!doctype html>")
    assert "<title>Revenue &lt;by&gt; region</title>" in page
    assert re.search(r"plotly\.js v\d+\.\d+\.\d+", page)  # the bundle's banner
    assert len(page) > 1_000_000  # the whole library, not a link to it
    assert not re.search(r"<script[^>]+src=", page)  # nothing fetched when opened
    assert "Revenue by region" in page
    assert '"Central"' in page


def test_cdn_page_links_the_installed_plotly_js_release_and_is_small(
    bar_figure: dict[str, Any],
) -> None:
    page = figure_html(bar_figure, title="Revenue by region", plotlyjs="cdn")

    version = get_plotlyjs_version()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert scripts == [f"https://cdn.plot.ly/plotly-{version}.min.js"]
    assert not re.search(r"plotly\.js v\d+\.\d+\.\d+", page)  # no bundle inside
    assert len(page) < 50_000
    assert "Revenue by region" in page
    assert '"Central"' in page


def test_oversized_figure_is_refused() -> None:
    big = {"data": [{"type": "scatter", "x": list(range(500))}]}
    with pytest.raises(RenderFailed, match="500 points"):
        figure_html(big, limits=FigureLimits(max_points=100))
