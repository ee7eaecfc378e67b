"""What Chartroom remembers about an answer (for the buttons under it, and the App Home), kept in
Redis with a TTL under the workspace's keys."""

from __future__ import annotations

import json
import time

from pydantic import BaseModel, Field, ValidationError
from redis.asyncio import Redis

from core import keys
from core.chart_table import ChartTable
from core.data_ref import DataRef
from core.logs import get_logger

log = get_logger(__name__)

RECORD_TTL_S = 7 * 24 * 3600
RECENT_KEPT = 20
RECENT_TTL_S = 30 * 24 * 3600


class AnswerRecord(BaseModel):
    request_id: str
    team_id: str
    channel_id: str
    thread_ts: str
    user_id: str = ""
    file_name: str
    question: str
    title: str = ""
    chart_type: str = ""
    plan_json: str
    code: str
    data: DataRef | None = None  # None for answers whose file is not a Slack file
    chart_data: ChartTable | None = None
    created_at: float = Field(default_factory=time.time)


class RecentAnswer(BaseModel):
    """One line of the App Home's "latest charts"."""

    request_id: str
    title: str
    chart_type: str
    channel_id: str
    thread_ts: str
    user_id: str
    created_at: float
    is_dm: bool = False


async def save_answer(
    redis: Redis, record: AnswerRecord, *, ttl_s: int = RECORD_TTL_S, is_dm: bool = False
) -> None:
    recent = RecentAnswer(
        request_id=record.request_id,
        title=record.title,
        chart_type=record.chart_type,
        channel_id=record.channel_id,
        thread_ts=record.thread_ts,
        user_id=record.user_id,
        created_at=record.created_at,
        is_dm=is_dm,
    )
    recent_key = keys.recent_answers(record.team_id)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(keys.record(record.team_id, record.request_id), record.model_dump_json(), ex=ttl_s)
        pipe.lpush(recent_key, recent.model_dump_json())
        pipe.ltrim(recent_key, 0, RECENT_KEPT - 1)
        pipe.expire(recent_key, RECENT_TTL_S)
        await pipe.execute()


async def load_answer(redis: Redis, team_id: str, request_id: str) -> AnswerRecord | None:
    raw = await redis.get(keys.record(team_id, request_id))
    if raw is None:
        return None
    try:
        return AnswerRecord.model_validate_json(raw)
    except ValidationError:
        log.warning("answer record of another shape; treated as expired", request_id=request_id)
        return None


async def recent_answers(redis: Redis, team_id: str, limit: int = 10) -> list[RecentAnswer]:
    raw: list[bytes | str] = await redis.lrange(  # type: ignore[misc]
        keys.recent_answers(team_id), 0, limit - 1
    )
    found: list[RecentAnswer] = []
    for item in raw:
        try:
            found.append(RecentAnswer.model_validate(json.loads(item)))
        except (ValueError, ValidationError):
            log.warning("skipping an unreadable recent answer", team_id=team_id)
    return found
