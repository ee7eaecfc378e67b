"""RendererProcess with real jailed processes: PNGs, warm reuse, restarts, timeouts, refusals."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable
from typing import Any

import pytest

from core.errors import RenderFailed
from render import protocol
from render.kaleido_renderer import PNG_SIGNATURE
from render.limits import FigureLimits
from render.process import RendererProcess

MakeProcess = Callable[..., RendererProcess]
SIZE: dict[str, Any] = {"width": 1000, "height": 600, "scale": 2.0}


async def test_renders_a_bar_chart_and_stays_warm(
    make_process: MakeProcess,
    bar_figure: dict[str, Any],
    record_property: Callable[[str, object], None],
) -> None:
    renderer = make_process()

    started = time.perf_counter()
    await renderer.start()
    start_s = time.perf_counter() - started
    pid = renderer.pid

    started = time.perf_counter()
    first = await renderer.png(bar_figure, **SIZE)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    second = await renderer.png(bar_figure, **SIZE)
    warm_s = time.perf_counter() - started

    assert first.startswith(PNG_SIGNATURE)
    assert len(first) > 10 * 1024
    assert int.from_bytes(first[16:20], "big") == 2000  # IHDR: 1000 CSS px x scale 2
    assert int.from_bytes(first[20:24], "big") == 1200
    assert second.startswith(PNG_SIGNATURE)
    assert renderer.pid == pid  # one process served both
    # Timings are recorded, not asserted.
    record_property("process_start_s", round(start_s, 3))
    record_property("process_first_render_s", round(first_s, 3))
    record_property("process_warm_render_s", round(warm_s, 3))


async def test_concurrent_calls_are_serialised(
    make_process: MakeProcess, bar_figure: dict[str, Any]
) -> None:
    renderer = make_process()
    await renderer.start()
    pid = renderer.pid
    images = await asyncio.gather(
        *(renderer.png(bar_figure, width=600, height=400, scale=1) for _ in range(4))
    )
    assert all(image.startswith(PNG_SIGNATURE) for image in images)
    assert renderer.pid == pid


async def test_restarts_after_the_process_group_is_killed(
    make_process: MakeProcess, bar_figure: dict[str, Any]
) -> None:
    renderer = make_process()
    await renderer.start()
    pid = renderer.pid
    assert pid is not None

    os.killpg(pid, signal.SIGKILL)
    await _wait_until_gone(pid)

    image = await renderer.png(bar_figure, **SIZE)
    assert image.startswith(PNG_SIGNATURE)
    assert renderer.pid not in (None, pid)


async def test_render_right_after_a_crash_retries_on_a_fresh_process(
    make_process: MakeProcess, bar_figure: dict[str, Any]
) -> None:
    renderer = make_process()
    await renderer.start()
    pid = renderer.pid
    assert pid is not None

    os.killpg(pid, signal.SIGKILL)  # and render at once, before anything noticed the crash
    image = await renderer.png(bar_figure, **SIZE)
    assert image.startswith(PNG_SIGNATURE)
    assert renderer.pid not in (None, pid)


async def test_recycles_the_process_after_max_renders(
    make_process: MakeProcess, bar_figure: dict[str, Any]
) -> None:
    renderer = make_process(max_renders=2)
    await renderer.png(bar_figure, width=400, height=300, scale=1)
    first_pid = renderer.pid
    assert first_pid is not None
    await renderer.png(bar_figure, width=400, height=300, scale=1)
    assert renderer.pid is None  # stopped after its second image
    await _wait_until_gone(first_pid)

    await renderer.png(bar_figure, width=400, height=300, scale=1)
    assert renderer.pid not in (None, first_pid)


async def test_a_process_over_its_memory_ceiling_is_replaced_by_a_warm_one(
    make_process: MakeProcess, bar_figure: dict[str, Any]
) -> None:
    generous = make_process(max_memory_mb=10_000)
    await generous.png(bar_figure, width=400, height=300, scale=1)
    await _wait_for(lambda: generous.last_memory_mb is not None)
    # Python and Chromium really are measured: a few hundred MB, not zero and not the machine.
    assert 50 < (generous.last_memory_mb or 0) < 10_000
    assert generous.memory_restarts == 0

    renderer = make_process(max_memory_mb=1)  # any real tree is over this
    await renderer.png(bar_figure, width=400, height=300, scale=1)
    first_pid = renderer.pid
    assert first_pid is not None
    await _wait_for(lambda: renderer.memory_restarts == 1 and renderer.pid is not None)
    assert renderer.pid != first_pid  # a new process, already started before the next chart
    await _wait_until_gone(first_pid)
    image = await renderer.png(bar_figure, width=400, height=300, scale=1)
    assert image.startswith(PNG_SIGNATURE)


async def _wait_for(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_timeout_kills_the_process_and_the_next_call_gets_a_fresh_one(
    make_process: MakeProcess, bar_figure: dict[str, Any]
) -> None:
    renderer = make_process()
    await renderer.start()
    pid = renderer.pid
    assert pid is not None
    n = 150_000  # allowed (the limit is 1,000,000 points) but seconds of SVG work
    huge = {
        "data": [{"type": "scatter", "mode": "markers", "x": list(range(n)), "y": list(range(n))}]
    }

    renderer.timeout_s = 0.05
    with pytest.raises(RenderFailed, match=r"longer than 0.05 s"):
        await renderer.png(huge, width=2000, height=2000, scale=2)
    assert renderer.pid is None
    await _wait_until_gone(pid)

    renderer.timeout_s = 60.0
    image = await renderer.png(bar_figure, **SIZE)
    assert image.startswith(PNG_SIGNATURE)
    assert renderer.pid not in (None, pid)


async def test_oversized_figure_is_refused_before_the_process_sees_it(
    make_process: MakeProcess, bar_figure: dict[str, Any]
) -> None:
    renderer = make_process(limits=FigureLimits(max_points=1_000))
    big = {"data": [{"type": "scatter", "x": list(range(5_000)), "y": list(range(5_000))}]}
    with pytest.raises(RenderFailed, match=r"5,000 points, over the limit of 1,000"):
        await renderer.png(big, **SIZE)
    with pytest.raises(RenderFailed, match="between 50 and 5000 px"):
        await renderer.png(bar_figure, width=20_000, height=600, scale=1)
    assert renderer.pid is None  # refused without starting a process


async def test_limits_reach_the_process(
    make_process: MakeProcess, bar_figure: dict[str, Any]
) -> None:
    # A wider limit set in the worker is the one the process applies too, not its defaults.
    renderer = make_process(limits=FigureLimits(max_size_px=6_000))
    image = await renderer.png(bar_figure, width=5_500, height=100, scale=1)
    assert int.from_bytes(image[16:20], "big") == 5_500


async def test_missing_bubblewrap_says_how_to_install_it(make_process: MakeProcess) -> None:
    renderer = make_process(bwrap_path="/nonexistent/bwrap")
    with pytest.raises(RenderFailed, match=r"apt-get install bubblewrap"):
        await renderer.start()


async def test_aclose_stops_the_whole_tree(make_process: MakeProcess) -> None:
    renderer = make_process()
    await renderer.start()
    pid = renderer.pid
    assert pid is not None
    await renderer.aclose()
    assert renderer.pid is None
    await _wait_until_gone(pid)


def test_frames_round_trip() -> None:
    frame = protocol.encode({"op": "png", "width": 10}, b"\x89PNG")
    header_len, payload_len = protocol.lengths(frame[: protocol.PREFIX.size], max_payload_bytes=100)
    body = frame[protocol.PREFIX.size :]
    assert protocol.decode_header(body[:header_len]) == {"op": "png", "width": 10}
    assert body[header_len:] == b"\x89PNG"
    assert payload_len == 4
    with pytest.raises(protocol.ProtocolError, match="over 3"):
        protocol.lengths(frame[: protocol.PREFIX.size], max_payload_bytes=3)
    with pytest.raises(protocol.ProtocolError, match="not a JSON object"):
        protocol.decode_header(b"[1]")


async def _wait_until_gone(pid: int) -> None:
    for _ in range(200):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"process {pid} still alive")
