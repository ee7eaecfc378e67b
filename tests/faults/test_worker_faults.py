"""Workers and their dependencies failing, from outside: the real app and real workers as
processes, SIGKILLed mid-job (once, twice, after the upload), a private Redis killed for five
seconds, Docker unreachable at start. Each case records how long the person waited for a word."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.faults import report
from tests.faults.checks import assert_one_answer, placeholder_said_after
from tests.faults.harness import harness, is_progress

pytestmark = pytest.mark.timeout(150)


async def test_a_worker_killed_mid_job_is_noticed_the_person_told_and_the_job_run_again(
    tmp_path: Path,
) -> None:
    async with harness(tmp_path) as h:
        await h.start_app()
        first = await h.start_worker()
        asked = await h.ask()
        await h.until(lambda: bool(h.bot_messages(asked)), 60)  # the job is running
        first.kill()
        killed_at = time.monotonic()
        starting = asyncio.create_task(h.start_worker())  # the process manager starts another
        told = await h.until(lambda: h.saw_progress(asked, "trying again"), 60) - killed_at
        await starting
        assert told < 45  # the issue asks for under 60 s
        await assert_one_answer(h, asked)
    report.record("worker SIGKILL mid-job (once)", told, "told 'trying again', charted once")


async def test_a_job_whose_worker_is_killed_twice_ends_in_a_failure_with_the_request_id(
    tmp_path: Path,
) -> None:
    async with harness(tmp_path) as h:
        await h.start_app()
        worker = await h.start_worker()
        asked = await h.ask()
        await h.until(lambda: bool(h.bot_messages(asked)), 60)
        worker.kill()
        worker = await h.start_worker()
        await h.until(lambda: placeholder_said_after(h, asked, "trying again", "Reading"), 60)
        worker.kill()  # the second try dies too
        killed_at = time.monotonic()
        starting = asyncio.create_task(h.start_worker())
        done = await h.until(lambda: not is_progress(h.bot_messages(asked)[-1]["text"]), 60)
        told = done - killed_at
        await starting
        text = await assert_one_answer(h, asked, charted=False)
        assert "went wrong on my side" in text and asked.request_id in text
    report.record("worker SIGKILL mid-job (twice)", told, "failure message with the request id")


async def test_a_worker_killed_after_the_upload_does_not_upload_twice_on_the_rerun(
    tmp_path: Path,
) -> None:
    async with harness(tmp_path) as h:
        await h.start_app()
        worker = await h.start_worker()
        asked = await h.ask()
        await h.until(lambda: bool(h.uploads(asked)), 60)
        h.slack.http_faults["chat.update"] = [500] * 100  # the final edit can't get through…
        updates = len(h.slack.calls_to("chat.update"))
        await h.until(lambda: len(h.slack.calls_to("chat.update")) >= updates + 3, 30)
        worker.kill()  # …and the worker dies while retrying it
        killed_at = time.monotonic()
        h.slack.http_faults.clear()
        starting = asyncio.create_task(h.start_worker())
        told = await h.until(lambda: h.saw_progress(asked, "trying again"), 60) - killed_at
        await starting
        await assert_one_answer(h, asked)
    report.record("worker SIGKILL after Slack took the upload", told, "one upload, charted once")


async def test_redis_down_for_five_seconds_the_worker_waits_slack_redelivers_and_jobs_resume(
    tmp_path: Path,
) -> None:
    async with harness(tmp_path) as h:
        await h.start_app()
        worker = await h.start_worker()
        in_flight = await h.ask()
        await h.until(lambda: bool(h.bot_messages(in_flight)), 60)
        h.redis.kill()  # while a job runs
        killed_at = time.monotonic()
        asked = h.question()
        assert await h.deliver(asked) == 500  # not taken: Slack delivers it again
        assert (await h.health())["status"] == 503
        await asyncio.sleep(5)
        assert worker.alive
        await h.redis.start()

        async def worker_noted_outage() -> bool:
            body = await h.health()
            return body["status"] == 200 and any(
                w.get("redis") and "outage" in w["redis"] for w in body["workers"]
            )

        for _ in range(100):
            if await worker_noted_outage():
                break
            await asyncio.sleep(0.25)
        assert await worker_noted_outage()
        asked.asked_at = time.monotonic()
        assert await h.deliver(asked, retry_num=1) == 200
        waited = await h.first_word(asked)
        await h.final(in_flight)
        resumed_after = time.monotonic() - killed_at
        await assert_one_answer(h, in_flight)
        await assert_one_answer(h, asked)
        assert worker.alive
    report.record(
        "Redis down 5 s (event during the outage)", waited, "500, re-delivered, charted once"
    )
    report.record(
        "Redis down 5 s (a job in flight; time to its answer)",
        resumed_after,
        "run again, charted once",
    )


async def test_docker_unreachable_at_start_the_worker_stays_up_not_ready_and_answers_with_a_failure(
    tmp_path: Path,
) -> None:
    async with harness(
        tmp_path, SANDBOX_BACKEND="docker", SANDBOX_DOCKER_URL="unix:///nonexistent/docker.sock"
    ) as h:
        await h.start_app()
        worker = await h.start_worker()
        health = await h.health()
        assert health["status"] == 200 and health["ok"] is False  # alive, but can't answer
        assert (await h.health("/ready"))["status"] == 503
        assert [w["ready"] for w in health["workers"]] == [False]
        assert "Docker" in health["workers"][0]["warning"]
        asked = await h.ask()
        waited = await h.first_word(asked)
        text = await assert_one_answer(h, asked, charted=False)
        assert asked.request_id in text
        assert worker.alive
    report.record(
        "Docker unreachable at start (backend docker)",
        waited,
        "not ready (/ready 503); failure with request id",
    )
