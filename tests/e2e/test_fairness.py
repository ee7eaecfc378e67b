"""Fairness between workspaces, through the real app: a workspace at its limit of queued and
running jobs gets a private "ask again" and nothing queued; other workspaces are not held up.

No worker runs here, so admitted jobs stay queued; a worker's release is what a finished job does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from arq.jobs import Job, JobStatus

from core import fairness
from tests.e2e.stack import Stack, running_app

pytestmark = pytest.mark.asyncio(loop_scope="module")

LIMIT = 2


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    workspace = tmp_path_factory.mktemp("fairness")
    async with running_app(workspace, workspace_max_jobs=LIMIT) as running:
        yield running


async def status(stack: Stack, job_id: str) -> JobStatus:
    return await Job(job_id, stack.redis, _queue_name=stack.settings.queue_name).status()


async def test_a_workspace_at_its_limit_is_told_to_wait_and_others_are_not_held_up(
    stack: Stack,
) -> None:
    busy, calm = "TBUSYWS", "TCALMWS"
    queued = [(await stack.mention(f"revenue by region {n}", team_id=busy))[0] for n in (1, 2)]
    refused, _ = await stack.mention("revenue by region 3", team_id=busy)
    other, _ = await stack.mention("revenue by region", team_id=calm)

    assert [await status(stack, job) for job in queued] == [JobStatus.queued] * 2
    assert await status(stack, refused) == JobStatus.not_found
    assert await status(stack, other) == JobStatus.queued
    (told,) = stack.slack.calls_to("chat.postEphemeral")
    assert "already has 2 charts queued" in told.args["text"]
    assert told.args["user"] == "U0001"

    await fairness.release(stack.redis, busy, queued[0])  # a worker finished one of them
    again, _ = await stack.mention("revenue by region 4", team_id=busy)
    assert await status(stack, again) == JobStatus.queued


async def test_a_redelivered_event_counts_once(stack: Stack) -> None:
    team = "TREDELIVER"
    first, _ = await stack.mention("revenue by region", team_id=team)
    assert await fairness.in_flight(stack.redis, team) == 1
    assert await fairness.admit(stack.redis, team, first, limit=1, stale_after_s=60)
    assert await fairness.in_flight(stack.redis, team) == 1
