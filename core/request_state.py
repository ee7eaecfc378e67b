"""What one job has already done in Slack, recorded per request so a re-run resumes instead of
repeating: the /plot thread root and the placeholder it edits. Also who asked (only they may
cancel) and whether someone cancelled it.

One Redis hash per request (`core.keys.request`), kept for a day.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from core import keys

REQUEST_STATE_TTL_S = 24 * 3600


@dataclass(frozen=True)
class RequestState:
    redis: Redis
    team_id: str
    request_id: str

    @property
    def key(self) -> str:
        return keys.request(self.team_id, self.request_id)

    async def get(self, field: str) -> str | None:
        value = await self.redis.hget(self.key, field)  # type: ignore[misc]
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    async def set(self, **fields: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.key, mapping=fields)
            pipe.expire(self.key, REQUEST_STATE_TTL_S)
            await pipe.execute()

    async def all(self) -> dict[str, str]:
        raw = await self.redis.hgetall(self.key)  # type: ignore[misc]
        return {
            (k.decode() if isinstance(k, bytes) else str(k)): (
                v.decode() if isinstance(v, bytes) else str(v)
            )
            for k, v in raw.items()
        }
