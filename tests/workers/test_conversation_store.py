"""What a conversation keeps in Redis between questions, on the real local Redis: team-first
keys, the normalized Parquet under a size limit, the profile, the thread's askers and turns,
per-request progress, and feedback."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from redis.asyncio import Redis

from core import keys
from core.data_ref import DataRef
from core.feedback import record_vote, totals
from core.request import SharedFile
from core.request_state import RequestState
from core.thread_state import ThreadState, load_thread, save_thread
from planner.plan import ChartSpec, Plan
from tests.planner.conftest import orders_frame, profile_of
from workers.data_store import DataStore
from workers.pipeline import ReadyData
from workers.thread_memory import Conversation, load_turns, remember_turn


@pytest_asyncio.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url("redis://127.0.0.1:6379/0")
    yield client
    await client.aclose()


@pytest.fixture
def team() -> str:
    return f"T{uuid.uuid4().hex[:10].upper()}"


def ready_data(tmp_path: Path) -> ReadyData:
    frame = orders_frame()
    path = tmp_path / "data.parquet"
    frame.to_parquet(path, index=False)
    return ReadyData(path, profile_of(frame))


REF = DataRef(file=SharedFile(id="F1", name="orders.csv", version="1700000000", size=10))


async def test_kept_data_comes_back_byte_for_byte_under_the_workspaces_keys(
    redis: Redis, team: str, tmp_path: Path
) -> None:
    data = ready_data(tmp_path)
    store = DataStore(redis, max_bytes=10 * 1024 * 1024, ttl_s=60)

    assert await store.put(team, REF, data) is True
    back = await store.get(team, REF, tmp_path / "job2")

    assert back is not None
    assert back.parquet_path.read_bytes() == data.parquet_path.read_bytes()
    assert back.profile == data.profile
    stored = [k async for k in redis.scan_iter(match=keys.workspace_pattern(team))]
    assert len(stored) == 2 and all(k.startswith(f"chartroom:{team}:".encode()) for k in stored)
    assert 0 < await redis.ttl(keys.data(team, REF.identity())) <= 60


async def test_data_over_the_size_limit_keeps_only_its_profile(
    redis: Redis, team: str, tmp_path: Path
) -> None:
    store = DataStore(redis, max_bytes=100, ttl_s=60)

    assert await store.put(team, REF, ready_data(tmp_path)) is False

    assert await store.get(team, REF, tmp_path) is None
    assert await store.profile(team, REF) is not None


async def test_another_version_or_sheet_of_the_file_is_other_data(
    redis: Redis, team: str, tmp_path: Path
) -> None:
    store = DataStore(redis, max_bytes=10 * 1024 * 1024, ttl_s=60)
    await store.put(team, REF, ready_data(tmp_path))
    edited = DataRef(file=REF.file.model_copy(update={"version": "1700000099"}))
    other_sheet = DataRef(file=REF.file, sheet="Targets")
    assert await store.get(team, edited, tmp_path) is None
    assert await store.get(team, other_sheet, tmp_path) is None
    assert await store.get("TOTHER", REF, tmp_path) is None


async def test_a_thread_remembers_who_asked_and_the_file_in_play(redis: Redis, team: str) -> None:
    state = ThreadState().with_answer("U1", REF, "Ev1").with_answer("U2", None, "Ev2")
    await save_thread(redis, team, "C1", "1.0", state, ttl_s=60)

    back = await load_thread(redis, team, "C1", "1.0")

    assert back is not None
    assert back.askers == ["U1", "U2"] and back.asked_by("U2") and not back.asked_by("U3")
    assert back.data == REF and back.last_answer_id == "Ev2"
    assert await load_thread(redis, team, "C1", "2.0") is None


async def test_turns_are_kept_in_order_with_a_growing_version(redis: Redis, team: str) -> None:
    where = Conversation(team, "D1", "dm")
    for title in ("first", "second"):
        spec = ChartSpec(chart_type="bar", x="region", aggregate="count", title=title)
        await remember_turn(redis, where, f"q {title}", Plan(charts=[spec]), ttl_s=60)

    turns, version = await load_turns(redis, where)

    assert [t.plan.primary.title for t in turns] == ["first", "second"]
    assert version == 2


async def test_a_request_records_its_steps_for_a_rerun(redis: Redis, team: str) -> None:
    state = RequestState(redis, team, "Ev1")
    await state.set(placeholder_ts="9.9", user_id="U1")
    assert await state.get("placeholder_ts") == "9.9"
    assert await RequestState(redis, team, "Ev1").all() == {
        "placeholder_ts": "9.9",
        "user_id": "U1",
    }


async def test_a_changed_vote_moves_the_count_and_a_repeated_one_does_nothing(
    redis: Redis, team: str
) -> None:
    assert await record_vote(redis, team, "Ev1", "U1", "up")
    assert not await record_vote(redis, team, "Ev1", "U1", "up")
    assert await record_vote(redis, team, "Ev1", "U1", "down")
    assert await record_vote(redis, team, "Ev1", "U2", "down")
    assert await totals(redis, team) == {"up": 0, "down": 2}


async def test_the_same_vote_clicked_many_times_at_once_counts_once(
    redis: Redis, team: str
) -> None:
    counted = await asyncio.gather(
        *(record_vote(redis, team, "Ev2", "U1", "up") for _ in range(20))
    )
    assert counted.count(True) == 1
    assert await totals(redis, team) == {"up": 1, "down": 0}
