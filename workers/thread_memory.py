"""What a thread has asked so far: questions and the plans that answered them, in Redis.

Follow-ups ("make it a line chart", "only 2024") are planned with the thread's earlier turns in
the prompt, and the number of turns is the thread's context version in the answer cache's key.
"""

from __future__ import annotations

import json

from pydantic import ValidationError
from redis.asyncio import Redis

from core.logs import get_logger
from core.request import PlotRequest
from planner.plan import Plan
from planner.prompt import MAX_HISTORY_TURNS, Turn

log = get_logger(__name__)

KEY_PREFIX = "chartroom:thread"
THREAD_TTL_S = 7 * 24 * 3600
MAX_TURNS_KEPT = 20


def thread_key(request: PlotRequest) -> str:
    return f"{KEY_PREFIX}:{request.team_id}:{request.channel_id}:{request.thread_ts}"


async def load_turns(redis: Redis, request: PlotRequest) -> tuple[list[Turn], int]:
    """The last turns (oldest first) and the thread's version (how many turns it has had)."""
    key = thread_key(request)
    version = int(await redis.get(f"{key}:version") or 0)
    raw: list[bytes | str] = await redis.lrange(key, -MAX_HISTORY_TURNS, -1)  # type: ignore[misc]
    turns: list[Turn] = []
    for item in raw:
        try:
            data = json.loads(item)
            turns.append(
                Turn(question=str(data["question"]), plan=Plan.model_validate(data["plan"]))
            )
        except (ValueError, KeyError, TypeError, ValidationError):
            log.warning("skipping an unreadable thread turn", key=key)
    return turns, version


async def remember_turn(redis: Redis, request: PlotRequest, plan: Plan) -> None:
    key = thread_key(request)
    turn = json.dumps({"question": request.text, "plan": plan.model_dump(mode="json")})
    async with redis.pipeline(transaction=True) as pipe:
        pipe.rpush(key, turn)
        pipe.ltrim(key, -MAX_TURNS_KEPT, -1)
        pipe.expire(key, THREAD_TTL_S)
        # A counter, not the list's length: the list is trimmed, the version must keep growing.
        pipe.incr(f"{key}:version")
        pipe.expire(f"{key}:version", THREAD_TTL_S)
        await pipe.execute()
