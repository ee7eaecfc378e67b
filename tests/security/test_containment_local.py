"""Every payload, with the policy switched off, run in the real `LocalExecutor` (bubblewrap).

The same batch and traps as the Docker test (see `tests.security.containment`). The local
sandbox has no cgroup, so `LOCAL_CONTAINS` says, per category, whether it claims to contain it.
Claimed categories must be fully contained. Unclaimed ones must still do nothing to the host
(no network, no writes, no secrets); what else happened is recorded in the summary.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from sandbox.local import LocalExecutor
from tests.security import report
from tests.security.containment import Batch, run_batch
from tests.security.payloads import PAYLOADS, Payload, categories

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(420)]

TIMEOUT_S = 8.0
MARGIN_S = 10.0

# What the local sandbox claims to contain, by category (see sandbox/local.py): namespaces with no
# network and an empty read-only root, a cleared environment, rlimits for CPU, address space and
# file size, a tmpfs /tmp, and a seccomp filter that refuses fork(): no process bombs, and no
# memory spread across processes. False would mean "only Docker contains it"; the payloads of a
# False category must still do nothing to the host.
LOCAL_CONTAINS: dict[str, bool] = {
    "imports": True,
    "dynamic_import": True,
    "via_libraries": True,
    "object_walks": True,
    "string_attributes": True,
    "encoded_exec": True,
    "code_objects": True,
    "unicode": True,
    "pickle": True,
    "ctypes": True,
    "network": True,
    "remote_readers": True,
    "host_files": True,
    "environment": True,
    "writes": True,
    "figure_io": True,
    "query_injection": True,
    "process_bombs": True,  # seccomp refuses fork/clone without CLONE_THREAD
    "memory_bombs": True,  # RLIMIT_AS, and no second process to spread over
    "cpu_time": True,
    "output_floods": True,
    # /tmp is a 64 MB tmpfs, but /dev (and /dev/shm) is a tmpfs without a size. See dev_shm_fill.
    "disk_fill": True,
    "persistence": True,  # the process group is killed; bwrap's pid namespace dies with it
    "result_forgery": True,
    "introspection": True,
    # The sandbox's uid maps to the worker's; a worker running as root (the usual case in its
    # container) gets kuid 0 inside, and /proc/sys is not read-only. See proc_sys_write.
    "privilege": True,
    "giant_figures": True,
}


class LocalRun:
    def __init__(self, batch: Batch, children: list[str]) -> None:
        self.batch = batch
        self.children_left = children


def _children() -> list[str]:
    """This process's live child processes (a sandbox left running would be one)."""
    mine = str(os.getpid())
    found: list[str] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # it ended while we looked
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == mine and not fields.get("State", "").startswith("Z"):
            found.append(f"{entry.name}: {cmdline[:120]}")
    return found


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def local_run(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalRun]:
    root = tmp_path_factory.mktemp("local-containment")
    slack = f"xoxb-canary-{uuid.uuid4().hex}"
    openai = f"sk-canary-{uuid.uuid4().hex}"
    # Children from earlier tests in this process (the ingest fork server) are not the batch's.
    before = set(_children())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SLACK_BOT_TOKEN", slack)
        mp.setenv("OPENAI_API_KEY", openai)
        executor = LocalExecutor(
            timeout_s=TIMEOUT_S, cpu_s=4, memory_mb=1024, max_output_bytes=5 * 1024 * 1024
        )
        await executor.check()
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
        finally:
            await executor.aclose()
    report.record("local", batch)
    yield LocalRun(batch, [child for child in _children() if child not in before])


async def test_every_category_has_a_claim() -> None:
    assert set(LOCAL_CONTAINS) == set(categories())


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.test_id)
async def test_payload_is_contained(local_run: LocalRun, payload: Payload) -> None:
    outcome = local_run.batch.outcomes[payload.test_id]
    claimed = LOCAL_CONTAINS[payload.category]
    problems = outcome.problems if claimed else outcome.host_problems
    assert not problems, (
        f"{payload.test_id} was not contained by the local sandbox ({outcome.ended}, "
        f"{outcome.elapsed_s:.1f} s; LOCAL_CONTAINS says {claimed}):\n"
        + "\n".join(f"  {p}" for p in problems)
        + f"\n--- code ---\n{payload.code}\n--- what came back ---\n{outcome.detail[:1500]}"
    )


async def test_nothing_written_on_the_host(local_run: LocalRun) -> None:
    assert local_run.batch.stray_files == []


async def test_no_sandbox_process_outlives_the_batch(local_run: LocalRun) -> None:
    assert local_run.children_left == []


async def test_worker_memory_stays_flat(local_run: LocalRun) -> None:
    assert local_run.batch.worker_rss_growth_mb < 400
