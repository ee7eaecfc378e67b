"""Fixtures for the render tests: real figures and a real Kaleido/Chromium renderer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import plotly.express as px
import pytest
from plotly.utils import PlotlyJSONEncoder

from render.kaleido_renderer import KaleidoRenderer
from render.process import RendererProcess

MakeRenderer = Callable[..., KaleidoRenderer]
MakeProcess = Callable[..., RendererProcess]


def figure_json(fig: Any) -> dict[str, Any]:
    """The plain JSON the sandbox hands back for a figure."""
    result: dict[str, Any] = json.loads(json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder))
    return result


@pytest.fixture
def bar_figure() -> dict[str, Any]:
    fig = px.bar(
        x=["North", "South", "East", "West", "Central"],
        y=[120, 95, 143, 80, 110],
        labels={"x": "Region", "y": "Revenue (k$)"},
        title="Revenue by region",
    )
    return figure_json(fig)


@pytest.fixture
async def make_renderer() -> AsyncIterator[MakeRenderer]:
    """Factory for renderers; every one made is closed (its Chromium stopped) afterwards."""
    made: list[KaleidoRenderer] = []

    def make(**options: Any) -> KaleidoRenderer:
        renderer = KaleidoRenderer(**{"timeout_s": 60.0, **options})
        made.append(renderer)
        return renderer

    yield make
    for renderer in made:
        await renderer.aclose()


@pytest.fixture
async def make_process() -> AsyncIterator[MakeProcess]:
    """Factory for renderer processes; every one made is stopped afterwards."""
    made: list[RendererProcess] = []

    def make(**options: Any) -> RendererProcess:
        renderer = RendererProcess(**{"timeout_s": 60.0, **options})
        made.append(renderer)
        return renderer

    yield make
    for renderer in made:
        await renderer.aclose()
