"""What Chartroom remembers about an answer (for the buttons under it), kept in Redis with a TTL."""

from __future__ import annotations

from pydantic import BaseModel
from redis.asyncio import Redis


class AnswerRecord(BaseModel):
    request_id: str
    channel_id: str
    thread_ts: str
    file_name: str
    question: str
    plan_json: str
    code: str


def _key(request_id: str) -> str:
    return f"chartroom:answer:{request_id}"


async def save_answer(redis: Redis, record: AnswerRecord, *, ttl_s: int) -> None:
    await redis.set(_key(record.request_id), record.model_dump_json(), ex=ttl_s)


async def load_answer(redis: Redis, request_id: str) -> AnswerRecord | None:
    raw = await redis.get(_key(request_id))
    return None if raw is None else AnswerRecord.model_validate_json(raw)
