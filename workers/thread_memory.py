"""What a conversation has asked so far: questions and the plans that answered them, in Redis.

Follow-ups ("make it a line chart", "only 2024") are read against the last plan, the LLM planner
gets the earlier turns in its prompt, and the number of turns is the conversation's context
version in the answer cache's key. Kept under the conversation's key (`core.keys.conversation`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import ValidationError
from redis.asyncio import Redis

from core import keys
from core.logs import get_logger
from core.thread_state import ThreadState, save_thread
from planner.plan import Plan
from planner.prompt import MAX_HISTORY_TURNS, Turn

log = get_logger(__name__)

MAX_TURNS_KEPT = 20


@dataclass(frozen=True)
class Conversation:
    """Where: the workspace, the channel, and the thread's root ts (or "dm" for a whole DM)."""

    team_id: str
    channel_id: str
    conversation_id: str

    @property
    def key(self) -> str:
        return keys.conversation(self.team_id, self.channel_id, self.conversation_id)


async def load_turns(redis: Redis, where: Conversation) -> tuple[list[Turn], int]:
    """The last turns (oldest first) and the conversation's version (how many turns it had)."""
    turns_key = f"{where.key}:turns"
    version = int(await redis.get(f"{where.key}:version") or 0)
    raw: list[bytes | str] = await redis.lrange(turns_key, -MAX_HISTORY_TURNS, -1)  # type: ignore[misc]
    turns: list[Turn] = []
    for item in raw:
        try:
            data = json.loads(item)
            turns.append(
                Turn(question=str(data["question"]), plan=Plan.model_validate(data["plan"]))
            )
        except (ValueError, KeyError, TypeError, ValidationError):
            log.warning("skipping an unreadable thread turn", key=turns_key)
    return turns, version


async def remember_turn(
    redis: Redis, where: Conversation, question: str, plan: Plan, *, ttl_s: int
) -> None:
    turns_key, version_key = f"{where.key}:turns", f"{where.key}:version"
    turn = json.dumps({"question": question, "plan": plan.model_dump(mode="json")})
    async with redis.pipeline(transaction=True) as pipe:
        pipe.rpush(turns_key, turn)
        pipe.ltrim(turns_key, -MAX_TURNS_KEPT, -1)
        pipe.expire(turns_key, ttl_s)
        # A counter, not the list's length: the list is trimmed, the version must keep growing.
        pipe.incr(version_key)
        pipe.expire(version_key, ttl_s)
        await pipe.execute()


async def remember_asker(
    redis: Redis, where: Conversation, state: ThreadState, *, ttl_s: int
) -> None:
    """Save the conversation's state (who asked, the file in play)."""
    await save_thread(
        redis, where.team_id, where.channel_id, where.conversation_id, state, ttl_s=ttl_s
    )
