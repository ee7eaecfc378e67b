"""Thumbs up/down on answers, per workspace, in Redis.

chartroom:{team}:feedback:{request_id}   hash user → "up"/"down" (one vote per person)
chartroom:{team}:feedback                hash "up"/"down" → count for the workspace
"""

from __future__ import annotations

from typing import Literal

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from core import keys

Vote = Literal["up", "down"]
FEEDBACK_TTL_S = 90 * 24 * 3600


async def record_vote(
    redis: Redis, team_id: str, request_id: str, user_id: str, vote: Vote
) -> bool:
    """Record `user_id`'s vote on an answer. False when it repeats their earlier vote (nothing
    counted); a changed vote moves one count from the old side to the new."""
    votes_key, totals_key = keys.feedback_votes(team_id, request_id), keys.feedback_totals(team_id)
    counted = False

    async def update(pipe: Pipeline) -> None:
        # Read and write under WATCH: two clicks landing together (Slack runs the lazy
        # listeners concurrently) must not both count.
        nonlocal counted
        previous = await pipe.hget(votes_key, user_id)  # type: ignore[misc]
        previous_vote = previous.decode() if isinstance(previous, bytes) else previous
        counted = previous_vote != vote
        if not counted:
            return
        pipe.multi()  # type: ignore[no-untyped-call]
        pipe.hset(votes_key, user_id, vote)
        pipe.expire(votes_key, FEEDBACK_TTL_S)
        pipe.hincrby(totals_key, vote, 1)
        if previous_vote in ("up", "down"):
            pipe.hincrby(totals_key, str(previous_vote), -1)

    await redis.transaction(update, votes_key)
    return counted


async def totals(redis: Redis, team_id: str) -> dict[str, int]:
    raw = await redis.hgetall(keys.feedback_totals(team_id))  # type: ignore[misc]
    counts = {"up": 0, "down": 0}
    for k, v in raw.items():
        name = k.decode() if isinstance(k, bytes) else str(k)
        if name in counts:
            counts[name] = int(v)
    return counts
