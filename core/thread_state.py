"""What a conversation (a thread, or a whole DM) remembers between questions, in Redis.

The handler reads it to tell a follow-up from chatter (did Chartroom answer here, and who asked);
the worker reads it to reuse the file in play without asking Slack again (no files.info, no
download, no conversations.replies for a thread it has seen). The plans so far live beside it
(`workers.thread_memory`), under the same key prefix.
"""

from __future__ import annotations

import time

from pydantic import BaseModel, Field, ValidationError
from redis.asyncio import Redis

from core import keys
from core.data_ref import DataRef
from core.logs import get_logger

log = get_logger(__name__)

MAX_ASKERS = 50


class ThreadState(BaseModel):
    askers: list[str] = Field(default_factory=list)  # who asked Chartroom here, first asker first
    data: DataRef | None = None  # the file (and sheet) in play
    last_answer_id: str | None = None
    updated_at: float = Field(default_factory=time.time)

    def asked_by(self, user_id: str) -> bool:
        return bool(user_id) and user_id in self.askers

    def with_answer(
        self, user_id: str, data: DataRef | None, answer_id: str | None = None
    ) -> ThreadState:
        askers = self.askers if user_id in self.askers or not user_id else [*self.askers, user_id]
        return ThreadState(
            askers=askers[-MAX_ASKERS:],
            data=data or self.data,
            last_answer_id=answer_id or self.last_answer_id,
        )

    @staticmethod
    def updated(
        state: ThreadState | None, user_id: str, data: DataRef | None, answer_id: str | None = None
    ) -> ThreadState:
        return (state or ThreadState()).with_answer(user_id, data, answer_id)


async def load_thread(
    redis: Redis, team_id: str, channel_id: str, conversation_id: str
) -> ThreadState | None:
    raw = await redis.get(keys.conversation(team_id, channel_id, conversation_id))
    if raw is None:
        return None
    try:
        return ThreadState.model_validate_json(raw)
    except ValidationError:
        log.warning("thread state of another shape; treated as a new thread")
        return None


async def save_thread(
    redis: Redis,
    team_id: str,
    channel_id: str,
    conversation_id: str,
    state: ThreadState,
    *,
    ttl_s: int,
) -> None:
    key = keys.conversation(team_id, channel_id, conversation_id)
    await redis.set(key, state.model_dump_json(), ex=ttl_s)
