"""`/plot forget` and "@Chartroom forget": delete what Chartroom keeps about a conversation.

For a thread (or a DM, whose conversation id is "dm"), or every conversation of a channel: the
thread state and its turns, the kept data and profile of the files they used, the answer records
of answers given there (with their request state and votes), and their lines in the App Home's
latest charts. Cached answers are not indexed by conversation; they expire after
`PLAN_CACHE_TTL_S` and can only be read by the same workspace asking about the same bytes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from pydantic import ValidationError
from redis.asyncio import Redis

from core import keys
from core.records import AnswerRecord, RecentAnswer
from core.thread_state import ThreadState


@dataclass(frozen=True)
class Forgotten:
    conversations: int
    files: int
    answers: int


async def forget_conversations(
    redis: Redis, team_id: str, channel_id: str, conversation_id: str | None = None
) -> Forgotten:
    """Forget one conversation of the channel, or all of them when `conversation_id` is None."""
    doomed: set[str] = set()
    conversations, files = await _threads(redis, team_id, channel_id, conversation_id, doomed)
    answers = await _answers(redis, team_id, channel_id, conversation_id, doomed)
    if doomed:
        await redis.unlink(*doomed)
    await _drop_recent(redis, team_id, channel_id, conversation_id)
    return Forgotten(conversations, files, answers)


async def _threads(
    redis: Redis, team_id: str, channel_id: str, conversation_id: str | None, doomed: set[str]
) -> tuple[int, int]:
    if conversation_id is not None:
        bases = [keys.conversation(team_id, channel_id, conversation_id)]
    else:
        prefix = keys.conversation(team_id, channel_id, "_")[:-1]
        bases = [
            key
            async for key in _scan(redis, prefix + "*")
            if not key.endswith((":turns", ":version"))
        ]
    conversations, identities = 0, set()
    for base in bases:
        raw = await redis.get(base)
        if raw is None:
            continue
        conversations += 1
        doomed.update((base, f"{base}:turns", f"{base}:version"))
        try:
            state = ThreadState.model_validate_json(raw)
        except ValidationError:
            continue
        if state.data is not None:
            identities.add(state.data.identity())
    for identity in identities:
        doomed.update((keys.data(team_id, identity), keys.profile(team_id, identity)))
    return conversations, len(identities)


async def _answers(
    redis: Redis, team_id: str, channel_id: str, conversation_id: str | None, doomed: set[str]
) -> int:
    count = 0
    async for key in _scan(redis, keys.record(team_id, "_")[:-1] + "*"):
        raw = await redis.get(key)
        if raw is None:
            continue
        try:
            record = AnswerRecord.model_validate_json(raw)
        except ValidationError:
            continue
        if _here(record.channel_id, record.thread_ts, channel_id, conversation_id):
            count += 1
            doomed.update(
                (
                    key,
                    keys.request(team_id, record.request_id),
                    keys.feedback_votes(team_id, record.request_id),
                )
            )
    return count


async def _drop_recent(
    redis: Redis, team_id: str, channel_id: str, conversation_id: str | None
) -> None:
    key = keys.recent_answers(team_id)
    raw: list[str | bytes] = await redis.lrange(key, 0, -1)  # type: ignore[misc]
    kept = []
    for item in raw:
        try:
            line = RecentAnswer.model_validate_json(item)
        except ValidationError:
            continue
        if not _here(line.channel_id, line.thread_ts, channel_id, conversation_id):
            kept.append(item)
    if len(kept) == len(raw):
        return
    ttl = await redis.ttl(key)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(key)
        if kept:
            pipe.rpush(key, *kept)
            if ttl > 0:
                pipe.expire(key, ttl)
        await pipe.execute()


def _here(channel: str, thread_ts: str, channel_id: str, conversation_id: str | None) -> bool:
    if channel != channel_id:
        return False
    return conversation_id in (None, "dm") or thread_ts == conversation_id


async def _scan(redis: Redis, pattern: str) -> AsyncIterator[str]:
    async for key in redis.scan_iter(match=pattern, count=500):
        yield key.decode() if isinstance(key, bytes) else str(key)
