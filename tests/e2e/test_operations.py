"""What an operator sees: `/ready` and `/metrics` of the real app, with a real worker answering.

The worker runs in this process, so its metrics are in the same registry the app serves.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from core import fairness
from tests.e2e.stack import SALES_CSV, Stack, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("workspace")) as running:
        yield running


async def get(stack: Stack, path: str) -> tuple[int, str]:
    url = stack.events_url.removesuffix("/slack/events") + path
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


def sample(page: str, name: str, **labels: str) -> float:
    """One sample's value from a Prometheus text page (0 when the series is absent)."""
    for line in page.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_ready_once_a_worker_has_started_its_sandbox_and_renderer(stack: Stack) -> None:
    status, body = await get(stack, "/ready")
    for _ in range(240):  # the worker starts Chromium and the sandbox pool first
        if status == 200:
            break
        assert status == 503
        assert '"workers": "none live"' in body
        await asyncio.sleep(0.5)
        status, body = await get(stack, "/ready")
    assert status == 200, body
    assert '"redis": "ok"' in body
    assert "live" in body


async def test_metrics_count_jobs_by_outcome_and_workspace_and_time_each_stage(
    stack: Stack,
) -> None:
    _, before = await get(stack, "/metrics")
    sales = stack.share("sales.csv", SALES_CSV)
    event_id, thread = await stack.mention("total revenue by region", files=[sales])
    assert await stack.outcome(event_id) == "charted"
    _, after = await get(stack, "/metrics")
    assert await fairness.in_flight(stack.redis, stack.team_id) == 0  # released when done

    charted = {"outcome": "charted", "team": stack.team_id}
    assert sample(after, "chartroom_jobs_total", **charted) == 1
    assert sample(after, "chartroom_answer_seconds_count", outcome="charted") > sample(
        before, "chartroom_answer_seconds_count", outcome="charted"
    )
    for stage in ("data_fetched", "plan", "sandbox", "render"):
        assert sample(after, "chartroom_stage_seconds_count", stage=stage) > sample(
            before, "chartroom_stage_seconds_count", stage=stage
        ), stage
    assert sample(after, "chartroom_answer_cache_total", result="miss") > sample(
        before, "chartroom_answer_cache_total", result="miss"
    )
    assert "chartroom_queue_depth 0.0" in after
    assert "chartroom_queue_oldest_job_age_seconds 0.0" in after
    assert thread
