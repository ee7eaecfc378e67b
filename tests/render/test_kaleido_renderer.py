"""KaleidoRenderer against a real Chromium: PNGs, warm reuse, restarts and refusals."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable
from typing import Any

import pytest

from core.errors import RenderFailed
from render.kaleido_renderer import PNG_SIGNATURE, KaleidoRenderer
from render.limits import FigureLimits

MakeRenderer = Callable[..., KaleidoRenderer]
SIZE = {"width": 1000, "height": 600, "scale": 2.0}


async def test_renders_a_bar_chart_and_stays_warm(
    make_renderer: MakeRenderer,
    bar_figure: dict[str, Any],
    record_property: Callable[[str, object], None],
) -> None:
    renderer = make_renderer()

    started = time.perf_counter()
    first = await renderer.png(bar_figure, **SIZE)  # type: ignore[arg-type]
    cold_s = time.perf_counter() - started
    pid = renderer.browser_pid

    started = time.perf_counter()
    second = await renderer.png(bar_figure, **SIZE)  # type: ignore[arg-type]
    warm_s = time.perf_counter() - started

    assert first.startswith(PNG_SIGNATURE)
    assert len(first) > 10 * 1024
    # 1000x600 CSS px at scale 2: the IHDR chunk holds the pixel size.
    assert int.from_bytes(first[16:20], "big") == 2000
    assert int.from_bytes(first[20:24], "big") == 1200
    assert second.startswith(PNG_SIGNATURE)
    assert renderer.browser_pid == pid  # the same browser served both
    # Timings are recorded, not asserted (see the benchmarks for numbers).
    record_property("cold_render_s", round(cold_s, 3))
    record_property("warm_render_s", round(warm_s, 3))


async def test_concurrent_calls_are_serialised(
    make_renderer: MakeRenderer, bar_figure: dict[str, Any]
) -> None:
    renderer = make_renderer()
    await renderer.start()
    images = await asyncio.gather(
        *(renderer.png(bar_figure, width=600, height=400, scale=1) for _ in range(4))
    )
    assert all(image.startswith(PNG_SIGNATURE) for image in images)


async def test_restarts_after_chromium_is_killed(
    make_renderer: MakeRenderer, bar_figure: dict[str, Any]
) -> None:
    renderer = make_renderer()
    await renderer.start()
    pid = renderer.browser_pid
    assert pid is not None

    os.killpg(pid, signal.SIGKILL)
    await _wait_until_gone(pid)

    image = await renderer.png(bar_figure, **SIZE)  # type: ignore[arg-type]
    assert image.startswith(PNG_SIGNATURE)
    assert renderer.browser_pid not in (None, pid)


async def test_render_right_after_a_crash_retries_on_a_fresh_browser(
    make_renderer: MakeRenderer, bar_figure: dict[str, Any]
) -> None:
    renderer = make_renderer()
    await renderer.start()
    pid = renderer.browser_pid
    assert pid is not None

    os.killpg(pid, signal.SIGKILL)  # and render at once, before anything noticed the crash
    image = await renderer.png(bar_figure, **SIZE)  # type: ignore[arg-type]
    assert image.startswith(PNG_SIGNATURE)
    assert renderer.browser_pid not in (None, pid)


async def test_timeout_raises_and_the_next_call_gets_a_fresh_browser(
    make_renderer: MakeRenderer, bar_figure: dict[str, Any]
) -> None:
    renderer = make_renderer()
    await renderer.start()
    pid = renderer.browser_pid

    renderer.timeout_s = 0.001
    with pytest.raises(RenderFailed, match="longer than"):
        await renderer.png(bar_figure, **SIZE)  # type: ignore[arg-type]
    assert renderer.browser_pid is None  # thrown away

    renderer.timeout_s = 60.0
    image = await renderer.png(bar_figure, **SIZE)  # type: ignore[arg-type]
    assert image.startswith(PNG_SIGNATURE)
    assert renderer.browser_pid not in (None, pid)


async def test_recycles_chromium_after_max_renders(
    make_renderer: MakeRenderer, bar_figure: dict[str, Any]
) -> None:
    renderer = make_renderer(max_renders=2)
    await renderer.png(bar_figure, width=400, height=300, scale=1)
    first_pid = renderer.browser_pid
    await renderer.png(bar_figure, width=400, height=300, scale=1)
    assert renderer.browser_pid is None
    await renderer.png(bar_figure, width=400, height=300, scale=1)
    assert renderer.browser_pid not in (None, first_pid)


async def test_oversized_figure_is_refused_before_chromium_sees_it(
    make_renderer: MakeRenderer, bar_figure: dict[str, Any]
) -> None:
    renderer = make_renderer(limits=FigureLimits(max_points=1_000))
    big = {"data": [{"type": "scatter", "x": list(range(5_000)), "y": list(range(5_000))}]}
    with pytest.raises(RenderFailed, match=r"5,000 points, over the limit of 1,000"):
        await renderer.png(big, **SIZE)  # type: ignore[arg-type]
    with pytest.raises(RenderFailed, match="between 50 and 5000 px"):
        await renderer.png(bar_figure, width=20_000, height=600, scale=1)
    assert renderer.browser_pid is None  # refused without starting a browser


async def test_plotly_error_is_a_render_failure(make_renderer: MakeRenderer) -> None:
    renderer = make_renderer()
    with pytest.raises(RenderFailed):
        await renderer.png({"data": "not a list"}, **SIZE)  # type: ignore[arg-type]


async def _wait_until_gone(pid: int) -> None:
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"process {pid} still alive")
