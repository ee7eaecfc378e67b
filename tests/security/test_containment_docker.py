"""Every payload, with the policy switched off, run in the real Docker executor: all contained.

The executor is called directly (no `PolicyCheckedExecutor`), so this is what the containers
alone do with hostile code. One batch runs all payloads (three lanes over a warm pool) with the
host's traps set (see `tests.security.containment`); the tests below read its outcomes.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from sandbox.docker_executor import DockerExecutor
from sandbox.docker_pool import EXECUTOR_LABEL
from tests.security import report
from tests.security.containment import Batch, run_batch
from tests.security.payloads import PAYLOADS, Payload

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(420)]

IMAGE = os.environ.get("SANDBOX_IMAGE", "chartroom-sandbox:latest")  # a branch's own build
POOL_SIZE = 3
TIMEOUT_S = 8.0
MARGIN_S = 10.0  # cold container start and removal, on a busy two-core machine
JOB_FILES = {"data.parquet", "code.py", "ready"}  # what the executor itself writes


async def _labelled_containers(executor_id: str) -> list[str]:
    proc = await asyncio.create_subprocess_exec(
        "docker",
        "ps",
        "--all",
        "--quiet",
        "--filter",
        f"label={EXECUTOR_LABEL}={executor_id}",
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0
    return out.decode().split()


class DockerRun:
    def __init__(self, batch: Batch, during: list[str], after: list[str], job_files: list[str]):
        self.batch = batch
        self.containers_during = during
        self.containers_after = after
        self.foreign_job_files = job_files


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def docker_run(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DockerRun]:
    root = tmp_path_factory.mktemp("docker-containment")
    slack = f"xoxb-canary-{uuid.uuid4().hex}"
    openai = f"sk-canary-{uuid.uuid4().hex}"
    with pytest.MonkeyPatch.context() as mp:
        # In the worker's own environment, as a real worker has them.
        mp.setenv("SLACK_BOT_TOKEN", slack)
        mp.setenv("OPENAI_API_KEY", openai)
        executor = DockerExecutor(
            image=IMAGE,
            timeout_s=TIMEOUT_S,
            cpu_s=5,
            memory_mb=512,
            cpus=1.0,
            pids_limit=64,
            max_output_bytes=5 * 1024 * 1024,
            pool_size=POOL_SIZE,
            jobs_dir=root / "jobs",
        )
        await executor.start()
        try:
            batch = await run_batch(
                executor,
                PAYLOADS,
                root=root,
                env_secrets=[slack, openai],
                canary_env="SLACK_BOT_TOKEN",
                timeout_s=TIMEOUT_S,
                margin_s=MARGIN_S,
                lanes=3,
            )
            during = await _labelled_containers(executor.executor_id)
            job_files = sorted(
                str(p.relative_to(executor.jobs_dir))
                for p in executor.jobs_dir.rglob("*")
                if p.is_file() and p.name not in JOB_FILES
            )
        finally:
            await executor.aclose()
        after = await _labelled_containers(executor.executor_id)
    report.record("docker", batch)
    yield DockerRun(batch, during, after, job_files)


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.test_id)
async def test_payload_is_contained(docker_run: DockerRun, payload: Payload) -> None:
    outcome = docker_run.batch.outcomes[payload.test_id]
    assert outcome.contained, (
        f"{payload.test_id} was not contained by Docker ({outcome.ended}, "
        f"{outcome.elapsed_s:.1f} s):\n"
        + "\n".join(f"  {p}" for p in outcome.problems)
        + f"\n--- code ---\n{payload.code}\n--- what came back ---\n{outcome.detail[:1500]}"
    )


async def test_nothing_written_on_the_host(docker_run: DockerRun) -> None:
    assert docker_run.batch.stray_files == []


async def test_job_folders_hold_only_what_the_executor_wrote(docker_run: DockerRun) -> None:
    assert docker_run.foreign_job_files == []


async def test_no_containers_left_beyond_the_pool(docker_run: DockerRun) -> None:
    assert len(docker_run.containers_during) <= POOL_SIZE
    assert docker_run.containers_after == []


async def test_worker_memory_stays_flat(docker_run: DockerRun) -> None:
    # Floods of output and giant figures must be capped before they reach the worker.
    assert docker_run.batch.worker_rss_growth_mb < 400


async def test_runs_end_within_their_limits(docker_run: DockerRun) -> None:
    slowest = max(docker_run.batch.outcomes.values(), key=lambda o: o.elapsed_s)
    assert slowest.elapsed_s <= TIMEOUT_S + MARGIN_S, slowest.payload.test_id
    print(
        f"docker batch: {len(PAYLOADS)} payloads in {docker_run.batch.wall_s:.0f} s; slowest "
        f"{slowest.payload.test_id} {slowest.elapsed_s:.1f} s ({slowest.ended})"
    )
